import type { GUIDANCE_READY_NOTIFICATION } from '../domain/event-types';
/** The contract's notification: never a password, never a URL. */
export interface GuidanceReadyNotification {
  readonly type: typeof GUIDANCE_READY_NOTIFICATION;
  readonly app_user_id: string;
  readonly company_identification_number: string;
  readonly session_expires_at: string;
}

/** Travels beside the message (SNS message attributes), never inside it. */
export interface NotificationMeta {
  readonly correlationId: string;
  /** The guidance event behind it: lets a push service drop a duplicate delivery. */
  readonly eventKey: string;
}

/** Tells the user's devices a guidance is ready (SNS in AWS, an outbox locally). */
export interface Notifier {
  publish(notification: GuidanceReadyNotification, meta: NotificationMeta): Promise<void>;
}
