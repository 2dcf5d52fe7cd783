import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UserProfile } from '../domain/user-profile';
import type { UserDirectory } from '../ports/user-directory';
import { keys } from './dynamo-keys';

/** User profiles in the single table. */
export class DynamoUserDirectory implements UserDirectory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getProfile(bridgeUserUuid: string): Promise<UserProfile | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.profile(bridgeUserUuid), ConsistentRead: true }),
    );
    return Item ? toProfile(Item) : undefined;
  }

  async putProfile(profile: UserProfile): Promise<UserProfile | undefined> {
    const { Attributes } = await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.profile(profile.bridgeUserUuid), kind: 'profile', ...profile, updatedAt: Date.now() },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes ? toProfile(Attributes) : undefined;
  }

  async deleteProfile(bridgeUserUuid: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.profile(bridgeUserUuid) }));
  }
}

function toProfile(item: Record<string, unknown>): UserProfile {
  const optional = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  return {
    bridgeUserUuid: String(item.bridgeUserUuid),
    appUserId: String(item.appUserId),
    countryCode: String(item.countryCode),
    ...optional('contactEmail'),
    ...optional('contactPhoneNumber'),
    ...optional('language'),
  };
}
