/** Every error the product reports, by kind. The HTTP layer maps `status`; 5xx never shows `message`. */
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

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

/** A worker failure with a short, secret-free reason (it becomes the dead letter's reason). */
abstract class ProcessingFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Retrying cannot help (bad input, unknown user, Bridge said no): dead-letter at once. */
export class PermanentFailure extends ProcessingFailure {
  override readonly name = 'PermanentFailure'; // explicit: bundles are minified
}

/** May succeed later (timeouts, throttling, 5xx): let the queue redeliver. */
export class TransientFailure extends ProcessingFailure {
  override readonly name: string = 'TransientFailure';
  /** How long the other side asked us to wait (its Retry-After), when it said. */
  readonly retryAfterMs?: number;

  constructor(reason: string, message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(reason, message, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Bridge's capacity is spent for now (its 429, or our own fleet-wide pacing): wait `retryAfterMs`.
 * Never a sign that the event is bad, so waiting for it never uses up the event's receives.
 */
export class BridgeBusy extends TransientFailure {
  override readonly name = 'BridgeBusy';

  constructor(reason: string, message: string, options: ErrorOptions & { retryAfterMs: number }) {
    super(reason, message, options);
  }
}

/** A per-user limit is used up; the caller may try again after `retryAfterSeconds`. */
export class RateLimited extends Error {
  override readonly name = 'RateLimited';
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests for this user; retry later.',
  ) {
    super(message);
  }
}
