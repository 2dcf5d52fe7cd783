import { randomUUID, createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { TransientFailure } from '../shared/domain/errors';
import type { DeadLetterSink } from '../shared/ports/dead-letters';
import { QUEUE_UNAVAILABLE, type EventQueue, type QueuedMessage } from '../shared/ports/event-queue';
import { CAPACITY_WAITS_ATTRIBUTE, type CapacityWaits, type MessageDeferrer, type MessageRequeuer } from '../shared/ports/message-deferrer';
import { CORRELATION_ID_ATTRIBUTE } from '../shared/adapters/sqs-event-queue';
import { LocalDeadLetterQueue, type DeadLetter } from './local-dead-letter-queue';

export interface InProcessQueueOptions {
  readonly batchSize?: number;
  readonly visibilityTimeoutMs?: number;
  readonly maxReceiveCount?: number;
  readonly maxConcurrentBatches?: number;
}

export type { DeadLetter } from './local-dead-letter-queue';

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly correlationId: string;
  readonly sentAt: number;
  receiveCount: number;
  visibleAt: number;
  /** How often it already waited for Bridge's capacity (a requeued copy's history). */
  readonly capacityWaits: number;
  /** Its batch still runs: not redelivered before the batch settles (see `receive`). */
  inFlight: boolean;
}

export type BatchConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

/**
 * The laptop's SQS: at-least-once delivery of real `SQSEvent` batches, a visibility timeout,
 * redelivery of failed records, and a dead-letter list once a message exceeds its receives.
 *
 * Deployed, the visibility timeout is 6× the worker's timeout, so Lambda has stopped a batch
 * before any of its messages can be seen again. The laptop keeps short timeouts for quick
 * retries, so it keeps that rule explicitly: a message is never redelivered while its batch runs.
 */
export class InProcessQueue implements EventQueue, DeadLetterSink, MessageDeferrer, MessageRequeuer {
  /** The dead-letter queue, with SQS's visibility semantics (what `npm run ops` works on). */
  readonly deadLetterQueue = new LocalDeadLetterQueue();
  /** Fault injection: the next N sends fail as if SQS were unreachable. */
  failNextSends = 0;
  readonly batchSize: number;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  private readonly maxConcurrentBatches: number;
  /** In send order (a Map keeps insertion order): O(1) removal, so a burst of 20,000 stays cheap. */
  private readonly messages = new Map<string, StoredMessage>();
  private consumer: BatchConsumer | undefined;
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly deliveries = new Set<Promise<void>>();

  constructor(options: InProcessQueueOptions = {}) {
    this.batchSize = options.batchSize ?? 10;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 1000;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
    this.maxConcurrentBatches = options.maxConcurrentBatches ?? 2;
  }

  async enqueue(message: QueuedMessage, correlationId: string): Promise<void> {
    if (this.failNextSends > 0) {
      this.failNextSends -= 1;
      throw new TransientFailure(QUEUE_UNAVAILABLE, 'The event could not be queued; Bridge will retry.');
    }
    this.send(JSON.stringify(message), correlationId);
  }

  /** Raw send, as `ops redrive` or a test would. */
  send(body: string, correlationId: string, options: { delaySeconds?: number; capacityWaits?: number } = {}): void {
    const now = Date.now();
    const messageId = randomUUID();
    this.messages.set(messageId, {
      messageId,
      body,
      correlationId,
      sentAt: now,
      receiveCount: 0,
      visibleAt: now + (options.delaySeconds ?? 0) * 1000,
      inFlight: false,
      capacityWaits: options.capacityWaits ?? 0,
    });
    this.schedule(0);
  }

  /** SendMessage with DelaySeconds: a fresh copy (receive count 0) of a received message. */
  async requeue(record: SQSRecord, delaySeconds: number, history: CapacityWaits): Promise<void> {
    this.send(record.body, record.messageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.stringValue ?? record.messageId, {
      delaySeconds,
      capacityWaits: history.waits,
    });
  }

  /** ChangeMessageVisibility on a received message: it is seen again `delaySeconds` from now. */
  async defer(record: SQSRecord, delaySeconds: number): Promise<void> {
    const message = this.messages.get(record.messageId);
    if (message) message.visibleAt = Date.now() + delaySeconds * 1000;
  }

  async deadLetter(body: string, reason: string, correlationId: string): Promise<void> {
    this.deadLetterQueue.add({ body, reason, correlationId });
  }

  /** Every dead letter, visible or not, oldest first. */
  get deadLetters(): DeadLetter[] {
    return this.deadLetterQueue.all();
  }

  /** Messages not yet deleted, in flight or not. */
  get depth(): number {
    return this.messages.size;
  }

  /** Messages received and not visible yet: being processed, or failed and waiting out their visibility timeout. */
  get inFlight(): number {
    const now = Date.now();
    return [...this.messages.values()].filter((message) => message.inFlight || (message.receiveCount > 0 && message.visibleAt > now)).length;
  }

  oldestSentAt(): number | undefined {
    let oldest: number | undefined;
    for (const message of this.messages.values()) oldest = oldest === undefined ? message.sentAt : Math.min(oldest, message.sentAt);
    return oldest;
  }

  start(consumer: BatchConsumer): void {
    this.consumer = consumer;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.consumer = undefined;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.deliveries]);
  }

  /** Resolves once nothing is queued or being processed. */
  async drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.size > 0 || this.running > 0) {
      if (Date.now() > deadline) throw new Error(`Queue not drained after ${timeoutMs} ms (${this.messages.size} left).`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private schedule(delayMs: number): void {
    if (!this.consumer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), delayMs);
  }

  private pump(): void {
    this.timer = undefined;
    const consumer = this.consumer;
    if (!consumer) return;
    while (this.running < this.maxConcurrentBatches) {
      const batch = this.receive();
      if (batch.length === 0) break;
      this.running += 1;
      const work = this.deliver(consumer, batch).finally(() => {
        this.running -= 1;
        this.deliveries.delete(work);
        this.schedule(0);
      });
      this.deliveries.add(work);
    }
    // In-flight messages wait for their batch, which schedules a pump when it settles; so does a
    // full house of batches (no polling while every slot is busy).
    if (this.running >= this.maxConcurrentBatches) return;
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.messages.values()) if (!message.inFlight && message.visibleAt < next) next = message.visibleAt;
    if (Number.isFinite(next)) this.schedule(Math.max(1, next - Date.now()));
  }

  private receive(): StoredMessage[] {
    const now = Date.now();
    const batch: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (batch.length >= this.batchSize) break;
      if (message.inFlight || message.visibleAt > now) continue;
      if (message.receiveCount >= this.maxReceiveCount) {
        this.remove(message.messageId);
        this.deadLetterQueue.add({ messageId: message.messageId, body: message.body, reason: 'max_receives_exceeded', correlationId: message.correlationId });
        continue;
      }
      message.receiveCount += 1;
      message.visibleAt = now + this.visibilityTimeoutMs;
      message.inFlight = true;
      batch.push(message);
    }
    return batch;
  }

  private async deliver(consumer: BatchConsumer, batch: StoredMessage[]): Promise<void> {
    let failed: Set<string>;
    try {
      const response = await consumer({ Records: batch.map(toRecord) });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      failed = new Set(batch.map((message) => message.messageId)); // a thrown handler fails the whole batch
    }
    for (const message of batch) {
      message.inFlight = false; // a failed one is seen again once its visibility timeout has passed
      if (!failed.has(message.messageId)) this.remove(message.messageId);
    }
  }

  private remove(messageId: string): void {
    this.messages.delete(messageId);
  }
}

function toRecord(message: StoredMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `local-${message.messageId}-${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(message.sentAt),
    },
    messageAttributes: {
      [CORRELATION_ID_ATTRIBUTE]: { dataType: 'String', stringValue: message.correlationId, stringListValues: [], binaryListValues: [] },
      ...(message.capacityWaits > 0
        ? { [CAPACITY_WAITS_ATTRIBUTE]: { dataType: 'Number', stringValue: String(message.capacityWaits), stringListValues: [], binaryListValues: [] } }
        : {}),
    },
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:guidance-relay-local',
    awsRegion: 'eu-west-1',
  };
}
