import { errorResponse, type HttpResponse } from './responses';

/** Every error code the APIs answer with, and its status: the wire contract (openapi.yaml's ErrorCode). */
export const ERROR_STATUS = {
  invalid_signature: 401,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_request: 400,
  invalid_json: 400,
  invalid_event: 400,
  payload_too_large: 413,
  rate_limited: 429,
  unsupported_media_type: 415,
  upstream_error: 502,
  queue_unavailable: 503,
  service_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * An answer decided at the edge (bad request shape, no token, a domain error mapped by the API's
 * table). The message is a fixed text of ours and is shown, except on a 500.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

/** One API's translation of the errors its use cases raise; undefined: not one of ours (a 5xx). */
export type ErrorMapping = (error: unknown) => HttpError | undefined;

/** The answer for an error the mapping recognised. A 500 is our misconfiguration: the caller learns nothing of it. */
export function answerTo(error: HttpError): HttpResponse {
  const response = errorResponse(error.status, error.code, error.status === 500 ? 'Internal error.' : error.message);
  return { ...response, headers: { ...response.headers, ...error.headers } };
}

/** The code recorded in audits and metrics for a failed call: never the message. */
export function errorCodeOf(error: unknown, mapping: ErrorMapping): ErrorCode {
  return (error instanceof HttpError ? error : mapping(error))?.code ?? 'internal_error';
}

/** For an API whose use cases raise nothing of their own to map: only HttpErrors are answered as such. */
export const noDomainErrors: ErrorMapping = () => undefined;
