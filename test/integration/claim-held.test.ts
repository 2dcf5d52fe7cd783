import { createWorkerHandler } from '../../functions/session-worker/app';
import { TransientFailure } from '../../shared/domain/errors';
import type { GuidanceStore } from '../../shared/ports/guidance-store';
import { lambdaContext } from '../../local/http-gateway';
import { guidanceEvent } from '../fixtures/sqs';
import { ALICE, COMPANY, createWorld, workerDeps, type World } from '../fixtures/world';

let world: World;

beforeEach(async () => {
  world = await createWorld();
  await world.register(ALICE);
});
afterEach(() => world.stop());

/** The store, except that releasing a claim fails: the claim stays held until its lease lapses. */
function storeThatCannotRelease(store: GuidanceStore): GuidanceStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'releaseNotification') return async () => Promise.reject(new Error('Simulated DynamoDB outage'));
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('an event whose claim outlives its failed attempt', () => {
  it('is neither lost nor dropped: a copy comes back after the lease and is notified once', async () => {
    // The first attempt fails at Bridge and cannot release its claim: the lease (the invocation's
    // remaining 1 s + the margin) holds while every receive of this message is used up.
    world.bridge.failures.push(new TransientFailure('bridge_503', 'Bridge answered 503.'));
    // Time runs here: the lease lapses on the worker's clock about 3 s after the first attempt.
    const startedAt = Date.now();
    const clock = { now: () => world.clock.now() + (Date.now() - startedAt) };
    const handler = createWorkerHandler(
      workerDeps(world, { clock, store: storeThatCannotRelease(world.store), queueVisibilityTimeoutSeconds: world.queue.visibilityTimeoutMs / 1000 }),
    );
    const event = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now());

    world.queue.start((sqs) => handler(sqs, lambdaContext('session-worker', 1000)));
    world.queue.send(JSON.stringify(event), 'corr');
    await world.queue.drained(20_000);
    await world.queue.stop();

    expect(world.queue.deadLetters).toEqual([]);
    expect(world.outbox.entries.map((entry) => entry.attributes.event_key)).toEqual([event.eventKey]);
    expect(world.bridge.requests).toHaveLength(2);
  });
});
