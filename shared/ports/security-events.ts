/** Where a stored item was found under a key its own attributes disagree with. Identifiers only, never a secret. */
export interface SessionKeyMismatch {
  /** The user and company of the key that was read (the caller's). */
  readonly appUserId: string;
  readonly company: string;
  /** The stray item's session id, to find it; the item itself is never decrypted. */
  readonly sessionId: string;
}

/** Security-relevant events: audited (one log line) and counted (a metric) by the composition root. */
export interface SecurityEvents {
  sessionKeyMismatch(event: SessionKeyMismatch): void;
}

export const noSecurityEvents: SecurityEvents = { sessionKeyMismatch: () => undefined };
