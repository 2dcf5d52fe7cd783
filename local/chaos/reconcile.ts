import type { DeadLetter } from '../in-process-queue';
import type { OutboxEntry } from '../outbox';
import type { SentRequest } from './driver';
import { RETRIED_UNTIL_LAST_RECEIVE } from '../../functions/session-worker/decision';
import { EXPECTED_DEAD_LETTER_REASON, type ChaosPlan, type PlannedEvent } from './plan';

/** A guidance record or stored session as found in the table at the end. */
export interface StoredRow {
  readonly appUserId: string;
  readonly company: string;
  readonly eventKey?: string;
  readonly notifiedEventKey?: string;
}

/** What the run saw at the end, before reconciling it with the plan. */
export interface EndState {
  readonly sent: readonly SentRequest[];
  readonly outbox: readonly OutboxEntry[];
  readonly deadLetters: readonly DeadLetter[];
  readonly guidance: readonly StoredRow[];
  readonly sessions: readonly StoredRow[];
}

/** The invariants: every counter here must be 0 for a run to pass. */
export interface Violations {
  /** Distinct valid events neither notified, nor superseded by a notified newer event, nor dead-lettered with their expected reason. */
  readonly lost: number;
  /** Notifications beyond one per event key. */
  readonly duplicated: number;
  /** Transient failures that ran out of receives (`retries_exhausted:*`, `max_receives_exceeded`). */
  readonly retriesExhausted: number;
  /** Dead letters of deliverable events, or with another reason than the expected one. */
  readonly unexpectedDeadLetters: number;
  /** Outbox or DLQ entries of no valid event (e.g. a stale or badly signed one that got queued). */
  readonly phantoms: number;
  /** Notifications to another user or company than the event's, or for an event that should have been dead-lettered. */
  readonly misrouted: number;
  /** The newest event of a user and company not the one recorded, notified and holding the session; or a late older event notified. */
  readonly orderingViolations: number;
  /** HTTP answers other than the expected one (accepted, stale, 401) after retrying 503s. */
  readonly unexpectedAnswers: number;
}

export interface Reconciliation {
  readonly violations: Violations;
  readonly distinctValidEvents: number;
  readonly notifiedEvents: number;
  readonly supersededEvents: number;
  readonly deadLetteredAsExpected: Record<string, { expected: number; found: number }>;
  readonly deadLettersByReason: Record<string, number>;
  readonly distinctNotifiedKeys: number;
  readonly deliverablePairs: number;
  /** A few unaccounted events, to start an investigation from. */
  readonly samples: string[];
}

const SAMPLE_LIMIT = 10;

/**
 * Bridge's 401/403 are retried on every receive (see decideOnFailure); a transient fault that lands
 * on the last receive (an injected one, or a simulated Bridge timeout or network error) dead-letters
 * such an event under that fault's name instead: still the dead letter it was bound for, not a lost
 * event nor an exhausted retry of a deliverable one.
 */
function isExpectedReason(expected: string, found: string): boolean {
  return found === expected || (RETRIED_UNTIL_LAST_RECEIVE.has(expected) && found.startsWith('retries_exhausted:'));
}

/** Accounts for every distinct valid event of the plan against the outbox, the DLQ and the table. */
export function reconcile(plan: ChaosPlan, end: EndState): Reconciliation {
  const samples: string[] = [];
  const note = (line: string) => samples.length < SAMPLE_LIMIT && samples.push(line);
  const events = new Map(plan.events.map((event) => [event.key, event]));
  const notifications = countBy(end.outbox.map((entry) => entry.attributes.event_key));
  const deadLetterKeys = end.deadLetters.map((letter) => ({ letter, key: eventKeyOf(letter.body) }));
  const reasonsByKey = new Map<string, string[]>();
  for (const { letter, key } of deadLetterKeys) reasonsByKey.set(key, [...(reasonsByKey.get(key) ?? []), letter.reason]);
  const pairs = groupBy(
    plan.events.filter((event) => event.category === 'deliverable'),
    (event) => `${event.appUserId}|${event.company}`,
  );

  let lost = 0;
  let notified = 0;
  let superseded = 0;
  const deadLetteredAsExpected: Record<string, { expected: number; found: number }> = {};
  for (const reason of Object.values(EXPECTED_DEAD_LETTER_REASON)) deadLetteredAsExpected[reason] = { expected: 0, found: 0 };
  for (const event of plan.events) {
    if (event.category === 'deliverable') {
      const newerNotified = (pairs.get(`${event.appUserId}|${event.company}`) ?? []).some(
        (other) => other.timestamp > event.timestamp && notifications.has(other.key),
      );
      if (notifications.has(event.key)) notified += 1;
      else if (newerNotified) superseded += 1;
      else {
        lost += 1;
        note(`lost ${describe(event)}: not notified, no newer event notified, dead letters: ${reasonsByKey.get(event.key)?.join(', ') ?? 'none'}`);
      }
      continue;
    }
    const expected = EXPECTED_DEAD_LETTER_REASON[event.category];
    const tally = deadLetteredAsExpected[expected]!;
    tally.expected += 1;
    if (reasonsByKey.get(event.key)?.some((found) => isExpectedReason(expected, found))) tally.found += 1;
    else {
      lost += 1;
      note(`lost ${describe(event)}: expected dead letter ${expected}, found ${reasonsByKey.get(event.key)?.join(', ') ?? 'none'}`);
    }
  }

  let duplicated = 0;
  for (const [key, count] of notifications) {
    if (count > 1) {
      duplicated += count - 1;
      note(`duplicated ${events.has(key) ? describe(events.get(key)!) : key}: ${count} notifications`);
    }
  }

  let phantoms = 0;
  let misrouted = 0;
  for (const entry of end.outbox) {
    const event = events.get(entry.attributes.event_key);
    if (!event) {
      phantoms += 1;
      note(`phantom notification ${entry.attributes.event_key}${plan.refusedKeys.has(entry.attributes.event_key) ? ' (a refused event)' : ''}`);
    } else if (
      event.category !== 'deliverable' ||
      entry.message.app_user_id !== event.appUserId ||
      entry.message.company_identification_number !== event.company
    ) {
      misrouted += 1;
      note(`misrouted notification for ${describe(event)}`);
    }
  }

  let retriesExhausted = 0;
  let unexpectedDeadLetters = 0;
  for (const { letter, key } of deadLetterKeys) {
    const event = events.get(key);
    const boundForDlq = event !== undefined && event.category !== 'deliverable' && isExpectedReason(EXPECTED_DEAD_LETTER_REASON[event.category], letter.reason);
    if ((letter.reason.startsWith('retries_exhausted') || letter.reason === 'max_receives_exceeded') && !boundForDlq) retriesExhausted += 1;
    if (!event) {
      phantoms += 1;
      note(`phantom dead letter ${key || '(unreadable body)'} (${letter.reason})`);
    } else if (event.category === 'deliverable' || !boundForDlq) {
      unexpectedDeadLetters += 1;
      note(`unexpected dead letter ${letter.reason} for ${describe(event)}`);
    }
  }

  const orderingViolations = checkOrdering(pairs, end, notifications, note);
  const unexpectedAnswers = end.sent.filter((sent) => sent.answer !== sent.request.expect).length;
  for (const sent of end.sent.filter((entry) => entry.answer !== entry.request.expect).slice(0, 3)) {
    note(`unexpected answer ${sent.answer} to a ${sent.request.kind} request (expected ${sent.request.expect})`);
  }

  return {
    violations: { lost, duplicated, retriesExhausted, unexpectedDeadLetters, phantoms, misrouted, orderingViolations, unexpectedAnswers },
    distinctValidEvents: plan.events.length,
    notifiedEvents: notified,
    supersededEvents: superseded,
    deadLetteredAsExpected,
    deadLettersByReason: Object.fromEntries(countBy(end.deadLetters.map((letter) => letter.reason))),
    distinctNotifiedKeys: notifications.size,
    deliverablePairs: pairs.size,
    samples,
  };
}

/** For each user and company: the newest event is the one recorded, notified, and holding the stored session. */
function checkOrdering(
  pairs: Map<string, PlannedEvent[]>,
  end: EndState,
  notifications: Map<string, number>,
  note: (line: string) => void,
): number {
  const guidance = new Map(end.guidance.map((row) => [`${row.appUserId}|${row.company}`, row]));
  const sessions = new Map(end.sessions.map((row) => [`${row.appUserId}|${row.company}`, row]));
  let violations = 0;
  for (const [pair, events] of pairs) {
    const newest = events.reduce((a, b) => (b.timestamp > a.timestamp ? b : a));
    const record = guidance.get(pair);
    const session = sessions.get(pair);
    if (record?.eventKey !== newest.key || record.notifiedEventKey !== newest.key || session?.eventKey !== newest.key) {
      violations += 1;
      note(`ordering: ${describe(newest)} is the newest, but the record holds ${record?.eventKey?.slice(0, 12)}, notified ${record?.notifiedEventKey?.slice(0, 12)}, session ${session?.eventKey?.slice(0, 12)}`);
    }
    for (const event of events.filter((candidate) => candidate.lateOlder && notifications.has(candidate.key))) {
      violations += 1;
      note(`ordering: ${describe(event)} arrived after a newer event was processed, and was notified`);
    }
  }
  return violations;
}

function eventKeyOf(body: string): string {
  try {
    const key = (JSON.parse(body) as { eventKey?: unknown }).eventKey;
    return typeof key === 'string' ? key : '';
  } catch {
    return '';
  }
}

function describe(event: PlannedEvent): string {
  return `${event.category} event ${event.key.slice(0, 12)} (${event.appUserId}, ${event.company}, ${new Date(event.timestamp).toISOString()})`;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}
