import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { GuidanceRecord, StoredSession } from '../domain/guidance-session';
import type { ClaimLease, ClaimResult, GuidanceStore, NotificationKind, RecordGuidanceResult } from '../ports/guidance-store';
import type { SessionInventory, SessionLocator } from '../ports/session-inventory';
import { EXPIRY_SHARD_ATTRIBUTE, expiryShardOf, GUIDANCE_PREFIX, keys, SESSION_PREFIX, TTL_ATTRIBUTE } from './dynamo-keys';
import { claimState, isConditionFailure, toGuidance, toSession } from './dynamo-items';

const BATCH_WRITE_LIMIT = 25;
const BATCH_WRITE_ATTEMPTS = 5;

const NOTIFICATION_ATTRIBUTE: Record<NotificationKind, string> = { event: 'notifiedEventKey', renewal: 'notifiedRenewalKey' };
const LEASE_ATTRIBUTE: Record<NotificationKind, string> = { event: 'notifiedEventLeaseUntil', renewal: 'notifiedRenewalLeaseUntil' };

/** What a key-only read projects: the key attributes, nothing else. */
const KEYS_ONLY = 'pk, sk';

const isSessionItem = (item: Record<string, unknown>) => String(item.sk).startsWith(SESSION_PREFIX);

/**
 * Guidance records in the guidance table, sessions in the session table (no backups, see
 * dynamo-keys.ts); races are settled by condition expressions.
 */
export class DynamoGuidanceStore implements GuidanceStore, SessionInventory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sessionTableName: string,
  ) {}

  async recordGuidance(record: Omit<GuidanceRecord, 'notifiedEventKey'>): Promise<RecordGuidanceResult> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.guidance(record.appUserId, record.companyIdentificationNumber),
          UpdateExpression:
            'SET kind = :kind, appUserId = :app, company = :company, bridgeUserUuid = :bridge, eventKey = :key, eventTimestamp = :ts, readyAt = :ready',
          // Newest event wins; the same event may be recorded again (a retry).
          ConditionExpression: 'attribute_not_exists(pk) OR eventTimestamp < :ts OR eventKey = :key',
          ExpressionAttributeValues: {
            ':kind': 'guidance',
            ':app': record.appUserId,
            ':company': record.companyIdentificationNumber,
            ':bridge': record.bridgeUserUuid,
            ':key': record.eventKey,
            ':ts': record.eventTimestamp,
            ':ready': record.readyAt,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { status: 'recorded', record: toGuidance(Attributes ?? {}) };
    } catch (error) {
      if (isConditionFailure(error)) return { status: 'superseded' };
      throw error;
    }
  }

  async getGuidance(appUserId: string, company: string): Promise<GuidanceRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.guidance(appUserId, company), ConsistentRead: true }),
    );
    return Item ? toGuidance(Item) : undefined;
  }

  async claimNotification(appUserId: string, company: string, kind: NotificationKind, key: string, lease: ClaimLease): Promise<ClaimResult> {
    const names = { '#claim': NOTIFICATION_ATTRIBUTE[kind], '#lease': LEASE_ATTRIBUTE[kind] };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.guidance(appUserId, company),
          UpdateExpression: 'SET #claim = :key, #lease = :until',
          // An event claims only while it is the newest recorded one: an older event never notifies after a newer.
          // A lapsed lease (its holder died before confirming) may be taken over; a confirmed claim has no lease.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(#claim) OR #claim <> :key OR #lease < :now)' +
            (kind === 'event' ? ' AND eventKey = :key' : ''),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':key': key, ':until': lease.untilMs, ':now': lease.nowMs },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.guidance(appUserId, company), ConsistentRead: true }),
    );
    return claimState(Item, { claim: names['#claim'], lease: names['#lease'], ...(kind === 'event' ? { newestEventMustBe: key } : {}) }, key);
  }

  async confirmNotification(appUserId: string, company: string, kind: NotificationKind, key: string): Promise<void> {
    await this.updateClaim(appUserId, company, kind, key, 'REMOVE #lease');
  }

  async releaseNotification(appUserId: string, company: string, kind: NotificationKind, key: string): Promise<void> {
    await this.updateClaim(appUserId, company, kind, key, 'REMOVE #claim, #lease');
  }

  /** Changes the claim only while it is still `key`'s (nothing happens otherwise). */
  private async updateClaim(appUserId: string, company: string, kind: NotificationKind, key: string, update: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.guidance(appUserId, company),
          UpdateExpression: update,
          ConditionExpression: '#claim = :key',
          ExpressionAttributeNames: { '#claim': NOTIFICATION_ATTRIBUTE[kind], '#lease': LEASE_ATTRIBUTE[kind] },
          ExpressionAttributeValues: { ':key': key },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listGuidance(appUserId: string): Promise<{ guidance: GuidanceRecord; session?: StoredSession }[]> {
    const [items, sessionItems] = await Promise.all([this.queryPartition(this.tableName, appUserId), this.queryPartition(this.sessionTableName, appUserId)]);
    const sessions = new Map<string, StoredSession>();
    for (const session of sessionItems.filter(isSessionItem).map(toSession)) sessions.set(session.companyIdentificationNumber, session);
    return items
      .filter((item) => String(item.sk).startsWith(GUIDANCE_PREFIX))
      .map(toGuidance)
      .map((guidance) => {
        const session = sessions.get(guidance.companyIdentificationNumber);
        return session ? { guidance, session } : { guidance };
      });
  }

  async getSession(appUserId: string, company: string): Promise<StoredSession | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.sessionTableName, Key: keys.session(appUserId, company), ConsistentRead: true }),
    );
    return Item ? toSession(Item) : undefined;
  }

  async putSession(session: StoredSession, expect: { replaces: string | null | undefined; nowMs: number }): Promise<boolean> {
    // Never let a session made for an older event replace one made for a newer event.
    const conditions = ['(attribute_not_exists(pk) OR eventTimestamp <= :ts)'];
    const values: Record<string, unknown> = { ':ts': session.eventTimestamp };
    if (expect.replaces === null) {
      conditions.push('(attribute_not_exists(pk) OR expiresAt <= :now)');
      values[':now'] = expect.nowMs;
    } else if (expect.replaces !== undefined) {
      conditions.push('(attribute_not_exists(pk) OR expiresAt <= :now OR sessionId = :replaces)');
      values[':now'] = expect.nowMs;
      values[':replaces'] = expect.replaces;
    }
    const key = keys.session(session.appUserId, session.companyIdentificationNumber);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.sessionTableName,
          Item: {
            ...key,
            kind: 'session',
            appUserId: session.appUserId,
            company: session.companyIdentificationNumber,
            sessionId: session.sessionId,
            url: session.url,
            ciphertext: session.ciphertext,
            createdAt: session.createdAt,
            expiresAt: session.expiresAt,
            revealCount: session.revealCount,
            eventTimestamp: session.eventTimestamp,
            ...(session.eventKey === undefined ? {} : { eventKey: session.eventKey }),
            // The expiry index: the session sweeper deletes the item within a minute of expiresAt.
            [EXPIRY_SHARD_ATTRIBUTE]: expiryShardOf(key.pk, key.sk),
            // DynamoDB's own TTL is only the backstop (lazy, up to days); readers check expiresAt themselves.
            [TTL_ATTRIBUTE]: Math.ceil(session.expiresAt / 1000),
          },
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async countReveal(appUserId: string, company: string, sessionId: string, nowMs: number): Promise<number | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.sessionTableName,
          Key: keys.session(appUserId, company),
          UpdateExpression: 'ADD revealCount :one',
          ConditionExpression: 'sessionId = :sid AND expiresAt > :now',
          ExpressionAttributeValues: { ':one': 1, ':sid': sessionId, ':now': nowMs },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.revealCount);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async deleteSession(appUserId: string, company: string, sessionId?: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.sessionTableName,
          Key: keys.session(appUserId, company),
          ...(sessionId === undefined
            ? {}
            : { ConditionExpression: 'sessionId = :sid', ExpressionAttributeValues: { ':sid': sessionId } }),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Reads keys only (Select SPECIFIC_ATTRIBUTES of pk, sk) and deletes by BatchWriteItem, which can
   * return no item: the internal-users role is allowed exactly that on the session table, so it
   * erases passwords without ever being able to read a ciphertext or a URL.
   */
  async eraseAppUser(appUserId: string): Promise<number> {
    let erased = 0;
    for (const table of [this.tableName, this.sessionTableName]) {
      const items = await this.queryPartition(table, appUserId, KEYS_ONLY);
      for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
        const deletes = items.slice(start, start + BATCH_WRITE_LIMIT).map((item) => ({
          DeleteRequest: { Key: { pk: item.pk, sk: item.sk } },
        }));
        await this.batchDelete(table, deletes);
      }
      erased += items.length;
    }
    return erased;
  }

  async findSessions(scope: { appUserId: string } | 'all'): Promise<SessionLocator[]> {
    const projection = 'appUserId, company, sessionId, expiresAt, sk';
    const items =
      scope === 'all'
        ? await this.scanSessions(projection)
        : (await this.queryPartition(this.sessionTableName, scope.appUserId, projection)).filter(isSessionItem);
    return items.map((item) => ({
      appUserId: String(item.appUserId),
      companyIdentificationNumber: String(item.company),
      sessionId: String(item.sessionId),
      expiresAt: Number(item.expiresAt),
    }));
  }

  private async batchDelete(table: string, requests: { DeleteRequest: { Key: Record<string, unknown> } }[]): Promise<void> {
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > BATCH_WRITE_ATTEMPTS) throw new Error('DynamoDB left deletes unprocessed after retries.');
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * Math.random()));
      const { UnprocessedItems } = await this.db.send(
        new BatchWriteCommand({ RequestItems: { [table]: pending } }),
      );
      pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }

  private async queryPartition(table: string, appUserId: string, projection?: string): Promise<Record<string, unknown>[]> {
    return collect(
      paginateQuery(
        { client: this.db },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.appUserPartition(appUserId) },
          ConsistentRead: true,
          // Explicit, so an IAM condition on dynamodb:Select can require it (it is absent otherwise).
          ...(projection ? { ProjectionExpression: projection, Select: 'SPECIFIC_ATTRIBUTES' as const } : {}),
        },
      ),
    );
  }

  private scanSessions(projection: string): Promise<Record<string, unknown>[]> {
    return collect(
      paginateScan(
        { client: this.db },
        {
          TableName: this.sessionTableName,
          FilterExpression: 'begins_with(sk, :session)',
          ExpressionAttributeValues: { ':session': SESSION_PREFIX },
          ProjectionExpression: projection,
        },
      ),
    );
  }

}

async function collect(pages: AsyncIterable<{ Items?: Record<string, unknown>[] }>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}
