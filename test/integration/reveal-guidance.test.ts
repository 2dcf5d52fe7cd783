import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../shared/domain/errors';
import { processGuidanceEvent } from '../../shared/domain/process-guidance-event';
import { deleteSession, listGuidance, revealPassword, rotateSession, type RevealDeps } from '../../shared/domain/reveal-guidance';
import type { PasswordCipher } from '../../shared/ports/password-cipher';
import { GatedBridge } from '../fakes/gated-bridge';
import { guidanceEvent } from '../fixtures/sqs';
import { ALICE, BOB, COMPANY, createWorld, type World } from '../fixtures/world';

let world: World;
let deps: RevealDeps;

async function guidanceReadyFor(profile: typeof ALICE): Promise<void> {
  await processGuidanceEvent(guidanceEvent(profile.bridgeUserUuid, COMPANY, world.clock.now()), 'corr', { ...deps, notifier: world.outbox });
}

beforeEach(async () => {
  world = await createWorld();
  await world.register(ALICE, BOB);
  deps = { ...world, bridge: world.bridge, passwordTtlSeconds: 1800 };
  await guidanceReadyFor(ALICE);
});
afterEach(() => world.stop());

const notFound = expect.objectContaining({ code: 'not_found' });

describe('reveal', () => {
  it('replaces a stored password that can never be decrypted with a fresh session, instead of answering 503 until it expires', async () => {
    const stored = (await world.store.getSession('alice', COMPANY))!;
    const corrupt = Uint8Array.from(stored.ciphertext);
    corrupt[corrupt.length - 1]! ^= 1;
    await world.db.send(
      new PutCommand({
        TableName: world.dynamo.sessionTableName,
        Item: { ...(await world.db.send(new GetCommand({ TableName: world.dynamo.sessionTableName, Key: { pk: 'APP#alice', sk: `SESSION#${COMPANY}` } }))).Item, ciphertext: corrupt },
      }),
    );

    const revealed = await revealPassword('alice', COMPANY, deps);

    expect(revealed.sessionId).toBe(world.bridge.issued[1]!.id);
    expect(revealed.password).toBe(world.bridge.issued[1]!.password);
    expect((await world.store.getSession('alice', COMPANY))?.sessionId).toBe(revealed.sessionId);
  });

  it('returns the stored password and counts the reveal', async () => {
    const first = await revealPassword('alice', COMPANY, deps);
    const second = await revealPassword('alice', COMPANY, deps);

    expect(first).toEqual({ ...second, password: world.bridge.issued[0]!.password });
    expect(first.sessionId).toBe(world.bridge.issued[0]!.id);
    expect((await world.store.getSession('alice', COMPANY))?.revealCount).toBe(2);
  });

  it('answers 404 to another user exactly as to a missing company', async () => {
    const errors = await Promise.all([
      revealPassword('bob', COMPANY, deps).catch((e: unknown) => e),
      rotateSession('bob', COMPANY, deps).catch((e: unknown) => e),
      deleteSession('bob', COMPANY, deps).catch((e: unknown) => e),
      revealPassword('alice', '999999999', deps).catch((e: unknown) => e),
    ]);

    for (const error of errors) expect(error).toEqual(notFound);
    expect(new Set(errors.map((error) => (error as DomainError).message)).size).toBe(1);
    expect(await listGuidance('bob', deps)).toEqual([]);
    expect((await world.store.getSession('alice', COMPANY))?.revealCount).toBe(0);
  });

  it('never returns a password past expires_at, even while the item is still in the table, and renews it', async () => {
    const original = world.bridge.issued[0]!;
    world.clock.advance(1800 * 1000);

    expect((await world.store.getSession('alice', COMPANY))?.sessionId).toBe(original.id); // the sweeper has not run
    expect((await listGuidance('alice', deps))[0]?.session).toBeNull();
    const renewed = await revealPassword('alice', COMPANY, deps);

    expect(renewed.password).not.toBe(original.password);
    expect(renewed.sessionId).toBe(world.bridge.issued[1]!.id);
    expect(renewed.expiresAt).toBe(world.clock.now() + 1800 * 1000);
  });

  it('renews a session the user deleted after use', async () => {
    await deleteSession('alice', COMPANY, deps);
    expect(await world.store.getSession('alice', COMPANY)).toBeUndefined();

    const renewed = await revealPassword('alice', COMPANY, deps);

    expect(renewed.sessionId).toBe(world.bridge.issued[1]!.id);
  });

  it('gives ten parallel reveals the same session and password and counts ten', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => revealPassword('alice', COMPANY, deps)));

    expect(new Set(results.map((r) => `${r.sessionId}/${r.password}`)).size).toBe(1);
    expect((await world.store.getSession('alice', COMPANY))?.revealCount).toBe(10);
  });

  it('gives ten parallel reveals of an expired session one renewed session', async () => {
    world.clock.advance(1801 * 1000);
    // All ten ask Bridge; its answers come one at a time, each after the previous caller settled:
    // only the conditional replace (a renewal replaces only an expired session) makes them converge.
    const bridge = new GatedBridge();
    const reveals = Array.from({ length: 10 }, () => revealPassword('alice', COMPANY, { ...deps, bridge }));
    const settled = new Set<number>();
    reveals.forEach((reveal, i) => void reveal.then(() => settled.add(i), () => settled.add(i)));
    await bridge.untilPending(10);
    for (let answered = 1; answered <= 10; answered += 1) {
      bridge.answerNext();
      await Promise.race(reveals.filter((_, i) => !settled.has(i)));
      await new Promise((resolve) => setImmediate(resolve));
    }

    const results = await Promise.all(reveals);
    expect(bridge.issued).toHaveLength(10);
    expect(new Set(results.map((r) => `${r.sessionId}/${r.password}`))).toEqual(new Set([`${bridge.issued[0]!.id}/${bridge.issued[0]!.password}`]));
    expect((await world.store.getSession('alice', COMPANY))?.revealCount).toBe(10);
  });

  it('leaves exactly one live session after five parallel rotations, different from the old one', async () => {
    const before = await world.store.getSession('alice', COMPANY);
    world.bridge.delayMs = 20;

    const results = await Promise.all(Array.from({ length: 5 }, () => rotateSession('alice', COMPANY, deps)));

    const live = await world.store.getSession('alice', COMPANY);
    expect(live?.sessionId).not.toBe(before?.sessionId);
    expect(results.every((r) => r.sessionId === live?.sessionId)).toBe(true);
    const livePassword = world.bridge.issued.find((issued) => issued.id === live?.sessionId)?.password;
    expect(results.every((r) => r.password === livePassword)).toBe(true);
  });

  it('leaves the stored password intact when decryption fails', async () => {
    const failing: PasswordCipher = { encrypt: world.cipher.encrypt.bind(world.cipher), decrypt: async () => Promise.reject(new Error('KMS down')) };
    const before = await world.store.getSession('alice', COMPANY);

    await expect(revealPassword('alice', COMPANY, { ...deps, cipher: failing })).rejects.toEqual(
      expect.objectContaining({ code: 'unavailable' }),
    );

    expect(await world.store.getSession('alice', COMPANY)).toEqual(before);
    expect((await revealPassword('alice', COMPANY, deps)).password).toBe(world.bridge.issued[0]!.password);
  });

  it("never reveals a ciphertext swapped between two users: each gets a fresh session, not the other's password", async () => {
    await guidanceReadyFor(BOB);
    const [aliceOriginal, bobOriginal] = world.bridge.issued.map((issued) => issued.password);
    const table = world.dynamo.sessionTableName;
    const aliceItem = (await world.db.send(new GetCommand({ TableName: table, Key: { pk: 'APP#alice', sk: `SESSION#${COMPANY}` } }))).Item!;
    const bobItem = (await world.db.send(new GetCommand({ TableName: table, Key: { pk: 'APP#bob', sk: `SESSION#${COMPANY}` } }))).Item!;
    await world.db.send(new PutCommand({ TableName: table, Item: { ...aliceItem, ciphertext: bobItem.ciphertext } }));
    await world.db.send(new PutCommand({ TableName: table, Item: { ...bobItem, ciphertext: aliceItem.ciphertext } }));

    const alice = await revealPassword('alice', COMPANY, deps);
    const bob = await revealPassword('bob', COMPANY, deps);

    expect([alice.password, bob.password]).toEqual([world.bridge.issued[2]!.password, world.bridge.issued[3]!.password]);
    for (const password of [alice.password, bob.password]) expect([aliceOriginal, bobOriginal]).not.toContain(password);
  });

  it('lists the caller’s guidances with session state and never a password', async () => {
    await revealPassword('alice', COMPANY, deps);

    const items = await listGuidance('alice', deps);

    const issued = world.bridge.issued[0]!;
    expect(items).toEqual([
      {
        companyIdentificationNumber: COMPANY,
        readyAt: world.clock.now(),
        session: { id: issued.id, url: issued.url, expiresAt: world.clock.now() + 1800 * 1000, revealCount: 1 },
      },
    ]);
    expect(JSON.stringify(items)).not.toContain(issued.password);
  });
});
