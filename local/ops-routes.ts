import * as z from 'zod/mini';
import { HttpError } from '../shared/http/errors';
import { describeIssues } from '../shared/domain/guidance-event';
import { APP_USER_ID, SIREN } from '../shared/domain/identifiers';
import type { RevokeScope } from '../shared/domain/revoke-sessions';
import type { OpsQueue } from '../ops/ops-queue';
import type { OpsSessions } from '../ops/ops-service';
import { route, type LocalRoute } from './http-gateway';

/** Answers one admin route from its parsed JSON body (the stack wraps it: JSON in and out, 4xx for HttpError). */
export type LocalJsonRoute = (payload: (body: unknown) => unknown) => LocalRoute['invoke'];

const handle = z.string().check(z.minLength(1), z.maxLength(200));
const seconds = z.int().check(z.minimum(0), z.maximum(43_200));
const schemas = {
  depth: z.object({ queue: z.enum(['main', 'dead']) }),
  receive: z.object({ max: z.int().check(z.minimum(1), z.maximum(10)), visibilityTimeoutSeconds: seconds }),
  visibility: z.object({ receiptHandle: handle, visibilityTimeoutSeconds: seconds }),
  delete: z.object({ receiptHandle: handle }),
  send: z.object({ body: z.string().check(z.maxLength(256 * 1024)), correlationId: z.string().check(z.minLength(1), z.maxLength(200)) }),
  revoke: z.object({
    scope: z.union([z.literal('all'), z.object({ appUserId: z.string().check(z.regex(APP_USER_ID)), company: z.optional(z.string().check(z.regex(SIREN))) })]),
    renew: z.boolean(),
    dryRun: z.boolean(),
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

function validate<T>(schema: z.ZodMiniType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError('invalid_request', `Invalid fields: ${describeIssues(parsed.error.issues)}.`);
  return parsed.data;
}
