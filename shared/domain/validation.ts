import * as v from 'valibot';

/**
 * The one way an untrusted value is checked against a schema. valibot, not zod: each check is its
 * own small function, so a bundle holds only the checks it uses (the webhook's cold import,
 * docs/performance.md). A refusal names the fields, never their values.
 */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fields: string };

export function check<S extends v.GenericSchema>(schema: S, input: unknown): Checked<v.InferOutput<S>> {
  const result = v.safeParse(schema, input);
  return result.success ? { ok: true, value: result.output } : { ok: false, fields: describeIssues(result.issues) };
}

/** `content.user_id, timestamp`: the fields a rejected value got wrong, for the error message. */
function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return [...new Set(issues.map((issue) => v.getDotPath(issue) || '(body)'))].join(', ');
}
