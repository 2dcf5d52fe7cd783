import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { PermanentFailure, TransientFailure } from '../../shared/domain/errors';
import { queuedGuidanceEventSchema } from '../../shared/domain/guidance-event';
import { EVENT_DEDUP_RETENTION_SECONDS } from '../../shared/domain/limits';
import { CLAIM_LEASE_MARGIN_MS } from '../../shared/domain/notify-once';
import { processGuidanceEvent, type AttemptOptions, type ProcessGuidanceEventDeps } from '../../shared/domain/process-guidance-event';
import { renewSession, SESSION_RENEWAL_TYPE, sessionRenewalSchema } from '../../shared/domain/session-renewal';
import type { QueuedMessage } from '../../shared/ports/event-queue';
import type { DeadLetterSink } from '../../shared/ports/dead-letters';
import type { MessageDeferrer } from '../../shared/ports/message-deferrer';
import { noMetrics, type MetricsSink } from '../../shared/ports/metrics';
import { CORRELATION_ID_ATTRIBUTE } from '../../shared/adapters/sqs-event-queue';

export interface WorkerDeps extends ProcessGuidanceEventDeps {
  readonly logger: Logger;
  readonly deadLetters: DeadLetterSink;
  readonly idempotencyStore: BasePersistenceLayer;
  /** The queue's maxReceiveCount: on the last receive a transient failure is dead-lettered with its reason. */
  readonly maxReceiveCount: number;
  readonly metrics?: MetricsSink;
  /** Honours a Retry-After longer than the queue's visibility timeout. Absent: the visibility timeout applies. */
  readonly deferrer?: MessageDeferrer;
  /** The queue's own wait before a redelivery; a shorter Retry-After is already honoured by it. */
  readonly queueVisibilityTimeoutSeconds?: number;
  /** Jitter of a deferral (tests pin it). @default Math.random */
  readonly random?: () => number;
}

/** The longest Retry-After honoured by deferring a message; longer ones are capped (the DLQ keeps what still fails). */
export const MAX_DEFER_SECONDS = 900;

/**
 * The SQS-triggered worker. Records of a batch run concurrently (at most the batch size); each
 * is idempotent on its event key, so a Bridge redelivery, a redrive or a concurrent duplicate
 * never makes a second session or notification. Only failed records are retried.
 */
export function createWorkerHandler(deps: WorkerDeps) {
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'eventKey',
    expiresAfterSeconds: EVENT_DEDUP_RETENTION_SECONDS,
    throwOnNoIdempotencyKey: true,
    // A replay of a completed event did nothing this time: report it as the duplicate it is.
    responseHook: () => 'duplicate',
  });
  // The stored result is only the outcome: never a password, a URL or a session id.
  const processOnce = makeIdempotent(
    (message: QueuedMessage, correlationId: string, attempt: AttemptOptions) =>
      message.type === SESSION_RENEWAL_TYPE
        ? renewSession(message, correlationId, deps, attempt)
        : processGuidanceEvent(message, correlationId, deps, attempt),
    { persistenceStore: deps.idempotencyStore, config: idempotencyConfig },
  );
  const metrics = deps.metrics ?? noMetrics;
  const deadLetter = async (body: string, reason: string, correlationId: string) => {
    await deps.deadLetters.deadLetter(body, reason, correlationId);
    metrics.count('GuidanceEvents', { outcome: 'dead_lettered' });
    // The metric's reason drops the suffix of retries_exhausted:<cause> to keep dimensions few.
    metrics.count('DeadLetters', { reason: reason.split(':')[0] ?? reason });
  };

  /**
   * Bridge asked for a wait longer than the queue's own (its visibility timeout): make the message
   * invisible that long, plus up to 10 % jitter so throttled events do not all return at once. Never
   * shortens the queue's wait. Best effort.
   */
  const deferIfAsked = async (record: SQSRecord, error: unknown): Promise<number | undefined> => {
    const visibility = deps.queueVisibilityTimeoutSeconds;
    if (!deps.deferrer || visibility === undefined || !(error instanceof TransientFailure) || error.retryAfterMs === undefined) return undefined;
    const jittered = (error.retryAfterMs / 1000) * (1 + 0.1 * (deps.random ?? Math.random)());
    const seconds = Math.min(MAX_DEFER_SECONDS, Math.ceil(jittered));
    if (seconds <= visibility) return undefined;
    try {
      await deps.deferrer.defer(record, seconds);
      return seconds;
    } catch (deferError) {
      deps.logger.warn('Could not defer the message; its visibility timeout applies', { reason: failureReason(deferError) });
      return undefined;
    }
  };

  const handleRecord = async (record: SQSRecord, context?: Context): Promise<void> => {
    const correlationId = record.messageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.stringValue ?? record.messageId;
    const log = deps.logger.createChild({ persistentKeys: { correlationId, messageId: record.messageId } });
    const event = parseQueuedEvent(record.body);
    if (!event) {
      await deadLetter(record.body, 'invalid_message', correlationId);
      log.warn('Dead-lettered a malformed message', { reason: 'invalid_message' });
      return;
    }
    try {
      // A notification claim holds while this invocation may still run (Lambda stops it at its timeout).
      const attempt = context ? { leaseMs: context.getRemainingTimeInMillis() + CLAIM_LEASE_MARGIN_MS } : {};
      const outcome = await processOnce(event, correlationId, attempt);
      log.info('Guidance event processed', { eventKey: event.eventKey, outcome });
      metrics.count('GuidanceEvents', { outcome });
    } catch (error) {
      const receives = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const reason = failureReason(error);
      // Another delivery of this very event holds the lock: that delivery lives (and is retried or
      // dead-lettered) on its own, so this copy may be dropped instead of dead-lettered.
      if (reason === 'IdempotencyAlreadyInProgressError' && receives >= deps.maxReceiveCount) {
        log.info('Duplicate delivery dropped: the event is in progress elsewhere', { eventKey: event.eventKey, receives });
        metrics.count('GuidanceEvents', { outcome: 'duplicate' });
        return;
      }
      if (error instanceof PermanentFailure || receives >= deps.maxReceiveCount) {
        const deadLetterReason = error instanceof PermanentFailure ? reason : `retries_exhausted:${reason}`;
        await deadLetter(record.body, deadLetterReason, correlationId);
        log.warn('Dead-lettered a guidance event', { eventKey: event.eventKey, reason: deadLetterReason, receives });
        return;
      }
      const deferSeconds = await deferIfAsked(record, error);
      log.warn('Guidance event will be retried', { eventKey: event.eventKey, reason, receives, ...(deferSeconds ? { deferSeconds } : {}) });
      metrics.count('GuidanceEvents', { outcome: 'retried' });
      throw error;
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    idempotencyConfig.registerLambdaContext(context);
    // A processor per batch: it holds the batch's failures, and batches may overlap (the laptop
    // stack runs two at once; Lambda may too, with multi-concurrency).
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
  };
}

function parseQueuedEvent(body: string): QueuedMessage | undefined {
  try {
    const message: unknown = JSON.parse(body);
    const parsed = (message as { type?: unknown })?.type === SESSION_RENEWAL_TYPE
      ? sessionRenewalSchema.safeParse(message)
      : queuedGuidanceEventSchema.safeParse(message);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A short, secret-free label of why a record failed. */
export function failureReason(error: unknown): string {
  if (error instanceof PermanentFailure || error instanceof TransientFailure) return error.reason;
  if (error instanceof Error) return error.name;
  return 'unknown_error';
}
