import type { SQSRecord } from 'aws-lambda';

/** Makes a received message invisible for a while, so its next delivery honours a Retry-After. */
export interface MessageDeferrer {
  defer(record: SQSRecord, delaySeconds: number): Promise<void>;
}

/** How often an event has already waited for Bridge's capacity (travels with its copies). */
export interface CapacityWaits {
  readonly waits: number;
}

/**
 * Queues a copy of a received message, due in `delaySeconds`, with its wait history; the caller
 * then lets the original be deleted. The copy starts with a fresh receive count: waiting for
 * capacity never brings an event closer to the dead-letter queue.
 */
export interface MessageRequeuer {
  requeue(record: SQSRecord, delaySeconds: number, history: CapacityWaits): Promise<void>;
}

/** The message attribute carrying `CapacityWaits.waits`. */
export const CAPACITY_WAITS_ATTRIBUTE = 'capacity_waits';

export function capacityWaitsOf(record: SQSRecord): number {
  const waits = Number(record.messageAttributes?.[CAPACITY_WAITS_ATTRIBUTE]?.stringValue ?? 0);
  return Number.isInteger(waits) && waits >= 0 ? waits : 0;
}
