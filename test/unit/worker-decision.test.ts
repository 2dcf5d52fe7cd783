import { decideOnFailure, EVENT_IN_PROGRESS, type FailedAttempt, type WorkerDecision } from '../../functions/session-worker/decision';
import { PermanentFailure, BridgeBusy, Misconfigured, TransientFailure } from '../../shared/domain/errors';

const HOUR_MS = 3600_000;
const base: Omit<FailedAttempt, 'error'> = {
  receiveCount: 1,
  maxReceiveCount: 5,
  eventAgeMs: 1000,
  queueVisibilityTimeoutSeconds: 180,
  jitter: 0.5,
};

const permanent = (reason: string) => new PermanentFailure(reason, 'x');
const transient = (reason: string, retryAfterMs?: number) => new TransientFailure(reason, 'x', retryAfterMs === undefined ? {} : { retryAfterMs });
const paced = (retryAfterMs: number) => new BridgeBusy('bridge_rate_limited', 'x', { retryAfterMs });

const cases: [string, Partial<FailedAttempt> & { error: unknown }, WorkerDecision][] = [
  // Rate limiting: never uses up a receive, bounded by the event's age.
  ['our pacing asks for a wait: a delayed copy, whatever the receive count', { error: paced(2000), receiveCount: 5 }, { action: 'wait_for_capacity', delaySeconds: 3 }],
  ["Bridge's 429 with Retry-After 30 s: a copy due in 30 s + 5 % jitter", { error: transient('bridge_429', 30_000) }, { action: 'wait_for_capacity', delaySeconds: 32 }],
  ["Bridge's 429 without Retry-After: a copy due in 1 s + jitter, in whole seconds", { error: transient('bridge_429') }, { action: 'wait_for_capacity', delaySeconds: 2 }],
  ["Bridge's 429 on the last receive: still a copy, never a dead letter", { error: transient('bridge_429', 5000), receiveCount: 5 }, { action: 'wait_for_capacity', delaySeconds: 6 }],
  ['a Retry-After of two hours is capped at SQS’s 15 minutes', { error: transient('bridge_429', 2 * HOUR_MS) }, { action: 'wait_for_capacity', delaySeconds: 900 }],
  ['an event rate-limited for more than a day: dead-lettered', { error: transient('bridge_429', 1000), eventAgeMs: 24 * HOUR_MS + 1 }, { action: 'dead_letter', reason: 'rate_limited_too_long' }],
  ['an event exactly a day old still waits', { error: paced(1000), eventAgeMs: 24 * HOUR_MS }, { action: 'wait_for_capacity', delaySeconds: 2 }],
  // A duplicate delivery that met the event in progress elsewhere.
  ['in progress elsewhere, receives left: retried', { error: transient(EVENT_IN_PROGRESS) }, { action: 'retry' }],
  ['in progress elsewhere on the last receive: a copy due after the holder’s lease (the visibility timeout + jitter), never dropped', { error: transient(EVENT_IN_PROGRESS), receiveCount: 5 }, { action: 'wait_for_holder', delaySeconds: 189 }],
  ['in progress elsewhere on the last receive, visibility unknown: a copy due in a minute + jitter', { error: transient(EVENT_IN_PROGRESS), receiveCount: 5, queueVisibilityTimeoutSeconds: undefined }, { action: 'wait_for_holder', delaySeconds: 63 }],
  ['in progress elsewhere on the last receive of a day-old event: dead-lettered, naming it', { error: transient(EVENT_IN_PROGRESS), receiveCount: 5, eventAgeMs: 24 * HOUR_MS + 1 }, { action: 'dead_letter', reason: 'retries_exhausted:event_in_progress' }],
  // Permanent failures.
  ['unknown user: dead-lettered at once', { error: permanent('unknown_user') }, { action: 'dead_letter', reason: 'unknown_user' }],
  ['malformed message: dead-lettered at once', { error: permanent('invalid_message') }, { action: 'dead_letter', reason: 'invalid_message' }],
  ['Bridge 400: dead-lettered at once', { error: permanent('bridge_rejected_request') }, { action: 'dead_letter', reason: 'bridge_rejected_request' }],
  ['Bridge answer without a session: dead-lettered at once', { error: permanent('bridge_invalid_response') }, { action: 'dead_letter', reason: 'bridge_invalid_response' }],
  // Bridge 401/403: retried until the last receive, then named.
  ['Bridge 401 (credentials), receives left: retried', { error: permanent('bridge_unauthorized'), receiveCount: 4 }, { action: 'retry' }],
  ['Bridge 401 (credentials) on the last receive: dead-lettered as bridge_unauthorized', { error: permanent('bridge_unauthorized'), receiveCount: 5 }, { action: 'dead_letter', reason: 'bridge_unauthorized' }],
  ['Bridge 403, receives left: retried', { error: permanent('bridge_ip_not_allowed') }, { action: 'retry' }],
  ['Bridge 403 on the last receive: dead-lettered as bridge_ip_not_allowed', { error: permanent('bridge_ip_not_allowed'), receiveCount: 5 }, { action: 'dead_letter', reason: 'bridge_ip_not_allowed' }],
  ['Bridge 401 "user not found", receives left: retried', { error: permanent('bridge_unknown_user'), receiveCount: 2 }, { action: 'retry' }],
  ['Bridge 401 "user not found" on the last receive: dead-lettered as bridge_unknown_user', { error: permanent('bridge_unknown_user'), receiveCount: 5 }, { action: 'dead_letter', reason: 'bridge_unknown_user' }],
  ['Bridge 401 past the last receive (a redrive): dead-lettered', { error: permanent('bridge_unauthorized'), receiveCount: 7 }, { action: 'dead_letter', reason: 'bridge_unauthorized' }],
  ['Bridge credentials secret unusable, receives left: retried (a placeholder is fixed at deploy time)', { error: new Misconfigured('bridge_credentials_invalid', 'x') }, { action: 'retry' }],
  ['Bridge credentials secret unusable on the last receive: dead-lettered naming it', { error: new Misconfigured('bridge_credentials_invalid', 'x'), receiveCount: 5 }, { action: 'dead_letter', reason: 'bridge_credentials_invalid' }],
  // Transient failures.
  ['Secrets Manager unreadable on the last receive: dead-lettered, naming the secret', { error: new TransientFailure('bridge_credentials_unavailable', 'x'), receiveCount: 5 }, { action: 'dead_letter', reason: 'retries_exhausted:bridge_credentials_unavailable' }],
  ['Bridge 503, receives left: retried', { error: transient('bridge_503') }, { action: 'retry' }],
  ['Bridge 503 on the last receive: dead-lettered, naming the cause', { error: transient('bridge_503'), receiveCount: 5 }, { action: 'dead_letter', reason: 'retries_exhausted:bridge_503' }],
  ['an unexpected error (a crash in an adapter): retried', { error: new TypeError('boom') }, { action: 'retry' }],
  ['an unexpected error on the last receive: dead-lettered by its name', { error: new TypeError('boom'), receiveCount: 5 }, { action: 'dead_letter', reason: 'retries_exhausted:TypeError' }],
  ['something thrown that is not an Error, on the last receive', { error: 'weird', receiveCount: 5 }, { action: 'dead_letter', reason: 'retries_exhausted:unknown_error' }],
  ['503 with a Retry-After beyond the visibility timeout: deferred that long (+ jitter)', { error: transient('bridge_503', 600_000) }, { action: 'retry', deferSeconds: 630 }],
  ['503 with a Retry-After within the visibility timeout: the queue’s own wait applies', { error: transient('bridge_503', 170_000) }, { action: 'retry' }],
  ['503 with a Retry-After of two hours: deferred 15 minutes at most', { error: transient('bridge_503', 2 * HOUR_MS) }, { action: 'retry', deferSeconds: 900 }],
  ['503 with a Retry-After but no known visibility timeout: plain retry', { error: transient('bridge_503', 600_000), queueVisibilityTimeoutSeconds: undefined }, { action: 'retry' }],
  ['503 with a Retry-After on the last receive: dead-lettered, not deferred', { error: transient('bridge_503', 600_000), receiveCount: 5 }, { action: 'dead_letter', reason: 'retries_exhausted:bridge_503' }],
];

describe('the worker’s decision on a failed record', () => {
  it.each(cases)('%s', (_name, attempt, expected) => {
    const { queueVisibilityTimeoutSeconds, ...rest } = { ...base, ...attempt };
    const input: FailedAttempt = { ...rest, ...(queueVisibilityTimeoutSeconds === undefined ? {} : { queueVisibilityTimeoutSeconds }) };
    expect(decideOnFailure(input)).toEqual(expected);
  });

  it('spreads the waits of rate-limited events by up to 10 %', () => {
    const delays = [0, 0.5, 0.999].map((jitter) => decideOnFailure({ ...base, jitter, error: transient('bridge_429', 100_000) }));

    expect(delays).toEqual([
      { action: 'wait_for_capacity', delaySeconds: 100 },
      { action: 'wait_for_capacity', delaySeconds: 105 },
      { action: 'wait_for_capacity', delaySeconds: 110 },
    ]);
  });
});
