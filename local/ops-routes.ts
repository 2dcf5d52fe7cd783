import * as v from 'valibot';
import { HttpError } from '../shared/http/errors';
import { check } from '../shared/domain/validation';
import { APP_USER_ID, SIREN } from '../shared/domain/identifiers';
import type { RevokeScope } from '../shared/domain/revoke-sessions';
import type { OpsQueue } from '../ops/ops-queue';
import type { OpsSessions } from '../ops/ops-service';
import { route, type LocalRoute } from './http-gateway';

/** Answers one admin route from its parsed JSON body (the stack wraps it: JSON in and out, 4xx for HttpError). */
export type LocalJsonRoute = (payload: (body: unknown) => unknown) => LocalRoute['invoke'];

const handle = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const seconds = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(43_200));
const schemas = {
  depth: v.object({ queue: v.picklist(['main', 'dead']) }),
  receive: v.object({ max: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(10)), visibilityTimeoutSeconds: seconds }),
  visibility: v.object({ receiptHandle: handle, visibilityTimeoutSeconds: seconds }),
  delete: v.object({ receiptHandle: handle }),
  send: v.object({ body: v.pipe(v.string(), v.maxLength(256 * 1024)), correlationId: handle }),
  revoke: v.object({
    scope: v.union([
      v.literal('all'),
      v.object({ appUserId: v.pipe(v.string(), v.regex(APP_USER_ID)), company: v.optional(v.pipe(v.string(), v.regex(SIREN))) }),
    ]),
    renew: v.boolean(),
    dryRun: v.boolean(),
  }),
};

/**
 * The laptop stack's ops routes: the queue port's operations one by one (so `npm run ops -- --local`
 * runs the very ops code it runs against SQS, on the client side), live sessions and revocation.
 */
export function opsRoutes(queue: OpsQueue, sessions: OpsSessions, json: LocalJsonRoute): LocalRoute[] {
  const post = (path: string, payload: (body: unknown) => unknown) => route(`POST /_local/ops/${path}`, 'admin', json(payload));
  return [
    route('GET /_local/ops/live-sessions', 'admin', json(async () => ({ count: await sessions.countLive() }))),
    post('revoke', (body) => {
      const { scope, renew, dryRun } = validate(schemas.revoke, body);
      const typed: RevokeScope = scope === 'all' ? 'all' : { appUserId: scope.appUserId, ...(scope.company === undefined ? {} : { company: scope.company }) };
      return sessions.revoke(typed, { renew, dryRun });
    }),
    post('queue/depth', (body) => queue.depth(validate(schemas.depth, body).queue)),
    post('queue/oldest-age', async () => ({ seconds: await queue.oldestMessageAgeSeconds() })),
    post('queue/receive-dead-letters', async (body) => {
      const { max, visibilityTimeoutSeconds } = validate(schemas.receive, body);
      return { items: await queue.receiveDeadLetters(max, visibilityTimeoutSeconds) };
    }),
    post('queue/change-dead-letter-visibility', async (body) => {
      const { receiptHandle, visibilityTimeoutSeconds } = validate(schemas.visibility, body);
      await unlessStale(() => queue.changeDeadLetterVisibility(receiptHandle, visibilityTimeoutSeconds));
      return {};
    }),
    post('queue/delete-dead-letter', async (body) => {
      await unlessStale(() => queue.deleteDeadLetter(validate(schemas.delete, body).receiptHandle));
      return {};
    }),
    post('queue/send-to-main', async (body) => {
      const { body: message, correlationId } = validate(schemas.send, body);
      await queue.sendToMain(message, correlationId);
      return {};
    }),
    post('queue/move-all-dead-letters', async () => ({ taskHandle: await queue.moveAllDeadLetters() })),
  ];
}

export function parseJsonBody(raw: string | undefined, isBase64Encoded: boolean): unknown {
  if (!raw) return {};
  try {
    return JSON.parse(isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  } catch {
    throw new HttpError('invalid_json', 'Body is not valid JSON.');
  }
}

async function unlessStale(operation: () => Promise<void>): Promise<void> {
  try {
    await operation();
  } catch (error) {
    throw new HttpError('invalid_request', error instanceof Error ? error.message : 'Invalid receipt handle.');
  }
}

function validate<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const parsed = check(schema, body);
  if (!parsed.ok) throw new HttpError('invalid_request', `Invalid fields: ${parsed.fields}.`);
  return parsed.value;
}
