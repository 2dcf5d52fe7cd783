import { PermanentFailure, BridgeBusy, TransientFailure } from '../domain/errors';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfterMs, sleep, type RetryPolicy } from '../domain/retry';
import type { BridgeClient, BridgeGuidanceSession, GuidanceSessionRequest } from '../ports/bridge-client';
import type { BridgeCredentialSource } from '../ports/secret-source';
import type { AttemptGate } from './paced-fetch';
import { checkedSession, DEFAULT_BRIDGE_SESSION_HOSTS, httpsOrigins } from './bridge-session-answer';

export const BRIDGE_VERSION = '2025-01-15';
export const DEFAULT_GUIDANCE_SESSIONS_PATH = '/v3/guidance/sessions';

export interface FetchBridgeClientOptions {
  readonly baseUrl: string;
  readonly sessionsPath?: string;
  readonly credentials: BridgeCredentialSource;
  /** Origins a session `url` may point to. @default https://guidance.bridgeapi.io */
  readonly sessionOrigins?: readonly string[];
  readonly retry?: RetryPolicy;
  readonly attemptTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Around each attempt, outside its timeout and latency: the fleet-wide pacing (paced-fetch.ts). */
  readonly gate?: AttemptGate;
  /**
   * Longest one call may take, waits for a turn and retries included: a retry that cannot fit is
   * left to the caller (the queue's redelivery, or the person's retry). @default no limit
   */
  readonly callBudgetMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told of every attempt (status class and latency), for metrics. Never sees bodies or headers. */
  readonly onAttempt?: (attempt: BridgeAttempt) => void;
}

export interface BridgeAttempt {
  /** 2xx, 3xx, 400, 401, 403, 408, 429, 5xx, other_4xx, timeout or network. */
  readonly status: string;
  readonly latencyMs: number;
}

type Attempt = { ok: true; session: BridgeGuidanceSession } | { ok: false; failure: PermanentFailure | TransientFailure };

/**
 * Bridge's guidance-session endpoint over HTTPS. 400/401/403 (and other 4xx) are not retried here
 * (the worker retries 401/403 across receives: credentials and allow-lists change at deploy time);
 * 408/429/5xx, timeouts and resets are retried with jittered backoff honouring Retry-After.
 * Redirects are never followed (they would carry the credentials and the user's contact data to
 * another host): a 3xx, like any answer that is not a session, is `bridge_invalid_response`.
 * Neither the response body nor the credentials ever reach an error message.
 */
export class FetchBridgeClient implements BridgeClient {
  private readonly endpoint: string;
  private readonly retry: RetryPolicy;
  private readonly attemptTimeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly sessionOrigins: readonly string[];

  constructor(private readonly options: FetchBridgeClientOptions) {
    // Appended, not resolved: `new URL('/v3/…', 'https://gw/bridge')` would drop the base URL's own path.
    const path = options.sessionsPath ?? DEFAULT_GUIDANCE_SESSIONS_PATH;
    this.endpoint = new URL(`${options.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`).toString();
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
    this.sessionOrigins = options.sessionOrigins ?? httpsOrigins(DEFAULT_BRIDGE_SESSION_HOSTS);
  }

  async createGuidanceSession(request: GuidanceSessionRequest): Promise<BridgeGuidanceSession> {
    const { clientId, clientSecret } = await this.options.credentials.bridgeCredentials();
    const init: RequestInit = {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Client-Id': clientId,
        'Client-Secret': clientSecret,
        'Bridge-Version': BRIDGE_VERSION,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify(toBridgeBody(request)),
    };
    const now = this.options.now ?? Date.now;
    const deadline = now() + (this.options.callBudgetMs ?? Number.POSITIVE_INFINITY);
    for (let attempt = 1; ; attempt += 1) {
      // The turn may take what the budget leaves once the attempt's own timeout is set aside.
      const result = await this.attempt(init, Math.max(0, deadline - now() - this.attemptTimeoutMs));
      if (result.ok) return result.session;
      const { failure } = result;
      if (failure instanceof PermanentFailure || attempt >= this.retry.maxAttempts) throw failure;
      const { retryAfterMs } = failure;
      // Too long to wait here: the failure carries it, and the worker defers the message that long.
      if (retryAfterMs !== undefined && retryAfterMs > this.retry.maxRetryAfterMs) throw failure;
      const pauseMs = Math.max(retryAfterMs ?? 0, backoffDelayMs(attempt, this.retry, this.random));
      if (now() + pauseMs + this.attemptTimeoutMs > deadline) throw failure;
      await this.sleep(pauseMs);
    }
  }

  private async attempt(init: RequestInit, maxWaitMs: number): Promise<Attempt> {
    // Our own pacing may say wait (BridgeBusy): not a Bridge failure, and not to be retried here.
    await this.options.gate?.beforeAttempt(maxWaitMs);
    const started = performance.now();
    const report = (status: string) => this.options.onAttempt?.({ status, latencyMs: performance.now() - started });
    let response: Response;
    try {
      response = await this.fetch(this.endpoint, { ...init, signal: AbortSignal.timeout(this.attemptTimeoutMs) });
    } catch (error) {
      // A pacing `fetch` (pacedFetch) may say wait too: not a network failure, and not to be retried here.
      if (error instanceof BridgeBusy) throw error;
      // By name, not instanceof: the abort error may come from another realm (a test runner's).
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      report(timedOut ? 'timeout' : 'network');
      const reason = timedOut ? 'bridge_timeout' : 'bridge_network_error';
      return { ok: false, failure: new TransientFailure(reason, `Bridge call failed (${reason}).`, { cause: error }) };
    }
    report(statusClass(response.status));
    await this.options.gate?.afterAnswer(response);
    if (response.ok) return this.readSession(response);
    const status = response.status;
    if (status >= 300 && status < 400) {
      // Named by status only: the Location and body are whatever the other host wants shown.
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, failure: new PermanentFailure('bridge_invalid_response', `Bridge answered a redirect (${status}); not followed.`) };
    }
    // Bridge answers 401 for bad credentials and for an unknown user alike: only its body tells them apart.
    const unknownUser = status === 401 && (await saysUserNotFound(response));
    await response.body?.cancel().catch(() => undefined);
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), Date.now());
      return { ok: false, failure: new TransientFailure(`bridge_${status}`, `Bridge answered ${status}.`, { retryAfterMs }) };
    }
    const reason = unknownUser ? 'bridge_unknown_user' : permanentReason(status);
    return { ok: false, failure: new PermanentFailure(reason, `Bridge answered ${status}.`) };
  }

  private async readSession(response: Response): Promise<Attempt> {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { ok: false, failure: new PermanentFailure('bridge_invalid_response', 'Bridge answered a body that is not JSON.') };
    }
    try {
      return { ok: true, session: checkedSession(body, this.sessionOrigins) };
    } catch (error) {
      if (error instanceof PermanentFailure) return { ok: false, failure: error };
      throw error;
    }
  }
}

function statusClass(status: number): string {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 500) return '5xx';
  if ([400, 401, 403, 408, 429].includes(status)) return String(status);
  return 'other_4xx';
}

function permanentReason(status: number): string {
  if (status === 400) return 'bridge_rejected_request';
  if (status === 401) return 'bridge_unauthorized'; // the client id or secret (the body did not say "user not found")
  if (status === 403) return 'bridge_ip_not_allowed'; // Bridge's 403: our egress address is not allow-listed
  return `bridge_${status}`;
}

const USER_NOT_FOUND = /user[\s._-]*(?:was[\s._-]*|is[\s._-]*)?not[\s._-]*found/i;
const ERROR_BODY_READ_BYTES = 4096;

/** Reads at most 4 KB of an error answer, only to match "user not found"; the body goes nowhere else. */
async function saysUserNotFound(response: Response): Promise<boolean> {
  try {
    const reader = response.body?.getReader();
    if (!reader) return false;
    let text = '';
    while (text.length < ERROR_BODY_READ_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    await reader.cancel().catch(() => undefined);
    return USER_NOT_FOUND.test(text.slice(0, ERROR_BODY_READ_BYTES));
  } catch {
    return false;
  }
}

function toBridgeBody(request: GuidanceSessionRequest): Record<string, string> {
  return {
    user_uuid: request.bridgeUserUuid,
    country_code: request.countryCode,
    company_identification_number: request.companyIdentificationNumber,
    ...(request.language === undefined ? {} : { language: request.language }),
    ...(request.contactEmail === undefined ? {} : { contact_email: request.contactEmail }),
    ...(request.contactPhoneNumber === undefined ? {} : { contact_phone_number: request.contactPhoneNumber }),
  };
}
