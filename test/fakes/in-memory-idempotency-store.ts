import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError, IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';

type Status = ReturnType<IdempotencyRecord['getStatus']>;

interface StoredRecord {
  status: Status;
  expiryTimestamp?: number;
  inProgressExpiryTimestamp?: number;
  responseData?: JSONValue;
  payloadHash?: string;
}

/**
 * Powertools idempotency records in memory, with the writes and conditions of its
 * DynamoDBPersistenceLayer: a put succeeds only when no record exists, the record expired, or
 * it is in progress past its in-progress expiry; otherwise it throws
 * IdempotencyItemAlreadyExistsError carrying the existing record. Updates are upserts.
 */
export class InMemoryIdempotencyStore extends BasePersistenceLayer {
  private readonly records = new Map<string, StoredRecord>();

  /** How many records are held (expired ones included, as DynamoDB's lazy TTL keeps them). */
  get size(): number {
    return this.records.size;
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const stored = this.records.get(idempotencyKey);
    if (!stored) throw new IdempotencyItemNotFoundError();
    return toRecord(idempotencyKey, stored);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.records.get(record.idempotencyKey);
    const nowMs = Date.now();
    if (existing && !isTakeable(existing, nowMs)) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        toRecord(record.idempotencyKey, existing),
      );
    }
    // A put replaces the whole item: a previous response is not kept.
    this.records.set(record.idempotencyKey, {
      status: record.getStatus(),
      ...(record.expiryTimestamp === undefined ? {} : { expiryTimestamp: record.expiryTimestamp }),
      ...(record.inProgressExpiryTimestamp === undefined ? {} : { inProgressExpiryTimestamp: record.inProgressExpiryTimestamp }),
      ...(this.isPayloadValidationEnabled() && record.payloadHash !== undefined ? { payloadHash: record.payloadHash } : {}),
    });
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const stored: StoredRecord = { ...(this.records.get(record.idempotencyKey) ?? {}), status: record.getStatus() };
    if (record.expiryTimestamp !== undefined) stored.expiryTimestamp = record.expiryTimestamp;
    if (record.responseData !== undefined) stored.responseData = structuredClone(record.responseData);
    if (this.isPayloadValidationEnabled()) stored.payloadHash = record.payloadHash;
    this.records.set(record.idempotencyKey, stored);
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.records.delete(record.idempotencyKey);
  }
}

/** `#expiry < :now OR (#status = INPROGRESS AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)` */
function isTakeable(stored: StoredRecord, nowMs: number): boolean {
  if (stored.expiryTimestamp !== undefined && stored.expiryTimestamp < nowMs / 1000) return true;
  return (
    stored.status === IdempotencyRecordStatus.INPROGRESS &&
    stored.inProgressExpiryTimestamp !== undefined &&
    stored.inProgressExpiryTimestamp < nowMs
  );
}

function toRecord(idempotencyKey: string, stored: StoredRecord): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey,
    status: stored.status,
    ...(stored.expiryTimestamp === undefined ? {} : { expiryTimestamp: stored.expiryTimestamp }),
    ...(stored.inProgressExpiryTimestamp === undefined ? {} : { inProgressExpiryTimestamp: stored.inProgressExpiryTimestamp }),
    ...(stored.responseData === undefined ? {} : { responseData: structuredClone(stored.responseData) }),
    ...(stored.payloadHash === undefined ? {} : { payloadHash: stored.payloadHash }),
  });
}
