import { PermanentFailure } from '../domain/errors';
import type { BridgeGuidanceSession } from '../ports/bridge-client';

/** Bridge's guidance host (its documented session links are `https://guidance.bridgeapi.io/session/<id>`). */
export const DEFAULT_BRIDGE_SESSION_HOSTS: readonly string[] = ['guidance.bridgeapi.io'];

/** Bridge's own passwords are ~20 characters; anything this long is not a password. */
export const MAX_SESSION_PASSWORD_LENGTH = 256;
export const MAX_SESSION_URL_LENGTH = 2048;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Printable, no whitespace or control characters: it is shown to a person and typed back.
const PASSWORD = /^[\x21-\x7e\u00a0-\uffff]+$/;

/** The origins (`https://host[:port]`) a session link may point to, from `bridgeSessionHosts`. */
export function httpsOrigins(hosts: readonly string[]): string[] {
  return hosts.map((host) => new URL(`https://${host}`).origin);
}

/**
 * Accepts Bridge's answer only when it is a session: `id` a UUID, `url` on an allowed origin
 * (`https://` in AWS; the laptop simulator's own origin locally), `password` a bounded printable
 * string. Anything else is `bridge_invalid_response`; the failure never quotes the answer.
 */
export function checkedSession(body: unknown, allowedOrigins: readonly string[]): BridgeGuidanceSession {
  const { id, url, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof id !== 'string' || !UUID.test(id)) throw invalid('id is not a UUID');
  if (typeof password !== 'string' || password.length > MAX_SESSION_PASSWORD_LENGTH || !PASSWORD.test(password)) {
    throw invalid('password is missing, too long or not printable');
  }
  if (typeof url !== 'string' || url.length > MAX_SESSION_URL_LENGTH || !isAllowed(url, allowedOrigins)) {
    throw invalid('url is not on an allowed host');
  }
  return { id, url, password };
}

function isAllowed(url: string, allowedOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Credentials in a link would be shown to the user and sent on; the origin must match exactly.
  if (parsed.username || parsed.password) return false;
  return allowedOrigins.includes(parsed.origin);
}

function invalid(what: string): PermanentFailure {
  return new PermanentFailure('bridge_invalid_response', `Bridge answered something that is not a session (${what}).`);
}
