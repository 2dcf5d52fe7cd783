/**
 * A consumer of the generated client that handles every documented error answer of every route,
 * each through its own body type. `npm run typecheck` compiles it: a status added to openapi.yaml
 * (and regenerated) without a handler here, or a handler reading a field its body does not have,
 * fails the build. The laptop e2e tests also run it.
 */
import type { Client } from 'openapi-fetch';
import type { operations, paths } from '../schema';

type HttpOperation = Exclude<keyof operations, 'guidanceReady'>;
type Responses<O extends HttpOperation> = operations[O]['responses'];
type ErrorStatus<O extends HttpOperation> = Exclude<keyof Responses<O>, 200 | 204>;
type JsonBody<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;

/** One handler per documented error status of an operation, receiving that status's body type. */
export type ErrorHandlers<O extends HttpOperation, Outcome> = { readonly [S in ErrorStatus<O>]: (body: JsonBody<Responses<O>[S]>) => Outcome };

/** What an app does about an answer. */
export type Outcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'sign-in'; readonly refusedBy: 'gateway' | 'service' }
  | { readonly kind: 'retry-later'; readonly reason: string }
  | { readonly kind: 'tell-user'; readonly code: string }
  | { readonly kind: 'bug'; readonly code: string }
  | { readonly kind: 'unexpected'; readonly status: number };

// Gateway bodies (`{message}`) have no `error`: the status alone decides.
const retryLater = (body: { message: string }): Outcome => ({ kind: 'retry-later', reason: body.message });
const bug = (code: string): Outcome => ({ kind: 'bug', code });

const invalidCompany = (body: { error: 'invalid_request' }) => bug(body.error);
const notFound = (body: { error: 'not_found' }): Outcome => ({ kind: 'tell-user', code: body.error });
const internal = (body: { error: 'internal_error' }) => retryLater({ message: body.error });
// 401 of the reveal routes: API Gateway's {"message":"Unauthorized"}, or the function's {error:"unauthorized"}.
const unauthorized = (body: { error?: 'unauthorized'; message: string }): Outcome => ({ kind: 'sign-in', refusedBy: body.error === 'unauthorized' ? 'service' : 'gateway' });

export const LIST_GUIDANCE_ERRORS: ErrorHandlers<'listGuidance', Outcome> = {
  401: unauthorized,
  413: (body) => bug(body.error),
  429: retryLater,
  500: internal,
};

export const REVEAL_PASSWORD_ERRORS: ErrorHandlers<'revealPassword', Outcome> = {
  400: invalidCompany,
  401: unauthorized,
  404: notFound,
  413: (body) => bug(body.error),
  429: retryLater,
  500: internal,
  502: (body) => ({ kind: 'tell-user', code: body.error }), // Bridge refused: do not loop
  503: (body) => retryLater(body),
};

export const DELETE_SESSION_ERRORS: ErrorHandlers<'deleteSession', Outcome> = {
  400: invalidCompany,
  401: unauthorized,
  404: notFound,
  413: (body) => bug(body.error),
  429: retryLater,
  500: internal,
};

export const ROTATE_SESSION_ERRORS: ErrorHandlers<'rotateSession', Outcome> = REVEAL_PASSWORD_ERRORS;

export const REGISTER_USER_ERRORS: ErrorHandlers<'registerUser', Outcome> = {
  400: (body) => bug(body.error), // invalid_request or invalid_json
  401: (body) => bug(body.error), // laptop admin token
  403: () => bug('forbidden'), // API Gateway's IAM refusal
  413: (body) => bug(body.error),
  429: retryLater,
  500: internal,
};

export const ERASE_USER_ERRORS: ErrorHandlers<'eraseUser', Outcome> = {
  400: (body) => bug(body.error),
  401: (body) => bug(body.error),
  403: () => bug('forbidden'),
  413: (body) => bug(body.error),
  429: retryLater,
  500: internal,
};

export const RECEIVE_BRIDGE_WEBHOOK_ERRORS: ErrorHandlers<'receiveBridgeWebhook', Outcome> = {
  400: (body) => bug(body.error), // invalid_json or invalid_event
  401: (body) => bug(body.error),
  403: (body) => bug(body.error),
  413: (body) => bug(body.error),
  429: retryLater,
  500: internal,
  503: (body) => retryLater(body), // queue_unavailable or service_unavailable
};

/** Calls the handler documented for `status`; an undocumented status is `unexpected`. */
export function handleError<O extends HttpOperation>(handlers: ErrorHandlers<O, Outcome>, status: number, body: unknown): Outcome {
  const handler = (handlers as Record<number, ((body: unknown) => Outcome) | undefined>)[status];
  return handler ? handler(body) : { kind: 'unexpected', status };
}

/** The reveal flow of an app, on the generated client alone. */
export async function revealOnce(api: Client<paths>, company: string): Promise<Outcome> {
  const { data, error, response } = await api.POST('/guidance/{company_identification_number}/reveal', {
    params: { path: { company_identification_number: company } },
  });
  if (data) return { kind: 'done' }; // show data.url and data.password once; never store or log them
  // Every error body of the route has `message`; only the service's have `error` (API Gateway's 429 has not).
  const message: string = error.message;
  const code = 'error' in error ? error.error : undefined;
  return !message || (code === undefined && response.status !== 401 && response.status !== 429)
    ? { kind: 'unexpected', status: response.status }
    : handleError(REVEAL_PASSWORD_ERRORS, response.status, error);
}
