import createClient, { type Client } from 'openapi-fetch';
import { networkError, toRevealApiError, type RevealApiError } from './errors';
import { retryAfterSeconds } from './retry-after';
import type { components, paths } from './schema';
import { ServerClock } from './server-clock';

export type GuidanceList = components['schemas']['GuidanceList'];
export type GuidanceItem = components['schemas']['GuidanceItem'];
export type RevealedSession = components['schemas']['RevealedSession'];

/** The four operations of the reveal API, by their `operationId` in openapi.yaml. */
export type RevealOperation = 'listGuidance' | 'revealPassword' | 'deleteSession' | 'rotateSession';

/** What the client tells an observer about each call: never a body, a header value, a token or a password. */
export interface RevealCallRecord {
  readonly operation: RevealOperation;
  /** 0 when no answer arrived. */
  readonly status: number;
  readonly durationMs: number;
  readonly retryAfterSeconds?: number;
}

export interface RevealClientOptions {
  /** e.g. `http://127.0.0.1:3000` (laptop) or the stack output `RevealApiUrl`; no trailing slash needed. */
  readonly baseUrl: string;
  /** The signed-in user's access token (JWT), read before every call; undefined sends none (→ 401). */
  readonly getToken: () => string | undefined | null | Promise<string | undefined | null>;
  /** @default globalThis.fetch */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Metrics or debug logging hook; it receives `RevealCallRecord`s only, so it cannot log a password. */
  readonly onCall?: (call: RevealCallRecord) => void;
}

/** A call's outcome: exactly one of `data` and `error` is set. Errors are values, not exceptions. */
export type RevealResult<T> =
  | { readonly ok: true; readonly status: number; readonly data: T; readonly error?: undefined }
  | { readonly ok: false; readonly status: number; readonly data?: undefined; readonly error: RevealApiError };

export interface RevealClient {
  /** `GET /guidance`: the caller's ready guidances and their live sessions (never a password). */
  listGuidance(): Promise<RevealResult<GuidanceList>>;
  /** `POST /guidance/{siren}/reveal`: the session URL and password. Show once, never store, never log. */
  revealPassword(companyIdentificationNumber: string): Promise<RevealResult<RevealedSession>>;
  /** `DELETE /guidance/{siren}/session`: erase the stored password now (the user is done with it). */
  deleteSession(companyIdentificationNumber: string): Promise<RevealResult<undefined>>;
  /** `POST /guidance/{siren}/rotate`: invalidate the session (suspected leak) and get a new one. */
  rotateSession(companyIdentificationNumber: string): Promise<RevealResult<RevealedSession>>;
  /** Server time minus device time in ms, from the latest answer's `Date` header (0 before any). */
  serverTimeOffsetMs(): number;
  /** Milliseconds until an `expires_at`, by the server's clock; 0 once it has passed. */
  expiresInMs(expiresAt: string, deviceNowMs?: number): number;
  /** The generated openapi-fetch client (same auth and clock), for anything the methods above do not cover. */
  readonly raw: Client<paths>;
}

/** A typed client for the reveal API, generated from openapi.yaml (openapi-typescript + openapi-fetch). */
export function createRevealClient(options: RevealClientOptions): RevealClient {
  const clock = new ServerClock();
  const fetchImpl = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const raw = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), fetch: fetchImpl });
  raw.use({
    async onRequest({ request }) {
      const token = await options.getToken();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      clock.observe(response.headers.get('date'), Date.now());
      return undefined;
    },
  });

  const run = async <T>(operation: RevealOperation, call: () => Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<RevealResult<T>> => {
    const startedAt = Date.now();
    let answer: Awaited<ReturnType<typeof call>>;
    try {
      answer = await call();
    } catch (cause) {
      options.onCall?.({ operation, status: 0, durationMs: Date.now() - startedAt });
      return { ok: false, status: 0, error: networkError(cause) };
    }
    const { response } = answer;
    const retryAfter = retryAfterSeconds(response.headers);
    options.onCall?.({ operation, status: response.status, durationMs: Date.now() - startedAt, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) });
    if (response.ok) return { ok: true, status: response.status, data: answer.data as T };
    return { ok: false, status: response.status, error: toRevealApiError(response.status, answer.error, retryAfter) };
  };
  const company = (companyIdentificationNumber: string) => ({ params: { path: { company_identification_number: companyIdentificationNumber } } });

  return {
    listGuidance: () => run('listGuidance', () => raw.GET('/guidance')),
    revealPassword: (siren) => run('revealPassword', () => raw.POST('/guidance/{company_identification_number}/reveal', company(siren))),
    deleteSession: (siren) => run('deleteSession', () => raw.DELETE('/guidance/{company_identification_number}/session', company(siren))),
    rotateSession: (siren) => run('rotateSession', () => raw.POST('/guidance/{company_identification_number}/rotate', company(siren))),
    serverTimeOffsetMs: () => clock.serverTimeOffsetMs,
    expiresInMs: (expiresAt, deviceNowMs) => clock.expiresInMs(expiresAt, deviceNowMs),
    raw,
  };
}
