/** Exponential backoff with full jitter, stretched to honour a server's Retry-After. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for in-process: the queue retries later. */
  readonly maxRetryAfterMs: number;
}

/**
 * For the worker: 5 s attempts, up to 3, within WORKER_BRIDGE_CALL_BUDGET_MS; anything longer is
 * left to the queue's redelivery.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 3000, maxRetryAfterMs: 3000 };

export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** For requests a person waits on: fewer, shorter waits. */
export const REVEAL_RETRY_POLICY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 500, maxRetryAfterMs: 1000 };

/**
 * The longest one Bridge call may take, its turn in the fleet-wide pacing and its retries included:
 * the worker's fits its 25–30 s timeout with room for DynamoDB, KMS and SNS; the reveal API's twice
 * (a rotate that loses a race renews again) fits its 20 s timeout and API Gateway's 30 s.
 */
export const WORKER_BRIDGE_CALL_BUDGET_MS = 21_000;
export const REVEAL_BRIDGE_CALL_BUDGET_MS = 8_000;
