import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsAnswerHeaders, corsPreflightHeaders } from '../shared/http/cors';
import { SECURITY_HEADERS } from '../shared/http/responses';
import type { LocalRoute } from './http-gateway';

/**
 * The laptop's copy of API Gateway's CORS for the reveal routes (the `jwt` ones; the webhook and
 * `/internal` never get CORS, as deployed where they live on another API):
 * - a preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`) is answered here, before
 *   routing and authentication: 204 with the `Access-Control-Allow-*` headers for an allowed
 *   origin, 204 with none for any other;
 * - any other answer to an allowed origin gets `Access-Control-Allow-Origin` and the exposed
 *   headers, whoever produced it (handler, authorizer, or a 404/405 of the gateway).
 * Returns true when the preflight has been answered.
 */
export function applyCors(request: IncomingMessage, response: ServerResponse, routes: readonly LocalRoute[], allowedOrigins: readonly string[]): boolean {
  if (allowedOrigins.length === 0) return false;
  const path = new URL(request.url ?? '/', 'http://local').pathname;
  if (!routes.some((route) => route.auth === 'jwt' && route.pattern.test(path))) return false;
  const origin = request.headers.origin;
  const allowed = origin !== undefined && allowedOrigins.includes(origin);
  const preflight = request.method === 'OPTIONS' && origin !== undefined && request.headers['access-control-request-method'] !== undefined;
  if (preflight) {
    request.resume();
    response.writeHead(204, { ...SECURITY_HEADERS, ...(allowed ? corsPreflightHeaders(origin) : {}) });
    response.end();
    return true;
  }
  if (allowed) for (const [name, value] of Object.entries(corsAnswerHeaders(origin))) response.setHeader(name, value);
  return false;
}
