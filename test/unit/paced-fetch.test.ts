import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { pacedFetch } from '../../shared/adapters/paced-fetch';
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
