import { claimOnce, guidanceReady, publishClaimed, underClaim } from '../../shared/domain/notify-once';
import { processGuidanceEvent } from '../../shared/domain/process-guidance-event';
import { beforeNextCall } from '../fakes/interleave';
import { guidanceEvent } from '../fixtures/sqs';
import { ALICE, COMPANY, memoryWorld, type MemoryWorld } from '../fixtures/memory-world';

let world: MemoryWorld;

beforeEach(async () => {
  world = memoryWorld();
  await world.register(ALICE);
});

describe('notify once', () => {
  it('never publishes a notification whose claim is confirmed already', async () => {
    const event = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now());
    await world.store.recordGuidance({
      appUserId: 'alice',
      companyIdentificationNumber: COMPANY,
      bridgeUserUuid: ALICE.bridgeUserUuid,
      eventKey: event.eventKey,
      eventTimestamp: event.timestamp,
      readyAt: event.timestamp,
    });
    const notification = guidanceReady('alice', COMPANY, world.clock.now() + 60_000);
    const claim = { appUserId: 'alice', company: COMPANY, kind: 'event' as const, key: event.eventKey };
    const notifyOnce = async () => {
      if ((await claimOnce(claim, world.deps)) === 'done') return false;
      await underClaim(claim, world.deps, () => publishClaimed(notification, { ...claim, meta: { correlationId: 'corr', eventKey: event.eventKey } }, world.deps));
      return true;
    };

    const first = await notifyOnce();
    const second = await notifyOnce();

    expect([first, second]).toEqual([true, false]);
    expect(world.outbox.entries).toHaveLength(1);
  });

  it("never publishes an older event's notification once a newer event was recorded and notified", async () => {
    const newer = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now());
    const older = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now() - 60_000);
    // The newer event runs to the end just before the older one claims its notification.
    const store = beforeNextCall(world.store, 'claimNotification', async () => {
      await processGuidanceEvent(newer, 'corr-newer', world.deps);
    });

    const outcome = await processGuidanceEvent(older, 'corr-older', { ...world.deps, store });

    expect(outcome).not.toBe('notified');
    expect(world.outbox.entries.map((entry) => entry.attributes.event_key)).toEqual([newer.eventKey]);
    expect((await world.store.getGuidance('alice', COMPANY))?.eventKey).toBe(newer.eventKey);
  });
});
