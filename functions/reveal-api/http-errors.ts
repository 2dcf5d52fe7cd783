import { DomainError, Misconfigured, PermanentFailure, RateLimited, TransientFailure } from '../../shared/domain/errors';
import { HttpError, type ErrorMapping } from '../../shared/http/errors';

/**
 * The reveal API's answers to what its use cases raise. A caller may retry a 503 or a 429 (after
 * Retry-After); a 502 means Bridge refused and retrying now will not help; a 500 is our setup.
 */
export const revealErrors: ErrorMapping = (error) => {
  if (error instanceof DomainError) {
    switch (error.code) {
      case 'not_found':
        return new HttpError('not_found', error.message);
      case 'unavailable':
        return new HttpError('service_unavailable', error.message);
      default:
        return undefined;
    }
  }
  if (error instanceof RateLimited) {
    return new HttpError('rate_limited', error.message, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof Misconfigured) return new HttpError('internal_error', 'Internal error.');
  if (error instanceof TransientFailure) return new HttpError('service_unavailable', 'Bridge is unavailable; retry later.');
  if (error instanceof PermanentFailure) return new HttpError('upstream_error', 'Bridge refused to create a session.');
  return undefined;
};
