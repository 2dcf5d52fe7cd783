import type { GuidanceRecord, StoredSession } from '../domain/guidance-session';

/** A guidance event's notification, or one after an operator's renewal: claimed separately. */
export type NotificationKind = 'event' | 'renewal';

export type RecordGuidanceResult = { status: 'recorded'; record: GuidanceRecord } | { status: 'superseded' };

/** Guidance records and their encrypted sessions. Every write that could race is conditional. */
export interface GuidanceStore {
  /** Keeps the newest event per user and company; `superseded` when a newer one is stored already. */
  recordGuidance(record: Omit<GuidanceRecord, 'notifiedEventKey'>): Promise<RecordGuidanceResult>;
  getGuidance(appUserId: string, company: string): Promise<GuidanceRecord | undefined>;
  /**
   * Claims the one notification of `key` before it is published: false when it was claimed
   * already. Claiming first means no failure after a successful publish can cause a second one.
   */
  claimNotification(appUserId: string, company: string, kind: NotificationKind, key: string): Promise<boolean>;
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
