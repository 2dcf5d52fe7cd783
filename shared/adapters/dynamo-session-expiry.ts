import { DeleteCommand, paginateQuery, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExpiringSession, SessionExpiry } from '../ports/session-expiry';
import { EXPIRY_INDEX, EXPIRY_SHARD_ATTRIBUTE, EXPIRY_SORT_ATTRIBUTE, expiryShards, keys } from './dynamo-keys';
import { isConditionFailure } from './dynamo-items';

/** The index projects keys, createdAt, appUserId and company: never the ciphertext or the URL. */
const PROJECTION = 'appUserId, company, createdAt, expiresAt';

/**
 * Sessions by expiry through the sparse `expiry` index of the session table. The index is
 * eventually consistent: a session written a moment ago may be missing from one query, and the
 * next sweep (a minute later, long before a 30-minute password expires) finds it.
 */
export class DynamoSessionExpiry implements SessionExpiry {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly sessionTableName: string,
  ) {}

  async findExpiringBy(untilMs: number): Promise<ExpiringSession[]> {
    const perShard = await Promise.all(
      expiryShards().map(async (shard) => {
        const found: ExpiringSession[] = [];
        for await (const page of paginateQuery({ client: this.db }, this.byExpiry(shard, { untilMs }))) {
          found.push(...(page.Items ?? []).map(toExpiring));
        }
        return found;
      }),
    );
    return perShard.flat().sort((a, b) => a.expiresAt - b.expiresAt);
  }

  async deleteIfExpired(session: Pick<ExpiringSession, 'appUserId' | 'companyIdentificationNumber'>, nowMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.sessionTableName,
          Key: keys.session(session.appUserId, session.companyIdentificationNumber),
          ConditionExpression: '#expiresAt <= :now',
          ExpressionAttributeNames: { '#expiresAt': EXPIRY_SORT_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async oldestCreatedAt(): Promise<number | undefined> {
    const heads = await Promise.all(
      expiryShards().map(async (shard) => (await this.db.send(new QueryCommand({ ...this.byExpiry(shard), Limit: 1 }))).Items?.[0]),
    );
    const created = heads.filter((item) => item !== undefined).map((item) => Number(item.createdAt));
    return created.length > 0 ? Math.min(...created) : undefined;
  }

  private byExpiry(shard: string, range: { untilMs?: number } = {}) {
    return {
      TableName: this.sessionTableName,
      IndexName: EXPIRY_INDEX,
      KeyConditionExpression: range.untilMs === undefined ? '#shard = :shard' : '#shard = :shard AND #expiresAt <= :until',
      ExpressionAttributeNames: { '#shard': EXPIRY_SHARD_ATTRIBUTE, ...(range.untilMs === undefined ? {} : { '#expiresAt': EXPIRY_SORT_ATTRIBUTE }) },
      ExpressionAttributeValues: { ':shard': shard, ...(range.untilMs === undefined ? {} : { ':until': range.untilMs }) },
      ProjectionExpression: PROJECTION,
      ScanIndexForward: true,
    };
  }
}

function toExpiring(item: Record<string, unknown>): ExpiringSession {
  return {
    appUserId: String(item.appUserId),
    companyIdentificationNumber: String(item.company),
    createdAt: Number(item.createdAt),
    expiresAt: Number(item.expiresAt),
  };
}
