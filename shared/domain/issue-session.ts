import { PermanentFailure } from './errors';
import { secretContextOf, type StoredSession } from './guidance-session';
import type { UserProfile } from './user-profile';
import type { BridgeClient } from '../ports/bridge-client';
import type { Clock } from '../ports/clock';
import type { GuidanceStore } from '../ports/guidance-store';
import type { PasswordCipher } from '../ports/password-cipher';
import type { SecurityEvents } from '../ports/security-events';

export interface IssueSessionDeps {
  readonly bridge: BridgeClient;
  readonly cipher: PasswordCipher;
  readonly store: GuidanceStore;
  readonly clock: Clock;
  readonly passwordTtlSeconds: number;
  /** Told of a stored session found under a key it is not bound to. */
  readonly security?: SecurityEvents;
}

export interface IssueSessionRequest {
  readonly profile: UserProfile;
  readonly companyIdentificationNumber: string;
  readonly eventKey?: string;
  readonly eventTimestamp: number;
  /**
   * The live session this one may replace (null: none may be live). Undefined for a new guidance
   * event, which replaces any session made for an older event.
   */
  readonly replaces: string | null | undefined;
}

export type IssuedSession =
  | { readonly stored: true; readonly session: StoredSession; readonly password: string }
  | { readonly stored: false };

/**
 * Make a Bridge session and keep its password, encrypted:
 * 1. ask Bridge for a session (the client retries transient faults);
 * 2. encrypt the password bound to user, company and session id;
 * 3. store it with `expiresAt` ≤ now + TTL, only if `replaces` still holds (else `stored: false`).
 * The plaintext is returned to the caller for the reveal response and then dropped.
 */
export async function issueSession(request: IssueSessionRequest, deps: IssueSessionDeps): Promise<IssuedSession> {
  const { profile, companyIdentificationNumber: company } = request;
  // The TTL counts from before Bridge made the session, so expiresAt never overstates it.
  const requestedAt = deps.clock.now();
  const bridgeSession = await deps.bridge.createGuidanceSession({
    bridgeUserUuid: profile.bridgeUserUuid,
    countryCode: profile.countryCode,
    companyIdentificationNumber: company,
    ...(profile.language === undefined ? {} : { language: profile.language }),
    ...(profile.contactEmail === undefined ? {} : { contactEmail: profile.contactEmail }),
    ...(profile.contactPhoneNumber === undefined ? {} : { contactPhoneNumber: profile.contactPhoneNumber }),
  });
  // Bridge ids go into keys and encryption contexts; a blank one would bind nothing.
  const sessionId = bridgeSession.id?.trim() ? bridgeSession.id : undefined;
  if (!sessionId || !bridgeSession.url || !bridgeSession.password) {
    throw new PermanentFailure('bridge_invalid_response', 'Bridge answered without id, url or password.');
  }
  const createdAt = requestedAt;
  const identity = { appUserId: profile.appUserId, companyIdentificationNumber: company, sessionId };
  const ciphertext = await deps.cipher.encrypt(bridgeSession.password, secretContextOf(identity));
  const session: StoredSession = {
    ...identity,
    url: bridgeSession.url,
    ciphertext,
    createdAt,
    expiresAt: createdAt + deps.passwordTtlSeconds * 1000,
    revealCount: 0,
    eventTimestamp: request.eventTimestamp,
    ...(request.eventKey === undefined ? {} : { eventKey: request.eventKey }),
  };
  const stored = await deps.store.putSession(session, { replaces: request.replaces, nowMs: deps.clock.now() });
  return stored ? { stored: true, session, password: bridgeSession.password } : { stored: false };
}

