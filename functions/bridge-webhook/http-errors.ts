import { DomainError, Misconfigured, TransientFailure } from '../../shared/domain/errors';
import { HttpError, type ErrorMapping } from '../../shared/http/errors';
import { QUEUE_UNAVAILABLE } from '../../shared/ports/event-queue';

/**
 * The webhook's answers to what accepting an event can raise. Bridge retries any non-2xx, so
 * everything that may pass (the queue, Secrets Manager) is a 503, and a bad delivery a 4xx.
 */
export const webhookErrors: ErrorMapping = (error) => {
  if (error instanceof DomainError) {
    switch (error.code) {
      case 'invalid_signature':
        return new HttpError('invalid_signature', error.message);
      case 'unreadable_event':
        return new HttpError('invalid_json', error.message);
      case 'invalid_event':
        return new HttpError('invalid_event', error.message);
      default:
        return undefined;
    }
  }
  if (error instanceof TransientFailure) {
    return error.reason === QUEUE_UNAVAILABLE
      ? new HttpError('queue_unavailable', 'The event could not be queued; Bridge will retry.')
      : new HttpError('service_unavailable', 'A dependency is unavailable; retry later.');
  }
  if (error instanceof Misconfigured) return new HttpError('internal_error', 'Internal error.');
  return undefined;
};
