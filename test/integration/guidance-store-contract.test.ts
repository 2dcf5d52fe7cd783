import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { documentClient } from '../../shared/aws/clients';
import type { StoredSession } from '../../shared/domain/guidance-session';
import type { GuidanceStore } from '../../shared/ports/guidance-store';
import type { SessionInventory, SessionLocator } from '../../shared/ports/session-inventory';
import type { SessionExpiry } from '../../shared/ports/session-expiry';
import { DynamoSessionExpiry } from '../../shared/adapters/dynamo-session-expiry';
import type { UserDirectory } from '../../shared/ports/user-directory';
import { startLocalDynamo } from '../../local/dynamo';
import { InMemoryGuidanceStore } from '../fakes/in-memory-guidance-store';
import { InMemoryUserDirectory } from '../fakes/in-memory-user-directory';

/**
 * One behavioural contract, run against the DynamoDB adapters on dynalite and against the
 * in-memory fakes the benchmark (and any fast test) uses instead, so the fakes cannot drift.
 */
interface Ports {
  readonly store: GuidanceStore & SessionInventory;
  readonly expiry: SessionExpiry;
  readonly users: UserDirectory;
  stop(): Promise<void>;
}

const implementations: { name: string; start: () => Promise<Ports> }[] = [
  {
    name: 'DynamoDB adapters on dynalite',
    start: async () => {
      const dynamo = await startLocalDynamo();
      const db = documentClient(dynamo.client);
      return {
        store: new DynamoGuidanceStore(db, dynamo.tableName, dynamo.sessionTableName),
        expiry: new DynamoSessionExpiry(db, dynamo.sessionTableName),
        users: new DynamoUserDirectory(db, dynamo.tableName),
        stop: () => dynamo.stop(),
      };
    },
  },
  {
    name: 'in-memory fakes',
    start: async () => {
      const store = new InMemoryGuidanceStore();
      return {
        store,
        expiry: store,
        users: new InMemoryUserDirectory(),
        stop: async () => undefined,
      };
    },
  },
];

const NOW = Date.parse('2026-11-25T10:00:00Z');
const TTL_MS = 1800 * 1000;
const COMPANY = '529196313';
const OTHER_COMPANY = '732829320';

function guidance(eventKey: string, eventTimestamp: number, overrides: { appUserId?: string; company?: string } = {}) {
  return {
    appUserId: overrides.appUserId ?? 'alice',
    companyIdentificationNumber: overrides.company ?? COMPANY,
    bridgeUserUuid: '11111111-1111-4111-8111-111111111111',
    eventKey,
    eventTimestamp,
    readyAt: eventTimestamp,
  };
}

function session(sessionId: string, overrides: Partial<StoredSession> = {}): StoredSession {
  return {
    appUserId: 'alice',
    companyIdentificationNumber: COMPANY,
    sessionId,
    url: `https://guidance.example/${sessionId}`,
    ciphertext: Uint8Array.from([1, 0, 255, sessionId.length]),
    createdAt: NOW,
    expiresAt: NOW + TTL_MS,
    revealCount: 0,
    eventTimestamp: NOW - 1000,
    eventKey: `event-of-${sessionId}`,
    ...overrides,
  };
}

describe.each(implementations)('guidance store contract: $name', ({ start }) => {
  let ports: Ports;
  let store: GuidanceStore & SessionInventory;

  beforeEach(async () => {
    ports = await start();
    store = ports.store;
  });
  afterEach(() => ports.stop());

  describe('recordGuidance', () => {
    it('records a first event and reads it back without a notification', async () => {
      const result = await store.recordGuidance(guidance('e1', NOW));

      expect(result).toEqual({ status: 'recorded', record: guidance('e1', NOW) });
      expect(await store.getGuidance('alice', COMPANY)).toEqual(guidance('e1', NOW));
      expect(await store.getGuidance('alice', OTHER_COMPANY)).toBeUndefined();
    });

    it('lets a newer event replace the record and keeps the notification of the older one', async () => {
      await store.recordGuidance(guidance('e1', NOW));
      await store.claimNotification('alice', COMPANY, 'event', 'e1', { nowMs: NOW, untilMs: NOW + 1000 });
      await store.confirmNotification('alice', COMPANY, 'event', 'e1');

      const result = await store.recordGuidance(guidance('e2', NOW + 1));

      expect(result).toEqual({ status: 'recorded', record: { ...guidance('e2', NOW + 1), notifiedEventKey: 'e1' } });
    });

    it('answers superseded to an older event, or another event of the same instant, and changes nothing', async () => {
      await store.recordGuidance(guidance('e2', NOW));

      expect(await store.recordGuidance(guidance('e1', NOW - 1))).toEqual({ status: 'superseded' });
      expect(await store.recordGuidance(guidance('e1-twin', NOW))).toEqual({ status: 'superseded' });
      expect(await store.getGuidance('alice', COMPANY)).toEqual(guidance('e2', NOW));
    });

    it('records the same event again (a retry) and shows it was already notified', async () => {
      await store.recordGuidance(guidance('e1', NOW));
      await store.claimNotification('alice', COMPANY, 'event', 'e1', { nowMs: NOW, untilMs: NOW + 1000 });

      expect(await store.recordGuidance(guidance('e1', NOW))).toEqual({
        status: 'recorded',
        record: { ...guidance('e1', NOW), notifiedEventKey: 'e1', notifiedEventLeaseUntil: NOW + 1000 },
      });
      await store.confirmNotification('alice', COMPANY, 'event', 'e1');
      expect(await store.recordGuidance(guidance('e1', NOW))).toEqual({ status: 'recorded', record: { ...guidance('e1', NOW), notifiedEventKey: 'e1' } });
    });

    it('keeps users and companies apart', async () => {
      await store.recordGuidance(guidance('e1', NOW));

      expect((await store.recordGuidance(guidance('e0', NOW - 5, { appUserId: 'bob' }))).status).toBe('recorded');
      expect((await store.recordGuidance(guidance('e0', NOW - 5, { company: OTHER_COMPANY }))).status).toBe('recorded');
    });

    it('settles concurrent events for one company on the newest', async () => {
      const timestamps = [5, 1, 9, 3, 7, 2, 8, 4, 6, 0].map((offset) => NOW + offset);

      await Promise.all(timestamps.map((timestamp) => store.recordGuidance(guidance(`e${timestamp}`, timestamp))));

      expect((await store.getGuidance('alice', COMPANY))?.eventKey).toBe(`e${NOW + 9}`);
    });
  });

  describe('notification claims', () => {
    const LEASE = { nowMs: NOW, untilMs: NOW + 30_000 };
    const claim = (kind: 'event' | 'renewal', key: string, lease = LEASE) => store.claimNotification('alice', COMPANY, kind, key, lease);
    const claimAndConfirm = async (kind: 'event' | 'renewal', key: string) => {
      expect(await claim(kind, key)).toBe('claimed');
      await store.confirmNotification('alice', COMPANY, kind, key);
    };

    it('claims a notification once per key while the lease runs, and shows the claim and its lease on the guidance', async () => {
      await store.recordGuidance(guidance('e1', NOW));

      const claims = await Promise.all(Array.from({ length: 5 }, () => claim('event', 'e1')));

      expect(claims.sort()).toEqual(['claimed', 'in_flight', 'in_flight', 'in_flight', 'in_flight']);
      expect(await store.getGuidance('alice', COMPANY)).toEqual({ ...guidance('e1', NOW), notifiedEventKey: 'e1', notifiedEventLeaseUntil: NOW + 30_000 });
      await store.recordGuidance(guidance('e2', NOW + 1));
      expect(await claim('event', 'e2')).toBe('claimed');
    });

    it('never lets a confirmed claim be taken again, however late', async () => {
      await store.recordGuidance(guidance('e1', NOW));
      await claimAndConfirm('event', 'e1');

      expect(await store.getGuidance('alice', COMPANY)).toEqual({ ...guidance('e1', NOW), notifiedEventKey: 'e1' });
      expect(await claim('event', 'e1', { nowMs: NOW + 86_400_000, untilMs: NOW + 86_430_000 })).toBe('done');
    });

    it('lets a retry take over a claim whose holder never confirmed once its lease has lapsed', async () => {
      await store.recordGuidance(guidance('e1', NOW));
      expect(await claim('event', 'e1')).toBe('claimed'); // the holder dies here

      expect(await claim('event', 'e1', { nowMs: NOW + 29_999, untilMs: NOW + 59_999 })).toBe('in_flight');
      expect(await claim('event', 'e1', { nowMs: NOW + 30_001, untilMs: NOW + 60_001 })).toBe('claimed');
      expect((await store.getGuidance('alice', COMPANY))?.notifiedEventLeaseUntil).toBe(NOW + 60_001);
    });

    it('lets only the newest recorded event claim: an older one never notifies after a newer one', async () => {
      await store.recordGuidance(guidance('e1', NOW));
      await store.recordGuidance(guidance('e2', NOW + 1));

      expect(await claim('event', 'e1')).toBe('done');
      expect(await claim('event', 'e2')).toBe('claimed');
    });

    it('releases and confirms only its own claim, so a retry can claim again', async () => {
      await store.recordGuidance(guidance('e1', NOW));
      await claim('event', 'e1');

      await store.releaseNotification('alice', COMPANY, 'event', 'other');
      await store.confirmNotification('alice', COMPANY, 'event', 'other');
      expect(await claim('event', 'e1')).toBe('in_flight');
      await store.releaseNotification('alice', COMPANY, 'event', 'e1');

      expect(await store.getGuidance('alice', COMPANY)).toEqual(guidance('e1', NOW));
      expect(await claim('event', 'e1')).toBe('claimed');
    });

    it('keeps event and renewal claims apart', async () => {
      await store.recordGuidance(guidance('e1', NOW));
      await claimAndConfirm('event', 'e1');

      expect(await claim('renewal', 'r1')).toBe('claimed');
      expect(await claim('renewal', 'r1')).toBe('in_flight');
      await store.confirmNotification('alice', COMPANY, 'renewal', 'r1');
      expect(await claim('renewal', 'r1')).toBe('done');
      expect(await store.getGuidance('alice', COMPANY)).toEqual({ ...guidance('e1', NOW), notifiedEventKey: 'e1' });
    });

    it('claims nothing for a guidance that does not exist', async () => {
      expect(await claim('event', 'e1')).toBe('done');
      expect(await store.getGuidance('alice', COMPANY)).toBeUndefined();
    });
  });

  describe('sessions', () => {
    it('round-trips every field of a session, with or without an event key', async () => {
      const withKey = session('s1', { revealCount: 3 });
      const { eventKey: _omitted, ...withoutKey } = session('s2', { companyIdentificationNumber: OTHER_COMPANY });

      await store.putSession(withKey, { replaces: undefined, nowMs: NOW });
      await store.putSession(withoutKey, { replaces: undefined, nowMs: NOW });

      const read = await store.getSession('alice', COMPANY);
      expect(read).toEqual({ ...withKey, ciphertext: expect.any(Uint8Array) });
      expect(Buffer.from(read!.ciphertext)).toEqual(Buffer.from(withKey.ciphertext));
      const readWithoutKey = await store.getSession('alice', OTHER_COMPANY);
      expect(readWithoutKey).toEqual({ ...withoutKey, ciphertext: expect.any(Uint8Array) });
      expect(readWithoutKey).not.toHaveProperty('eventKey');
      expect(await store.getSession('bob', COMPANY)).toBeUndefined();
    });

    it('never lets a session for an older event replace one for a newer event', async () => {
      await store.putSession(session('new', { eventTimestamp: NOW }), { replaces: undefined, nowMs: NOW });

      expect(await store.putSession(session('old', { eventTimestamp: NOW - 1 }), { replaces: undefined, nowMs: NOW })).toBe(false);
      expect(await store.putSession(session('old', { eventTimestamp: NOW - 1 }), { replaces: 'new', nowMs: NOW })).toBe(false);
      expect(await store.putSession(session('old', { eventTimestamp: NOW - 1 }), { replaces: null, nowMs: NOW + TTL_MS })).toBe(false);
      expect((await store.getSession('alice', COMPANY))?.sessionId).toBe('new');
    });

    it('lets a session for the same or a newer event replace the stored one when nothing is expected', async () => {
      await store.putSession(session('a', { eventTimestamp: NOW }), { replaces: undefined, nowMs: NOW });

      expect(await store.putSession(session('b', { eventTimestamp: NOW }), { replaces: undefined, nowMs: NOW })).toBe(true);
      expect(await store.putSession(session('c', { eventTimestamp: NOW + 1 }), { replaces: undefined, nowMs: NOW })).toBe(true);
      expect((await store.getSession('alice', COMPANY))?.sessionId).toBe('c');
    });

    it('with replaces null, stores only when no session is live (expiry is inclusive)', async () => {
      expect(await store.putSession(session('first'), { replaces: null, nowMs: NOW })).toBe(true);

      expect(await store.putSession(session('while-live'), { replaces: null, nowMs: NOW + TTL_MS - 1 })).toBe(false);
      expect(await store.putSession(session('at-expiry'), { replaces: null, nowMs: NOW + TTL_MS })).toBe(true);
      expect((await store.getSession('alice', COMPANY))?.sessionId).toBe('at-expiry');
    });

    it('with replaces an id, stores over that live session, an expired one or none, but not over another live one', async () => {
      expect(await store.putSession(session('s1'), { replaces: 'anything', nowMs: NOW })).toBe(true);

      expect(await store.putSession(session('s2'), { replaces: 'not-s1', nowMs: NOW })).toBe(false);
      expect(await store.putSession(session('s2'), { replaces: 's1', nowMs: NOW })).toBe(true);
      expect(await store.putSession(session('s3'), { replaces: 'not-s2', nowMs: NOW + TTL_MS })).toBe(true);
      expect((await store.getSession('alice', COMPANY))?.sessionId).toBe('s3');
    });

    it('lets exactly one of many concurrent renewals win', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) => store.putSession(session(`s${index}`), { replaces: null, nowMs: NOW })),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.getSession('alice', COMPANY))?.sessionId).toBe(`s${results.indexOf(true)}`);
    });

    it('keeps the reveal count of the session it stores, starting a new session from its own count', async () => {
      await store.putSession(session('s1'), { replaces: undefined, nowMs: NOW });
      await store.countReveal('alice', COMPANY, 's1', NOW);

      await store.putSession(session('s2', { eventTimestamp: NOW }), { replaces: 's1', nowMs: NOW });

      expect((await store.getSession('alice', COMPANY))?.revealCount).toBe(0);
    });
  });

  describe('countReveal', () => {
    it('counts reveals of that exact session while it is live, and none once it has expired', async () => {
      await store.putSession(session('s1', { revealCount: 0, expiresAt: NOW + 1000 }), { replaces: undefined, nowMs: NOW });

      expect(await store.countReveal('alice', COMPANY, 's1', NOW)).toBe(1);
      expect(await store.countReveal('alice', COMPANY, 's1', NOW + 999)).toBe(2);
      expect(await store.countReveal('alice', COMPANY, 's1', NOW + 1000)).toBeUndefined();
      expect((await store.getSession('alice', COMPANY))?.revealCount).toBe(2);
    });

    it('answers undefined for a replaced or missing session and changes nothing', async () => {
      await store.putSession(session('s2'), { replaces: undefined, nowMs: NOW });

      expect(await store.countReveal('alice', COMPANY, 's1', NOW)).toBeUndefined();
      expect(await store.countReveal('alice', OTHER_COMPANY, 's2', NOW)).toBeUndefined();
      expect((await store.getSession('alice', COMPANY))?.revealCount).toBe(0);
      expect(await store.getSession('alice', OTHER_COMPANY)).toBeUndefined();
    });

    it('loses no count under concurrency', async () => {
      await store.putSession(session('s1'), { replaces: undefined, nowMs: NOW });

      const counts = await Promise.all(Array.from({ length: 10 }, () => store.countReveal('alice', COMPANY, 's1', NOW)));

      expect([...counts].sort((a, b) => Number(a) - Number(b))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });
  });

  describe('deleteSession', () => {
    it('deletes the stored session, or only the given one', async () => {
      await store.putSession(session('s1'), { replaces: undefined, nowMs: NOW });

      await store.deleteSession('alice', COMPANY, 'not-s1');
      expect((await store.getSession('alice', COMPANY))?.sessionId).toBe('s1');
      await store.deleteSession('alice', COMPANY, 's1');
      expect(await store.getSession('alice', COMPANY)).toBeUndefined();

      await store.putSession(session('s2'), { replaces: undefined, nowMs: NOW });
      await store.deleteSession('alice', COMPANY);
      expect(await store.getSession('alice', COMPANY)).toBeUndefined();
    });

    it('is harmless when there is nothing to delete', async () => {
      await expect(store.deleteSession('alice', COMPANY)).resolves.toBeUndefined();
      await expect(store.deleteSession('alice', COMPANY, 's1')).resolves.toBeUndefined();
    });

    it('leaves the guidance in place', async () => {
      await store.recordGuidance(guidance('e1', NOW));
      await store.putSession(session('s1'), { replaces: undefined, nowMs: NOW });

      await store.deleteSession('alice', COMPANY);

      expect(await store.getGuidance('alice', COMPANY)).toEqual(guidance('e1', NOW));
    });
  });

  describe('listGuidance', () => {
    it("lists the user's guidance in company order, each with its stored session, live or not", async () => {
      await store.recordGuidance(guidance('e2', NOW, { company: OTHER_COMPANY }));
      await store.recordGuidance(guidance('e1', NOW));
      await store.recordGuidance(guidance('e9', NOW, { appUserId: 'bob' }));
      await store.putSession(session('expired', { expiresAt: NOW - 1 }), { replaces: undefined, nowMs: NOW });
      await store.putSession(session('orphan', { companyIdentificationNumber: '111111111' }), { replaces: undefined, nowMs: NOW });

      const listed = await store.listGuidance('alice');

      expect(listed).toEqual([
        { guidance: guidance('e1', NOW), session: { ...session('expired', { expiresAt: NOW - 1 }), ciphertext: expect.any(Uint8Array) } },
        { guidance: guidance('e2', NOW, { company: OTHER_COMPANY }) },
      ]);
      expect(await store.listGuidance('carol')).toEqual([]);
    });
  });

  describe('eraseAppUser', () => {
    it("deletes every guidance and session of the app user, across batch limits, and nobody else's", async () => {
      const companies = Array.from({ length: 30 }, (_, index) => String(100_000_000 + index));
      for (const company of companies) {
        await store.recordGuidance(guidance(`e-${company}`, NOW, { company }));
        await store.putSession(session(`s-${company}`, { companyIdentificationNumber: company }), { replaces: undefined, nowMs: NOW });
      }
      await store.recordGuidance(guidance('e-bob', NOW, { appUserId: 'bob' }));

      expect(await store.eraseAppUser('alice')).toBe(60);

      expect(await store.listGuidance('alice')).toEqual([]);
      expect(await store.getSession('alice', companies[0]!)).toBeUndefined();
      expect(await store.listGuidance('bob')).toHaveLength(1);
      expect(await store.eraseAppUser('alice')).toBe(0);
    });
  });

  describe('findSessions (session inventory)', () => {
    const byId = (a: SessionLocator, b: SessionLocator) => a.sessionId.localeCompare(b.sessionId);

    it("finds an app user's sessions, live or expired, or everyone's, without their secrets", async () => {
      await store.recordGuidance(guidance('e1', NOW));
      await store.putSession(session('s1'), { replaces: undefined, nowMs: NOW });
      await store.putSession(session('s2', { companyIdentificationNumber: OTHER_COMPANY, expiresAt: NOW - 1 }), { replaces: undefined, nowMs: NOW });
      await store.putSession(session('s3', { appUserId: 'bob' }), { replaces: undefined, nowMs: NOW });
      const locator = (sessionId: string, appUserId: string, company: string, expiresAt: number) => ({ appUserId, companyIdentificationNumber: company, sessionId, expiresAt });

      expect((await store.findSessions({ appUserId: 'alice' })).sort(byId)).toEqual([
        locator('s1', 'alice', COMPANY, NOW + TTL_MS),
        locator('s2', 'alice', OTHER_COMPANY, NOW - 1),
      ]);
      expect((await store.findSessions('all')).sort(byId)).toEqual([
        locator('s1', 'alice', COMPANY, NOW + TTL_MS),
        locator('s2', 'alice', OTHER_COMPANY, NOW - 1),
        locator('s3', 'bob', COMPANY, NOW + TTL_MS),
      ]);
      expect(await store.findSessions({ appUserId: 'carol' })).toEqual([]);
    });
  });

  describe('session expiry (the sweeper)', () => {
    const at = (sessionId: string, appUserId: string, company: string, expiresAt: number) =>
      session(sessionId, { appUserId, companyIdentificationNumber: company, createdAt: expiresAt - TTL_MS, expiresAt });

    it('finds every session expiring by a time, earliest first, over all users, without their secrets', async () => {
      await store.putSession(at('s1', 'alice', COMPANY, NOW + 30_000), { replaces: undefined, nowMs: NOW });
      await store.putSession(at('s2', 'bob', COMPANY, NOW - 5_000), { replaces: undefined, nowMs: NOW });
      await store.putSession(at('s3', 'carol', OTHER_COMPANY, NOW + 60_000), { replaces: undefined, nowMs: NOW });
      await store.putSession(at('s4', 'dave', COMPANY, NOW + 90_001), { replaces: undefined, nowMs: NOW });
      const found = (appUserId: string, company: string, expiresAt: number) => ({ appUserId, companyIdentificationNumber: company, createdAt: expiresAt - TTL_MS, expiresAt });

      expect(await ports.expiry.findExpiringBy(NOW + 60_000)).toEqual([
        found('bob', COMPANY, NOW - 5_000),
        found('alice', COMPANY, NOW + 30_000),
        found('carol', OTHER_COMPANY, NOW + 60_000),
      ]);
      expect(await ports.expiry.findExpiringBy(NOW - 10_000)).toEqual([]);
    });

    it('deletes a session only once it has expired (inclusive), and never a newer one stored in its place', async () => {
      await store.putSession(at('old', 'alice', COMPANY, NOW), { replaces: undefined, nowMs: NOW });

      expect(await ports.expiry.deleteIfExpired({ appUserId: 'alice', companyIdentificationNumber: COMPANY }, NOW - 1)).toBe(false);
      expect(await store.getSession('alice', COMPANY)).toBeDefined();
      await store.putSession(at('new', 'alice', COMPANY, NOW + TTL_MS), { replaces: 'old', nowMs: NOW });
      expect(await ports.expiry.deleteIfExpired({ appUserId: 'alice', companyIdentificationNumber: COMPANY }, NOW)).toBe(false);
      expect((await store.getSession('alice', COMPANY))?.sessionId).toBe('new');
      expect(await ports.expiry.deleteIfExpired({ appUserId: 'alice', companyIdentificationNumber: COMPANY }, NOW + TTL_MS)).toBe(true);
      expect(await store.getSession('alice', COMPANY)).toBeUndefined();
      expect(await ports.expiry.deleteIfExpired({ appUserId: 'alice', companyIdentificationNumber: COMPANY }, NOW + TTL_MS)).toBe(false);
      expect(await ports.expiry.findExpiringBy(NOW + 2 * TTL_MS)).toEqual([]);
    });

    it('tells when the oldest stored password was made, and nothing once none is stored', async () => {
      expect(await ports.expiry.oldestCreatedAt()).toBeUndefined();
      await store.putSession(at('s1', 'alice', COMPANY, NOW + 20_000), { replaces: undefined, nowMs: NOW });
      await store.putSession(at('s2', 'bob', COMPANY, NOW + 10_000), { replaces: undefined, nowMs: NOW });
      await store.putSession(at('s3', 'carol', COMPANY, NOW + 30_000), { replaces: undefined, nowMs: NOW });

      expect(await ports.expiry.oldestCreatedAt()).toBe(NOW + 10_000 - TTL_MS);
      await store.eraseAppUser('bob');
      expect(await ports.expiry.oldestCreatedAt()).toBe(NOW + 20_000 - TTL_MS);
    });
  });

  describe('user directory', () => {
    const alice = { bridgeUserUuid: '11111111-1111-4111-8111-111111111111', appUserId: 'alice', countryCode: 'FR' };

    it('stores a profile, answers the one it replaced, and deletes it', async () => {
      const full = { ...alice, contactEmail: 'alice@example.com', contactPhoneNumber: '+33612345678', language: 'fr' };

      expect(await ports.users.putProfile(full)).toBeUndefined();
      expect(await ports.users.putProfile({ ...alice, appUserId: 'alice-2' })).toEqual(full);
      expect(await ports.users.getProfile(alice.bridgeUserUuid)).toEqual({ ...alice, appUserId: 'alice-2' });

      await ports.users.deleteProfile(alice.bridgeUserUuid);
      await ports.users.deleteProfile(alice.bridgeUserUuid);
      expect(await ports.users.getProfile(alice.bridgeUserUuid)).toBeUndefined();
    });

    it('keeps profiles apart from guidance: erasing an app user leaves its profile', async () => {
      await ports.users.putProfile(alice);
      await store.recordGuidance(guidance('e1', NOW));

      await store.eraseAppUser('alice');

      expect(await ports.users.getProfile(alice.bridgeUserUuid)).toEqual(alice);
    });
  });
});
