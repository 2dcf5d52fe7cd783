import { LocalAesGcmCipher } from '../../shared/adapters/local-aes-cipher';
import { PermanentFailure } from '../../shared/domain/errors';
import { eraseUser, registerUser } from '../../shared/domain/manage-users';
import { processGuidanceEvent, type ProcessGuidanceEventDeps } from '../../shared/domain/process-guidance-event';
import type { UserProfile } from '../../shared/domain/user-profile';
import { LocalOutbox } from '../../local/outbox';
import { FakeBridge } from '../fakes/fake-bridge';
import { InMemoryGuidanceStore } from '../fakes/in-memory-guidance-store';
import { InMemoryUserDirectory } from '../fakes/in-memory-user-directory';
import { ManualClock } from '../fakes/manual-clock';
import { guidanceEvent } from '../fixtures/sqs';

const BRIDGE_USER = '11111111-1111-4111-8111-111111111111';
const AS_ALICE: UserProfile = { bridgeUserUuid: BRIDGE_USER, appUserId: 'alice', countryCode: 'FR' };
const AS_BOB: UserProfile = { bridgeUserUuid: BRIDGE_USER, appUserId: 'bob', countryCode: 'FR' };
const COMPANY = '529196313';

/** Runs `interleave` right after the next profile read returns: the worker has seen the old owner, then the platform acts. */
class InterleavingDirectory extends InMemoryUserDirectory {
  interleave?: () => Promise<void>;
  override async getProfile(bridgeUserUuid: string): Promise<UserProfile | undefined> {
    const profile = await super.getProfile(bridgeUserUuid);
    const step = this.interleave;
    this.interleave = undefined;
    if (step) await step();
    return profile;
  }
}

async function world() {
  const users = new InterleavingDirectory();
  const store = new InMemoryGuidanceStore();
  const outbox = new LocalOutbox();
  const bridge = new FakeBridge();
  const clock = new ManualClock();
  const deps: ProcessGuidanceEventDeps = { users, store, bridge, notifier: outbox, cipher: new LocalAesGcmCipher(), clock, passwordTtlSeconds: 1800 };
  await registerUser(AS_ALICE, { users, store });
  return { users, store, outbox, bridge, deps, event: guidanceEvent(BRIDGE_USER, COMPANY, clock.now()) };
}

describe('re-registering a Bridge user while the worker handles its event', () => {
  it('hands the event to the new owner instead of dead-lettering it, and leaves nothing for the previous one', async () => {
    const { users, store, outbox, bridge, deps, event } = await world();
    // The worker reads "alice"; before it writes anything, the platform re-registers the Bridge user as "bob".
    users.interleave = () => registerUser(AS_BOB, { users, store });

    const outcome = await processGuidanceEvent(event, 'corr', deps);

    expect(outcome).toBe('notified');
    expect(outbox.entries.map((entry) => entry.message.app_user_id)).toEqual(['bob']);
    expect((await store.getSession('bob', COMPANY))?.appUserId).toBe('bob');
    expect(await store.getGuidance('bob', COMPANY)).toBeDefined();
    expect(await store.listGuidance('alice')).toEqual([]);
    expect(await store.getSession('alice', COMPANY)).toBeUndefined();
    expect(bridge.requests).toHaveLength(2); // one made for alice (erased), one for bob
  });

  it('still refuses an event whose Bridge user was erased meanwhile (unknown_user), leaving nothing behind', async () => {
    const { users, store, outbox, deps, event } = await world();
    users.interleave = () => eraseUser(BRIDGE_USER, { users, store });

    const failure = await processGuidanceEvent(event, 'corr', deps).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PermanentFailure);
    expect(failure).toMatchObject({ reason: 'unknown_user' });
    expect(outbox.entries).toEqual([]);
    expect(await store.listGuidance('alice')).toEqual([]);
  });
});
