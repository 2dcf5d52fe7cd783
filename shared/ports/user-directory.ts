import type { UserProfile } from '../domain/user-profile';

/** The platform's registry of Bridge users. */
export interface UserDirectory {
  getProfile(bridgeUserUuid: string): Promise<UserProfile | undefined>;
  /** Creates or replaces; returns the profile it replaced, if any. */
  putProfile(profile: UserProfile): Promise<UserProfile | undefined>;
  deleteProfile(bridgeUserUuid: string): Promise<void>;
}
