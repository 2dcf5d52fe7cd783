import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { AppError } from '../domain/errors';
import { BRIDGE_USER_UUID, SIREN } from '../domain/identifiers';
import type { TokenVerifier } from '../ports/token-verifier';
import { header, rawBody } from './error-middleware';

/**
 * The JWT's `sub` as API Gateway's authorizer put it in the event. Trusts whoever built the event:
 * handlers use `bearerTokenCaller`; this is for tests and benchmarks of what lies behind it.
 */
export function callerOf(event: APIGatewayProxyEventV2): string {
  const claims = (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new AppError('unauthorized', 'A valid bearer token is required.');
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
      throw new AppError('unauthorized', 'A valid bearer token is required.');
    }
    return subject;
  };
}

export function companyParam(event: APIGatewayProxyEventV2): string {
  const company = event.pathParameters?.company_identification_number ?? '';
  if (!SIREN.test(company)) throw new AppError('invalid_request', 'company_identification_number must be 9 digits.');
  return company;
}

/** The webhook's UUID rule: a user registered here must be able to receive events. */
export function bridgeUserParam(event: APIGatewayProxyEventV2): string {
  const uuid = event.pathParameters?.bridge_user_uuid ?? '';
  if (!BRIDGE_USER_UUID.test(uuid)) throw new AppError('invalid_request', 'bridge_user_uuid must be a UUID.');
  return uuid.toLowerCase();
}

/** A small JSON body; the error never quotes it. */
export function jsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  const body = rawBody(event);
  if (body.length > maxBytes) throw new AppError('payload_too_large', `Body exceeds ${maxBytes} bytes.`);
  if (body.length === 0) throw new AppError('invalid_json', 'A JSON body is required.');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('invalid_json', 'Body is not valid JSON.');
  }
}
