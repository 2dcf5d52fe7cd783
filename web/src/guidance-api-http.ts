import { failureFromStatus, type ApiOutcome, type GuidanceApi, type GuidanceSummary, type RevealedSession } from './api';
import { serverClockOffsetMs } from './countdown';

/**
 * The reveal API over `fetch`. No cookies are sent (`credentials: 'omit'`), nothing is cached
 * (`no-store`), no referrer leaves the page, and a response body is never logged.
 */
export function httpGuidanceApi(baseUrl: string, accessToken: () => string | undefined): GuidanceApi {
  async function call<T>(method: string, path: string, read: (response: Response) => Promise<T>): Promise<ApiOutcome<T>> {
    const token = accessToken();
    if (!token) return { ok: false, failure: { kind: 'signed_out' } };
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      return { ok: false, failure: { kind: 'unexpected', status: 0 } };
    }
    const receivedAt = Date.now();
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, failure: failureFromStatus(response.status, response.headers.get('retry-after'), receivedAt) };
    }
    return { ok: true, value: await read(response), serverClockOffsetMs: serverClockOffsetMs(response.headers.get('date'), receivedAt) };
  }
  const company = (siren: string) => `/guidance/${encodeURIComponent(siren)}`;
  const session = async (response: Response) => (await response.json()) as RevealedSession;
  return {
    list: () => call('GET', '/guidance', async (response) => ((await response.json()) as { items: GuidanceSummary[] }).items),
    reveal: (siren) => call('POST', `${company(siren)}/reveal`, session),
    deleteSession: (siren) => call('DELETE', `${company(siren)}/session`, async () => undefined),
    rotate: (siren) => call('POST', `${company(siren)}/rotate`, session),
  };
}
