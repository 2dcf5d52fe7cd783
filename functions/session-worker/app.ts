import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { queuedGuidanceEventSchema } from '../../shared/domain/guidance-event';
import { check } from '../../shared/domain/validation';
import { CLAIM_LEASE_MARGIN_MS } from '../../shared/domain/notify-once';
import { processGuidanceEvent, type ProcessGuidanceEventDeps } from '../../shared/domain/process-guidance-event';
import { renewSession, SESSION_RENEWAL_TYPE, sessionRenewalSchema } from '../../shared/domain/session-renewal';
import type { QueuedMessage } from '../../shared/ports/event-queue';
import type { DeadLetterSink } from '../../shared/ports/dead-letters';
import { capacityWaitsOf, type MessageDeferrer, type MessageRequeuer } from '../../shared/ports/message-deferrer';
import { noMetrics, type MetricsSink } from '../../shared/ports/metrics';
import { CORRELATION_ID_ATTRIBUTE } from '../../shared/adapters/sqs-event-queue';
import { decideOnFailure, failureReason, type WorkerDecision } from './decision';

export { failureReason } from './decision';

export interface WorkerDeps extends ProcessGuidanceEventDeps {
  readonly logger: Logger;
  readonly deadLetters: DeadLetterSink;
  /** The queue's maxReceiveCount: on the last receive a transient failure is dead-lettered with its reason. */
  readonly maxReceiveCount: number;
  readonly metrics?: MetricsSink;
  /** Honours a Retry-After longer than the queue's visibility timeout. Absent: the visibility timeout applies. */
  readonly deferrer?: MessageDeferrer;
  /** Queues a delayed copy of a rate-limited event. Absent: a rate-limited event is retried (using a receive). */
  readonly requeuer?: MessageRequeuer;
  /** The queue's own wait before a redelivery; a shorter Retry-After is already honoured by it. */
  readonly queueVisibilityTimeoutSeconds?: number;
  /** Jitter of a deferral (tests pin it). @default Math.random */
  readonly random?: () => number;
}

/**
 * The SQS-triggered worker. Records of a batch run concurrently (at most the batch size); each is
 * exactly-once in effect through the conditional writes on its guidance record (see
 * processGuidanceEvent), so a Bridge redelivery, a redrive or a concurrent duplicate never makes a
 * second session or notification. What happens to a failed record is `decideOnFailure`'s call.
 */
export function createWorkerHandler(deps: WorkerDeps) {
  const metrics = deps.metrics ?? noMetrics;
  const random = deps.random ?? Math.random;

  const process = (message: QueuedMessage, correlationId: string, context?: Context) => {
    // A claim holds while this invocation may still run (Lambda stops it at its timeout).
    const attempt = context ? { leaseMs: context.getRemainingTimeInMillis() + CLAIM_LEASE_MARGIN_MS } : {};
    return message.type === SESSION_RENEWAL_TYPE
      ? renewSession(message, correlationId, deps, attempt)
      : processGuidanceEvent(message, correlationId, deps, attempt);
  };

  const deadLetter = async (body: string, reason: string, correlationId: string) => {
    await deps.deadLetters.deadLetter(body, reason, correlationId);
    metrics.count('GuidanceEvents', { outcome: 'dead_lettered' });
    // The metric's reason drops the suffix of retries_exhausted:<cause> to keep dimensions few.
    metrics.count('DeadLetters', { reason: reason.split(':')[0] ?? reason });
  };

  /** Carries out the decision; resolves when the record is done with, throws when the queue must redeliver it. */
  const act = async (decision: WorkerDecision, record: SQSRecord, event: QueuedMessage, error: unknown, log: Logger) => {
    const correlationId = correlationIdOf(record);
    const receives = receiveCountOf(record);
    const reason = failureReason(error);
    const eventKey = event.eventKey;
    switch (decision.action) {
      case 'wait_for_holder':
        try {
          if (!deps.requeuer) throw new Error('No requeuer configured');
          await deps.requeuer.requeue(record, decision.delaySeconds, { waits: capacityWaitsOf(record) });
        } catch (requeueError) {
          // Could not queue the copy: the queue's own redrive policy dead-letters it (nothing is lost).
          log.warn('Could not requeue an event held elsewhere; the queue retries it', { eventKey, reason: failureReason(requeueError), receives });
          metrics.count('GuidanceEvents', { outcome: 'retried' });
          throw error;
        }
        log.info('Event held by another attempt: a copy comes back after its lease', { eventKey, delaySeconds: decision.delaySeconds, receives });
        metrics.count('GuidanceEvents', { outcome: 'retried' });
        return;
      case 'dead_letter':
        await deadLetter(record.body, decision.reason, correlationId);
        log.warn('Dead-lettered a guidance event', { eventKey, reason: decision.reason, receives });
        return;
      case 'wait_for_capacity': {
        const waits = capacityWaitsOf(record) + 1;
        try {
          if (!deps.requeuer) throw new Error('No requeuer configured');
          await deps.requeuer.requeue(record, decision.delaySeconds, { waits });
        } catch (requeueError) {
          // Could not queue the copy: fall back to a plain retry (a receive is used, nothing is lost).
          log.warn('Could not requeue a rate-limited event; the queue retries it', { eventKey, reason: failureReason(requeueError), receives });
          if (receives >= deps.maxReceiveCount) return act({ action: 'dead_letter', reason: `retries_exhausted:${reason}` }, record, event, error, log);
          metrics.count('GuidanceEvents', { outcome: 'retried' });
          throw error;
        }
        log.info('Waiting for Bridge capacity', { eventKey, reason, delaySeconds: decision.delaySeconds, waits });
        metrics.count('GuidanceEvents', { outcome: 'rate_limited' });
        return;
      }
      case 'retry': {
        const deferSeconds = decision.deferSeconds === undefined ? undefined : await deferred(record, decision.deferSeconds, log);
        log.warn('Guidance event will be retried', { eventKey, reason, receives, ...(deferSeconds ? { deferSeconds } : {}) });
        metrics.count('GuidanceEvents', { outcome: 'retried' });
        throw error;
      }
    }
  };

  /** Best effort: when the deferral fails, the visibility timeout applies. */
  const deferred = async (record: SQSRecord, seconds: number, log: Logger): Promise<number | undefined> => {
    if (!deps.deferrer) return undefined;
    try {
      await deps.deferrer.defer(record, seconds);
      return seconds;
    } catch (deferError) {
      log.warn('Could not defer the message; its visibility timeout applies', { reason: failureReason(deferError) });
      return undefined;
    }
  };

  const handleRecord = async (record: SQSRecord, context?: Context): Promise<void> => {
    const correlationId = correlationIdOf(record);
    const log = deps.logger.createChild({ persistentKeys: { correlationId, messageId: record.messageId } });
    const event = parseQueuedEvent(record.body);
    if (!event) {
      await deadLetter(record.body, 'invalid_message', correlationId);
      log.warn('Dead-lettered a malformed message', { reason: 'invalid_message' });
      return;
    }
    try {
      const outcome = await process(event, correlationId, context);
      log.info('Guidance event processed', { eventKey: event.eventKey, outcome });
      metrics.count('GuidanceEvents', { outcome });
    } catch (error) {
      const decision = decideOnFailure({
        error,
        receiveCount: receiveCountOf(record),
        maxReceiveCount: deps.maxReceiveCount,
        eventAgeMs: deps.clock.now() - acceptedAt(event),
        ...(deps.queueVisibilityTimeoutSeconds === undefined ? {} : { queueVisibilityTimeoutSeconds: deps.queueVisibilityTimeoutSeconds }),
        jitter: random(),
      });
      await act(decision, record, event, error, log);
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // A processor per batch: it holds the batch's failures, and batches may overlap (the laptop
    // stack runs two at once; Lambda may too, with multi-concurrency).
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
  };
}

const correlationIdOf = (record: SQSRecord) => record.messageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.stringValue ?? record.messageId;
const receiveCountOf = (record: SQSRecord) => Number(record.attributes.ApproximateReceiveCount ?? '1');
/** When the event entered the system: its age bounds how long it may wait for capacity. */
const acceptedAt = (message: QueuedMessage) => (message.type === SESSION_RENEWAL_TYPE ? message.requestedAt : message.receivedAt);

function parseQueuedEvent(body: string): QueuedMessage | undefined {
  try {
    const message: unknown = JSON.parse(body);
    const parsed = (message as { type?: unknown })?.type === SESSION_RENEWAL_TYPE
      ? check(sessionRenewalSchema, message)
      : check(queuedGuidanceEventSchema, message);
    return parsed.ok ? parsed.value : undefined;
  } catch {
    return undefined;
  }
}
