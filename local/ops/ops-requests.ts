import * as z from 'zod/mini';
import { AppError } from '../../shared/domain/errors';
import { describeIssues } from '../../shared/domain/guidance-event';
import { APP_USER_ID, SIREN } from '../../shared/domain/identifiers';
import type { RevokeOptions, RevokeScope } from '../../shared/domain/revoke-sessions';

const redriveSchema = z.object({ limit: z.int().check(z.positive()), dryRun: z.boolean() });
const revokeSchema = z.object({
  scope: z.union([z.literal('all'), z.object({ appUserId: z.string().check(z.regex(APP_USER_ID)), company: z.optional(z.string().check(z.regex(SIREN))) })]),
  renew: z.boolean(),
  dryRun: z.boolean(),
});

/** Bodies of the laptop stack's `/_local/ops/*` routes, as sent by `npm run ops -- --local`. */
export function parseRedriveRequest(body: unknown): { limit: number; dryRun: boolean } {
  return validate(redriveSchema, body);
}

export function parseRevokeRequest(body: unknown): { scope: RevokeScope; options: RevokeOptions } {
  const { scope, renew, dryRun } = validate(revokeSchema, body);
  const typedScope: RevokeScope =
    scope === 'all' ? 'all' : { appUserId: scope.appUserId, ...(scope.company === undefined ? {} : { company: scope.company }) };
  return { scope: typedScope, options: { renew, dryRun } };
}

export function parseJsonBody(raw: string | undefined, isBase64Encoded: boolean): unknown {
  if (!raw) return {};
  try {
    return JSON.parse(isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  } catch {
    throw new AppError('invalid_json', 'Body is not valid JSON.');
  }
}

function validate<T>(schema: z.ZodMiniType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AppError('invalid_request', `Invalid fields: ${describeIssues(parsed.error.issues)}.`);
  return parsed.data;
}
