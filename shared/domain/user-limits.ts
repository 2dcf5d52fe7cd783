import { RateLimited } from './errors';
import type { Clock } from '../ports/clock';
import type { RateLimiter } from '../ports/rate-limiter';

/** Per-user limits; defaults and reasons in docs/security-application.md. */
export interface UserLimits {
  /** Bridge sessions made on a user's request (renewal on reveal, rotation) per hour. */
  readonly sessionsPerHour: number;
  /** Calls of the reveal API (list, reveal, delete, rotate) per minute. */
  readonly requestsPerMinute: number;
}

/** A user reveals a few passwords a day; 10 an hour leaves room for several companies and a rotation. */
export const DEFAULT_USER_SESSIONS_PER_HOUR = 10;
/** An app polls the list and reveals now and then; 60 a minute is far above that and far below a flood. */
export const DEFAULT_USER_REQUESTS_PER_MINUTE = 60;

export interface UserLimitDeps {
  readonly limiter: RateLimiter;
  readonly limits: UserLimits;
  readonly clock: Clock;
}

/** Admits one reveal API call of `appUserId`, or throws `RateLimited`. Other users' calls never count. */
export async function admitRequest(appUserId: string, deps: UserLimitDeps): Promise<void> {
  await take(`requests#${appUserId}`, deps.limits.requestsPerMinute, 60, deps);
}

/** Admits one Bridge session made for `appUserId` on their request, or throws `RateLimited`. */
export async function admitBridgeSession(appUserId: string, deps: UserLimitDeps): Promise<void> {
  await take(`sessions#${appUserId}`, deps.limits.sessionsPerHour, 3600, deps);
}

async function take(key: string, limit: number, windowSeconds: number, deps: UserLimitDeps): Promise<void> {
  const allowance = await deps.limiter.take(key, limit, windowSeconds, deps.clock.now());
  if (!allowance.allowed) throw new RateLimited(allowance.retryAfterSeconds);
}
