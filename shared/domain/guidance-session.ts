/** A guidance Bridge told us is ready for one app user and company. Lives until the user is erased. */
export interface GuidanceRecord {
  readonly appUserId: string;
  readonly companyIdentificationNumber: string;
  readonly bridgeUserUuid: string;
  /** The newest Bridge event seen for this user and company; older ones never replace it. */
  readonly eventKey: string;
  readonly eventTimestamp: number;
  readonly readyAt: number;
  /** The event whose notification is claimed (set just before publishing; released if that failed). */
  readonly notifiedEventKey?: string;
  /** Epoch ms: set while that claim is not yet confirmed as published; absent once it is. */
  readonly notifiedEventLeaseUntil?: number;
}

/** A Bridge guidance session whose password is stored encrypted, for at most the password TTL. */
export interface StoredSession {
  readonly appUserId: string;
  readonly companyIdentificationNumber: string;
  readonly sessionId: string;
  readonly url: string;
  readonly ciphertext: Uint8Array;
  readonly createdAt: number;
  /** Epoch ms. After it the password is treated as gone, whatever DynamoDB's lazy TTL sweeper did. */
  readonly expiresAt: number;
  readonly revealCount: number;
  /** The guidance event this session was made for (absent for sessions renewed on demand). */
  readonly eventKey?: string;
  readonly eventTimestamp: number;
}

/** What binds a ciphertext to its owner: decrypting with any other context fails. */
export interface SecretContext {
  readonly app_user_id: string;
  readonly company_identification_number: string;
  readonly session_id: string;
}

export function secretContextOf(session: Pick<StoredSession, 'appUserId' | 'companyIdentificationNumber' | 'sessionId'>): SecretContext {
  return {
    app_user_id: session.appUserId,
    company_identification_number: session.companyIdentificationNumber,
    session_id: session.sessionId,
  };
}

export function isLive(session: Pick<StoredSession, 'expiresAt'> | undefined, nowMs: number): session is StoredSession {
  return session !== undefined && session.expiresAt > nowMs;
}
