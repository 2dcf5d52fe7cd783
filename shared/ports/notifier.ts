/** The contract's notification: never a password, never a URL. */
export interface GuidanceReadyNotification {
  readonly type: 'guidance.ready';
  readonly app_user_id: string;
  readonly company_identification_number: string;
  readonly session_expires_at: string;
}

/** Tells the user's devices a guidance is ready (SNS in AWS, an outbox locally). */
export interface Notifier {
  publish(notification: GuidanceReadyNotification, correlationId: string): Promise<void>;
}
