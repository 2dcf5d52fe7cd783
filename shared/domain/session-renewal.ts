import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { isLive } from './guidance-session';
import { APP_USER_ID, EVENT_KEY, SIREN } from './identifiers';
import { issueSession } from './issue-session';
import { assertStillOwned } from './manage-users';
import { guidanceReady, notifyOnce } from './notify-once';
import { readBoundSession } from './session-binding';
import type { AttemptOptions, ProcessGuidanceEventDeps } from './process-guidance-event';

export const SESSION_RENEWAL_TYPE = 'session.renew';

/** An operator's request (after `ops revoke --renew`) to give a user a fresh session and tell them. */
export interface SessionRenewal {
  readonly eventKey: string;
  readonly type: typeof SESSION_RENEWAL_TYPE;
  readonly appUserId: string;
  readonly companyIdentificationNumber: string;
  /** Epoch ms; a session created after it already is the fresh one. */
  readonly requestedAt: number;
}

export const sessionRenewalSchema = z.object({
  eventKey: z.string().check(z.regex(EVENT_KEY)),
  type: z.literal(SESSION_RENEWAL_TYPE),
  appUserId: z.string().check(z.regex(APP_USER_ID)),
  companyIdentificationNumber: z.string().check(z.regex(SIREN)),
  requestedAt: z.int(),
});

export function sessionRenewal(appUserId: string, company: string, requestedAt: number, requestId: string): SessionRenewal {
  return {
    eventKey: createHash('sha256').update(`${SESSION_RENEWAL_TYPE}\n${requestId}\n${appUserId}\n${company}`).digest('hex'),
    type: SESSION_RENEWAL_TYPE,
    appUserId,
    companyIdentificationNumber: company,
    requestedAt,
  };
}

export type RenewalOutcome = 'notified' | 'no_guidance' | 'already_renewed' | 'duplicate';

/**
 * Renew a revoked session:
 * 1. only a guidance that is still ready (and still this user's) is renewed;
 * 2. a session this renewal stored already (a retry) is reused; one created after the request
 *    by someone else (say, a reveal) is already fresh: nothing to do;
 * 3. otherwise make, encrypt and store a new session; then notify the user once.
 */
export async function renewSession(
  renewal: SessionRenewal,
  correlationId: string,
  deps: ProcessGuidanceEventDeps,
  attempt: AttemptOptions = {},
): Promise<RenewalOutcome> {
  const { appUserId, companyIdentificationNumber: company } = renewal;
  const guidance = await deps.store.getGuidance(appUserId, company);
  if (!guidance) return 'no_guidance';
  const current = await readBoundSession(appUserId, company, deps);
  const live = isLive(current, deps.clock.now());
  let expiresAt: number;
  if (live && current.eventKey === renewal.eventKey) {
    expiresAt = current.expiresAt;
  } else if (live && current.createdAt >= renewal.requestedAt) {
    return 'already_renewed';
  } else {
    const profile = await deps.users.getProfile(guidance.bridgeUserUuid);
    if (!profile || profile.appUserId !== appUserId) return 'no_guidance';
    const issued = await issueSession(
      {
        profile,
        companyIdentificationNumber: company,
        eventKey: renewal.eventKey,
        eventTimestamp: guidance.eventTimestamp,
        replaces: live ? current.sessionId : null,
      },
      deps,
    );
    if (!issued.stored) return 'already_renewed';
    await assertStillOwned(profile, deps);
    expiresAt = issued.session.expiresAt;
  }
  const notified = await notifyOnce(
    guidanceReady(appUserId, company, expiresAt),
    { kind: 'renewal', meta: { correlationId, eventKey: renewal.eventKey }, ...attempt },
    deps,
  );
  return notified ? 'notified' : 'duplicate';
}
