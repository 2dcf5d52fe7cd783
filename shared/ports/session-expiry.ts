/** A stored session as the expiry index sees it: where it is and when it ends, never its secrets. */
export interface ExpiringSession {
  readonly appUserId: string;
  readonly companyIdentificationNumber: string;
  readonly createdAt: number;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** The sessions by expiry, for the sweeper that deletes each password once it has expired. */
export interface SessionExpiry {
  /** Every stored session with `expiresAt <= untilMs`, earliest expiry first. */
  findExpiringBy(untilMs: number): Promise<ExpiringSession[]>;
  /**
   * Deletes the stored session of that user and company if it has expired at `nowMs`; a newer
   * session stored there meanwhile (a later expiry) is kept. True when something was deleted.
   */
  deleteIfExpired(session: Pick<ExpiringSession, 'appUserId' | 'companyIdentificationNumber'>, nowMs: number): Promise<boolean>;
  /** Creation time of the stored session that expires first, if any: the oldest password still stored. */
  oldestCreatedAt(): Promise<number | undefined>;
}
