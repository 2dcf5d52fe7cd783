import { randomUUID } from 'node:crypto';
import { sessionRenewal } from './session-renewal';
import type { EventQueue } from '../ports/event-queue';
import type { GuidanceStore } from '../ports/guidance-store';
import type { SessionInventory, SessionLocator } from '../ports/session-inventory';

export type RevokeScope = { readonly appUserId: string; readonly company?: string } | 'all';

export interface RevokeOptions {
  /** Queue a renewal per revoked session: the worker makes a fresh one and notifies the user. */
  readonly renew: boolean;
  readonly dryRun: boolean;
}

export interface RevokeReport {
  readonly revoked: readonly Pick<SessionLocator, 'appUserId' | 'companyIdentificationNumber' | 'sessionId'>[];
  readonly renewalsQueued: number;
  readonly dryRun: boolean;
}

export interface RevokeDeps {
  readonly inventory: SessionInventory;
  readonly store: GuidanceStore;
  readonly queue: EventQueue;
  readonly now: () => number;
}

/**
 * Incident response: delete stored passwords now.
 * 1. find the sessions in scope (one user, one user and company, or all);
 * 2. unless dry-run, delete each — only that session, so a fresher one made meanwhile survives;
 * 3. with `renew`, queue one renewal per deleted session (the worker holds the Encrypt grant).
 */
export async function revokeSessions(scope: RevokeScope, options: RevokeOptions, deps: RevokeDeps): Promise<RevokeReport> {
  const found = await deps.inventory.findSessions(scope === 'all' ? 'all' : { appUserId: scope.appUserId });
  const inScope = scope !== 'all' && scope.company ? found.filter((s) => s.companyIdentificationNumber === scope.company) : found;
  const revoked = inScope.map(({ appUserId, companyIdentificationNumber, sessionId }) => ({ appUserId, companyIdentificationNumber, sessionId }));
  if (options.dryRun) return { revoked, renewalsQueued: 0, dryRun: true };
  const requestedAt = deps.now();
  const requestId = randomUUID();
  let renewalsQueued = 0;
  for (const session of revoked) {
    await deps.store.deleteSession(session.appUserId, session.companyIdentificationNumber, session.sessionId);
    if (options.renew) {
      await deps.queue.enqueue(sessionRenewal(session.appUserId, session.companyIdentificationNumber, requestedAt, requestId), `revoke-${requestId}`);
      renewalsQueued += 1;
    }
  }
  return { revoked, renewalsQueued, dryRun: false };
}
