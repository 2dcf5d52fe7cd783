import type { Clock } from '../ports/clock';
import type { SessionExpiry } from '../ports/session-expiry';

export interface SweepDeps {
  readonly expiry: SessionExpiry;
  readonly clock: Clock;
  /** Waits `ms` of the clock's time (a timer in production, a clock move in tests). */
  readonly wait: (ms: number) => Promise<void>;
}

export interface SweepOptions {
  /**
   * How far ahead a sweep looks: a session expiring within it is waited for and deleted at its
   * expiry. Longer than the interval between sweeps, so a late next sweep still finds nothing left.
   */
  readonly horizonMs: number;
}

export interface SweepReport {
  /** Sessions this sweep deleted. */
  readonly deleted: number;
  /** Sessions it found that were gone or replaced by a newer one when it came to delete them. */
  readonly alreadyGone: number;
  /** Age of the oldest password still stored when the sweep ends (0 when none is). */
  readonly oldestPasswordAgeMs: number;
}

/** Default look-ahead: a sweep every minute covers the next 90 s, so a sweep up to 30 s late loses nothing. */
export const SWEEP_HORIZON_MS = 90_000;

/**
 * Delete every stored password no later than its expiry, whatever DynamoDB's TTL does.
 * 1. find the sessions expiring by now + horizon, earliest first;
 * 2. for each, wait until its expiry, then delete it unless a newer session replaced it;
 * 3. report the age of the oldest password left (the alarm's metric: it grows if deletes fail).
 */
export async function sweepExpiredSessions(deps: SweepDeps, options: SweepOptions = { horizonMs: SWEEP_HORIZON_MS }): Promise<SweepReport> {
  const startedAt = deps.clock.now();
  const due = await deps.expiry.findExpiringBy(startedAt + options.horizonMs);
  let deleted = 0;
  let alreadyGone = 0;
  for (const session of due) {
    const untilExpiry = session.expiresAt - deps.clock.now();
    if (untilExpiry > 0) await deps.wait(untilExpiry);
    if (await deps.expiry.deleteIfExpired(session, Math.max(deps.clock.now(), session.expiresAt))) deleted += 1;
    else alreadyGone += 1;
  }
  const oldest = await deps.expiry.oldestCreatedAt();
  return { deleted, alreadyGone, oldestPasswordAgeMs: oldest === undefined ? 0 : Math.max(0, deps.clock.now() - oldest) };
}
