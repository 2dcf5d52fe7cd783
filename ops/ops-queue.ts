/** A message in the dead-letter queue, as received: ids and attributes, never a secret (bodies hold ids only). */
export interface ReceivedDeadLetter {
  readonly messageId: string;
  /** Valid until the message is received again; needed to delete it or change its visibility. */
  readonly receiptHandle: string;
  readonly body: string;
  /** Our `failure_reason` attribute; absent when the queue moved the message itself after repeated crashes. */
  readonly reason?: string;
  readonly correlationId?: string;
  /** Epoch ms the message was first sent (SQS `SentTimestamp`). */
  readonly sentAt: number;
}

export interface QueueDepth {
  /** Messages waiting to be received. */
  readonly visible: number;
  /** Messages received and not yet deleted (hidden by their visibility timeout). */
  readonly inFlight: number;
}

/**
 * The queue operations `npm run ops` needs, with SQS semantics (visibility timeouts, receipt handles).
 * One ops implementation runs over it: the SQS adapter deployed, the laptop queue adapter locally.
 */
export interface OpsQueue {
  depth(queue: 'main' | 'dead'): Promise<QueueDepth>;
  /** Age of the main queue's oldest message, in seconds; null when unknown or empty. */
  oldestMessageAgeSeconds(): Promise<number | null>;
  /** At most 10 messages; each stays hidden for `visibilityTimeoutSeconds` (0: stays visible, a peek). */
  receiveDeadLetters(max: number, visibilityTimeoutSeconds: number): Promise<ReceivedDeadLetter[]>;
  changeDeadLetterVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
  deleteDeadLetter(receiptHandle: string): Promise<void>;
  sendToMain(body: string, correlationId: string): Promise<void>;
  /** Moves every dead letter back to the main queue (SQS's own message-move task); returns its handle. */
  moveAllDeadLetters(): Promise<string>;
}
