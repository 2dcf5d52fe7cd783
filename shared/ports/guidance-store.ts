import type { GuidanceRecord, StoredSession } from '../domain/guidance-session';

/** A guidance event's notification, or one after an operator's renewal: claimed separately. */
export type NotificationKind = 'event' | 'renewal';

/**
 * `claimed`: publish now. `done`: published already (or the event is no longer the newest): do
 * nothing. `in_flight`: another attempt holds an unexpired claim it has not confirmed: try later.
 */
export type ClaimResult = 'claimed' | 'done' | 'in_flight';

/** A claim is a lease: if its holder dies before confirming, the claim lapses and a retry publishes. */
export interface ClaimLease {
  readonly nowMs: number;
  readonly untilMs: number;
}

export type RecordGuidanceResult = { status: 'recorded'; record: GuidanceRecord } | { status: 'superseded' };

/** Guidance records and their encrypted sessions. Every write that could race is conditional. */
export interface GuidanceStore {
  /** Keeps the newest event per user and company; `superseded` when a newer one is stored already. */
  recordGuidance(record: Omit<GuidanceRecord, 'notifiedEventKey'>): Promise<RecordGuidanceResult>;
  getGuidance(appUserId: string, company: string): Promise<GuidanceRecord | undefined>;
  /**
   * Claims the one notification of `key` until `lease.untilMs`, before it is published. A claim of
   * the same key that was never confirmed and whose lease has passed may be taken over.
   */
  claimNotification(appUserId: string, company: string, kind: NotificationKind, key: string, lease: ClaimLease): Promise<ClaimResult>;
  /** Marks the claim of `key` as published: it is then never taken over. */
  confirmNotification(appUserId: string, company: string, kind: NotificationKind, key: string): Promise<void>;
  /** Undoes a claim whose publish failed, so a retry publishes. */
  releaseNotification(appUserId: string, company: string, kind: NotificationKind, key: string): Promise<void>;
  listGuidance(appUserId: string): Promise<{ guidance: GuidanceRecord; session?: StoredSession }[]>;

  getSession(appUserId: string, company: string): Promise<StoredSession | undefined>;
  /**
   * Stores `session` unless that would be wrong. A session made for a newer event is never
   * replaced by an older one; `expect.replaces`, when not undefined, also requires the live
   * session to be that one (null: no live session). Returns false when a condition did not hold.
   */
  putSession(session: StoredSession, expect: { replaces: string | null | undefined; nowMs: number }): Promise<boolean>;
  /** Adds one reveal to that exact session while it is live; undefined when it expired, is gone or was replaced. */
  countReveal(appUserId: string, company: string, sessionId: string, nowMs: number): Promise<number | undefined>;
  /** Deletes the stored password (only `sessionId`'s, when given). */
  deleteSession(appUserId: string, company: string, sessionId?: string): Promise<void>;
  /** Deletes every guidance record and session of the app user. */
  eraseAppUser(appUserId: string): Promise<number>;
}
