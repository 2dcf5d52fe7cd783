import type { StoredSession } from './guidance-session';
import type { GuidanceStore } from '../ports/guidance-store';
import { noSecurityEvents, type SecurityEvents } from '../ports/security-events';

export interface SessionBindingDeps {
  readonly store: GuidanceStore;
  readonly security?: SecurityEvents;
}

/**
 * The session stored under `appUserId` and `company`, only when the item's own attributes name
 * that same user and company. An item that names anyone else (say, another user's item copied
 * into this partition) is stray: reported, never returned (so never decrypted nor counted), and
 * deleted (only that item, by its session id), so the caller gets a session of their own as if
 * none were stored. The other user's own item is a different key and is not touched.
 */
export async function readBoundSession(appUserId: string, company: string, deps: SessionBindingDeps): Promise<StoredSession | undefined> {
  const stored = await deps.store.getSession(appUserId, company);
  if (!stored || isBoundTo(stored, appUserId, company)) return stored;
  (deps.security ?? noSecurityEvents).sessionKeyMismatch({ appUserId, company, sessionId: stored.sessionId });
  await deps.store.deleteSession(appUserId, company, stored.sessionId);
  return undefined;
}

export function isBoundTo(session: Pick<StoredSession, 'appUserId' | 'companyIdentificationNumber'>, appUserId: string, company: string): boolean {
  return session.appUserId === appUserId && session.companyIdentificationNumber === company;
}
