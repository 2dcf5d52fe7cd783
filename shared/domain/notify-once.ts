import { TransientFailure } from './errors';
import { sleep } from './retry';
import type { GuidanceStore, NotificationKind } from '../ports/guidance-store';
import type { GuidanceReadyNotification, NotificationMeta, Notifier } from '../ports/notifier';

const RELEASE_ATTEMPTS = 3;
const RELEASE_BACKOFF_MS = 50;

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
}

/**
 * Publish a notification at most once per key:
 * 1. claim it on the guidance record (already claimed: false, nothing sent);
 * 2. publish;
 * 3. if publishing failed, release the claim (retried a few times) so a retry publishes.
 * Only a failed publish whose release also failed three times loses a notification; the guidance
 * still shows in `GET /guidance`. A failure after a successful publish can never send a second one.
 */
export async function notifyOnce(
  notification: GuidanceReadyNotification,
  target: { kind: NotificationKind; meta: NotificationMeta },
  deps: NotifyOnceDeps,
): Promise<boolean> {
  const { app_user_id: appUserId, company_identification_number: company } = notification;
  const { kind, meta } = target;
  if (!(await deps.store.claimNotification(appUserId, company, kind, meta.eventKey))) return false;
  try {
    await deps.notifier.publish(notification, meta);
  } catch (error) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await deps.store.releaseNotification(appUserId, company, kind, meta.eventKey);
        break;
      } catch (releaseError) {
        if (attempt >= RELEASE_ATTEMPTS) {
          throw new TransientFailure('notification_unconfirmed', 'Publishing failed and its claim could not be released.', {
            cause: releaseError,
          });
        }
        await sleep(RELEASE_BACKOFF_MS * attempt);
      }
    }
    throw error;
  }
  return true;
}
