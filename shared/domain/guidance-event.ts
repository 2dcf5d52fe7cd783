import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { BRIDGE_USER_UUID, EVENT_KEY, SIREN } from './identifiers';
import { GUIDANCE_EVENT_TYPE } from './event-types';

const bridgeUserUuid = () => v.pipe(v.string(), v.regex(BRIDGE_USER_UUID));
const siren = () => v.pipe(v.string(), v.regex(SIREN));
const safeInteger = () => v.pipe(v.number(), v.safeInteger());

/** The part of Bridge's `guidance.health.ready` body we rely on; extra fields are tolerated. */
export const guidanceWebhookSchema = v.object({
  type: v.literal(GUIDANCE_EVENT_TYPE),
  timestamp: v.pipe(v.number(), v.safeInteger(), v.gtValue(0)),
  content: v.object({
    user_id: bridgeUserUuid(),
    company_identification_number: siren(),
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

export const queuedGuidanceEventSchema = v.object({
  eventKey: v.pipe(v.string(), v.regex(EVENT_KEY)),
  type: v.literal(GUIDANCE_EVENT_TYPE),
  timestamp: safeInteger(),
  bridgeUserUuid: bridgeUserUuid(),
  companyIdentificationNumber: siren(),
  receivedAt: safeInteger(),
});

export function guidanceEventKey(type: string, bridgeUserUuid: string, company: string, timestamp: number): string {
  return createHash('sha256').update(`${type}\n${bridgeUserUuid}\n${company}\n${timestamp}`).digest('hex');
}

export function toGuidanceEvent(body: v.InferOutput<typeof guidanceWebhookSchema>, receivedAt: number): GuidanceEvent {
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
