import { DomainError, PermanentFailure, RateLimited, TransientFailure } from '../../shared/domain/errors';
import { revealErrors } from '../../functions/reveal-api/http-errors';
import { eraseUser } from '../../shared/domain/manage-users';
import { deleteSession, listGuidance, revealPassword, rotateSession, type RevealDeps } from '../../shared/domain/reveal-guidance';
import type { GuidanceStore } from '../../shared/ports/guidance-store';
import { UndecryptableSecret } from '../../shared/ports/password-cipher';
import type { SessionKeyMismatch } from '../../shared/ports/security-events';
import { beforeNextCall } from '../fakes/interleave';
import { InMemoryRateLimiter } from '../fakes/in-memory-rate-limiter';
import { ALICE, COMPANY, memoryWorld, TTL_SECONDS, type MemoryWorld } from '../fixtures/memory-world';

// The reveal API's use cases on the in-memory fakes: what the dynalite tests prove, in milliseconds.
const BOB = { bridgeUserUuid: '22222222-2222-4222-8222-222222222222', appUserId: 'bob', countryCode: 'FR' };

let world: MemoryWorld;
let deps: RevealDeps;

beforeEach(async () => {
  world = memoryWorld();
  deps = world.deps;
  await world.register(ALICE);
  await world.register(BOB);
  await world.guidanceReady();
});

const notFound = expect.objectContaining({ code: 'not_found', message: 'No guidance is ready for this company.' });
const unavailable = expect.objectContaining({ code: 'unavailable' });
const failed = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => error);

describe('listGuidance', () => {
  it('lists the caller’s guidances with the live session and never a password', async () => {
    const issued = world.bridge.issued[0]!;

    const items = await listGuidance('alice', deps);

    expect(items).toEqual([
      {
        companyIdentificationNumber: COMPANY,
        readyAt: world.clock.now(),
        session: { id: issued.id, url: issued.url, expiresAt: world.clock.now() + TTL_SECONDS * 1000, revealCount: 0 },
      },
    ]);
    expect(JSON.stringify(items)).not.toContain(issued.password);
    expect(await listGuidance('bob', deps)).toEqual([]);
  });

  it('shows an expired session as none, from the moment it expires', async () => {
    world.clock.advance(TTL_SECONDS * 1000 - 1);
    expect((await listGuidance('alice', deps))[0]?.session).not.toBeNull();
    world.clock.advance(1);
    expect((await listGuidance('alice', deps))[0]?.session).toBeNull();
  });
});

describe('revealPassword', () => {
  it('returns the stored password until the last millisecond and counts each reveal', async () => {
    const issued = world.bridge.issued[0]!;
    world.clock.advance(TTL_SECONDS * 1000 - 1);

    const first = await revealPassword('alice', COMPANY, deps);
    const second = await revealPassword('alice', COMPANY, deps);

    expect(first).toEqual({ sessionId: issued.id, url: issued.url, password: issued.password, expiresAt: world.clock.now() + 1 });
    expect(second).toEqual(first);
    expect((await world.store.getSession('alice', COMPANY))?.revealCount).toBe(2);
    expect(world.bridge.requests).toHaveLength(1);
  });

  it('renews a session at its expiry instant, with a fresh password for the full TTL', async () => {
    world.clock.advance(TTL_SECONDS * 1000);

    const renewed = await revealPassword('alice', COMPANY, deps);

    const fresh = world.bridge.issued[1]!;
    expect(renewed).toEqual({ sessionId: fresh.id, url: fresh.url, password: fresh.password, expiresAt: world.clock.now() + TTL_SECONDS * 1000 });
    expect(await world.store.getSession('alice', COMPANY)).toEqual(expect.objectContaining({ sessionId: fresh.id, revealCount: 1 }));
    expect(world.bridge.requests[1]).toEqual({ bridgeUserUuid: ALICE.bridgeUserUuid, countryCode: 'FR', companyIdentificationNumber: COMPANY });
  });

  it('answers 404 to another user and to a missing company, alike, and counts nothing', async () => {
    const errors = await Promise.all([
      failed(revealPassword('bob', COMPANY, deps)),
      failed(rotateSession('bob', COMPANY, deps)),
      failed(deleteSession('bob', COMPANY, deps)),
      failed(revealPassword('alice', '999999999', deps)),
    ]);

    for (const error of errors) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toEqual(notFound);
    }
    expect((await world.store.getSession('alice', COMPANY))?.revealCount).toBe(0);
    expect(world.bridge.requests).toHaveLength(1);
  });

  it('replaces a password that can never be decrypted with a fresh session', async () => {
    const original = world.bridge.issued[0]!;
    const cipher = beforeNextCall(deps.cipher, 'decrypt', () => {
      throw new UndecryptableSecret('under a retired key');
    });

    const revealed = await revealPassword('alice', COMPANY, { ...deps, cipher });

    expect(revealed.password).toBe(world.bridge.issued[1]!.password);
    expect(revealed.password).not.toBe(original.password);
    expect(await world.store.getSession('alice', COMPANY)).toEqual(expect.objectContaining({ sessionId: world.bridge.issued[1]!.id, revealCount: 1 }));
  });

  it('returns the concurrent rotation’s session when replacing an undecryptable one loses to it', async () => {
    const cipher = beforeNextCall(deps.cipher, 'decrypt', () => {
      throw new UndecryptableSecret('under a retired key');
    });
    const store = beforeNextCall(world.store, 'putSession', async () => void (await rotateSession('alice', COMPANY, deps)));

    const revealed = await revealPassword('alice', COMPANY, { ...deps, cipher, store });

    const rotated = world.bridge.issued[2]!; // ours was issued[1], refused by the conditional replace
    expect(revealed).toEqual(expect.objectContaining({ sessionId: rotated.id, password: rotated.password }));
    expect((await world.store.getSession('alice', COMPANY))?.revealCount).toBe(2);
  });

  it('answers 503 when the key service fails, and leaves the stored password as it was', async () => {
    const before = await world.store.getSession('alice', COMPANY);
    const throttled = new Error('KMS throttled');
    const cipher = { ...deps.cipher, encrypt: deps.cipher.encrypt.bind(deps.cipher), decrypt: async () => Promise.reject(throttled) };

    const error = await failed(revealPassword('alice', COMPANY, { ...deps, cipher }));
    expect(error).toEqual(unavailable);
    expect((error as Error).cause).toBe(throttled);

    expect(await world.store.getSession('alice', COMPANY)).toEqual(before);
    expect(world.bridge.requests).toHaveLength(1);
  });

  it.each([
    ['Bridge is unavailable', new TransientFailure('bridge_503', 'x'), { code: 'service_unavailable', status: 503 }],
    ['Bridge refuses', new PermanentFailure('bridge_unknown_user', 'x'), { code: 'upstream_error', status: 502 }],
  ])('lets a renewal fail when %s with its own error, which the API answers with its status', async (_case, failure, expected) => {
    world.clock.advance(TTL_SECONDS * 1000);
    world.bridge.failures.push(failure);

    const error = await failed(revealPassword('alice', COMPANY, deps));

    expect(error).toBe(failure);
    expect(revealErrors(error)).toEqual(expect.objectContaining(expected));
  });

  it('lets any other renewal error through unchanged', async () => {
    world.clock.advance(TTL_SECONDS * 1000);
    const bug = new RangeError('bug');
    world.bridge.failures.push(bug);

    expect(await failed(revealPassword('alice', COMPANY, deps))).toBe(bug);
  });

  it('answers 404, and keeps nothing, when the user is erased while the renewal is stored', async () => {
    world.clock.advance(TTL_SECONDS * 1000);
    const store = beforeNextCall(world.store, 'putSession', () => eraseUser(ALICE.bridgeUserUuid, { users: world.users, store: world.store }));

    expect(await failed(revealPassword('alice', COMPANY, { ...deps, store }))).toEqual(notFound);

    expect(await world.store.getSession('alice', COMPANY)).toBeUndefined();
  });

  it('passes on, not as a 404, a failure to re-read the profile after the renewal is stored', async () => {
    world.clock.advance(TTL_SECONDS * 1000);
    const outage = new Error('DynamoDB unavailable');
    let reads = 0;
    const users = Object.assign(Object.create(world.users) as typeof world.users, {
      getProfile: async (uuid: string) => ((reads += 1) === 2 ? Promise.reject(outage) : world.users.getProfile(uuid)),
    });

    expect(await failed(revealPassword('alice', COMPANY, { ...deps, users }))).toBe(outage);
  });

  it('answers 404 when the Bridge user has no profile any more', async () => {
    world.clock.advance(TTL_SECONDS * 1000);
    await world.users.deleteProfile(ALICE.bridgeUserUuid);

    expect(await failed(revealPassword('alice', COMPANY, deps))).toEqual(notFound);
    expect(world.bridge.requests).toHaveLength(1);
  });

  it('gives up with 503 when the session keeps changing under it', async () => {
    // Every count is refused, as if each session read were replaced before it is counted.
    const store: GuidanceStore = Object.assign(Object.create(world.store) as GuidanceStore, { countReveal: async () => undefined });

    expect(await failed(revealPassword('alice', COMPANY, { ...deps, store }))).toEqual(unavailable);
  });
});

describe('rotateSession and deleteSession', () => {
  it('rotates to a new session at once; the old password is gone', async () => {
    const old = world.bridge.issued[0]!;

    const rotated = await rotateSession('alice', COMPANY, deps);

    expect(rotated.sessionId).toBe(world.bridge.issued[1]!.id);
    expect(rotated.password).not.toBe(old.password);
    expect(await world.store.getSession('alice', COMPANY)).toEqual(expect.objectContaining({ sessionId: rotated.sessionId, revealCount: 1 }));
  });

  it('rotates an expired session too', async () => {
    world.clock.advance(TTL_SECONDS * 1000);

    const rotated = await rotateSession('alice', COMPANY, deps);

    expect(rotated.sessionId).toBe(world.bridge.issued[1]!.id);
    expect(rotated.expiresAt).toBe(world.clock.now() + TTL_SECONDS * 1000);
  });

  it('returns the concurrent rotation’s session when that one was stored first', async () => {
    const store = beforeNextCall(world.store, 'putSession', async () => void (await rotateSession('alice', COMPANY, deps)));

    const rotated = await rotateSession('alice', COMPANY, { ...deps, store });

    const winner = world.bridge.issued[2]!; // the concurrent rotation asked Bridge after ours
    expect(rotated).toEqual(expect.objectContaining({ sessionId: winner.id, password: winner.password }));
    expect((await world.store.getSession('alice', COMPANY))?.sessionId).toBe(winner.id);
  });

  it('deletes the caller’s password; the next reveal renews it', async () => {
    await deleteSession('alice', COMPANY, deps);

    expect(await world.store.getSession('alice', COMPANY)).toBeUndefined();
    expect((await revealPassword('alice', COMPANY, deps)).sessionId).toBe(world.bridge.issued[1]!.id);
  });
});

describe('the guards no other unit test reaches', () => {
  /** The world's store, with `overrides` in place of some of its methods. */
  const storeWith = (overrides: Partial<GuidanceStore>): GuidanceStore =>
    new Proxy(world.store, {
      get(target, property, receiver) {
        if (property in overrides) return overrides[property as keyof GuidanceStore];
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });

  it('gives up after four rounds when every reveal loses its race, with unavailable, and returns no uncounted password', async () => {
    const calls = { reads: 0, decrypts: 0 };
    const store = storeWith({
      countReveal: async () => undefined, // a concurrent rotation wins every time
      getSession: async (appUserId, company) => {
        calls.reads += 1;
        return world.store.getSession(appUserId, company);
      },
    });
    const cipher = {
      encrypt: deps.cipher.encrypt.bind(deps.cipher),
      decrypt: async (...args: Parameters<typeof deps.cipher.decrypt>) => {
        calls.decrypts += 1;
        return deps.cipher.decrypt(...args);
      },
    };

    const error = await failed(revealPassword('alice', COMPANY, { ...deps, store, cipher }));

    expect(error).toEqual(expect.objectContaining({ code: 'unavailable', message: 'The session changed too often; retry.' }));
    expect(calls).toEqual({ reads: 4, decrypts: 4 });
  });

  it('says why a decrypt failed, in the text the API shows', async () => {
    const cipher = { encrypt: deps.cipher.encrypt.bind(deps.cipher), decrypt: async () => Promise.reject(new Error('KMS throttled')) };

    expect(await failed(revealPassword('alice', COMPANY, { ...deps, cipher }))).toEqual(
      expect.objectContaining({ code: 'unavailable', message: 'The password could not be decrypted; retry.' }),
    );
  });

  it('never lists a session item planted under the caller’s key that names someone else, and reports it', async () => {
    await world.guidanceReady(BOB);
    const bobs = world.store.rawItem({ pk: 'APP#bob', sk: `SESSION#${COMPANY}` })!;
    world.store.plantItem({ ...bobs, pk: 'APP#alice' });
    const reported: SessionKeyMismatch[] = [];
    const security = { sessionKeyMismatch: (details: SessionKeyMismatch) => void reported.push(details) };

    const items = await listGuidance('alice', { ...deps, security });

    expect(items.map((item) => item.session)).toEqual([null]);
    expect(reported).toEqual([{ appUserId: 'alice', company: COMPANY, sessionId: bobs.sessionId }]);
  });

  it('counts a renewal against the caller’s Bridge sessions per hour, before Bridge is asked', async () => {
    const userLimits = { limiter: new InMemoryRateLimiter(), limits: { sessionsPerHour: 1, requestsPerMinute: 60 } };
    await deleteSession('alice', COMPANY, deps);

    await revealPassword('alice', COMPANY, { ...deps, userLimits }); // a renewal: one Bridge session
    await deleteSession('alice', COMPANY, deps);
    const error = await failed(revealPassword('alice', COMPANY, { ...deps, userLimits }));

    expect(error).toBeInstanceOf(RateLimited);
    expect(world.bridge.requests).toHaveLength(2); // the guidance's own session and the one renewal
  });
});
