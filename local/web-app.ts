import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { WebAppFile } from '../web/bundle';
import { errorResponse, json, type HttpResponse } from '../shared/http/responses';
import { route, type LocalRoute } from './http-gateway';
import { signLocalToken } from './jwt';
import { DEMO_USERS } from './local-config';
import { webAppCsp } from '../infra/constructs/web-app-policy';

/** How long a laptop sign-in lasts, like a Cognito access token. */
export const LOCAL_SIGN_IN_TTL_SECONDS = 15 * 60;

/**
 * The headers every page of the app is served with, here and (the same policy) from CloudFront:
 * scripts and styles from the app's own files only (no inline script), API calls to `connectSrc`
 * only, no framing, no referrer, nothing cached.
 */
export function webAppHeaders(connectSrc: string): Record<string, string> {
  return {
    'content-security-policy': webAppCsp([connectSrc]),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'cache-control': 'no-store',
  };
}

const HEADERS = webAppHeaders("'self'");
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/;
const LAPTOP_CONFIG = JSON.stringify({ apiUrl: '', signIn: { kind: 'laptop', users: DEMO_USERS.map((user) => user.appUserId) } });

/**
 * The reference web app on the laptop stack: `/app/` (same origin as the API, so no CORS), built
 * by esbuild on the first request, and `POST /_local/sign-in`, which mints a short local token for
 * a demo user. Neither exists in a deployed stack.
 */
export function webAppRoutes(jwtSecret: string, build: () => WebAppFile[]): LocalRoute[] {
  let files: Map<string, WebAppFile> | undefined;
  const file = (name: string) => (files ??= new Map(build().map((built) => [built.name, built]))).get(name);
  const serve = (name: string): HttpResponse => {
    if (name === 'config.json') return { statusCode: 200, headers: { ...HEADERS, 'content-type': 'application/json' }, body: LAPTOP_CONFIG };
    const found = file(name);
    if (!found) return errorResponse(404, 'not_found', 'No such file.');
    return { statusCode: 200, headers: { ...HEADERS, 'content-type': found.contentType }, body: found.body.toString('base64'), isBase64Encoded: true };
  };
  return [
    route('GET /app', 'none', async () => ({ statusCode: 308, headers: { location: '/app/', 'cache-control': 'no-store' } })),
    route('GET /app/', 'none', async () => serve('index.html')),
    route('GET /app/{file}', 'none', async (event) => serve(event.pathParameters?.file ?? '')),
    route('POST /_local/sign-in', 'none', async (event) => signIn(event, jwtSecret)),
  ];
}

async function signIn(event: APIGatewayProxyEventV2, jwtSecret: string): Promise<HttpResponse> {
  // A JSON content type makes any other origin's request a CORS preflight, which this route never
  // answers; an Origin header, when sent, must be this stack's own.
  if (!/^application\/json\b/i.test(event.headers['content-type'] ?? '')) {
    return errorResponse(415, 'unsupported_media_type', 'Send a JSON body.');
  }
  // A loopback Host defeats DNS rebinding (a site whose name now points at 127.0.0.1 would otherwise be "same origin").
  const host = event.headers.host ?? '';
  const origin = event.headers.origin;
  if (!LOOPBACK_HOST.test(host) || (origin !== undefined && origin !== `http://${host}`)) {
    return errorResponse(403, 'forbidden', 'The laptop sign-in is for pages of this stack only.');
  }
  let appUserId: unknown;
  try {
    appUserId = (JSON.parse(event.body ?? '') as { app_user_id?: unknown }).app_user_id;
  } catch {
    return errorResponse(400, 'invalid_json', 'The body is not JSON.');
  }
  if (!DEMO_USERS.some((user) => user.appUserId === appUserId)) {
    return errorResponse(403, 'forbidden', `Only the demo users can sign in here: ${DEMO_USERS.map((user) => user.appUserId).join(', ')}.`);
  }
  const token = await signLocalToken(appUserId as string, jwtSecret, LOCAL_SIGN_IN_TTL_SECONDS);
  return json(200, { access_token: token, token_type: 'Bearer', expires_in: LOCAL_SIGN_IN_TTL_SECONDS });
}
