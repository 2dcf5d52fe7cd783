import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { isLive, type GuidanceRecord } from './guidance-session';
import { APP_USER_ID, EVENT_KEY, SIREN } from './identifiers';
import { issueSession } from './issue-session';
import { assertStillOwned } from './manage-users';
import { claimOnce, guidanceReady, publishClaimed, releaseClaim, underClaim, type ClaimTarget } from './notify-once';
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

export const sessionRenewalSchema = v.object({
  eventKey: v.pipe(v.string(), v.regex(EVENT_KEY)),
  type: v.literal(SESSION_RENEWAL_TYPE),
  appUserId: v.pipe(v.string(), v.regex(APP_USER_ID)),
  companyIdentificationNumber: v.pipe(v.string(), v.regex(SIREN)),
  requestedAt: v.pipe(v.number(), v.safeInteger()),
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
 * Renew a revoked session, exactly once:
 * 1. only a guidance that is still ready (and still this user's) is renewed;
 * 2. claim the renewal's notification first (published already: a duplicate; held elsewhere: retry);
 * 3. a session this renewal stored already (a retry) is reused; one created after the request
 *    by someone else (say, a reveal) is already fresh: nothing to do (the claim is released);
 * 4. otherwise make, encrypt and store a new session; then publish and confirm.
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
  const claim: ClaimTarget = { appUserId, company, kind: 'renewal', key: renewal.eventKey, ...attempt };
  if ((await claimOnce(claim, deps)) === 'done') return 'duplicate';
  return underClaim(claim, deps, async () => {
    const renewed = await renewedSessionExpiry(renewal, guidance, deps);
    if (typeof renewed !== 'number') {
      await releaseClaim(claim, deps);
      return renewed;
    }
    await publishClaimed(guidanceReady(appUserId, company, renewed), { ...claim, meta: { correlationId, eventKey: renewal.eventKey } }, deps);
    return 'notified';
  });
}

/** The expiry of the fresh session to announce, or why there is nothing to announce. */
async function renewedSessionExpiry(
  renewal: SessionRenewal,
  guidance: GuidanceRecord,
  deps: ProcessGuidanceEventDeps,
): Promise<number | 'no_guidance' | 'already_renewed'> {
  const { appUserId, companyIdentificationNumber: company } = renewal;
  const current = await readBoundSession(appUserId, company, deps);
  const live = isLive(current, deps.clock.now());
  if (live && current.eventKey === renewal.eventKey) return current.expiresAt;
  if (live && current.createdAt >= renewal.requestedAt) return 'already_renewed';
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
  return issued.session.expiresAt;
}
