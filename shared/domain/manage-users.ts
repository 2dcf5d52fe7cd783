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
 */
export async function registerUser(profile: UserProfile, deps: ManageUsersDeps): Promise<void> {
  const previous = await deps.users.putProfile(profile);
  if (previous && previous.appUserId !== profile.appUserId) await deps.store.eraseAppUser(previous.appUserId);
}

/** Erase a user: guidance records, stored passwords, then the profile. Erasing twice is harmless. */
export async function eraseUser(bridgeUserUuid: string, deps: ManageUsersDeps): Promise<void> {
  const profile = await deps.users.getProfile(bridgeUserUuid);
  if (profile) await deps.store.eraseAppUser(profile.appUserId);
  await deps.users.deleteProfile(bridgeUserUuid);
}
