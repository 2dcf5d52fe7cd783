import type { GuidanceEvent } from '../domain/guidance-event';

/** Durable hand-off from the webhook to the worker. Resolves only once the queue has the event. */
export interface EventQueue {
  enqueue(event: GuidanceEvent, correlationId: string): Promise<void>;
}
