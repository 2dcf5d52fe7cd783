import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { BRIDGE_USER_UUID, SIREN } from '../domain/identifiers';
import type { TokenVerifier } from '../ports/token-verifier';
import { HttpError } from './errors';

/**
 * The JWT's `sub` as API Gateway's authorizer put it in the event. Trusts whoever built the event:
 * handlers use `bearerTokenCaller`; this is for tests and benchmarks of what lies behind it.
 */
export function callerOf(event: APIGatewayProxyEventV2): string {
  const claims = (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new HttpError('unauthorized', 'A valid bearer token is required.');
  return sub;
}

/** Names the caller of a request, or throws `unauthorized`. */
export type Authenticate = (event: APIGatewayProxyEventV2) => Promise<string>;

/**
 * The caller is the `sub` of the bearer token, verified here (defence in depth: a direct invoke
 * with forged authorizer claims carries no valid token). Claims API Gateway put in the event must
 * name the same subject; they are never used on their own.
 */
export function bearerTokenCaller(verifier: TokenVerifier): Authenticate {
  return async (event) => {
    const token = /^Bearer +(\S+)$/i.exec(header(event, 'authorization')?.trim() ?? '')?.[1];
    const subject = token ? await verifier.verifiedSubject(token) : undefined;
    const claimed = (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims?.sub;
    if (!subject || (claimed !== undefined && claimed !== subject)) {
      throw new HttpError('unauthorized', 'A valid bearer token is required.');
    }
    return subject;
  };
}

export function companyParam(event: APIGatewayProxyEventV2): string {
  const company = event.pathParameters?.company_identification_number ?? '';
  if (!SIREN.test(company)) throw new HttpError('invalid_request', 'company_identification_number must be 9 digits.');
  return company;
}

/** The webhook's UUID rule: a user registered here must be able to receive events. */
export function bridgeUserParam(event: APIGatewayProxyEventV2): string {
  const uuid = event.pathParameters?.bridge_user_uuid ?? '';
  if (!BRIDGE_USER_UUID.test(uuid)) throw new HttpError('invalid_request', 'bridge_user_uuid must be a UUID.');
  return uuid.toLowerCase();
}

/** A small JSON body; the error never quotes it. */
export function jsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  const body = rawBody(event);
  if (body.length > maxBytes) throw new HttpError('payload_too_large', `Body exceeds ${maxBytes} bytes.`);
  if (body.length === 0) throw new HttpError('invalid_json', 'A JSON body is required.');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError('invalid_json', 'Body is not valid JSON.');
  }
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
