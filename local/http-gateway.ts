import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResponse } from '../shared/http/responses';
import { errorResponse } from '../shared/http/responses';

/** How a route is protected: as API Gateway would (JWT authorizer, IAM), or not at all. */
export type RouteAuth = 'none' | 'jwt' | 'admin';

export interface LocalRoute {
  readonly method: string;
  readonly routeKey: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
  readonly auth: RouteAuth;
  readonly invoke: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
}

/** Route `PUT /internal/users/{bridge_user_uuid}` → a regex with one capture per parameter. */
export function route(routeKey: string, auth: RouteAuth, invoke: LocalRoute['invoke']): LocalRoute {
  const [method = '', path = ''] = routeKey.split(' ');
  const params: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_match, name: string) => {
      params.push(name);
      return '([^/]+)';
    })}$`,
  );
  return { method, routeKey, pattern, params, auth, invoke };
}

/** API Gateway HTTP API (payload 2.0) event for a request, built the way API Gateway builds it. */
export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  matched: { route: LocalRoute; pathParameters: Record<string, string> },
  authorizer: APIGatewayProxyEventV2['requestContext']['authentication'] | Record<string, unknown> | undefined,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const textual = /json|text|xml|x-www-form-urlencoded/i.test(headers['content-type'] ?? '') && isUtf8(body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: matched.route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(matched.pathParameters).length > 0 ? { pathParameters: matched.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        // The TCP peer, as API Gateway reports it; X-Forwarded-For is never trusted.
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: matched.route.routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      ...(authorizer ? { authorizer } : {}),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual } : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2;
}

export function writeResponse(response: ServerResponse, result: HttpResponse): void {
  const body = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  response.writeHead(result.statusCode, result.headers);
  response.end(body);
}

export function writeError(response: ServerResponse, status: number, code: Parameters<typeof errorResponse>[1], message: string): void {
  writeResponse(response, errorResponse(status, code, message));
}

/** A Lambda context good enough for Powertools (function name, remaining time). */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Constant-time comparison of two secrets of any length. */
export function secretEquals(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
