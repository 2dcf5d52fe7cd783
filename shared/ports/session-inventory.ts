/** Where a stored session is, without its secret. */
export interface SessionLocator {
  readonly appUserId: string;
  readonly companyIdentificationNumber: string;
  readonly sessionId: string;
  readonly expiresAt: number;
}

/** Finds stored sessions for incident response (a scan for `all`: an operator's tool, not a hot path). */
export interface SessionInventory {
  findSessions(scope: { appUserId: string } | 'all'): Promise<SessionLocator[]>;
}
