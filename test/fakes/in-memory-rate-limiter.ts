import { secondsUntilWindowEnds, windowStartSeconds, type Allowance, type RateLimiter } from '../../shared/ports/rate-limiter';

/** Fixed-window counters in memory, with DynamoRateLimiter's semantics (test/integration/rate-limiter-contract.test.ts). */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly used = new Map<string, number>();

  async take(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<Allowance> {
    const window = `${key}@${windowStartSeconds(nowMs, windowSeconds)}`;
    const used = this.used.get(window) ?? 0;
    if (used >= limit) return { allowed: false, retryAfterSeconds: secondsUntilWindowEnds(nowMs, windowSeconds) };
    this.used.set(window, used + 1);
    return { allowed: true };
  }
}
