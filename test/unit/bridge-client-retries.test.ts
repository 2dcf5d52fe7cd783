import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { PermanentFailure, TransientFailure } from '../../shared/domain/errors';

const request = { bridgeUserUuid: 'ecc4eaee-0554-4b4f-8937-3c5b816617f6', countryCode: 'FR', companyIdentificationNumber: '529196313' };
const SESSION = { id: '5f0c6a52-8e0e-4c1f-9d55-2f3a7f0d9b1e', url: 'https://guidance.bridgeapi.io/s/5f0c6a52', password: 'pw-1' };

/** A fetch that answers the scripted statuses in order, then a session. */
function scriptedFetch(statuses: number[]) {
  const calls: string[] = [];
  const fetch = (async (url: string | URL | Request) => {
    calls.push(String(url));
    const status = statuses.shift();
    if (status === undefined) return new Response(JSON.stringify(SESSION), { status: 200 });
    return new Response('{}', { status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function client(fetch: typeof globalThis.fetch) {
  return new FetchBridgeClient({
    baseUrl: 'https://api.bridgeapi.io',
    credentials: { bridgeCredentials: async () => ({ clientId: 'id', clientSecret: 'secret' }) },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1000 },
    fetch,
    sleep: async () => undefined,
    random: () => 0.5,
  });
}

describe('FetchBridgeClient: a 408 is a timeout on Bridge’s side, so it is retried', () => {
  it('retries a 408 and returns the session of the next attempt', async () => {
    const { fetch, calls } = scriptedFetch([408]);

    await expect(client(fetch).createGuidanceSession(request)).resolves.toEqual(SESSION);
    expect(calls).toHaveLength(2);
  });

  it('reports repeated 408s as transient, so the queue redelivers the event instead of dead-lettering it', async () => {
    const { fetch, calls } = scriptedFetch([408, 408, 408]);

    const failure = await client(fetch).createGuidanceSession(request).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransientFailure);
    expect(failure).toEqual(expect.objectContaining({ reason: 'bridge_408' }));
    expect(calls).toHaveLength(3);
  });

  it('does not retry a 409 (another 4xx): it is permanent', async () => {
    const { fetch, calls } = scriptedFetch([409]);

    await expect(client(fetch).createGuidanceSession(request)).rejects.toBeInstanceOf(PermanentFailure);
    expect(calls).toHaveLength(1);
  });
});
