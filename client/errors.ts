import type { components } from './schema';

/** A code the service itself writes in `{"error": …}`. */
export type ServiceErrorCode = components['schemas']['ErrorCode'];

/**
 * Every failure the client reports, one code per kind: the service's own codes, the same codes for
 * answers API Gateway produces itself (`{"message": …}` bodies, e.g. the JWT authorizer's 401 or its
 * throttling 429), and `network_error` when no answer arrived (offline, DNS, or a CORS refusal in a
 * browser, which a page cannot tell apart).
 */
export type RevealErrorCode = ServiceErrorCode | 'rate_limited' | 'network_error' | 'unexpected_response';

/** Who produced the error: the relay's function, API Gateway in front of it, or nobody (no answer). */
export type RevealErrorSource = 'service' | 'gateway' | 'network';

// What a `{"message": …}` answer of API Gateway means, by status.
const GATEWAY_CODES: Readonly<Record<number, RevealErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'internal_error',
  503: 'service_unavailable',
  504: 'service_unavailable',
};

/** A refused or failed call. Its message is the server's safe text; it never holds a password or token. */
export class RevealApiError extends Error {
  override readonly name = 'RevealApiError';

  constructor(
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
    readonly code: RevealErrorCode,
    message: string,
    readonly source: RevealErrorSource,
    /** From `Retry-After` (429, 503): wait at least this long before calling again. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** Worth retrying later (throttled, temporarily unavailable, or no answer); never a 4xx of the caller's own making. */
  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'service_unavailable' || this.code === 'queue_unavailable' || this.code === 'network_error';
  }
}

/** Turns an error answer (already parsed by openapi-fetch, or undefined) into a `RevealApiError`. */
export function toRevealApiError(status: number, body: unknown, retryAfterSeconds: number | undefined): RevealApiError {
  if (isRecord(body) && typeof body.error === 'string' && typeof body.message === 'string') {
    return new RevealApiError(status, body.error as RevealErrorCode, body.message, 'service', retryAfterSeconds);
  }
  const gatewayCode = GATEWAY_CODES[status];
  if (isRecord(body) && typeof body.message === 'string' && gatewayCode) {
    return new RevealApiError(status, gatewayCode, body.message, 'gateway', retryAfterSeconds);
  }
  return new RevealApiError(status, gatewayCode ?? 'unexpected_response', `Unexpected answer ${status}.`, 'gateway', retryAfterSeconds);
}

/** No answer at all. The cause is kept by name only: a fetch error can quote the request URL. */
export function networkError(cause: unknown): RevealApiError {
  const name = cause instanceof Error ? cause.name : 'Error';
  return new RevealApiError(0, 'network_error', `No answer from the reveal API (${name}).`, 'network');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
