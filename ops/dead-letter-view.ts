import type { ReceivedDeadLetter } from './ops-queue';

/** The reason shown for a dead letter SQS moved by itself (the worker crashed or timed out on every receive). */
export const QUEUE_MOVED_REASON = 'max_receives_exceeded';

/** A dead letter as an operator sees it: who and what it is about, why, and since when. Never the body. */
export interface DeadLetterView {
  readonly messageId: string;
  readonly reason: string;
  readonly ageSeconds: number;
  readonly type?: string;
  readonly bridgeUserUuid?: string;
  readonly appUserId?: string;
  readonly company?: string;
  readonly eventKey?: string;
  readonly correlationId: string;
}

/** Selects dead letters: by reason (`retries_exhausted` also matches `retries_exhausted:bridge_503`) or by message id. */
export type DeadLetterFilter = { readonly reason: string } | { readonly id: string } | 'all';

export function reasonOf(letter: Pick<ReceivedDeadLetter, 'reason'>): string {
  return letter.reason || QUEUE_MOVED_REASON;
}

export function matches(letter: ReceivedDeadLetter, filter: DeadLetterFilter): boolean {
  if (filter === 'all') return true;
  if ('id' in filter) return letter.messageId === filter.id;
  const reason = reasonOf(letter);
  return reason === filter.reason || reason.split(':')[0] === filter.reason;
}

export function toView(letter: ReceivedDeadLetter, now: number): DeadLetterView {
  return {
    messageId: letter.messageId,
    reason: reasonOf(letter),
    ageSeconds: Math.max(0, Math.round((now - letter.sentAt) / 1000)),
    correlationId: letter.correlationId ?? '',
    ...describeBody(letter.body),
  };
}

const TEXT_FIELDS = {
  type: 'type',
  bridgeUserUuid: 'bridgeUserUuid',
  appUserId: 'appUserId',
  company: 'companyIdentificationNumber',
  eventKey: 'eventKey',
} as const;

/**
 * The ids a queued message holds (a guidance event: Bridge user and company; a renewal: app user and
 * company). Only these named fields are read, so a malformed body is never echoed to the terminal.
 */
function describeBody(body: string): Partial<Record<keyof typeof TEXT_FIELDS, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const fields: Partial<Record<keyof typeof TEXT_FIELDS, string>> = {};
  for (const [name, source] of Object.entries(TEXT_FIELDS) as [keyof typeof TEXT_FIELDS, string][]) {
    const value = (parsed as Record<string, unknown>)[source];
    if (typeof value === 'string' && /^[\w.:-]{1,128}$/.test(value)) fields[name] = value;
  }
  return fields;
}
