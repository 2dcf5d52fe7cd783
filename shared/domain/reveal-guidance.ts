import { DomainError, PermanentFailure } from './errors';
import { isLive, secretContextOf, type GuidanceRecord, type StoredSession } from './guidance-session';
import { issueSession, type IssueSessionDeps } from './issue-session';
import { assertStillOwned } from './manage-users';
import { isBoundTo, readBoundSession } from './session-binding';
import { admitBridgeSession, type UserLimitDeps } from './user-limits';
import { UndecryptableSecret } from '../ports/password-cipher';
import type { UserDirectory } from '../ports/user-directory';

export interface RevealDeps extends IssueSessionDeps {
  readonly users: UserDirectory;
  /** Caps the Bridge sessions made on a user's request (renewals here, rotations). Absent: no cap (tests). */
  readonly userLimits?: Omit<UserLimitDeps, 'clock'>;
}

/** What the app shows the user once. */
export interface RevealedSession {
  readonly sessionId: string;
  readonly url: string;
  readonly password: string;
  readonly expiresAt: number;
}

export interface GuidanceSummary {
  readonly companyIdentificationNumber: string;
  readonly readyAt: number;
  readonly session: { id: string; url: string; expiresAt: number; revealCount: number } | null;
}

// Reads and writes race with other reveals, rotates and deletes; a few rounds always settle them.
const MAX_ROUNDS = 4;

/** The caller's ready guidances and the state of their sessions; never a password. */
export async function listGuidance(appUserId: string, deps: RevealDeps): Promise<GuidanceSummary[]> {
  const now = deps.clock.now();
  const entries = await deps.store.listGuidance(appUserId);
  return entries.map(({ guidance, session }) => {
    const company = guidance.companyIdentificationNumber;
    // A session item that names another owner is never shown (its URL is someone else's secret).
    const stray = session !== undefined && !isBoundTo(session, appUserId, company);
    if (stray) deps.security?.sessionKeyMismatch({ appUserId, company, sessionId: session.sessionId });
    const own = stray ? undefined : session;
    return {
      companyIdentificationNumber: company,
      readyAt: guidance.readyAt,
      session: isLive(own, now) ? { id: own.sessionId, url: own.url, expiresAt: own.expiresAt, revealCount: own.revealCount } : null,
    };
  });
}

/**
 * Show the caller their password:
 * 1. the guidance must be the caller's (else not_found, like a missing one);
 * 2. a live session is decrypted first, then its reveal is counted (a failed decrypt changes nothing);
 * 3. a gone or expired one is renewed with Bridge; a concurrent renewal wins and is used instead;
 * 4. one that can never be decrypted (corrupt, or under a replaced key) is replaced the same way,
 *    instead of failing as unavailable until it expires;
 * 5. the password is decrypted with the context of the request (caller, company), never with what
 *    the stored item says; an item bound to anyone else is never decrypted (see `readBoundSession`).
 */
export async function revealPassword(appUserId: string, company: string, deps: RevealDeps): Promise<RevealedSession> {
  // Both reads at once: one round trip on the common path. The session is used only once the guidance proves ownership.
  const [guidance, firstRead] = await Promise.all([ownGuidance(appUserId, company, deps), readBoundSession(appUserId, company, deps)]);
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const session = round === 0 ? firstRead : await readBoundSession(appUserId, company, deps);
    if (isLive(session, deps.clock.now())) {
      const revealed = await decryptAndCount(appUserId, company, session, deps);
      if (revealed === UNDECRYPTABLE) {
        const replaced = await issueFor(guidance, session.sessionId, deps);
        if (replaced) return replaced;
        continue;
      }
      if (revealed) return revealed;
      continue;
    }
    const renewed = await issueFor(guidance, null, deps);
    if (renewed) return renewed;
  }
  throw new DomainError('unavailable', 'The session changed too often; retry.');
}

/** Invalidate the current session (suspected leak) and return a new one. */
export async function rotateSession(appUserId: string, company: string, deps: RevealDeps): Promise<RevealedSession> {
  const guidance = await ownGuidance(appUserId, company, deps);
  const current = await readBoundSession(appUserId, company, deps);
  const replaces = isLive(current, deps.clock.now()) ? current.sessionId : null;
  const rotated = await issueFor(guidance, replaces, deps);
  if (rotated) return rotated;
  // A concurrent rotation stored its session after ours began: that one is new too, and the only live one.
  return revealPassword(appUserId, company, deps);
}

/** The user has used the password: delete it now. */
export async function deleteSession(appUserId: string, company: string, deps: RevealDeps): Promise<void> {
  await ownGuidance(appUserId, company, deps);
  await deps.store.deleteSession(appUserId, company);
}

async function ownGuidance(appUserId: string, company: string, deps: RevealDeps): Promise<GuidanceRecord> {
  const guidance = await deps.store.getGuidance(appUserId, company);
  if (!guidance) throw notFound();
  return guidance;
}

const UNDECRYPTABLE = Symbol('undecryptable');

async function decryptAndCount(
  appUserId: string,
  company: string,
  session: StoredSession,
  deps: RevealDeps,
): Promise<RevealedSession | undefined | typeof UNDECRYPTABLE> {
  // The context comes from the authenticated caller and the path: a ciphertext bound to anyone else fails here.
  const context = secretContextOf({ appUserId, companyIdentificationNumber: company, sessionId: session.sessionId });
  let password: string;
  try {
    password = await deps.cipher.decrypt(session.ciphertext, context);
  } catch (error) {
    if (error instanceof UndecryptableSecret) return UNDECRYPTABLE;
    throw new DomainError('unavailable', 'The password could not be decrypted; retry.', { cause: error });
  }
  // Counted only while still live, read after the decrypt: a password is never returned past expires_at.
  const count = await deps.store.countReveal(appUserId, company, session.sessionId, deps.clock.now());
  if (count === undefined) return undefined;
  return { sessionId: session.sessionId, url: session.url, password, expiresAt: session.expiresAt };
}

async function issueFor(guidance: GuidanceRecord, replaces: string | null, deps: RevealDeps): Promise<RevealedSession | undefined> {
  const profile = await deps.users.getProfile(guidance.bridgeUserUuid);
  if (!profile || profile.appUserId !== guidance.appUserId) throw notFound();
  // Counted before Bridge is asked: a flood of renewals or rotations by one user stops here.
  if (deps.userLimits) await admitBridgeSession(guidance.appUserId, { ...deps.userLimits, clock: deps.clock });
  // Bridge's failures (TransientFailure, PermanentFailure) reach the caller as they are: the edge names them.
  const issued = await issueSession(
    { profile, companyIdentificationNumber: guidance.companyIdentificationNumber, eventTimestamp: guidance.eventTimestamp, replaces },
    deps,
  );
  if (!issued.stored) return undefined;
  try {
    await assertStillOwned(profile, deps);
  } catch (error) {
    // The Bridge user moved to someone else meanwhile: to this caller, the guidance is gone.
    if (error instanceof PermanentFailure) throw notFound();
    throw error;
  }
  const { session, password } = issued;
  // Replaced already by a concurrent rotation: the caller's loop returns the live one instead.
  const count = await deps.store.countReveal(session.appUserId, session.companyIdentificationNumber, session.sessionId, deps.clock.now());
  if (count === undefined) return undefined;
  return { sessionId: session.sessionId, url: session.url, password, expiresAt: session.expiresAt };
}

/** Also the answer for someone else's guidance: whether it exists is not the caller's business. */
function notFound(): DomainError {
  return new DomainError('not_found', 'No guidance is ready for this company.');
}
