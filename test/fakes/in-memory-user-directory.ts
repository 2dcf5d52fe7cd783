import type { UserProfile } from '../../shared/domain/user-profile';
import type { UserDirectory } from '../../shared/ports/user-directory';

/** User profiles in memory, with the semantics of DynamoUserDirectory (unconditional put and delete). */
export class InMemoryUserDirectory implements UserDirectory {
  private readonly profiles = new Map<string, UserProfile>();

  async getProfile(bridgeUserUuid: string): Promise<UserProfile | undefined> {
    const profile = this.profiles.get(bridgeUserUuid);
    return profile ? toProfile(profile) : undefined;
  }

  async putProfile(profile: UserProfile): Promise<UserProfile | undefined> {
    const previous = this.profiles.get(profile.bridgeUserUuid);
    this.profiles.set(profile.bridgeUserUuid, toProfile(profile));
    return previous ? toProfile(previous) : undefined;
  }

  async deleteProfile(bridgeUserUuid: string): Promise<void> {
    this.profiles.delete(bridgeUserUuid);
  }
}

/** A copy holding only the profile's own fields, as the Dynamo adapter reads them back. */
function toProfile(profile: UserProfile): UserProfile {
  return {
    bridgeUserUuid: profile.bridgeUserUuid,
    appUserId: profile.appUserId,
    countryCode: profile.countryCode,
    ...(profile.contactEmail === undefined ? {} : { contactEmail: profile.contactEmail }),
    ...(profile.contactPhoneNumber === undefined ? {} : { contactPhoneNumber: profile.contactPhoneNumber }),
    ...(profile.language === undefined ? {} : { language: profile.language }),
  };
}
