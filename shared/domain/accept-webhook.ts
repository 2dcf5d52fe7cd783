import { DomainError } from './errors';
import { guidanceWebhookSchema, toGuidanceEvent, type GuidanceEvent } from './guidance-event';
import { check } from './validation';
import { GUIDANCE_EVENT_TYPE } from './event-types';
import { WEBHOOK_MAX_FUTURE_SKEW_SECONDS } from './limits';
import { isSignedByAny } from './webhook-signature';
import type { EventQueue } from '../ports/event-queue';
import type { Clock } from '../ports/clock';
import type { WebhookSecretSource } from '../ports/secret-source';

export type WebhookOutcome =
  | { readonly status: 'accepted'; readonly event: GuidanceEvent }
  | { readonly status: 'ignored' }
  | { readonly status: 'stale'; readonly event: GuidanceEvent };

export interface AcceptWebhookDeps {
  readonly queue: EventQueue;
  readonly secrets: WebhookSecretSource;
  readonly clock: Clock;
  readonly maxAgeSeconds: number;
}

export interface WebhookDelivery {
  /** The exact bytes Bridge signed. */
  readonly body: Buffer;
  readonly signatureHeader: string | undefined;
  readonly correlationId: string;
}

/**
 * Accept one delivery from Bridge:
 * 1. (the edge has refused oversized bodies before any work);
 * 2. verify the signature over the raw bytes against every live secret;
 * 3. parse JSON; answer `ignored` for any other event type;
 * 4. validate the guidance event and derive its deterministic key;
 * 5. answer `stale` outside the replay window (a 4xx would make Bridge retry forever);
 * 6. queue it, and only then answer `accepted`.
 */
export async function acceptWebhook(delivery: WebhookDelivery, deps: AcceptWebhookDeps): Promise<WebhookOutcome> {
  const secrets = await deps.secrets.webhookSecrets();
  if (!isSignedByAny(delivery.body, delivery.signatureHeader, secrets)) {
    throw new DomainError('invalid_signature', 'Missing or invalid BridgeApi-Signature.');
  }

  const payload = parseJson(delivery.body);
  const type = typeof payload === 'object' && payload !== null ? (payload as { type?: unknown }).type : undefined;
  // Signed by Bridge but not a guidance event (no type at all included): a 4xx would only make
  // Bridge retry it forever.
  if (type !== GUIDANCE_EVENT_TYPE) return { status: 'ignored' };

  const parsed = check(guidanceWebhookSchema, payload);
  if (!parsed.ok) throw new DomainError('invalid_event', `Invalid fields: ${parsed.fields}.`);
  const now = deps.clock.now();
  const event = toGuidanceEvent(parsed.value, now);
  if (isOutsideReplayWindow(event.timestamp, now, deps.maxAgeSeconds)) return { status: 'stale', event };

  await deps.queue.enqueue(event, delivery.correlationId);
  return { status: 'accepted', event };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    // No `cause`: JSON.parse's message quotes the body, which must never reach a log.
    throw new DomainError('unreadable_event', 'Body is not valid JSON.');
  }
}

function isOutsideReplayWindow(timestampMs: number, nowMs: number, maxAgeSeconds: number): boolean {
  return nowMs - timestampMs > maxAgeSeconds * 1000 || timestampMs - nowMs > WEBHOOK_MAX_FUTURE_SKEW_SECONDS * 1000;
}
