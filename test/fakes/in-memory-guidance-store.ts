import type { GuidanceRecord, StoredSession } from '../../shared/domain/guidance-session';
import type { ClaimLease, ClaimResult, GuidanceStore, NotificationKind, RecordGuidanceResult } from '../../shared/ports/guidance-store';
import type { SessionInventory, SessionLocator } from '../../shared/ports/session-inventory';
import type { ExpiringSession, SessionExpiry } from '../../shared/ports/session-expiry';
import { GUIDANCE_PREFIX, keys, SESSION_PREFIX, TTL_ATTRIBUTE } from '../../shared/adapters/dynamo-keys';
import { claimState, toGuidance, toSession } from '../../shared/adapters/dynamo-items';

type Item = Record<string, unknown>;
type Key = { readonly pk: string; readonly sk: string };

/** What DynamoDB answers when a condition does not hold. */
export class ConditionalCheckFailedError extends Error {
  constructor() {
    super('The conditional request failed');
    this.name = 'ConditionalCheckFailedException';
  }
}

/**
 * The single table's guidance and session items in memory, with exactly the condition
 * expressions of DynamoGuidanceStore (and its session inventory) (test/integration/guidance-store-contract.test.ts keeps the
 * two in step). Items are copied in and out, as a network store would; every operation is
 * atomic, as a DynamoDB conditional write is.
 */
const NOTIFICATION_ATTRIBUTE: Record<NotificationKind, string> = { event: 'notifiedEventKey', renewal: 'notifiedRenewalKey' };
const LEASE_ATTRIBUTE: Record<NotificationKind, string> = { event: 'notifiedEventLeaseUntil', renewal: 'notifiedRenewalLeaseUntil' };

export class InMemoryGuidanceStore implements GuidanceStore, SessionInventory, SessionExpiry {
  private readonly partitions = new Map<string, Map<string, Item>>();

  async recordGuidance(record: Omit<GuidanceRecord, 'notifiedEventKey'>): Promise<RecordGuidanceResult> {
    const key = keys.guidance(record.appUserId, record.companyIdentificationNumber);
    const existing = this.get(key);
    // attribute_not_exists(pk) OR eventTimestamp < :ts OR eventKey = :key
    const holds = !existing || isLess(existing.eventTimestamp, record.eventTimestamp) || existing.eventKey === record.eventKey;
    if (!holds) return { status: 'superseded' };
    const updated: Item = {
      ...(existing ?? key),
      kind: 'guidance',
      appUserId: record.appUserId,
      company: record.companyIdentificationNumber,
      bridgeUserUuid: record.bridgeUserUuid,
      eventKey: record.eventKey,
      eventTimestamp: record.eventTimestamp,
      readyAt: record.readyAt,
    };
    this.put(updated);
    return { status: 'recorded', record: toGuidance(structuredClone(updated)) };
  }

  async getGuidance(appUserId: string, company: string): Promise<GuidanceRecord | undefined> {
    const item = this.get(keys.guidance(appUserId, company));
    return item ? toGuidance(item) : undefined;
  }

  async claimNotification(appUserId: string, company: string, kind: NotificationKind, key: string, lease: ClaimLease): Promise<ClaimResult> {
    const existing = this.get(keys.guidance(appUserId, company));
    const claim = NOTIFICATION_ATTRIBUTE[kind];
    const leaseAttribute = LEASE_ATTRIBUTE[kind];
    // attribute_exists(pk) AND (attribute_not_exists(#claim) OR #claim <> :key OR #lease < :now) [AND eventKey = :key for events]
    const lapsed = typeof existing?.[leaseAttribute] === 'number' && (existing[leaseAttribute] as number) < lease.nowMs;
    const holds = !!existing && (existing[claim] !== key || lapsed) && (kind !== 'event' || existing.eventKey === key);
    if (!holds) return claimState(existing, { claim, lease: leaseAttribute, ...(kind === 'event' ? { newestEventMustBe: key } : {}) }, key);
    this.put({ ...existing, [claim]: key, [leaseAttribute]: lease.untilMs });
    return 'claimed';
  }

  async confirmNotification(appUserId: string, company: string, kind: NotificationKind, key: string): Promise<void> {
    this.updateClaim(appUserId, company, kind, key, [LEASE_ATTRIBUTE[kind]]);
  }

  async releaseNotification(appUserId: string, company: string, kind: NotificationKind, key: string): Promise<void> {
    this.updateClaim(appUserId, company, kind, key, [NOTIFICATION_ATTRIBUTE[kind], LEASE_ATTRIBUTE[kind]]);
  }

  /** REMOVE `attributes` if #claim = :key, else nothing. */
  private updateClaim(appUserId: string, company: string, kind: NotificationKind, key: string, attributes: string[]): void {
    const existing = this.get(keys.guidance(appUserId, company));
    if (!existing || existing[NOTIFICATION_ATTRIBUTE[kind]] !== key) return;
    this.put(Object.fromEntries(Object.entries(existing).filter(([name]) => !attributes.includes(name))));
  }

  async listGuidance(appUserId: string): Promise<{ guidance: GuidanceRecord; session?: StoredSession }[]> {
    const items = this.query(keys.appUserPartition(appUserId));
    const sessions = new Map<string, StoredSession>();
    for (const item of items) {
      if (String(item.sk).startsWith(SESSION_PREFIX)) {
        const session = toSession(item);
        sessions.set(session.companyIdentificationNumber, session);
      }
    }
    return items
      .filter((item) => String(item.sk).startsWith(GUIDANCE_PREFIX))
      .map(toGuidance)
      .map((guidance) => {
        const session = sessions.get(guidance.companyIdentificationNumber);
        return session ? { guidance, session } : { guidance };
      });
  }

  async getSession(appUserId: string, company: string): Promise<StoredSession | undefined> {
    const item = this.get(keys.session(appUserId, company));
    return item ? toSession(item) : undefined;
  }

  async putSession(session: StoredSession, expect: { replaces: string | null | undefined; nowMs: number }): Promise<boolean> {
    const key = keys.session(session.appUserId, session.companyIdentificationNumber);
    const existing = this.get(key);
    if (existing) {
      // (attribute_not_exists(pk) OR eventTimestamp <= :ts)
      if (!isLessOrEqual(existing.eventTimestamp, session.eventTimestamp)) return false;
      const expired = isLessOrEqual(existing.expiresAt, expect.nowMs);
      // replaces null: (… OR expiresAt <= :now); replaces id: (… OR expiresAt <= :now OR sessionId = :replaces)
      if (expect.replaces === null && !expired) return false;
      if (typeof expect.replaces === 'string' && !expired && existing.sessionId !== expect.replaces) return false;
    }
    this.put({
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
      [TTL_ATTRIBUTE]: Math.ceil(session.expiresAt / 1000),
    });
    return true;
  }

  async countReveal(appUserId: string, company: string, sessionId: string, nowMs: number): Promise<number | undefined> {
    const key = keys.session(appUserId, company);
    const existing = this.get(key);
    // sessionId = :sid AND expiresAt > :now
    if (!existing || existing.sessionId !== sessionId || !(Number(existing.expiresAt) > nowMs)) return undefined;
    // ADD on a missing attribute starts from zero.
    const revealCount = (typeof existing.revealCount === 'number' ? existing.revealCount : 0) + 1;
    this.put({ ...existing, revealCount });
    return revealCount;
  }

  async deleteSession(appUserId: string, company: string, sessionId?: string): Promise<void> {
    const key = keys.session(appUserId, company);
    if (sessionId !== undefined && this.get(key)?.sessionId !== sessionId) return; // condition failed: ignored
    this.partitions.get(key.pk)?.delete(key.sk);
  }

  async eraseAppUser(appUserId: string): Promise<number> {
    const pk = keys.appUserPartition(appUserId);
    const count = this.partitions.get(pk)?.size ?? 0;
    this.partitions.delete(pk);
    return count;
  }

  async findSessions(scope: { appUserId: string } | 'all'): Promise<SessionLocator[]> {
    const pks = scope === 'all' ? [...this.partitions.keys()] : [keys.appUserPartition(scope.appUserId)];
    return pks
      .flatMap((pk) => this.query(pk))
      .filter((item) => String(item.sk).startsWith(SESSION_PREFIX))
      .map((item) => ({
        appUserId: String(item.appUserId),
        companyIdentificationNumber: String(item.company),
        sessionId: String(item.sessionId),
        expiresAt: Number(item.expiresAt),
      }));
  }

  async findExpiringBy(untilMs: number): Promise<ExpiringSession[]> {
    return this.sessionItems()
      .filter((item) => Number(item.expiresAt) <= untilMs)
      .map(toExpiring)
      .sort((a, b) => a.expiresAt - b.expiresAt);
  }

  async deleteIfExpired(session: Pick<ExpiringSession, 'appUserId' | 'companyIdentificationNumber'>, nowMs: number): Promise<boolean> {
    const key = keys.session(session.appUserId, session.companyIdentificationNumber);
    const existing = this.get(key);
    // expiresAt <= :now
    if (!existing || !isLessOrEqual(existing.expiresAt, nowMs)) return false;
    this.partitions.get(key.pk)?.delete(key.sk);
    return true;
  }

  async oldestCreatedAt(): Promise<number | undefined> {
    const first = this.sessionItems().sort((a, b) => Number(a.expiresAt) - Number(b.expiresAt))[0];
    return first === undefined ? undefined : Number(first.createdAt);
  }

  private sessionItems(): Item[] {
    return [...this.partitions.keys()].flatMap((pk) => this.query(pk)).filter((item) => String(item.sk).startsWith(SESSION_PREFIX));
  }

  /** The raw item under `key`, as a GetItem would return it. */
  rawItem(key: Key): Item | undefined {
    return this.get(key);
  }

  /** Writes a raw item unconditionally, as anyone with PutItem on the table could (attack tests). */
  plantItem(item: Item): void {
    this.put(item);
  }

  private get(key: Key): Item | undefined {
    const item = this.partitions.get(key.pk)?.get(key.sk);
    return item ? structuredClone(item) : undefined;
  }

  private put(item: Item): void {
    const pk = String(item.pk);
    let partition = this.partitions.get(pk);
    if (!partition) this.partitions.set(pk, (partition = new Map()));
    partition.set(String(item.sk), structuredClone(item));
  }

  /** A partition in sort-key order, which DynamoDB defines as UTF-8 byte order. */
  private query(pk: string): Item[] {
    const items = [...(this.partitions.get(pk)?.values() ?? [])];
    return items
      .sort((a, b) => Buffer.compare(Buffer.from(String(a.sk), 'utf8'), Buffer.from(String(b.sk), 'utf8')))
      .map((item) => structuredClone(item));
  }
}

function toExpiring(item: Item): ExpiringSession {
  return {
    appUserId: String(item.appUserId),
    companyIdentificationNumber: String(item.company),
    createdAt: Number(item.createdAt),
    expiresAt: Number(item.expiresAt),
  };
}

// A comparison with a missing or non-number attribute is false in a DynamoDB condition.
const isLess = (stored: unknown, value: number) => typeof stored === 'number' && stored < value;
const isLessOrEqual = (stored: unknown, value: number) => typeof stored === 'number' && stored <= value;
