import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { PermanentFailure, TransientFailure } from '../../shared/domain/errors';
import { BridgeSimulator } from '../../local/bridge-simulator';

const USER = 'ecc4eaee-0554-4b4f-8937-3c5b816617f6';
const request = { bridgeUserUuid: USER, countryCode: 'FR', companyIdentificationNumber: '529196313' };
const credentials = { clientId: 'id', clientSecret: 'client-secret-value' };

let simulator: BridgeSimulator;
let sleeps: number[];

function client(overrides: Partial<ConstructorParameters<typeof FetchBridgeClient>[0]> = {}) {
  return new FetchBridgeClient({
    baseUrl: simulator.baseUrl,
    credentials: { bridgeCredentials: async () => credentials },
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5000 },
    attemptTimeoutMs: 1500, // generous: a loaded CI machine must not time out a healthy answer
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    sessionOrigins: [new URL(simulator.baseUrl).origin],
    ...overrides,
  });
}

beforeEach(async () => {
  simulator = new BridgeSimulator({ ...credentials, knownUsers: [USER] });
  await simulator.start();
  sleeps = [];
});
afterEach(() => simulator.stop());

describe('FetchBridgeClient against the Bridge simulator', () => {
  it.each([
    ['https://gateway.example/bridge', 'https://gateway.example/bridge/v3/guidance/sessions'],
    ['https://gateway.example/bridge/', 'https://gateway.example/bridge/v3/guidance/sessions'],
    ['https://api.bridgeapi.io', 'https://api.bridgeapi.io/v3/guidance/sessions'],
  ])('keeps the path of the base URL %s', async (baseUrl, expected) => {
    const urls: string[] = [];
    const recordingFetch = (async (url: string | URL | Request) => {
      urls.push(String(url));
      const id = '8c4f6a0e-2b1d-4c3e-9f5a-7d6b5c4a3b2c';
      return new Response(JSON.stringify({ id, url: `https://guidance.bridgeapi.io/session/${id}`, password: 'pw' }), { status: 200 });
    }) as typeof fetch;

    await client({ baseUrl, fetch: recordingFetch, sessionOrigins: ['https://guidance.bridgeapi.io'] }).createGuidanceSession(request);

    expect(urls).toEqual([expected]);
  });

  it('creates a session with the contract headers and body', async () => {
    const session = await client().createGuidanceSession({ ...request, language: 'fr', contactEmail: 'a@b.fr' });

    expect(session).toEqual({ id: simulator.sessions[0]!.id, url: expect.stringContaining(simulator.sessions[0]!.id), password: expect.any(String) });
    expect(simulator.sessions[0]).toEqual(expect.objectContaining({ userUuid: USER, company: '529196313' }));
  });

  it('honours Retry-After on 429 and retries 5xx with backoff until it succeeds', async () => {
    simulator.scriptedFaults.push({ kind: 'status', status: 429, retryAfterSeconds: 2 }, { kind: 'status', status: 503 });

    await client().createGuidanceSession(request);

    expect(simulator.requestCount).toBe(3);
    expect(sleeps[0]).toBe(2000);
    expect(sleeps[1]).toBe(10); // attempt 2: 0.5 × min(50, 10 × 2)
  });

  it('retries timeouts and connection resets', async () => {
    simulator.scriptedFaults.push({ kind: 'hang', ms: 2000 }, { kind: 'reset' });

    await client().createGuidanceSession(request);

    expect(simulator.requestCount).toBe(3);
  });

  it.each([
    [400, 'bridge_rejected_request'],
    [401, 'bridge_unauthorized'],
    [403, 'bridge_ip_not_allowed'],
  ])('does not retry %i itself, and names its likely cause (%s)', async (status, reason) => {
    simulator.scriptedFaults.push({ kind: 'status', status });

    const error = await client().createGuidanceSession(request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentFailure);
    expect((error as PermanentFailure).reason).toBe(reason);
    expect(simulator.requestCount).toBe(1);
  });

  it('gives up after the last attempt with a transient failure naming the status', async () => {
    for (let i = 0; i < 4; i += 1) simulator.scriptedFaults.push({ kind: 'status', status: 502 });

    const error = await client().createGuidanceSession(request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientFailure);
    expect((error as TransientFailure).reason).toBe('bridge_502');
    expect(simulator.requestCount).toBe(4);
  });

  it('leaves a Retry-After longer than it may wait to the queue', async () => {
    simulator.scriptedFaults.push({ kind: 'status', status: 429, retryAfterSeconds: 60 });

    const failure = await client().createGuidanceSession(request).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransientFailure);
    expect(failure).toMatchObject({ reason: 'bridge_429', retryAfterMs: 60_000 }); // the worker defers the message that long
    expect(simulator.requestCount).toBe(1);
  });

  it('meets the simulator’s checks: unknown user, bad country and wrong credentials are refused', async () => {
    const unknown = await client().createGuidanceSession({ ...request, bridgeUserUuid: '33333333-3333-4333-8333-333333333333' }).catch((e: unknown) => e);
    const badCountry = await client().createGuidanceSession({ ...request, countryCode: 'fr' }).catch((e: unknown) => e);
    const wrongCredentials = await client({ credentials: { bridgeCredentials: async () => ({ clientId: 'id', clientSecret: 'nope' }) } })
      .createGuidanceSession(request)
      .catch((e: unknown) => e);

    expect([unknown, badCountry, wrongCredentials].map((e) => (e as PermanentFailure).reason)).toEqual([
      'bridge_unknown_user', // 401 whose body says the user is not found
      'bridge_rejected_request',
      'bridge_unauthorized', // 401 for the credentials
    ]);
    expect(JSON.stringify([unknown, badCountry, wrongCredentials].map((e) => (e as Error).message))).not.toContain('client-secret-value');
  });

  it.each([
    ['{"errors":[{"code":"user.not_found","message":"User not found"}]}', 'bridge_unknown_user'],
    ['{"type":"not_found","message":"The user was not found","documentation_url":null}', 'bridge_unknown_user'],
    ['{"errors":[{"code":"invalid_client","message":"Invalid client credentials"}]}', 'bridge_unauthorized'],
    ['not json at all', 'bridge_unauthorized'],
    ['', 'bridge_unauthorized'],
  ])('tells an unknown user from bad credentials by the body of a 401 (%s), and never repeats the body', async (body, reason) => {
    const answering401 = (async () => new Response(body, { status: 401 })) as typeof fetch;

    const error = await client({ fetch: answering401 }).createGuidanceSession(request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentFailure);
    expect((error as PermanentFailure).reason).toBe(reason);
    if (body) expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(body);
  });

  it('reads no more than the start of a huge 401 body', async () => {
    const huge = `${'x'.repeat(1_000_000)} user not found`;
    const answering401 = (async () => new Response(huge, { status: 401 })) as typeof fetch;

    const error = await client({ fetch: answering401 }).createGuidanceSession(request).catch((e: unknown) => e);

    expect((error as PermanentFailure).reason).toBe('bridge_unauthorized'); // the phrase lies beyond the 4 KB read
  });
});
