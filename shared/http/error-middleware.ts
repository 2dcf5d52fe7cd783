import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { AppError, RateLimited } from '../domain/errors';
import { errorResponse, type HttpResponse } from './responses';

/**
 * Maps any thrown error to the contract's JSON error body. An AppError's message is a fixed text
 * of ours and safe to show; any other error is a 500 with a fixed text, logged by name only
 * (messages of SDK or fetch errors may quote request data).
 */
export function httpErrors(logger: Logger): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof RateLimited) {
        const response = errorResponse(429, 'rate_limited', error.message);
        request.response = { ...response, headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) } };
        return;
      }
      if (error instanceof AppError && error.status < 500) {
        request.response = errorResponse(error.status, error.code, error.message);
        return;
      }
      if (error instanceof AppError) {
        // Our own messages are fixed texts; only the cause (an SDK or fetch error) could quote data, and it is not shown.
        logger.warn('Request failed', { errorCode: error.code, errorName: error.cause instanceof Error ? error.cause.name : undefined });
        // A 500 is our misconfiguration: the caller learns nothing about it.
        request.response = errorResponse(error.status, error.code, error.status === 500 ? 'Internal error.' : error.message);
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

/** Header lookup that ignores case: API Gateway lower-cases, other callers may not. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The body exactly as received: API Gateway base64-encodes binary-looking payloads. */
export function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** An error the AWS SDK raised for a service answer or a network failure. */
function isAwsServiceError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && '$metadata' in error;
}
