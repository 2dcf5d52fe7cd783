import { PermanentFailure, TransientFailure } from './errors';
import type { GuidanceEvent } from './guidance-event';
import { isLive, type StoredSession } from './guidance-session';
import { issueSession, type IssueSessionDeps } from './issue-session';
import { assertStillOwned, OwnerChanged } from './manage-users';
import type { UserProfile } from './user-profile';
import { claimOnce, guidanceReady, publishClaimed, releaseClaim, underClaim } from './notify-once';
import { readBoundSession } from './session-binding';
import type { GuidanceStore } from '../ports/guidance-store';
import type { Notifier } from '../ports/notifier';
import type { UserDirectory } from '../ports/user-directory';

export type GuidanceEventOutcome = 'notified' | 'duplicate' | 'superseded';

/** About this attempt: how long its claim may hold (see `claimOnce`). */
export interface AttemptOptions {
  readonly leaseMs?: number;
}

export interface ProcessGuidanceEventDeps extends IssueSessionDeps {
  readonly users: UserDirectory;
  readonly store: GuidanceStore;
  readonly notifier: Notifier;
}

/**
 * Turn one queued guidance event into a stored session and one notification, exactly once:
 * 1. find the app user behind the Bridge user (none: permanent failure);
 * 2. record the guidance as ready; an older event than the stored one stops here;
 * 3. an event already notified (claim confirmed) is a duplicate and stops here;
 * 4. claim the event's notification on the guidance record, as a lease, before any other work:
 *    this conditional write is what keeps a concurrent copy of the event from working too;
 * 5. reuse the session this event already stored (a retry after a failed notification),
 *    else make one with Bridge, encrypt and store it, replacing any older session;
 * 6. make sure the user was not erased meanwhile (else erase what was written: unknown user); if
 *    the Bridge user was re-registered under another app user meanwhile, what was written for the
 *    previous owner is erased and the event is handled again for the new one (never dead-lettered);
 * 7. publish and confirm the claim. Any failure releases the claim, so a retry starts over.
 */
export async function processGuidanceEvent(
  event: GuidanceEvent,
  correlationId: string,
  deps: ProcessGuidanceEventDeps,
  attempt: AttemptOptions = {},
): Promise<GuidanceEventOutcome> {
  let profile = await deps.users.getProfile(event.bridgeUserUuid);
  if (!profile) throw new PermanentFailure('unknown_user', 'No profile is registered for this Bridge user.');
  for (let round = 1; ; round += 1) {
    try {
      return await processFor(profile, event, correlationId, deps, attempt);
    } catch (error) {
      if (!(error instanceof OwnerChanged)) throw error;
      // Re-registered again and again meanwhile: let the queue bring the event back later.
      if (round >= MAX_OWNER_CHANGES) throw new TransientFailure('owner_changed', 'The user kept changing owner; retry later.');
      profile = error.newOwner;
    }
  }
}

const MAX_OWNER_CHANGES = 3;

async function processFor(
  profile: UserProfile,
  event: GuidanceEvent,
  correlationId: string,
  deps: ProcessGuidanceEventDeps,
  attempt: AttemptOptions,
): Promise<GuidanceEventOutcome> {
  const { appUserId } = profile;
  const company = event.companyIdentificationNumber;

  const recorded = await deps.store.recordGuidance({
    appUserId,
    companyIdentificationNumber: company,
    bridgeUserUuid: event.bridgeUserUuid,
    eventKey: event.eventKey,
    eventTimestamp: event.timestamp,
    readyAt: event.timestamp,
  });
  if (recorded.status === 'superseded') return 'superseded';
  const { notifiedEventKey, notifiedEventLeaseUntil } = recorded.record;
  if (notifiedEventKey === event.eventKey && notifiedEventLeaseUntil === undefined) return 'duplicate';

  const claim = { appUserId, company, kind: 'event' as const, key: event.eventKey, ...attempt };
  if ((await claimOnce(claim, deps)) === 'done') return 'duplicate';
  return underClaim(claim, deps, async () => {
    const session = await sessionForEvent(event, profile, deps);
    if (!session) {
      await releaseClaim(claim, deps);
      return 'superseded';
    }
    await assertStillOwned(profile, deps);
    await publishClaimed(guidanceReady(appUserId, company, session.expiresAt), { ...claim, meta: { correlationId, eventKey: event.eventKey } }, deps);
    return 'notified';
  });
}

async function sessionForEvent(
  event: GuidanceEvent,
  profile: Parameters<typeof issueSession>[0]['profile'],
  deps: ProcessGuidanceEventDeps,
): Promise<StoredSession | undefined> {
  const existing = await readBoundSession(profile.appUserId, event.companyIdentificationNumber, deps);
  if (existing?.eventKey === event.eventKey && isLive(existing, deps.clock.now())) return existing;
  const issued = await issueSession(
    {
      profile,
      companyIdentificationNumber: event.companyIdentificationNumber,
      eventKey: event.eventKey,
      eventTimestamp: event.timestamp,
      replaces: undefined,
    },
    deps,
  );
  return issued.stored ? issued.session : undefined;
}
