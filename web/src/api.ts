/**
 * What the page needs from the reveal API, as plain outcomes the view can render. The one place
 * that knows how the API is called is `guidance-api-http.ts`; the view never sees a status code.
 */

export interface GuidanceSummary {
  readonly company_identification_number: string;
  readonly ready_at: string;
  readonly session: { readonly id: string; readonly url: string; readonly expires_at: string; readonly reveal_count: number } | null;
}

export interface RevealedSession {
  readonly session_id: string;
  readonly url: string;
  readonly password: string;
  readonly expires_at: string;
}

/** Why a call did not succeed, in the terms a person is told about. */
export type ApiFailure =
  | { readonly kind: 'signed_out' } // 401: the token expired or was refused
  | { readonly kind: 'not_found' } // 404: no guidance ready for this person and company
  | { readonly kind: 'rate_limited'; readonly retryAfterSeconds: number | undefined } // 429
  | { readonly kind: 'bridge_refused' } // 502
  | { readonly kind: 'unavailable'; readonly retryAfterSeconds: number | undefined } // 503
  | { readonly kind: 'unexpected'; readonly status: number }; // anything else; 0 = no answer (network)

export type ApiOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly serverClockOffsetMs: number }
  | { readonly ok: false; readonly failure: ApiFailure };

export interface GuidanceApi {
  list(): Promise<ApiOutcome<readonly GuidanceSummary[]>>;
  reveal(company: string): Promise<ApiOutcome<RevealedSession>>;
  /** The person has used the password: delete it now. */
  deleteSession(company: string): Promise<ApiOutcome<void>>;
  /** Suspected leak: invalidate the current session and make a new one. */
  rotate(company: string): Promise<ApiOutcome<RevealedSession>>;
}

/** Maps a failed answer to what the person is told; `Retry-After` in seconds (an HTTP date is also accepted). */
export function failureFromStatus(status: number, retryAfter: string | null, nowMs: number): ApiFailure {
  switch (status) {
    case 401:
      return { kind: 'signed_out' };
    case 404:
      return { kind: 'not_found' };
    case 429:
      return { kind: 'rate_limited', retryAfterSeconds: parseRetryAfter(retryAfter, nowMs) };
    case 502:
      return { kind: 'bridge_refused' };
    case 503:
      return { kind: 'unavailable', retryAfterSeconds: parseRetryAfter(retryAfter, nowMs) };
    default:
      return { kind: 'unexpected', status };
  }
}

export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - nowMs) / 1000)) : undefined;
}
