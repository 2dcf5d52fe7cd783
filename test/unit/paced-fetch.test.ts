import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { bridgePacing, pacedFetch } from '../../shared/adapters/paced-fetch';
import { BridgePacer, laneRates } from '../../shared/domain/bridge-pacing';
import { BridgeBusy, TransientFailure } from '../../shared/domain/errors';
import { InMemoryRequestLineStore } from '../fakes/in-memory-request-line';
import { ManualClock } from '../fakes/manual-clock';

const SESSION = JSON.stringify({ id: 's-1', url: 'https://bridge.example/s-1', password: 'pw' });

function setup(answers: (() => Response)[] = []) {
  const clock = new ManualClock();
  const lines = new InMemoryRequestLineStore();
  const sent: number[] = [];
  const slept: number[] = [];
  const fetchStub = (async () => {
    sent.push(clock.now());
    return (answers.shift() ?? (() => new Response(SESSION, { status: 200 })))();
  }) as typeof fetch;
  const sleep = async (ms: number) => {
    slept.push(ms);
    clock.advance(ms);
  };
  const pacerOf = () => new BridgePacer(lines, 20, clock);
  const paced = (pacer: BridgePacer, maxWaitMs = 10_000, lane: 'person' | 'background' = 'background') =>
    pacedFetch({ pacer, lane, maxWaitMs, fetch: fetchStub, sleep, now: () => clock.now() });
  return { clock, sent, slept, pacerOf, paced };
}

describe('paced fetch toward Bridge', () => {
  it('lets calls of two instances leave one interval apart, never faster than the rate', async () => {
    const { sent, pacerOf, paced } = setup();
    const [a, b] = [paced(pacerOf()), paced(pacerOf())];

    for (let i = 0; i < 5; i += 1) {
      await a('https://bridge.example/x');
      await b('https://bridge.example/x');
    }

    const gaps = sent.slice(1).map((at, i) => at - sent[i]!);
    expect(gaps.every((gap) => gap >= 1000 / laneRates(20).background - 1e-3)).toBe(true); // background: 18 of 20 requests/s
  });

  it('fails with BridgeBusy, without calling Bridge, when its slot is further off than it may wait', async () => {
    const { sent, pacerOf, paced } = setup();
    const pacer = pacerOf();
    await pacer.pauseUntil(Date.parse('2026-11-25T10:00:30Z')); // 30 s ahead of the manual clock

    const error = await paced(pacer, 10_000)('https://bridge.example/x').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BridgeBusy);
    expect((error as BridgeBusy).retryAfterMs).toBeGreaterThan(29_000);
    expect(sent).toEqual([]);
  });

  it('pauses every instance for the Retry-After of a 429 one of them met', async () => {
    const { clock, sent, pacerOf, paced } = setup([() => new Response('{}', { status: 429, headers: { 'retry-after': '5' } })]);
    const [met, other] = [paced(pacerOf()), paced(pacerOf())];
    const startedAt = clock.now();

    const first = await met('https://bridge.example/x');
    await other('https://bridge.example/x');

    expect(first.status).toBe(429); // the answer is passed on untouched
    expect(sent[1]! - startedAt).toBeGreaterThanOrEqual(5000);
  });

  it('reaches the Bridge client as BridgeBusy, not as a network failure it would retry', async () => {
    const { pacerOf } = setup();
    const pacer = pacerOf();
    await pacer.pauseUntil(Date.parse('2026-11-25T10:01:00Z'));
    const client = new FetchBridgeClient({
      baseUrl: 'https://bridge.example',
      credentials: { bridgeCredentials: async () => ({ clientId: 'id', clientSecret: 'secret' }) },
      fetch: pacedFetch({ pacer, lane: 'background', maxWaitMs: 1000, fetch: globalThis.fetch, now: () => Date.parse('2026-11-25T10:00:00Z') }),
      sleep: async () => undefined,
    });

    const error = await client
      .createGuidanceSession({ bridgeUserUuid: '11111111-1111-4111-8111-111111111111', countryCode: 'FR', companyIdentificationNumber: '529196313' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BridgeBusy);
    expect(error).toBeInstanceOf(TransientFailure); // the reveal API answers 503
    expect((error as BridgeBusy).reason).toBe('bridge_rate_limited');
  });
});

describe('the pacing gate of the Bridge client', () => {
  const request = { bridgeUserUuid: '11111111-1111-4111-8111-111111111111', countryCode: 'FR', companyIdentificationNumber: '529196313' };
  const credentials = { bridgeCredentials: async () => ({ clientId: 'id', clientSecret: 'secret' }) };
  const VALID_SESSION = JSON.stringify({ id: '2b7c6f2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b', url: 'https://guidance.bridgeapi.io/s/1', password: 'pw' });
  /** A Bridge that answers after 20 ms, unless the attempt's signal fired first. */
  const bridgeAnswering = (answer: () => Response) =>
    (async (_input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      init?.signal?.throwIfAborted();
      return answer();
    }) as typeof fetch;

  it('starts the attempt’s timeout only once its turn has come: a long turn is not a Bridge timeout', async () => {
    const pacer = new BridgePacer(new InMemoryRequestLineStore(), 20, { now: () => Date.now() });
    await pacer.pauseUntil(Date.now() + 300); // the turn is 300 ms away, the attempt may take 100 ms
    const attempts: string[] = [];
    const client = new FetchBridgeClient({
      baseUrl: 'https://bridge.example',
      credentials,
      attemptTimeoutMs: 100,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      fetch: bridgeAnswering(() => new Response(VALID_SESSION, { status: 200 })),
      gate: bridgePacing({ pacer, lane: 'background', maxWaitMs: 1000 }),
      onAttempt: ({ status, latencyMs }) => attempts.push(`${status} ${latencyMs < 250 ? 'without the wait' : 'with the wait'}`),
    });

    const session = await client.createGuidanceSession(request);

    expect(session.id).toBe('2b7c6f2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(attempts).toEqual(['2xx without the wait']);
  });

  it('gives a turn no more than the call’s budget leaves, then BridgeBusy without calling Bridge', async () => {
    const clock = new ManualClock();
    const pacer = new BridgePacer(new InMemoryRequestLineStore(), 20, clock);
    await pacer.pauseUntil(clock.now() + 8000); // within the gate's 10 s, beyond what a 12 s budget leaves after a 5 s attempt
    let sent = 0;
    const client = new FetchBridgeClient({
      baseUrl: 'https://bridge.example',
      credentials,
      callBudgetMs: 12_000,
      now: () => clock.now(),
      fetch: (async () => {
        sent += 1;
        return new Response(SESSION, { status: 200 });
      }) as typeof fetch,
      gate: bridgePacing({ pacer, lane: 'background', maxWaitMs: 10_000, now: () => clock.now(), sleep: async (ms) => clock.advance(ms) }),
    });

    const error = await client.createGuidanceSession(request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BridgeBusy);
    expect(sent).toBe(0);
  });

  it('leaves a retry that cannot fit the call’s budget to the caller, with the failure that stopped it', async () => {
    const clock = new ManualClock();
    let sent = 0;
    const client = new FetchBridgeClient({
      baseUrl: 'https://bridge.example',
      credentials,
      attemptTimeoutMs: 5000,
      callBudgetMs: 12_000,
      retry: { maxAttempts: 3, baseDelayMs: 3000, maxDelayMs: 3000, maxRetryAfterMs: 3000 },
      random: () => 0.99,
      now: () => clock.now(),
      sleep: async (ms) => clock.advance(ms),
      fetch: (async () => {
        sent += 1;
        clock.advance(4000); // a slow 503
        return new Response('{}', { status: 503 });
      }) as typeof fetch,
    });

    const error = await client.createGuidanceSession(request).catch((e: unknown) => e);

    // 4 s + ~3 s pause + 4 s fits 12 s with a 5 s attempt set aside only once: two attempts, not three.
    expect(error).toEqual(expect.objectContaining({ reason: 'bridge_503' }));
    expect(sent).toBe(2);
  });
});
