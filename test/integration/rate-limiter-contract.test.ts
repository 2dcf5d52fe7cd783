import { DynamoRateLimiter } from '../../shared/adapters/dynamo-rate-limiter';
import { documentClient } from '../../shared/aws/clients';
import type { RateLimiter } from '../../shared/ports/rate-limiter';
import { startLocalDynamo } from '../../local/dynamo';
import { InMemoryRateLimiter } from '../fakes/in-memory-rate-limiter';

/** The per-user limiter's contract, run on DynamoDB (dynalite) and on the in-memory fake that fast tests use. */
const implementations: { name: string; start: () => Promise<{ limiter: RateLimiter; stop: () => Promise<void> }> }[] = [
  {
    name: 'DynamoDB on dynalite',
    start: async () => {
      const dynamo = await startLocalDynamo();
      return { limiter: new DynamoRateLimiter(documentClient(dynamo.client), dynamo.tableName), stop: () => dynamo.stop() };
    },
  },
  { name: 'in-memory fake', start: async () => ({ limiter: new InMemoryRateLimiter(), stop: async () => undefined }) },
];

const HOUR_START = Date.parse('2026-11-25T10:00:00Z');

describe.each(implementations)('rate limiter contract: $name', ({ start }) => {
  let limiter: RateLimiter;
  let stop: () => Promise<void>;
  beforeEach(async () => ({ limiter, stop } = await start()));
  afterEach(() => stop());

  it('allows `limit` uses in a window, then refuses with the seconds left in it', async () => {
    const now = HOUR_START + 15 * 60_000 + 400; // 15 min 0.4 s into the hour
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await limiter.take('sessions#alice', 3, 3600, now));

    expect(answers).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }, { allowed: false, retryAfterSeconds: 2700 }]);
  });

  it('starts a new window on its boundary', async () => {
    await limiter.take('requests#alice', 1, 60, HOUR_START + 59_999);

    expect(await limiter.take('requests#alice', 1, 60, HOUR_START + 59_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.take('requests#alice', 1, 60, HOUR_START + 60_000)).toEqual({ allowed: true });
  });

  it('keeps keys apart: one user’s exhausted allowance never touches another’s', async () => {
    for (let i = 0; i < 5; i += 1) await limiter.take('sessions#alice', 2, 3600, HOUR_START);

    expect(await limiter.take('sessions#bob', 2, 3600, HOUR_START)).toEqual({ allowed: true });
    expect(await limiter.take('requests#alice', 2, 3600, HOUR_START)).toEqual({ allowed: true });
  });

  it('never counts past the limit under concurrency', async () => {
    const answers = await Promise.all(Array.from({ length: 25 }, () => limiter.take('sessions#alice', 10, 3600, HOUR_START)));

    expect(answers.filter((answer) => answer.allowed)).toHaveLength(10);
  });
});
