import { PermanentFailure } from '../../shared/domain/errors';
import { secretContextOf } from '../../shared/domain/guidance-session';
import { issueSession } from '../../shared/domain/issue-session';
import type { BridgeGuidanceSession } from '../../shared/ports/bridge-client';
import { ALICE, COMPANY, memoryWorld, TTL_SECONDS, type MemoryWorld } from '../fixtures/memory-world';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
});

const request = (overrides: Partial<Parameters<typeof issueSession>[0]> = {}) => ({
  profile: ALICE,
  companyIdentificationNumber: COMPANY,
  eventTimestamp: 1_000,
  replaces: null,
  ...overrides,
});
const answering = (session: Partial<BridgeGuidanceSession>) => ({ createGuidanceSession: async () => session as BridgeGuidanceSession });

describe('issueSession', () => {
  it('stores the password encrypted and bound to user, company and session id; returns it once', async () => {
    const issued = await issueSession(request({ eventKey: 'k'.repeat(64) }), world.deps);

    const bridge = world.bridge.issued[0]!;
    expect(issued).toEqual({ stored: true, password: bridge.password, session: expect.objectContaining({ sessionId: bridge.id, url: bridge.url }) });
    const stored = (await world.store.getSession('alice', COMPANY))!;
    expect(stored).toEqual(
      expect.objectContaining({ sessionId: bridge.id, revealCount: 0, eventTimestamp: 1_000, eventKey: 'k'.repeat(64), expiresAt: world.clock.now() + TTL_SECONDS * 1000 }),
    );
    expect(Buffer.from(stored.ciphertext).toString('latin1')).not.toContain(bridge.password);
    expect(await world.deps.cipher.decrypt(stored.ciphertext, secretContextOf(stored))).toBe(bridge.password);
    const owner = { app_user_id: 'alice', company_identification_number: COMPANY, session_id: bridge.id };
    expect(secretContextOf(stored)).toStrictEqual(owner);
    expect(await world.deps.cipher.decrypt(stored.ciphertext, owner)).toBe(bridge.password);
    await expect(world.deps.cipher.decrypt(stored.ciphertext, { ...secretContextOf(stored), app_user_id: 'bob' })).rejects.toThrow();
  });

  it('stores no event key for a session renewed on demand', async () => {
    const issued = await issueSession(request(), world.deps);

    expect(issued.stored && issued.session).not.toHaveProperty('eventKey');
    expect(await world.store.getSession('alice', COMPANY)).not.toHaveProperty('eventKey');
  });

  it('asks Bridge with the profile’s contact details, and only those it has', async () => {
    const full = { ...ALICE, language: 'fr', contactEmail: 'a@example.com', contactPhoneNumber: '+33612345678' };
    await issueSession(request({ profile: full }), world.deps);
    await issueSession(request({ profile: ALICE, replaces: undefined }), world.deps);

    expect(world.bridge.requests).toStrictEqual([
      { bridgeUserUuid: ALICE.bridgeUserUuid, countryCode: 'FR', companyIdentificationNumber: COMPANY, language: 'fr', contactEmail: 'a@example.com', contactPhoneNumber: '+33612345678' },
      { bridgeUserUuid: ALICE.bridgeUserUuid, countryCode: 'FR', companyIdentificationNumber: COMPANY },
    ]);
  });

  it.each([
    ['a blank id', { id: '  ', url: 'https://b.example/s', password: 'pw' }],
    ['no id', { url: 'https://b.example/s', password: 'pw' }],
    ['no url', { id: 's-1', url: '', password: 'pw' }],
    ['no password', { id: 's-1', url: 'https://b.example/s', password: '' }],
  ])('refuses, permanently and storing nothing, a Bridge answer with %s', async (_case, answer) => {
    const error = await issueSession(request(), { ...world.deps, bridge: answering(answer) }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentFailure);
    expect(error).toEqual(expect.objectContaining({ reason: 'bridge_invalid_response', message: 'Bridge answered without id, url or password.' }));
    expect(await world.store.getSession('alice', COMPANY)).toBeUndefined();
  });

  it('stores nothing, and says so, when the session it may replace is no longer the live one', async () => {
    await issueSession(request(), world.deps);

    const second = await issueSession(request({ replaces: 'some-other-session' }), world.deps);

    expect(second).toEqual({ stored: false });
    expect((await world.store.getSession('alice', COMPANY))?.sessionId).toBe(world.bridge.issued[0]!.id);
  });
});
