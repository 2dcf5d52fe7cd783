import { TransientFailure } from './errors';
import { sleep } from './retry';
import type { Clock } from '../ports/clock';
import type { GuidanceStore, NotificationKind } from '../ports/guidance-store';
import type { GuidanceReadyNotification, NotificationMeta, Notifier } from '../ports/notifier';

const WRITE_ATTEMPTS = 3;
const WRITE_BACKOFF_MS = 50;

/** The contract's notification: ids and the expiry, never the password or URL. */
export function guidanceReady(appUserId: string, company: string, sessionExpiresAt: number): GuidanceReadyNotification {
  return {
    type: 'guidance.ready',
    app_user_id: appUserId,
    company_identification_number: company,
    session_expires_at: new Date(sessionExpiresAt).toISOString(),
  };
}

export interface NotifyOnceDeps {
  readonly store: GuidanceStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
}

/**
 * How long a claim holds before another attempt may take it over: the rest of this invocation
 * (Lambda stops it at its timeout; the queue redelivers only after 6× that) plus a margin for
 * clock skew between Lambda hosts. Without a deadline (tests, scripts): one minute.
 */
export const CLAIM_LEASE_MARGIN_MS = 2_000;
export const DEFAULT_CLAIM_LEASE_MS = 60_000;

/**
 * Publish a notification once per key:
 * 1. claim it on the guidance record, as a lease (published already: false, nothing sent; claimed
 *    by an attempt that has not confirmed and whose lease has not lapsed: a transient failure);
 * 2. publish;
 * 3. confirm the claim (it is then never taken over), or, if publishing failed, release it so a
 *    retry publishes.
 * A holder that dies between claim and confirm leaves a lease that lapses, so the next delivery
 * publishes: a notification is not lost to a crash or a timeout. Only a crash after the publish and
 * before the confirm can send a second one, which the `event_key` attribute lets consumers drop.
 */
export async function notifyOnce(
  notification: GuidanceReadyNotification,
  target: { kind: NotificationKind; meta: NotificationMeta; leaseMs?: number },
  deps: NotifyOnceDeps,
): Promise<boolean> {
  const { app_user_id: appUserId, company_identification_number: company } = notification;
  const { kind, meta } = target;
  const nowMs = deps.clock.now();
  const lease = { nowMs, untilMs: nowMs + (target.leaseMs ?? DEFAULT_CLAIM_LEASE_MS) };
  const claim = await deps.store.claimNotification(appUserId, company, kind, meta.eventKey, lease);
  if (claim === 'done') return false;
  if (claim === 'in_flight') {
    throw new TransientFailure('notification_in_flight', 'Another attempt claimed this notification and has not confirmed it yet.');
  }
  try {
    await deps.notifier.publish(notification, meta);
  } catch (error) {
    await withRetries(() => deps.store.releaseNotification(appUserId, company, kind, meta.eventKey), (releaseError) => {
      throw new TransientFailure('notification_unconfirmed', 'Publishing failed and its claim could not be released.', { cause: releaseError });
    });
    throw error;
  }
  // Published: a failed confirm only leaves a lease that lapses, and this event's record completes
  // now (idempotency), so nothing takes it over.
  await withRetries(() => deps.store.confirmNotification(appUserId, company, kind, meta.eventKey), () => undefined);
  return true;
}

async function withRetries(write: () => Promise<void>, onGiveUp: (error: unknown) => void): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await write();
      return;
    } catch (error) {
      if (attempt >= WRITE_ATTEMPTS) return onGiveUp(error);
      await sleep(WRITE_BACKOFF_MS * attempt);
    }
  }
}
