/** The outcome of taking one unit from a per-user allowance. */
export type Allowance = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** A fixed-window counter per key, shared by every instance of every function. */
export interface RateLimiter {
  /**
   * Counts one use of `key` in the window of `windowSeconds` that contains `nowMs`, unless `limit`
   * uses are counted there already: then nothing is counted and the answer says when the window ends.
   */
  take(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<Allowance>;
}

/** The start of the fixed window containing `nowMs`, in epoch seconds. */
export function windowStartSeconds(nowMs: number, windowSeconds: number): number {
  const nowSeconds = Math.floor(nowMs / 1000);
  return nowSeconds - (nowSeconds % windowSeconds);
}

/** Whole seconds until the window containing `nowMs` ends (at least 1). */
export function secondsUntilWindowEnds(nowMs: number, windowSeconds: number): number {
  const endMs = (windowStartSeconds(nowMs, windowSeconds) + windowSeconds) * 1000;
  return Math.max(1, Math.ceil((endMs - nowMs) / 1000));
}
