import { createWorkerHandler, type WorkerDeps } from '../../functions/session-worker/app';
import { PermanentFailure, TransientFailure } from '../../shared/domain/errors';
import type { BridgeClient } from '../../shared/ports/bridge-client';
import { lambdaContext } from '../../local/http-gateway';
import { InProcessQueue } from '../../local/in-process-queue';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { guidanceEvent, sqsEvent, sqsRecord } from '../fixtures/sqs';
import { ALICE, BOB, createWorld, workerDeps, type World } from '../fixtures/world';

let world: World;

beforeEach(async () => {
  world = await createWorld();
  await world.register(ALICE, BOB);
});
afterEach(() => world.stop());

/** Jitter off, so that waits are exact. */
const deps = (w: World, overrides: Partial<WorkerDeps> = {}): WorkerDeps => workerDeps(w, { random: () => 0, ...overrides });

async function deliverThroughQueue(queue: InProcessQueue, handler: ReturnType<typeof createWorkerHandler>, bodies: string[], timeoutMs = 20_000) {
  queue.start((event) => handler(event, lambdaContext('session-worker', 30_000)));
  for (const body of bodies) queue.send(body, 'corr');
  await queue.drained(timeoutMs);
  await queue.stop();
}

const events = (count: number) =>
  Array.from({ length: count }, (_, i) => JSON.stringify(guidanceEvent(i % 2 ? BOB.bridgeUserUuid : ALICE.bridgeUserUuid, `52919631${i}`, world.clock.now())));

describe('a 429 storm', () => {
  it('longer than maxReceiveCount × visibility timeout dead-letters nothing: every event waits, then is notified once', async () => {
    const queue = world.queue; // visibility 250 ms, 3 receives: a receive-counted retry gives up after 0.75 s
    const throttlesPerEvent = queue.maxReceiveCount + 1; // each a wait of at least 1 s: a storm of 4 s and more
    const seen = new Map<string, number>();
    const stormyBridge: BridgeClient = {
      createGuidanceSession: async (request) => {
        const count = (seen.get(request.companyIdentificationNumber) ?? 0) + 1;
        seen.set(request.companyIdentificationNumber, count);
        if (count <= throttlesPerEvent) throw new TransientFailure('bridge_429', 'Bridge answered 429.', { retryAfterMs: 500 });
        return world.bridge.createGuidanceSession(request);
      },
    };
    const metrics = new RecordingMetrics();
    const started = Date.now();

    await deliverThroughQueue(queue, createWorkerHandler({ ...deps(world), bridge: stormyBridge, metrics }), events(4));

    expect(Date.now() - started).toBeGreaterThan(queue.maxReceiveCount * queue.visibilityTimeoutMs * 4);
    expect(queue.deadLetters).toEqual([]);
    expect([...seen.values()]).toEqual(Array(4).fill(throttlesPerEvent + 1));
    expect(world.outbox.entries).toHaveLength(4);
    expect(world.bridge.issued).toHaveLength(4);
    expect(metrics.total('GuidanceEvents', { outcome: 'rate_limited' })).toBe(4 * throttlesPerEvent);
  });

  it('requeues a rate-limited copy with its wait history and a fresh receive count, and lets the original go', async () => {
    const requeued: { messageId: string; delaySeconds: number; waits: number }[] = [];
    world.bridge.failures.push(new TransientFailure('bridge_429', 'Bridge answered 429.', { retryAfterMs: 30_000 }));
    const record = sqsRecord(events(1)[0]!, 5);
    record.messageAttributes.capacity_waits = { dataType: 'Number', stringValue: '2' };
    const handler = createWorkerHandler({
      ...deps(world),
      requeuer: { requeue: async (r, delaySeconds, { waits }) => void requeued.push({ messageId: r.messageId, delaySeconds, waits }) },
    });

    const answer = await handler(sqsEvent(record), lambdaContext('session-worker', 30_000));

    expect(answer.batchItemFailures).toEqual([]); // the original is deleted: the copy carries the event
    expect(requeued).toEqual([{ messageId: record.messageId, delaySeconds: 30, waits: 3 }]);
    expect(world.queue.deadLetters).toEqual([]);
    // The claim was released: the copy is not blocked by a lease of this attempt.
    expect((await world.store.getGuidance('alice', '529196310'))?.notifiedEventKey).toBeUndefined();
  });

  it('falls back to a plain retry when the copy cannot be queued', async () => {
    world.bridge.failures.push(new TransientFailure('bridge_429', 'Bridge answered 429.', { retryAfterMs: 1000 }));
    const record = sqsRecord(events(1)[0]!);
    const handler = createWorkerHandler({ ...deps(world), requeuer: { requeue: async () => Promise.reject(new Error('SQS down')) } });

    const answer = await handler(sqsEvent(record), lambdaContext('session-worker', 30_000));

    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });
});

describe("Bridge's 401 and 403", () => {
  it.each(['bridge_unauthorized', 'bridge_ip_not_allowed', 'bridge_unknown_user'])(
    'are retried on every receive, then dead-lettered as %s on the last',
    async (reason) => {
      for (let i = 0; i < 10; i += 1) world.bridge.failures.push(new PermanentFailure(reason, 'Bridge refused.'));

      await deliverThroughQueue(world.queue, createWorkerHandler(deps(world)), events(1));

      expect(world.bridge.requests).toHaveLength(world.queue.maxReceiveCount);
      expect(world.queue.deadLetters.map((letter) => letter.reason)).toEqual([reason]);
    },
  );

  it('succeed once the credentials or the allow-list are fixed, before the last receive', async () => {
    world.bridge.failures.push(new PermanentFailure('bridge_ip_not_allowed', 'x'), new PermanentFailure('bridge_unauthorized', 'x'));

    await deliverThroughQueue(world.queue, createWorkerHandler(deps(world)), events(1));

    expect(world.queue.deadLetters).toEqual([]);
    expect(world.outbox.entries).toHaveLength(1);
  });

  it('a 400 is still dead-lettered at once', async () => {
    world.bridge.failures.push(new PermanentFailure('bridge_rejected_request', 'x'));

    await deliverThroughQueue(world.queue, createWorkerHandler(deps(world)), events(1));

    expect(world.bridge.requests).toHaveLength(1);
    expect(world.queue.deadLetters.map((letter) => letter.reason)).toEqual(['bridge_rejected_request']);
  });
});
