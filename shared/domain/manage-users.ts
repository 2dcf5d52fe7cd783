import { PermanentFailure } from './errors';
import type { UserProfile } from './user-profile';
import type { GuidanceStore } from '../ports/guidance-store';
import type { UserDirectory } from '../ports/user-directory';

export interface ManageUsersDeps {
  readonly users: UserDirectory;
  readonly store: GuidanceStore;
}

/**
 * Register or update who a Bridge user is. When the Bridge user now belongs to another app user,
 * the previous owner's guidances and passwords are erased: they must not see the new owner's.
 *
 * The erasure runs before the profile changes, so a failure leaves the old profile in place and a
 * retried PUT erases again (it would see no change of owner once the new profile is written). A
 * second sweep after the write takes what a worker in flight wrote for the old owner meanwhile.
 */
export async function registerUser(profile: UserProfile, deps: ManageUsersDeps): Promise<void> {
  const current = await deps.users.getProfile(profile.bridgeUserUuid);
  const movedFrom = (owner: UserProfile | undefined) => (owner && owner.appUserId !== profile.appUserId ? owner.appUserId : undefined);
  const before = movedFrom(current);
  if (before) await deps.store.eraseAppUser(before);
  const previous = await deps.users.putProfile(profile);
  const after = movedFrom(previous);
  if (after) await deps.store.eraseAppUser(after);
}

/**
 * Erase a user: guidance records and stored passwords, the profile, then a second sweep.
 * A worker or renewal in flight re-reads the profile after its writes (`assertStillOwned`): if it
 * saw the profile, its writes came before the profile went and the second sweep takes them; if
 * not, it erases them itself. A failure before the profile is gone leaves it for a retry.
 */
export async function eraseUser(bridgeUserUuid: string, deps: ManageUsersDeps): Promise<void> {
  const profile = await deps.users.getProfile(bridgeUserUuid);
  if (profile) await deps.store.eraseAppUser(profile.appUserId);
  await deps.users.deleteProfile(bridgeUserUuid);
  if (profile) await deps.store.eraseAppUser(profile.appUserId);
}

/**
 * The Bridge user was re-registered under another app user while writing for the previous one.
 * Still "unknown user" to the previous owner (a reveal finds nothing); the worker instead handles the
 * event again for `newOwner`, whose event it now is.
 */
export class OwnerChanged extends PermanentFailure {
  constructor(readonly newOwner: UserProfile) {
    super('unknown_user', 'The user was re-registered under another app user while the session was made.');
  }
}

/**
 * After writing for `profile`, check the Bridge user still belongs to that app user; if it was
 * erased or moved meanwhile, erase what was written and refuse as for an unknown user (moved:
 * `OwnerChanged`, naming the new owner).
 */
export async function assertStillOwned(profile: UserProfile, deps: ManageUsersDeps): Promise<void> {
  const current = await deps.users.getProfile(profile.bridgeUserUuid);
  if (current?.appUserId === profile.appUserId) return;
  await deps.store.eraseAppUser(profile.appUserId);
  if (current) throw new OwnerChanged(current);
  throw new PermanentFailure('unknown_user', 'The user was erased or re-registered while the session was made.');
}
