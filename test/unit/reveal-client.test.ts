import { createRevealClient, type RevealCallRecord } from '../../client';

const BASE_URL = 'https://api.example.test';
const PASSWORD = 'Xq3vT9pL2mN7-secret';
const REVEALED = { session_id: 's-1', url: 'https://guidance.bridgeapi.io/g/s-1', password: PASSWORD, expires_at: '2026-11-25T10:00:00.000Z' };

/** A fetch that answers every request with one canned answer and remembers what it was sent. */
function cannedFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    const text = body === undefined ? null : JSON.stringify(body);
    return new Response(text, { status, headers: { ...(text ? { 'content-type': 'application/json' } : {}), ...headers } });
  };
  return { fetch, requests };
}

describe('the reveal API client', () => {
  it('sends the token getToken returns, on the documented path', async () => {
    const { fetch, requests } = cannedFetch(200, REVEALED);
    const client = createRevealClient({ baseUrl: `${BASE_URL}/`, getToken: async () => 'token-abc', fetch });

    const result = await client.revealPassword('529196313');

    expect(result.ok && result.data.session_id).toBe('s-1');
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url).toBe(`${BASE_URL}/guidance/529196313/reveal`);
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer token-abc');
  });

  it('sends no Authorization header when there is no token', async () => {
    const { fetch, requests } = cannedFetch(401, { message: 'Unauthorized' });
    const client = createRevealClient({ baseUrl: BASE_URL, getToken: () => undefined, fetch });

    const result = await client.listGuidance();

    expect(requests[0]?.headers.has('authorization')).toBe(false);
    expect(result.error).toMatchObject({ status: 401, code: 'unauthorized', source: 'gateway', message: 'Unauthorized' });
  });

  it("gives API Gateway's throttling 429 and the service's own 429 the same code, with Retry-After when sent", async () => {
    const gateway = createRevealClient({ baseUrl: BASE_URL, getToken: () => 't', fetch: cannedFetch(429, { message: 'Too Many Requests' }).fetch });
    const service = createRevealClient({
      baseUrl: BASE_URL,
      getToken: () => 't',
      fetch: cannedFetch(429, { error: 'rate_limited', message: 'Too many reveals; retry later.' }, { 'retry-after': '17' }).fetch,
    });

    const [fromGateway, fromService] = [await gateway.revealPassword('529196313'), await service.revealPassword('529196313')];

    expect(fromGateway.error).toMatchObject({ code: 'rate_limited', source: 'gateway', retryAfterSeconds: undefined, retryable: true });
    expect(fromService.error).toMatchObject({ code: 'rate_limited', source: 'service', retryAfterSeconds: 17, retryable: true });
  });

  it('reads a Retry-After given as an HTTP date against the server clock, not the device clock', async () => {
    const headers = { date: 'Wed, 25 Nov 2026 09:30:00 GMT', 'retry-after': 'Wed, 25 Nov 2026 09:30:42 GMT' };
    const { fetch } = cannedFetch(503, { error: 'service_unavailable', message: 'The service is temporarily unavailable; retry later.' }, headers);
    const client = createRevealClient({ baseUrl: BASE_URL, getToken: () => 't', fetch });

    const result = await client.rotateSession('529196313');

    expect(result.error).toMatchObject({ status: 503, code: 'service_unavailable', retryAfterSeconds: 42, retryable: true });
  });

  it('counts down to expires_at by the server clock when the device clock is 7 minutes behind', async () => {
    const serverNow = Date.parse('2026-11-25T09:50:00.000Z');
    const deviceNow = serverNow - 7 * 60_000;
    const deviceClock = jest.spyOn(Date, 'now').mockReturnValue(deviceNow);
    const { fetch } = cannedFetch(200, REVEALED, { date: new Date(serverNow).toUTCString() });
    const client = createRevealClient({ baseUrl: BASE_URL, getToken: () => 't', fetch });
    const result = await client.revealPassword('529196313');
    deviceClock.mockRestore();
    if (!result.ok) throw result.error;

    // expires_at is 10:00:00 by the server; the device, reading 09:43, would have said 17 minutes.
    expect(client.serverTimeOffsetMs()).toBe(7 * 60_000 + 500);
    expect(client.expiresInMs(result.data.expires_at, deviceNow)).toBe(10 * 60_000 - 500);
    expect(client.expiresInMs(result.data.expires_at, deviceNow + 11 * 60_000)).toBe(0);
  });

  it('reports a fetch that never answers as network_error, without quoting the failure', async () => {
    const client = createRevealClient({
      baseUrl: BASE_URL,
      getToken: () => 't',
      fetch: async () => {
        throw new TypeError(`fetch failed for ${BASE_URL}/guidance?token=leak`);
      },
    });

    const result = await client.listGuidance();

    expect(result.error).toMatchObject({ status: 0, code: 'network_error', source: 'network', retryable: true });
    expect(result.error?.message).not.toContain('leak');
  });

  it('never hands a password, a token or a body to its observer, nor to the console', async () => {
    const calls: RevealCallRecord[] = [];
    const printed: unknown[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args)),
    );
    const client = createRevealClient({ baseUrl: BASE_URL, getToken: () => 'token-abc', fetch: cannedFetch(200, REVEALED).fetch, onCall: (call) => calls.push(call) });

    await client.revealPassword('529196313');
    await client.rotateSession('529196313');
    spies.forEach((spy) => spy.mockRestore());

    expect(calls.map((call) => [call.operation, call.status])).toEqual([['revealPassword', 200], ['rotateSession', 200]]);
    const seen = JSON.stringify([calls, printed]);
    expect(seen).not.toContain(PASSWORD);
    expect(seen).not.toContain('token-abc');
  });

  it('answers a 204 delete with ok and no data', async () => {
    const client = createRevealClient({ baseUrl: BASE_URL, getToken: () => 't', fetch: cannedFetch(204, undefined).fetch });

    const result = await client.deleteSession('529196313');

    expect(result).toMatchObject({ ok: true, status: 204 });
  });
});
