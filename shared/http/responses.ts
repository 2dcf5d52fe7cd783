import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorCode } from './errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

// Nothing this API answers may be cached: it carries passwords and per-user state. A browser must
// never sniff a JSON answer into something it renders, and must come back over HTTPS only (HSTS is
// ignored by browsers on the laptop's plain http://, RFC 6797 §8.1).
export const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
} as const;
const BASE_HEADERS = { 'content-type': 'application/json', ...SECURITY_HEADERS } as const;

export function json(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: { ...BASE_HEADERS }, body: JSON.stringify(body) };
}

export function noContent(): HttpResponse {
  return { statusCode: 204, headers: { ...SECURITY_HEADERS } };
}

/** The contract's error body: `{ "error": "<code>", "message": "<human text>" }`. */
export function errorResponse(status: number, code: ErrorCode, message: string): HttpResponse {
  return json(status, { error: code, message });
}
