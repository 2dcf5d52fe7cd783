import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { BRIDGE_USER_UUID, EVENT_KEY, SIREN } from './identifiers';
import { GUIDANCE_EVENT_TYPE } from './event-types';

const bridgeUserUuid = () => z.string().check(z.regex(BRIDGE_USER_UUID));

/** The part of Bridge's `guidance.health.ready` body we rely on; extra fields are tolerated. */
export const guidanceWebhookSchema = z.object({
  type: z.literal(GUIDANCE_EVENT_TYPE),
  timestamp: z.int().check(z.positive()),
  content: z.object({
    user_id: bridgeUserUuid(),
    company_identification_number: z.string().check(z.regex(SIREN)),
  }),
});

/** A verified guidance event, as it travels through the queue to the worker. */
export interface GuidanceEvent {
  /** Deterministic: the same Bridge event always has the same key, however often it is delivered. */
  readonly eventKey: string;
  readonly type: typeof GUIDANCE_EVENT_TYPE;
  /** Bridge's event time, epoch milliseconds: orders events for one user and company. */
  readonly timestamp: number;
  readonly bridgeUserUuid: string;
  readonly companyIdentificationNumber: string;
  /** When our webhook accepted it, epoch milliseconds. */
  readonly receivedAt: number;
}

export const queuedGuidanceEventSchema = z.object({
  eventKey: z.string().check(z.regex(EVENT_KEY)),
  type: z.literal(GUIDANCE_EVENT_TYPE),
  timestamp: z.int(),
  bridgeUserUuid: bridgeUserUuid(),
  companyIdentificationNumber: z.string().check(z.regex(SIREN)),
  receivedAt: z.int(),
});

export function guidanceEventKey(type: string, bridgeUserUuid: string, company: string, timestamp: number): string {
  return createHash('sha256').update(`${type}\n${bridgeUserUuid}\n${company}\n${timestamp}`).digest('hex');
}

export function toGuidanceEvent(body: z.infer<typeof guidanceWebhookSchema>, receivedAt: number): GuidanceEvent {
  const bridgeUserUuid = body.content.user_id.toLowerCase();
  const company = body.content.company_identification_number;
  return {
    eventKey: guidanceEventKey(body.type, bridgeUserUuid, company, body.timestamp),
    type: body.type,
    timestamp: body.timestamp,
    bridgeUserUuid,
    companyIdentificationNumber: company,
    receivedAt,
  };
}

/** `content.user_id, timestamp`: the fields a rejected payload got wrong, for the error message. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[] }[]): string {
  const fields = new Set(issues.map((issue) => issue.path.map(String).join('.') || '(body)'));
  return [...fields].join(', ');
}
