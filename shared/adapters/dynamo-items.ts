import type { GuidanceRecord, StoredSession } from '../domain/guidance-session';

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
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
