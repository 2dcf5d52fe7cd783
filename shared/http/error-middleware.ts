import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PermanentFailure, TransientFailure } from '../domain/errors';
import { answerTo, HttpError, type ErrorMapping } from './errors';
import { errorResponse, type HttpResponse } from './responses';

/**
 * The one place an API's errors become answers: an HttpError as it is, anything else through the
 * API's mapping. What is left is a 503 (an AWS dependency failed after the SDK's retries) or a 500.
 * Only names and our own reasons are logged: messages of SDK or fetch errors may quote request data.
 */
export function httpErrors(logger: Logger, mapping: ErrorMapping): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      const error = request.error;
      const mapped = error instanceof HttpError ? error : mapping(error);
      if (mapped) {
        if (mapped.status >= 500) logger.warn('Request failed', { errorCode: mapped.code, ...causeOf(error) });
        request.response = answerTo(mapped);
        return;
      }
      if (isAwsServiceError(error)) {
        // DynamoDB or KMS throttled or unavailable after the SDK's own retries: the caller may retry.
        logger.warn('Dependency unavailable', { errorName: (error as Error).name });
        request.response = errorResponse(503, 'service_unavailable', 'A dependency is unavailable; retry later.');
        return;
      }
      logger.error('Unhandled error', { errorName: error instanceof Error ? error.name : typeof error });
      request.response = errorResponse(500, 'internal_error', 'Internal error.');
    },
  };
}

/** What an operator needs to act on a 5xx: our reason when we have one, else the cause's name. */
function causeOf(error: unknown): { reason?: string; errorName?: string } {
  if (error instanceof TransientFailure || error instanceof PermanentFailure) return { reason: error.reason };
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? { errorName: cause.name } : {};
}

/** An error the AWS SDK raised for a service answer or a network failure. */
function isAwsServiceError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && '$metadata' in error;
}
