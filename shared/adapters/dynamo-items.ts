import type { GuidanceRecord, StoredSession } from '../domain/guidance-session';

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Why a claim of `key` was refused, read after the refusal: nothing to do (the guidance is gone, a
 * newer event replaced it, or the claim is confirmed), or try later (an unconfirmed claim of it is
 * live, or the claim changed in between: a retry then decides).
 */
export function claimState(
  item: Record<string, unknown> | undefined,
  attributes: { claim: string; lease: string; newestEventMustBe?: string },
  key: string,
): 'done' | 'in_flight' {
  if (!item) return 'done';
  if (attributes.newestEventMustBe !== undefined && item.eventKey !== attributes.newestEventMustBe) return 'done';
  if (item[attributes.claim] === key && typeof item[attributes.lease] !== 'number') return 'done';
  return 'in_flight';
}

export function toGuidance(item: Record<string, unknown>): GuidanceRecord {
  return {
    appUserId: String(item.appUserId),
    companyIdentificationNumber: String(item.company),
    bridgeUserUuid: String(item.bridgeUserUuid),
    eventKey: String(item.eventKey),
    eventTimestamp: Number(item.eventTimestamp),
    readyAt: Number(item.readyAt),
    ...(typeof item.notifiedEventKey === 'string' ? { notifiedEventKey: item.notifiedEventKey } : {}),
    ...(typeof item.notifiedEventLeaseUntil === 'number' ? { notifiedEventLeaseUntil: item.notifiedEventLeaseUntil } : {}),
  };
}

export function toSession(item: Record<string, unknown>): StoredSession {
  return {
    appUserId: String(item.appUserId),
    companyIdentificationNumber: String(item.company),
    sessionId: String(item.sessionId),
    url: String(item.url),
    ciphertext: item.ciphertext as Uint8Array,
    createdAt: Number(item.createdAt),
    expiresAt: Number(item.expiresAt),
    revealCount: Number(item.revealCount ?? 0),
    eventTimestamp: Number(item.eventTimestamp ?? 0),
    ...(typeof item.eventKey === 'string' ? { eventKey: item.eventKey } : {}),
  };
}
