import { issueSession } from '../../shared/domain/issue-session';
import { processGuidanceEvent } from '../../shared/domain/process-guidance-event';
import { revealPassword } from '../../shared/domain/reveal-guidance';
import type { BridgeClient } from '../../shared/ports/bridge-client';
import { FakeBridge } from '../fakes/fake-bridge';
import { guidanceEvent } from '../fixtures/sqs';
import { ALICE, COMPANY, memoryWorld, TTL_SECONDS, type MemoryWorld } from '../fixtures/memory-world';

// Bridge may take up to ~21 s (retries, backoff): the password's lifetime counts from before the
// call, so the stored and notified expiry never promise more than the TTL.
const BRIDGE_CALL_MS = 21_000;

let world: MemoryWorld;
let slowBridge: BridgeClient;

beforeEach(async () => {
  world = memoryWorld();
  await world.register(ALICE);
  const bridge = new FakeBridge();
  slowBridge = {
    createGuidanceSession: async (request) => {
      world.clock.advance(BRIDGE_CALL_MS);
      return bridge.createGuidanceSession(request);
    },
  };
});

describe('a session expires TTL after Bridge was asked for it, however long Bridge took', () => {
  it('stores createdAt and expiresAt from before the Bridge call', async () => {
    const askedAt = world.clock.now();

    const issued = await issueSession(
      { profile: ALICE, companyIdentificationNumber: COMPANY, eventTimestamp: askedAt, replaces: null },
      { ...world.deps, bridge: slowBridge },
    );

    expect(issued.stored && issued.session).toEqual(expect.objectContaining({ createdAt: askedAt, expiresAt: askedAt + TTL_SECONDS * 1000 }));
    expect((await world.store.getSession('alice', COMPANY))?.expiresAt).toBe(askedAt + TTL_SECONDS * 1000);
  });

  it('notifies an expiry no later than TTL after the worker asked Bridge', async () => {
    const askedAt = world.clock.now();

    await processGuidanceEvent(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, askedAt), 'corr', { ...world.deps, bridge: slowBridge });

    expect(world.outbox.entries[0]?.message.session_expires_at).toBe(new Date(askedAt + TTL_SECONDS * 1000).toISOString());
  });

  it('reveals a renewed session with an expiry no later than TTL after the renewal asked Bridge', async () => {
    await world.guidanceReady();
    world.clock.advance(TTL_SECONDS * 1000);
    const askedAt = world.clock.now();

    const renewed = await revealPassword('alice', COMPANY, { ...world.deps, bridge: slowBridge });

    expect(renewed.expiresAt).toBe(askedAt + TTL_SECONDS * 1000);
  });
});
