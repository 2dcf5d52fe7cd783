import { TransientFailure } from './errors';
import { GUIDANCE_READY_NOTIFICATION } from './event-types';
import { sleep } from './retry';
import type { Clock } from '../ports/clock';
import type { GuidanceStore, NotificationKind } from '../ports/guidance-store';
import type { GuidanceReadyNotification, NotificationMeta, Notifier } from '../ports/notifier';

const WRITE_ATTEMPTS = 3;
const WRITE_BACKOFF_MS = 50;

/** The contract's notification: ids and the expiry, never the password or URL. */
export function guidanceReady(appUserId: string, company: string, sessionExpiresAt: number): GuidanceReadyNotification {
  return {
    type: GUIDANCE_READY_NOTIFICATION,
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

/** A second delivery met this event (or renewal) in progress elsewhere: its claim holds and has not lapsed. */
export const EVENT_IN_PROGRESS = 'event_in_progress';

export interface ClaimTarget {
  readonly appUserId: string;
  readonly company: string;
  readonly kind: NotificationKind;
  readonly key: string;
  readonly leaseMs?: number;
}

/**
 * Claims the one notification of `key` before any work is done, as a lease on the guidance record:
 * this claim is also what makes processing exactly-once (no separate idempotency record).
 * `done`: published already, or the event is no longer the newest: nothing to do. A claim held by
 * another attempt whose lease has not lapsed throws a transient `event_in_progress`.
 * A holder that dies leaves a lease that lapses, so the next delivery takes it over.
 */
export async function claimOnce(target: ClaimTarget, deps: NotifyOnceDeps): Promise<'claimed' | 'done'> {
  const nowMs = deps.clock.now();
  const lease = { nowMs, untilMs: nowMs + (target.leaseMs ?? DEFAULT_CLAIM_LEASE_MS) };
  const claim = await deps.store.claimNotification(target.appUserId, target.company, target.kind, target.key, lease);
  if (claim === 'in_flight') throw new TransientFailure(EVENT_IN_PROGRESS, 'Another attempt holds this event and has not finished yet.');
  return claim;
}

/**
 * Runs `work` under a claim taken with `claimOnce`: if it throws, the claim is released (so a retry
 * may claim again at once) and the error goes on; a failed release leaves a lease that lapses.
 */
export async function underClaim<T>(target: ClaimTarget, deps: NotifyOnceDeps, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await releaseClaim(target, deps);
    throw error;
  }
}

export async function releaseClaim(target: ClaimTarget, deps: NotifyOnceDeps): Promise<void> {
  await withRetries(() => deps.store.releaseNotification(target.appUserId, target.company, target.kind, target.key), () => undefined);
}

/**
 * Publishes the claimed notification, then confirms the claim (it is then never taken over). A
 * failed publish throws (the caller's `underClaim` releases the claim, so a retry publishes). Only
 * a crash after the publish and before the confirm can send a second one, which the `event_key`
 * attribute lets consumers drop.
 */
export async function publishClaimed(
  notification: GuidanceReadyNotification,
  target: ClaimTarget & { meta: NotificationMeta },
  deps: NotifyOnceDeps,
): Promise<void> {
  await deps.notifier.publish(notification, target.meta);
  // Published: a failed confirm (three writes in a row) only leaves a lease that lapses; this
  // record still completes, so only a later copy of the event could publish again (event_key).
  await withRetries(() => deps.store.confirmNotification(target.appUserId, target.company, target.kind, target.key), () => undefined);
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
