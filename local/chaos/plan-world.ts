import { guidanceEventKey } from '../../shared/domain/guidance-event';
import { GUIDANCE_EVENT_TYPE } from '../../shared/domain/event-types';
import { signBody } from '../../shared/domain/webhook-signature';
import type { EventCategory, PlanContext, PlannedEvent, PlannedRequest, PlannedUser } from './plan';
import { pick, randomInt, randomSiren, randomUuid, type Random } from './random';

const FRESH_SPREAD_MS = 2 * 24 * 3600 * 1000; // well inside the 3-day replay window
const FRESH_MARGIN_MS = 60_000;
const STALE_MARGIN_MS = 3600 * 1000;
const WRONG_SECRET = 'chaos-not-the-webhook-secret';

/** The users, companies and events drawn so far, with the bookkeeping that keeps them distinct. */
export class PlanWorld {
  readonly users: PlannedUser[] = [];
  readonly rejectedCompanies: string[] = [];
  readonly events: PlannedEvent[] = [];
  readonly refusedKeys = new Set<string>();
  private readonly companies = new Map<string, string[]>();
  private readonly deliverable: PlannedUser[] = [];
  private readonly usedCompanies = new Set<string>();
  private readonly usedPairs = new Set<string>();
  private readonly usedTimestamps = new Set<string>();

  constructor(
    private readonly random: Random,
    private readonly context: PlanContext,
  ) {}

  addUser(registered: boolean, knownAtBridge: boolean, companyCount: number): PlannedUser {
    const user = { bridgeUserUuid: randomUuid(this.random), appUserId: `chaos-user-${this.users.length + 1}`, registered, knownAtBridge };
    this.users.push(user);
    if (registered && knownAtBridge) this.deliverable.push(user);
    this.companies.set(user.bridgeUserUuid, Array.from({ length: companyCount }, () => this.newCompany()));
    return user;
  }

  newCompany(): string {
    let company = randomSiren(this.random);
    while (this.usedCompanies.has(company)) company = randomSiren(this.random);
    this.usedCompanies.add(company);
    return company;
  }

  companiesOf(user: PlannedUser): string[] {
    return this.companies.get(user.bridgeUserUuid) ?? [];
  }

  deliverablePair(): [PlannedUser, string] {
    const user = pick(this.random, this.deliverable);
    return [user, pick(this.random, this.companiesOf(user))];
  }

  /** A deliverable user with a rejected company, each pair used once (an older event could be superseded, not dead-lettered). */
  rejectedPair(): [PlannedUser, string] {
    for (;;) {
      const user = pick(this.random, this.deliverable);
      const company = pick(this.random, this.rejectedCompanies);
      if (!this.usedPairs.has(`${user.bridgeUserUuid}|${company}`)) return [user, company];
      if (this.random() < 0.1) this.rejectedCompanies.push(this.newCompany());
    }
  }

  freshTimestamp(user: PlannedUser, company: string): number {
    for (;;) {
      const timestamp = this.context.anchorMs - FRESH_MARGIN_MS - randomInt(this.random, FRESH_SPREAD_MS);
      const id = `${user.bridgeUserUuid}|${company}|${timestamp}`;
      if (!this.usedTimestamps.has(id)) {
        this.usedTimestamps.add(id);
        return timestamp;
      }
    }
  }

  event(category: EventCategory, user: PlannedUser, company: string, timestamp?: number, lateOlder = false): PlannedEvent {
    this.usedPairs.add(`${user.bridgeUserUuid}|${company}`);
    const at = timestamp ?? this.freshTimestamp(user, company);
    const event = {
      key: guidanceEventKey(GUIDANCE_EVENT_TYPE, user.bridgeUserUuid, company, at),
      bridgeUserUuid: user.bridgeUserUuid,
      appUserId: user.appUserId,
      company,
      timestamp: at,
      category,
      lateOlder,
    };
    this.events.push(event);
    return event;
  }

  /** The first delivery of `event`, exactly as Bridge signs it. */
  deliver(event: PlannedEvent): PlannedRequest {
    const body = this.body(event.bridgeUserUuid, event.company, event.timestamp);
    return { kind: 'first_delivery', body, signatureHeader: `v1=${signBody(body, this.context.webhookSecret)}`, expect: 'accepted', eventKey: event.key };
  }

  /** Correctly signed, but outside the replay window (mostly too old, some too far in the future). */
  staleRequest(): PlannedRequest {
    const [user, company] = this.deliverablePair();
    const future = this.random() < 0.2;
    const timestamp = future
      ? this.context.anchorMs + STALE_MARGIN_MS + randomInt(this.random, 24 * 3600 * 1000)
      : this.context.anchorMs - this.context.maxAgeSeconds * 1000 - STALE_MARGIN_MS - randomInt(this.random, 24 * 3600 * 1000);
    const body = this.body(user.bridgeUserUuid, company, timestamp);
    const eventKey = guidanceEventKey(GUIDANCE_EVENT_TYPE, user.bridgeUserUuid, company, timestamp);
    this.refusedKeys.add(eventKey);
    return { kind: 'stale', body, signatureHeader: `v1=${signBody(body, this.context.webhookSecret)}`, expect: 'stale', eventKey };
  }

  /** A fresh event nobody ever sends correctly signed: wrong secret, tampered body, no header, or another scheme. */
  badlySignedRequest(): PlannedRequest {
    const [user, company] = this.deliverablePair();
    const timestamp = this.freshTimestamp(user, company);
    const body = this.body(user.bridgeUserUuid, company, timestamp);
    const eventKey = guidanceEventKey(GUIDANCE_EVENT_TYPE, user.bridgeUserUuid, company, timestamp);
    this.refusedKeys.add(eventKey);
    const variant = randomInt(this.random, 4);
    const signatureHeader =
      variant === 0
        ? `v1=${signBody(body, WRONG_SECRET)}`
        : variant === 1
          ? `v1=${signBody(body.replace(`"timestamp":${timestamp}`, `"timestamp":${timestamp + 1}`), this.context.webhookSecret)}`
          : variant === 2
            ? undefined
            : `v0=${signBody(body, this.context.webhookSecret)}`;
    return { kind: 'bad_signature', body, signatureHeader, expect: 'invalid_signature', eventKey };
  }

  private body(bridgeUserUuid: string, company: string, timestamp: number): string {
    // Bridge's casing of the uuid is not ours to choose: the key is derived from the lower-cased one.
    const userId = this.random() < 0.1 ? bridgeUserUuid.toUpperCase() : bridgeUserUuid;
    return JSON.stringify({ type: GUIDANCE_EVENT_TYPE, timestamp, content: { user_id: userId, company_identification_number: company } });
  }
}
