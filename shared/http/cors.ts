/**
 * The reveal API's CORS policy, one definition for the deployed HTTP API (its CorsConfiguration)
 * and the laptop gateway (which answers preflights as API Gateway does). Bearer tokens, never
 * cookies: no credentials. The webhook and `/internal` routes never get CORS.
 */
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'DELETE'] as const;
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type'] as const;
/** A page can read these besides the CORS-safelisted ones: the client's clock and its retry hint. */
export const CORS_EXPOSED_HEADERS = ['date', 'retry-after'] as const;
/** How long a browser may reuse a preflight answer: an hour (Chromium caps it at two). */
export const CORS_MAX_AGE_SECONDS = 3600;

/** Which `http://` origins an environment accepts besides `https://` ones. */
export type LoopbackPolicy = 'refuse-loopback' | 'allow-loopback';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Validates one allowed origin: `https://host[:port]`, or with `allow-loopback` also
 * `http://localhost:<port>` (and 127.0.0.1, [::1]) for a web app served by a developer's dev server.
 * No path, no wildcard, lower-case, as browsers send the `Origin` header. Returns a reason or undefined.
 */
export function corsOriginProblem(origin: string, loopback: LoopbackPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `${JSON.stringify(origin)} is not an origin (scheme://host[:port]).`;
  }
  if (url.origin !== origin) return `${JSON.stringify(origin)} must be written exactly as a browser sends it: ${JSON.stringify(url.origin)} (no path, no trailing slash, lower-case).`;
  if (url.protocol === 'https:' && !origin.includes('*')) return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && url.port !== '') {
    return loopback === 'allow-loopback' ? undefined : `${JSON.stringify(origin)}: http:// loopback origins are accepted on the dev stage and the laptop only.`;
  }
  return `${JSON.stringify(origin)} must be an https:// origin${loopback === 'allow-loopback' ? ' or http://localhost:<port>' : ''}.`;
}

/** Parses a list of origins (array or comma-separated); throws `onProblem`'s error for the first bad one. */
export function parseCorsOrigins(value: unknown, loopback: LoopbackPolicy, onProblem: (message: string) => Error): readonly string[] {
  if (value === undefined || value === null) return [];
  let entries: unknown[];
  if (Array.isArray(value)) entries = value;
  else if (typeof value === 'string') entries = value.split(',');
  else throw onProblem(`must be a list of origins (an array or a comma-separated string), got ${JSON.stringify(value)}.`);
  const origins = entries.map((entry) => (typeof entry === 'string' ? entry.trim() : entry)).filter((entry) => entry !== '');
  for (const origin of origins) {
    if (typeof origin !== 'string') throw onProblem(`${JSON.stringify(origin)} is not an origin.`);
    const problem = corsOriginProblem(origin, loopback);
    if (problem) throw onProblem(problem);
  }
  return [...new Set(origins as string[])];
}

/** Headers an answer to an allowed origin carries (deployed, API Gateway adds the same). */
export function corsAnswerHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(','), vary: 'origin' };
}

/** Headers of the 204 answer to a preflight from an allowed origin. */
export function corsPreflightHeaders(origin: string): Record<string, string> {
  return {
    ...corsAnswerHeaders(origin),
    'access-control-allow-methods': CORS_ALLOWED_METHODS.join(','),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(','),
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
}
