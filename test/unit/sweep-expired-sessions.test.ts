import { Logger } from '@aws-lambda-powertools/logger';
import { createSweeperHandler, OLDEST_PASSWORD_AGE_METRIC } from '../../functions/session-sweeper/app';
import type { StoredSession } from '../../shared/domain/guidance-session';
import { sweepExpiredSessions } from '../../shared/domain/sweep-expired-sessions';
import { InMemoryGuidanceStore } from '../fakes/in-memory-guidance-store';
import { ManualClock } from '../fakes/manual-clock';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { captureLogs, leakedSecrets } from '../fixtures/log-capture';

const TTL_MS = 1800 * 1000;
const HORIZON_MS = 90_000;
const COMPANY = '529196313';

function session(appUserId: string, expiresAt: number, sessionId = `s-${appUserId}`): StoredSession {
  return {
    appUserId,
    companyIdentificationNumber: COMPANY,
    sessionId,
    url: `https://guidance.example/${sessionId}`,
    ciphertext: Uint8Array.from([1, 2, 3]),
    createdAt: expiresAt - TTL_MS,
    expiresAt,
    revealCount: 0,
    eventTimestamp: 1,
  };
}

describe('sweepExpiredSessions', () => {
  let store: InMemoryGuidanceStore;
  let clock: ManualClock;
  /** When each delete happened, by the clock. */
  let deletedAt: Map<string, number>;

  const deps = () => ({
    expiry: {
      findExpiringBy: (until: number) => store.findExpiringBy(until),
      oldestCreatedAt: () => store.oldestCreatedAt(),
      deleteIfExpired: async (found: { appUserId: string; companyIdentificationNumber: string }, nowMs: number) => {
        const deleted = await store.deleteIfExpired(found, nowMs);
        if (deleted) deletedAt.set(found.appUserId, clock.now());
        return deleted;
      },
    },
    clock,
    wait: async (ms: number) => clock.advance(ms),
  });

  beforeEach(() => {
    store = new InMemoryGuidanceStore();
    clock = new ManualClock();
    deletedAt = new Map();
  });

  it('deletes a password that has expired at once, and one expiring within the horizon exactly at its expiry', async () => {
    const start = clock.now();
    await store.putSession(session('expired', start - 5_000), { replaces: undefined, nowMs: start });
    await store.putSession(session('soon', start + 40_000), { replaces: undefined, nowMs: start });

    const report = await sweepExpiredSessions(deps(), { horizonMs: HORIZON_MS });

    expect(deletedAt).toEqual(new Map([['expired', start], ['soon', start + 40_000]]));
    expect(await store.findSessions('all')).toEqual([]);
    expect(report).toEqual({ deleted: 2, alreadyGone: 0, oldestPasswordAgeMs: 0 });
  });

  it('leaves a password that expires beyond the horizon for a later sweep, and reports its age', async () => {
    const start = clock.now();
    await store.putSession(session('later', start + HORIZON_MS + 1), { replaces: undefined, nowMs: start });

    const report = await sweepExpiredSessions(deps(), { horizonMs: HORIZON_MS });

    expect(await store.getSession('later', COMPANY)).toBeDefined();
    expect(report).toEqual({ deleted: 0, alreadyGone: 0, oldestPasswordAgeMs: TTL_MS - HORIZON_MS - 1 });
  });

  it('never deletes a fresh session that replaced an expiring one while the sweep was waiting', async () => {
    const start = clock.now();
    await store.putSession(session('alice', start + 30_000, 'old'), { replaces: undefined, nowMs: start });
    const waitThenRotate = {
      ...deps(),
      wait: async (ms: number) => {
        clock.advance(ms / 2);
        await store.putSession({ ...session('alice', clock.now() + TTL_MS, 'new'), createdAt: clock.now() }, { replaces: 'old', nowMs: clock.now() });
        clock.advance(ms / 2);
      },
    };

    const report = await sweepExpiredSessions(waitThenRotate, { horizonMs: HORIZON_MS });

    expect((await store.getSession('alice', COMPANY))?.sessionId).toBe('new');
    expect(report).toMatchObject({ deleted: 0, alreadyGone: 1 });
  });

  it('reports a growing age when deletes keep failing, which is what the password-age alarm watches', async () => {
    const start = clock.now();
    await store.putSession(session('stuck', start - 120_000), { replaces: undefined, nowMs: start });
    const failing = { ...deps(), expiry: { ...deps().expiry, deleteIfExpired: async () => false } };

    const report = await sweepExpiredSessions(failing, { horizonMs: HORIZON_MS });

    expect(report.oldestPasswordAgeMs).toBe(TTL_MS + 120_000);
  });
});

describe('the session sweeper handler', () => {
  it('records the oldest password age of every run, 0 when none is stored, and never a secret in its log', async () => {
    const store = new InMemoryGuidanceStore();
    const clock = new ManualClock();
    const metrics = new RecordingMetrics();
    const logger = new Logger({ serviceName: 'session-sweeper', logLevel: 'INFO' });
    await store.putSession(session('alice', clock.now() + 10_000), { replaces: undefined, nowMs: clock.now() });
    await store.putSession(session('bob', clock.now() + 600_000), { replaces: undefined, nowMs: clock.now() });
    const sweep = createSweeperHandler({ expiry: store, clock, wait: async (ms) => clock.advance(ms), logger, metrics });

    const { output } = await captureLogs(async () => {
      await sweep();
      await store.eraseAppUser('bob');
      await sweep();
    });

    expect(metrics.points).toEqual([
      { name: OLDEST_PASSWORD_AGE_METRIC, dimensions: {}, value: TTL_MS - 600_000 + 10_000 },
      { name: OLDEST_PASSWORD_AGE_METRIC, dimensions: {}, value: 0 },
    ]);
    expect(output).toContain('Expired sessions swept');
    expect(leakedSecrets(output, ['https://guidance.example/s-alice', 'https://guidance.example/s-bob', 'alice', 'bob'])).toEqual([]);
  });
});
