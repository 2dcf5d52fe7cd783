import { TransientFailure } from '../../shared/domain/errors';
import { claimOnce, DEFAULT_CLAIM_LEASE_MS, EVENT_IN_PROGRESS, guidanceReady, publishClaimed, underClaim, type NotifyOnceDeps } from '../../shared/domain/notify-once';
import type { GuidanceStore } from '../../shared/ports/guidance-store';
import type { Notifier } from '../../shared/ports/notifier';
import { guidanceEvent } from '../fixtures/sqs';
import { ALICE, COMPANY, memoryWorld, type MemoryWorld } from '../fixtures/memory-world';

// A notification is never lost to a failure and never sent twice while its claim holds.
let world: MemoryWorld;
let eventKey: string;

beforeEach(async () => {
  world = memoryWorld();
  const event = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now());
  eventKey = event.eventKey;
  await world.store.recordGuidance({
    appUserId: 'alice',
    companyIdentificationNumber: COMPANY,
    bridgeUserUuid: ALICE.bridgeUserUuid,
    eventKey,
    eventTimestamp: event.timestamp,
    readyAt: event.timestamp,
  });
});

const notification = () => guidanceReady('alice', COMPANY, Date.parse('2026-11-25T10:30:00Z'));
const target = (leaseMs?: number) => ({ kind: 'event' as const, meta: { correlationId: 'corr', eventKey }, ...(leaseMs === undefined ? {} : { leaseMs }) });
/** The worker's sequence around one notification: claim first, publish under the claim; false when done already. */
async function notify(deps: Partial<{ store: GuidanceStore; notifier: Notifier }> = {}, leaseMs?: number): Promise<boolean> {
  const all: NotifyOnceDeps = { ...world.deps, ...deps };
  const { kind, meta } = target(leaseMs);
  const claim = { appUserId: 'alice', company: COMPANY, kind, key: eventKey, ...(leaseMs === undefined ? {} : { leaseMs }) };
  if ((await claimOnce(claim, all)) === 'done') return false;
  await underClaim(claim, all, () => publishClaimed(notification(), { ...claim, meta }, all));
  return true;
}

/** A store whose `method` fails `times` times, then works. */
function failing(method: 'releaseNotification' | 'confirmNotification', times: number): GuidanceStore & { calls: number } {
  const store = world.store;
  const wrapper = Object.create(store) as GuidanceStore & { calls: number };
  wrapper.calls = 0;
  const original = store[method].bind(store);
  wrapper[method] = async (appUserId, company, kind, key) => {
    wrapper.calls += 1;
    if (wrapper.calls <= times) throw new Error('DynamoDB throttled');
    return original(appUserId, company, kind, key);
  };
  return wrapper;
}

const brokenNotifier: Notifier = { publish: async () => Promise.reject(new Error('SNS down')) };

describe('one notification per claim', () => {
  it('publishes the contract message with the event key beside it, never the password', async () => {
    expect(await notify()).toBe(true);

    expect(world.outbox.entries).toEqual([
      expect.objectContaining({
        correlationId: 'corr',
        attributes: { type: 'guidance.ready', event_key: eventKey },
        message: { type: 'guidance.ready', app_user_id: 'alice', company_identification_number: COMPANY, session_expires_at: '2026-11-25T10:30:00.000Z' },
      }),
    ]);
  });

  it('releases the claim when publishing fails, so the retry publishes', async () => {
    await expect(notify({ notifier: brokenNotifier })).rejects.toThrow('SNS down');

    expect(await notify()).toBe(true);
    expect(world.outbox.entries).toHaveLength(1);
  });

  it('retries a failed release, so the retry publishes', async () => {
    const flaky = failing('releaseNotification', 2);
    await expect(notify({ notifier: brokenNotifier, store: flaky })).rejects.toThrow('SNS down');
    expect(await notify()).toBe(true);
  });

  it('keeps the publish error when the claim cannot be released, and lets the lease lapse so a later retry publishes', async () => {
    const broken = failing('releaseNotification', 3);
    await expect(notify({ notifier: brokenNotifier, store: broken }, 5_000)).rejects.toThrow('SNS down');

    await expect(notify()).rejects.toBeInstanceOf(TransientFailure);
    world.clock.advance(5_001);
    expect(await notify()).toBe(true);
    expect(world.outbox.entries).toHaveLength(1);
  });

  it('refuses, as in flight, a second attempt while the first one’s claim holds; takes it over once it lapses', async () => {
    await notify({ store: failing('confirmNotification', 3) }, 5_000); // published; confirm lost
    world.clock.advance(5_000);

    const error = await notify().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientFailure);
    expect(error).toEqual(expect.objectContaining({ reason: EVENT_IN_PROGRESS }));

    world.clock.advance(1);
    expect(await notify()).toBe(true);
    expect(world.outbox.entries).toHaveLength(2);
  });

  it('holds a claim for a minute by default', async () => {
    await notify({ store: failing('confirmNotification', 3) });

    world.clock.advance(DEFAULT_CLAIM_LEASE_MS);
    await expect(notify()).rejects.toBeInstanceOf(TransientFailure);
    world.clock.advance(1);
    expect(await notify()).toBe(true);
    expect(DEFAULT_CLAIM_LEASE_MS).toBe(60_000);
  });

  it('retries a failed confirm, so the claim is confirmed and never taken over', async () => {
    await notify({ store: failing('confirmNotification', 2) });
    world.clock.advance(DEFAULT_CLAIM_LEASE_MS * 10);

    expect(await notify()).toBe(false);
    expect(world.outbox.entries).toHaveLength(1);
  });
});
