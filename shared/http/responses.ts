import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorCode } from '../domain/errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

// Nothing this API answers may be cached: it carries passwords and per-user state.
const BASE_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

export function json(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: { ...BASE_HEADERS }, body: JSON.stringify(body) };
}

export function noContent(): HttpResponse {
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
}

/** The contract's error body: `{ "error": "<code>", "message": "<human text>" }`. */
export function errorResponse(status: number, code: ErrorCode, message: string): HttpResponse {
  return json(status, { error: code, message });
}
