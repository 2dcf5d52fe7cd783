/**
 * What the page needs from the reveal API, as plain outcomes the view can render. The one place
 * that calls the API is `guidance-api-client.ts` (the project's typed client); the view never
 * sees a status code.
 */
import type { GuidanceItem, RevealApiError, RevealedSession } from '../../client';

export type { GuidanceItem, RevealedSession };

/** Why a call did not succeed, in the terms a person is told about. */
export type ApiFailure =
  | { readonly kind: 'signed_out' } // 401: the token expired or was refused
  | { readonly kind: 'not_found' } // 404: no guidance ready for this person and company
  | { readonly kind: 'rate_limited'; readonly retryAfterSeconds: number | undefined } // 429
  | { readonly kind: 'bridge_refused' } // 502 upstream_error
  | { readonly kind: 'unavailable'; readonly retryAfterSeconds: number | undefined } // 503
  | { readonly kind: 'unexpected'; readonly status: number }; // anything else; 0 = no answer (network)

export type ApiOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly serverClockOffsetMs: number }
  | { readonly ok: false; readonly failure: ApiFailure };

export interface GuidanceApi {
  list(): Promise<ApiOutcome<readonly GuidanceItem[]>>;
  reveal(company: string): Promise<ApiOutcome<RevealedSession>>;
  /** The person has used the password: delete it now. */
  deleteSession(company: string): Promise<ApiOutcome<void>>;
  /** Suspected leak: invalidate the current session and make a new one. */
  rotate(company: string): Promise<ApiOutcome<RevealedSession>>;
}

/** The client's error, by its code (the service's and API Gateway's bodies alike), as the page names it. */
export function failureOf(error: Pick<RevealApiError, 'code' | 'status' | 'retryAfterSeconds'>): ApiFailure {
  switch (error.code) {
    case 'unauthorized':
      return { kind: 'signed_out' };
    case 'not_found':
      return { kind: 'not_found' };
    case 'rate_limited':
      return { kind: 'rate_limited', retryAfterSeconds: error.retryAfterSeconds };
    case 'upstream_error':
      return { kind: 'bridge_refused' };
    case 'service_unavailable':
    case 'queue_unavailable':
      return { kind: 'unavailable', retryAfterSeconds: error.retryAfterSeconds };
    default:
      return { kind: 'unexpected', status: error.status };
  }
}
