import { createRevealClient, type RevealResult } from '../../client';
import { failureOf, type ApiOutcome, type GuidanceApi } from './api';

/**
 * `Date` has one-second resolution and the client takes the middle of that second; adding the other
 * half makes the countdown err on the early side, so a password never outlives its expiry on screen.
 */
const DATE_ROUNDING_MARGIN_MS = 500;

/**
 * The reveal API through the project's typed client. No cookies are sent, nothing is cached, no
 * referrer leaves the page; the client never logs, and neither does this page.
 */
export function clientGuidanceApi(baseUrl: string, accessToken: () => string | undefined): GuidanceApi {
  const client = createRevealClient({
    baseUrl,
    getToken: accessToken,
    fetch: (request) => fetch(request, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' }),
  });
  const outcome = <T, R>(result: RevealResult<T>, value: (data: T) => R): ApiOutcome<R> =>
    result.ok
      ? { ok: true, value: value(result.data), serverClockOffsetMs: client.serverTimeOffsetMs() + DATE_ROUNDING_MARGIN_MS }
      : { ok: false, failure: failureOf(result.error) };
  const same = <T>(data: T) => data;
  return {
    list: async () => outcome(await client.listGuidance(), (list) => list.items),
    reveal: async (company) => outcome(await client.revealPassword(company), same),
    deleteSession: async (company) => outcome(await client.deleteSession(company), () => undefined),
    rotate: async (company) => outcome(await client.rotateSession(company), same),
  };
}
