import { DomainError } from '../../shared/domain/errors';
import { revealPassword, rotateSession, type RevealDeps } from '../../shared/domain/reveal-guidance';
import { GatedBridge } from '../fakes/gated-bridge';
import { beforeNextCall } from '../fakes/interleave';
import { ALICE, COMPANY, memoryWorld, TTL_SECONDS, type MemoryWorld } from '../fixtures/memory-world';

// Each test places a concurrent actor's step exactly between two steps of a reveal, with the
// manual clock and port wrappers: the guard it names is the only thing that makes it pass.

let world: MemoryWorld;
let deps: RevealDeps;

beforeEach(async () => {
  world = memoryWorld();
  deps = world.deps;
  await world.register(ALICE);
  await world.guidanceReady();
});

const notFound = expect.objectContaining({ code: 'not_found' });
const passwordOf = (sessionId: string) => world.bridge.issued.find((issued) => issued.id === sessionId)?.password;

describe('a renewal checks who owns the Bridge user', () => {
  it("a renewal for a Bridge user who moved to another app user never returns that user's password", async () => {
    world.clock.advance(TTL_SECONDS * 1000); // expired: the reveal renews
    // The Bridge user moves to bob after the reveal read alice's guidance, before it reads the profile.
    const users = beforeNextCall(world.users, 'getProfile', () => world.register({ ...ALICE, appUserId: 'bob' }));

    const outcome = await revealPassword('alice', COMPANY, { ...deps, users }).catch((error: unknown) => error);

    expect(outcome).toEqual(notFound);
    expect(outcome).toBeInstanceOf(DomainError);
    expect(world.bridge.requests).toHaveLength(1); // no session was made for bob on alice's behalf
    expect(await world.store.getSession('bob', COMPANY)).toBeUndefined();
  });
});

describe('a password is returned only if its reveal was counted', () => {
  it('never returns a password rotated away while it was being decrypted; returns the new one', async () => {
    const original = (await world.store.getSession('alice', COMPANY))!;
    const cipher = beforeNextCall(deps.cipher, 'decrypt', async () => void (await rotateSession('alice', COMPANY, deps)));

    const revealed = await revealPassword('alice', COMPANY, { ...deps, cipher });

    expect(revealed.sessionId).not.toBe(original.sessionId);
    expect(revealed.password).not.toBe(passwordOf(original.sessionId));
    expect(revealed.password).toBe(passwordOf(revealed.sessionId));
    expect((await world.store.getSession('alice', COMPANY))?.sessionId).toBe(revealed.sessionId);
  });

  it('never returns a password that expired while it was being decrypted; renews it', async () => {
    const original = (await world.store.getSession('alice', COMPANY))!;
    const cipher = beforeNextCall(deps.cipher, 'decrypt', () => world.clock.advance(original.expiresAt - world.clock.now()));

    const revealed = await revealPassword('alice', COMPANY, { ...deps, cipher });

    expect(revealed.password).not.toBe(passwordOf(original.sessionId));
    expect(revealed.password).toBe(world.bridge.issued[1]!.password);
    expect(revealed.expiresAt).toBe(world.clock.now() + TTL_SECONDS * 1000);
  });

  it('never returns a renewed password that a rotation replaced before it was counted; returns the rotated one', async () => {
    world.clock.advance(TTL_SECONDS * 1000);
    const store = beforeNextCall(world.store, 'countReveal', async () => void (await rotateSession('alice', COMPANY, deps)));

    const revealed = await revealPassword('alice', COMPANY, { ...deps, store });

    const [, renewed, rotated] = world.bridge.issued;
    expect(revealed.password).not.toBe(renewed!.password);
    expect(revealed).toEqual(expect.objectContaining({ sessionId: rotated!.id, password: rotated!.password }));
  });
});

describe('a renewal replaces only an expired session', () => {
  it('a slow renewal never overwrites the session another caller already received', async () => {
    world.clock.advance(TTL_SECONDS * 1000);
    const bridge = new GatedBridge();
    const slow = revealPassword('alice', COMPANY, { ...deps, bridge });
    const fast = revealPassword('alice', COMPANY, { ...deps, bridge });
    await bridge.untilPending(2);

    bridge.answerNext();
    const first = await Promise.race([slow, fast]);
    bridge.answerNext();
    const [a, b] = await Promise.all([slow, fast]);

    expect(a).toEqual(first);
    expect(b).toEqual(first);
    expect(first.password).toBe(bridge.issued[0]!.password);
    expect((await world.store.getSession('alice', COMPANY))).toEqual(expect.objectContaining({ sessionId: first.sessionId, revealCount: 2 }));
  });
});
