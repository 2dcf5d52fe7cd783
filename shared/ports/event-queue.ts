import type { GuidanceEvent } from '../domain/guidance-event';
import type { SessionRenewal } from '../domain/session-renewal';

/** What the worker's queue carries: ids and timestamps only, never a secret. */
export type QueuedMessage = GuidanceEvent | SessionRenewal;

/** Durable hand-off to the worker. Resolves only once the queue has the message. */
export interface EventQueue {
  enqueue(message: QueuedMessage, correlationId: string): Promise<void>;
}

/** The reason of a failed enqueue (the SDK has retried already): the caller answers 503 and is retried. */
export const QUEUE_UNAVAILABLE = 'queue_unavailable';
