/**
 * What a use case can say went wrong, in its own words. Nothing here knows HTTP: each API maps these
 * codes to an answer once, at its edge. Messages are fixed texts of ours, safe to show a caller.
 */
export type DomainErrorCode =
  /** The delivery is not provably Bridge's. */
  | 'invalid_signature'
  /** The signed bytes are not a JSON document. */
  | 'unreadable_event'
  /** A guidance event whose fields break the contract. */
  | 'invalid_event'
  /** Nothing the caller owns answers to this name. */
  | 'not_found'
  /** A dependency failed in a way a retry may fix. */
  | 'unavailable';

export class DomainError extends Error {
  override readonly name = 'DomainError'; // explicit: bundles are minified
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
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
  override readonly name: string = 'PermanentFailure'; // explicit: bundles are minified
}

/** Our own setup is wrong (a secret missing or malformed): nothing works until an operator fixes it. */
export class Misconfigured extends PermanentFailure {
  override readonly name = 'Misconfigured';
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
