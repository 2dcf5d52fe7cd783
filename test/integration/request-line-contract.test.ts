import { DynamoRequestLineStore } from '../../shared/adapters/dynamo-request-line';
import { documentClient } from '../../shared/aws/clients';
import { BridgePacer, laneRates } from '../../shared/domain/bridge-pacing';
import type { RequestLineStore } from '../../shared/ports/request-line';
import { startLocalDynamo } from '../../local/dynamo';
import { InMemoryRequestLineStore } from '../fakes/in-memory-request-line';
import { ManualClock } from '../fakes/manual-clock';

/**
 * The fleet-wide request lines, run against the DynamoDB adapter on dynalite and against the
 * in-memory fake the burst run uses, so the fake cannot drift; then the pacing built on them.
 */
const implementations: { name: string; start: () => Promise<{ store: RequestLineStore; stop: () => Promise<void> }> }[] = [
  {
    name: 'DynamoDB adapter on dynalite',
    start: async () => {
      const dynamo = await startLocalDynamo();
      return { store: new DynamoRequestLineStore(documentClient(dynamo.client), dynamo.tableName), stop: () => dynamo.stop() };
    },
  },
  { name: 'in-memory fake', start: async () => ({ store: new InMemoryRequestLineStore(), stop: async () => undefined }) },
];

describe.each(implementations)('request line contract: $name', ({ start }) => {
  let store: RequestLineStore;
  let stop: () => Promise<void>;
  beforeEach(async () => ({ store, stop } = await start()));
  afterEach(() => stop());

  describe('the store', () => {
    it('hands out tickets 1, 2, 3 … per line, lines apart, and reads them back', async () => {
      const a = [await store.takeTicket('a'), await store.takeTicket('a')];
      const b = await store.takeTicket('b');

      expect(a).toEqual([{ issued: 1, baseMs: undefined }, { issued: 2, baseMs: undefined }]);
      expect(b).toEqual({ issued: 1, baseMs: undefined });
      expect(await store.read('a')).toEqual({ issued: 2, baseMs: undefined });
      expect(await store.read('never-used')).toEqual({ issued: 0, baseMs: undefined });
    });

    it('never hands out a ticket twice under concurrency', async () => {
      const tickets = await Promise.all(Array.from({ length: 40 }, () => store.takeTicket('a')));

      expect(tickets.map((ticket) => ticket.issued).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('moves the base only from the value the caller saw (unset at first), so one of two racing callers wins', async () => {
      await store.takeTicket('a');

      const firstMoves = await Promise.all([store.moveBase('a', undefined, 1000), store.moveBase('a', undefined, 2000)]);
      const stale = await store.moveBase('a', 5, 3000);
      const state = await store.read('a');
      const fresh = await store.moveBase('a', state.baseMs, 4000);

      expect(firstMoves.filter(Boolean)).toHaveLength(1);
      expect([1000, 2000]).toContain(state.baseMs);
      expect(stale).toBe(false);
      expect(fresh).toBe(true);
      expect(await store.read('a')).toEqual({ issued: 1, baseMs: 4000 });
    });
  });

  describe('fleet-wide pacing over it', () => {
    const RATE = 20; // background 18/s, people 1/s
    const interval = 1000 / laneRates(RATE).background;

    it('spaces concurrent callers of many instances one interval apart, starting now', async () => {
      const clock = new ManualClock();
      const instances = Array.from({ length: 4 }, () => new BridgePacer(store, RATE, clock));

      const slots = await Promise.all(Array.from({ length: 40 }, (_, i) => instances[i % 4]!.slotFor('background')));

      const sorted = [...slots].sort((x, y) => x - y);
      expect(sorted[0]).toBe(clock.now());
      for (let i = 1; i < sorted.length; i += 1) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(interval - 1e-3);
      expect(sorted.at(-1)! - sorted[0]!).toBeLessThan(40 * interval);
    });

    it('keeps any one-second window within the rate', async () => {
      const clock = new ManualClock();
      const pacer = new BridgePacer(store, RATE, clock);

      const slots = await Promise.all(Array.from({ length: 30 }, () => pacer.slotFor('background')));

      const sorted = [...slots].sort((x, y) => x - y);
      const peak = Math.max(...sorted.map((start) => sorted.filter((slot) => slot >= start && slot < start + 1000).length));
      expect(peak).toBeLessThanOrEqual(laneRates(RATE).background);
    });

    it('restarts an idle line at now, instead of letting old tickets through in a burst', async () => {
      const clock = new ManualClock();
      const pacer = new BridgePacer(store, RATE, clock);
      await pacer.slotFor('background');
      clock.advance(60_000);

      const after = [await pacer.slotFor('background'), await pacer.slotFor('background')];

      expect(after).toEqual([clock.now(), clock.now() + interval]);
    });

    it('lets a person go first: the reserved lane is free while the worker’s lane is queued seconds ahead', async () => {
      const clock = new ManualClock();
      const pacer = new BridgePacer(store, RATE, clock);
      await Promise.all(Array.from({ length: 30 }, () => pacer.slotFor('background')));

      expect(await pacer.slotFor('person')).toBe(clock.now());
    });

    it("after a 429, gives every instance and lane its next slot only past the Retry-After", async () => {
      const clock = new ManualClock();
      const [heard, other] = [new BridgePacer(store, RATE, clock), new BridgePacer(store, RATE, clock)];
      await heard.slotFor('background');
      const until = clock.now() + 30_000;

      await heard.pauseUntil(until);

      expect(await other.slotFor('background')).toBeGreaterThanOrEqual(until);
      expect(await other.slotFor('person')).toBeGreaterThanOrEqual(until);
      expect(heard.pausedAfter(clock.now() - 1)).toBe(true);
      expect(other.pausedAfter(clock.now() - 1)).toBe(false); // it learns from the line, not from memory
    });

    it('never moves a line backwards: a shorter pause after a longer one changes nothing', async () => {
      const clock = new ManualClock();
      const pacer = new BridgePacer(store, RATE, clock);
      await pacer.pauseUntil(clock.now() + 30_000);
      await pacer.pauseUntil(clock.now() + 5_000);

      expect(await pacer.slotFor('background')).toBeGreaterThanOrEqual(clock.now() + 30_000);
    });
  });
});

describe('lane rates', () => {
  it.each([
    [2, { person: 1, background: 1 }],
    [20, { person: 1, background: 18 }],
    [50, { person: 3, background: 44 }],
    [100, { person: 5, background: 90 }],
    [1000, { person: 50, background: 900 }],
  ])('splits %i requests/s: a reserved share for people, headroom left by the worker', (rate, expected) => {
    expect(laneRates(rate)).toEqual(expected);
  });

  it('refuses a rate below 2 requests/s', () => {
    expect(() => laneRates(1)).toThrow(RangeError);
  });
});
