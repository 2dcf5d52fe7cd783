import { PermanentFailure, BridgeBusy, TransientFailure } from '../../shared/domain/errors';
import { RATE_LIMITED_MAX_EVENT_AGE_SECONDS } from '../../shared/domain/limits';
import { EVENT_IN_PROGRESS } from '../../shared/domain/notify-once';

// The reason a claim held elsewhere raises: one constant, named where the claim is taken.
export { EVENT_IN_PROGRESS };
import { SECRET_FAILURE_REASONS } from '../../shared/ports/secret-source';

/** What the worker does with a record whose processing failed. */
export type WorkerDecision =
  /** Move it to the DLQ with this reason (a real failure: an operator looks at it). */
  | { readonly action: 'dead_letter'; readonly reason: string }
  /**
   * Another attempt holds the event (its claim's lease) on this copy's last receive: queue a copy due
   * once that lease must have lapsed, delete this one. Never dropped: the holder may have died, or
   * failed to release its claim, and only a later copy can then finish the event.
   */
  | { readonly action: 'wait_for_holder'; readonly delaySeconds: number }
  /** Bridge has no capacity now: queue a copy due in `delaySeconds`, delete this one (no receive is used up). */
  | { readonly action: 'wait_for_capacity'; readonly delaySeconds: number }
  /** Let the queue redeliver it (one receive used); `deferSeconds` stretches the wait to a longer Retry-After. */
  | { readonly action: 'retry'; readonly deferSeconds?: number };

export interface FailedAttempt {
  readonly error: unknown;
  /** This delivery's ApproximateReceiveCount. */
  readonly receiveCount: number;
  readonly maxReceiveCount: number;
  /** Since the webhook accepted the event (or the renewal was requested). */
  readonly eventAgeMs: number;
  /** The queue's own wait before a redelivery; absent: Retry-After is not stretched. */
  readonly queueVisibilityTimeoutSeconds?: number;
  /** A number in [0, 1) that spreads delays (up to +10 %) so waiting events do not all return at once. */
  readonly jitter: number;
}

/** SQS's longest DelaySeconds and ChangeMessageVisibility we use: 15 minutes. */
export const MAX_DELAY_SECONDS = 900;
/** How long a copy waits for the holder of its event when the queue's visibility timeout is unknown (the longest lease then). */
export const DEFAULT_HOLDER_WAIT_SECONDS = 60;
/** How long to wait for capacity when Bridge's 429 names no Retry-After. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;
/**
 * Bridge's 401/403 look permanent but change at deploy time (placeholder credentials, a 5-minute
 * secret cache, egress addresses not yet allow-listed): retried until the last receive, then
 * dead-lettered under the reason that names the likely cause.
 */
export const RETRIED_UNTIL_LAST_RECEIVE: ReadonlySet<string> = new Set([
  'bridge_unauthorized',
  'bridge_ip_not_allowed',
  'bridge_unknown_user',
  SECRET_FAILURE_REASONS.bridgeCredentialsInvalid,
]);

/** The worker's whole failure policy, in one pure function (see decision.test.ts for every case). */
export function decideOnFailure(attempt: FailedAttempt): WorkerDecision {
  const { error } = attempt;
  const reason = failureReason(error);
  const lastReceive = attempt.receiveCount >= attempt.maxReceiveCount;
  if (isRateLimited(error)) {
    // Waiting for capacity is bounded by the event's age, never by its receives.
    if (attempt.eventAgeMs > RATE_LIMITED_MAX_EVENT_AGE_SECONDS * 1000) return { action: 'dead_letter', reason: 'rate_limited_too_long' };
    return { action: 'wait_for_capacity', delaySeconds: jitteredSeconds(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS, attempt.jitter) };
  }
  if (reason === EVENT_IN_PROGRESS) {
    if (!lastReceive) return { action: 'retry' };
    if (attempt.eventAgeMs > RATE_LIMITED_MAX_EVENT_AGE_SECONDS * 1000) return { action: 'dead_letter', reason: `retries_exhausted:${reason}` };
    // A holder's lease ends with its invocation (plus a margin): the queue's visibility timeout is longer.
    const leaseBoundMs = (attempt.queueVisibilityTimeoutSeconds ?? DEFAULT_HOLDER_WAIT_SECONDS) * 1000;
    return { action: 'wait_for_holder', delaySeconds: jitteredSeconds(leaseBoundMs, attempt.jitter) };
  }
  if (error instanceof PermanentFailure) {
    if (RETRIED_UNTIL_LAST_RECEIVE.has(reason) && !lastReceive) return { action: 'retry' };
    return { action: 'dead_letter', reason };
  }
  if (lastReceive) return { action: 'dead_letter', reason: `retries_exhausted:${reason}` };
  const retryAfterMs = error instanceof TransientFailure ? error.retryAfterMs : undefined;
  const visibility = attempt.queueVisibilityTimeoutSeconds;
  if (retryAfterMs === undefined || visibility === undefined) return { action: 'retry' };
  // Only a longer wait than the queue's own is worth a ChangeMessageVisibility: never shorten it.
  const deferSeconds = jitteredSeconds(retryAfterMs, attempt.jitter);
  return deferSeconds > visibility ? { action: 'retry', deferSeconds } : { action: 'retry' };
}

/** Our own pacing's wait, or Bridge's 429 (whatever the client made of it). */
function isRateLimited(error: unknown): error is TransientFailure {
  return error instanceof BridgeBusy || (error instanceof TransientFailure && error.reason === 'bridge_429');
}

function jitteredSeconds(ms: number, jitter: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((ms / 1000) * (1 + 0.1 * jitter))));
}

/** A short, secret-free label of why a record failed. */
export function failureReason(error: unknown): string {
  if (error instanceof PermanentFailure || error instanceof TransientFailure) return error.reason;
  if (error instanceof Error) return error.name;
  return 'unknown_error';
}
