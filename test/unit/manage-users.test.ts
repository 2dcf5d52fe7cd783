import { PermanentFailure } from '../../shared/domain/errors';
import { assertStillOwned, eraseUser, registerUser } from '../../shared/domain/manage-users';
import { beforeNextCall } from '../fakes/interleave';
import { ALICE, COMPANY, memoryWorld, type MemoryWorld } from '../fixtures/memory-world';

// Who may see a password follows who owns the Bridge user: a change of owner erases the old one's.
let world: MemoryWorld;

beforeEach(async () => {
  world = memoryWorld();
  await world.register(ALICE);
  await world.guidanceReady();
});

const hasData = async (appUserId: string) =>
  (await world.store.getGuidance(appUserId, COMPANY)) !== undefined || (await world.store.getSession(appUserId, COMPANY)) !== undefined;

describe('registerUser', () => {
  it("erases the previous owner's guidances and passwords when the Bridge user moves to another app user", async () => {
    await registerUser({ ...ALICE, appUserId: 'bob' }, world);

    expect(await hasData('alice')).toBe(false);
    expect(await world.users.getProfile(ALICE.bridgeUserUuid)).toEqual({ ...ALICE, appUserId: 'bob' });
  });

  it('keeps everything when the same owner updates the profile', async () => {
    await registerUser({ ...ALICE, contactEmail: 'new@example.com' }, world);

    expect(await hasData('alice')).toBe(true);
    expect((await world.users.getProfile(ALICE.bridgeUserUuid))?.contactEmail).toBe('new@example.com');
  });

  it('erases, after the write, what a concurrent move left for the owner it replaced', async () => {
    // Another registration moves the Bridge user to carol after this one read the profile as alice's.
    const users = beforeNextCall(world.users, 'putProfile', async () => {
      await world.users.putProfile({ ...ALICE, appUserId: 'carol' });
      await world.store.recordGuidance({ appUserId: 'carol', companyIdentificationNumber: COMPANY, bridgeUserUuid: ALICE.bridgeUserUuid, eventKey: 'e'.repeat(64), eventTimestamp: 1, readyAt: 1 });
    });

    await registerUser({ ...ALICE, appUserId: 'bob' }, { users, store: world.store });

    expect(await hasData('alice')).toBe(false);
    expect(await hasData('carol')).toBe(false);
  });
});

describe('eraseUser', () => {
  it('erases the profile, guidances and passwords', async () => {
    await eraseUser(ALICE.bridgeUserUuid, world);

    expect(await world.users.getProfile(ALICE.bridgeUserUuid)).toBeUndefined();
    expect(await hasData('alice')).toBe(false);
  });

  it('sweeps again after the profile is gone, taking what a worker wrote meanwhile', async () => {
    const users = beforeNextCall(world.users, 'deleteProfile', () => world.guidanceReady());

    await eraseUser(ALICE.bridgeUserUuid, { users, store: world.store });

    expect(await hasData('alice')).toBe(false);
  });

  it('erases the data before the profile, so a failure to delete the profile leaves no password behind', async () => {
    const users = Object.assign(Object.create(world.users) as typeof world.users, { deleteProfile: async () => Promise.reject(new Error('DynamoDB unavailable')) });

    await expect(eraseUser(ALICE.bridgeUserUuid, { users, store: world.store })).rejects.toThrow('DynamoDB unavailable');

    expect(await hasData('alice')).toBe(false);
  });

  it('does nothing for an unknown Bridge user', async () => {
    await eraseUser('99999999-9999-4999-8999-999999999999', world);

    expect(await hasData('alice')).toBe(true);
  });
});

describe('assertStillOwned', () => {
  it('passes while the Bridge user still belongs to the app user', async () => {
    await expect(assertStillOwned(ALICE, world)).resolves.toBeUndefined();
    expect(await hasData('alice')).toBe(true);
  });

  it.each([
    ['erased', () => world.users.deleteProfile(ALICE.bridgeUserUuid)],
    ['moved', () => world.users.putProfile({ ...ALICE, appUserId: 'bob' }).then(() => undefined)],
  ])('erases what was written and refuses as an unknown user once the Bridge user was %s', async (_case, change) => {
    await change();

    const error = await assertStillOwned(ALICE, world).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentFailure);
    expect(error).toEqual(expect.objectContaining({ reason: 'unknown_user' }));
    expect(await hasData('alice')).toBe(false);
  });
});
