import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { scanEveryTable } from '../../local/dynamo';
import { createWorkerHandler } from '../../functions/session-worker/app';
import { PermanentFailure, TransientFailure } from '../../shared/domain/errors';
import { eraseUser, registerUser } from '../../shared/domain/manage-users';
import { secretContextOf } from '../../shared/domain/guidance-session';
import { lambdaContext } from '../../local/http-gateway';
import { GatedBridge } from '../fakes/gated-bridge';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { captureLogs, leakedSecrets } from '../fixtures/log-capture';
import { waitFor } from '../fixtures/local-client';
import { guidanceEvent, sqsEvent, sqsRecord } from '../fixtures/sqs';
import { ALICE, BOB, COMPANY, createWorld, workerDeps, type World } from '../fixtures/world';

let world: World;

function workerFor(w: World, metrics?: RecordingMetrics) {
  const handler = createWorkerHandler({ ...workerDeps(w), ...(metrics ? { metrics } : {}) });
  return (event: Parameters<typeof handler>[0]) => handler(event, lambdaContext('session-worker', 30_000));
}

/** Runs the worker behind the in-process queue, as the local stack does, until the queue is empty. */
async function deliverThroughQueue(w: World, bodies: string[]): Promise<void> {
  const worker = workerFor(w);
  w.queue.start(worker);
  for (const body of bodies) w.queue.send(body, 'corr');
  await w.queue.drained(20_000);
  await w.queue.stop();
}

beforeEach(async () => {
  world = await createWorld();
  await world.register(ALICE, BOB);
});
afterEach(() => world.stop());

describe('session worker', () => {
  it('stores an encrypted, expiring password and publishes one notification', async () => {
    const event = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now());

    const response = await workerFor(world)(sqsEvent(sqsRecord(JSON.stringify(event))));

    expect(response.batchItemFailures).toEqual([]);
    expect(world.bridge.requests).toEqual([
      { bridgeUserUuid: ALICE.bridgeUserUuid, countryCode: 'FR', companyIdentificationNumber: COMPANY, contactEmail: 'alice@example.com' },
    ]);
    const session = await world.store.getSession('alice', COMPANY);
    const issued = world.bridge.issued[0]!;
    expect(session?.sessionId).toBe(issued.id);
    expect(session!.expiresAt - world.clock.now()).toBe(1800 * 1000);
    expect(await world.cipher.decrypt(session!.ciphertext, secretContextOf(session!))).toBe(issued.password);
    const Items = await scanEveryTable(world.db, world.dynamo);
    const raw = JSON.stringify(Items, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
    expect(raw).not.toContain(issued.password);
    const sessionItem = Items.find((item) => String(item.sk).startsWith('SESSION#'))!;
    expect(sessionItem.ttl).toBe(Math.ceil(session!.expiresAt / 1000));
    // The password lives only in the session table (no backups), indexed by expiry for the sweeper.
    const guidanceTable = JSON.stringify(await world.db.send(new ScanCommand({ TableName: world.dynamo.tableName })));
    expect([guidanceTable.includes('SESSION#'), guidanceTable.includes(session!.url), guidanceTable.includes('ciphertext')]).toEqual([false, false, false]);
    expect(sessionItem).toMatchObject({ expiryShard: expect.stringMatching(/^EXPIRY#[0-3]$/), expiresAt: session!.expiresAt });
    expect(world.outbox.entries.map((entry) => entry.message)).toEqual([
      {
        type: 'guidance.ready',
        app_user_id: 'alice',
        company_identification_number: COMPANY,
        session_expires_at: new Date(session!.expiresAt).toISOString(),
      },
    ]);
    expect(world.outbox.entries[0]!.attributes).toEqual({ type: 'guidance.ready', event_key: event.eventKey });
  });

  it('counts a replayed delivery as a duplicate, not as a second notification', async () => {
    const metrics = new RecordingMetrics();
    const worker = workerFor(world, metrics);
    const body = JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()));

    await worker(sqsEvent(sqsRecord(body)));
    await worker(sqsEvent(sqsRecord(body)));

    expect(metrics.total('GuidanceEvents', { outcome: 'notified' })).toBe(1);
    expect(metrics.total('GuidanceEvents', { outcome: 'duplicate' })).toBe(1);
    expect(world.outbox.entries).toHaveLength(1);
  });

  it('turns ten concurrent deliveries of one event and a later one into one session and one notification', async () => {
    const body = JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()));
    world.bridge.delayMs = 30;

    await deliverThroughQueue(world, Array.from({ length: 10 }, () => body));
    await deliverThroughQueue(world, [body]);

    expect(world.bridge.issued).toHaveLength(1);
    expect(world.outbox.entries).toHaveLength(1);
    expect(world.queue.deadLetters).toEqual([]);
  });

  it('never lets an older event replace a newer one', async () => {
    const newer = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now());
    const older = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now() - 60_000);
    const metrics = new RecordingMetrics();
    const worker = workerFor(world, metrics);

    const responses = [await worker(sqsEvent(sqsRecord(JSON.stringify(newer)))), await worker(sqsEvent(sqsRecord(JSON.stringify(older))))];

    // The older event is settled as superseded: not retried, not dead-lettered.
    expect(responses.map((response) => response.batchItemFailures)).toEqual([[], []]);
    expect(metrics.total('GuidanceEvents', { outcome: 'superseded' })).toBe(1);
    expect(world.queue.deadLetters).toEqual([]);
    expect(world.bridge.issued).toHaveLength(1);
    expect(world.outbox.entries).toHaveLength(1);
    expect((await world.store.getSession('alice', COMPANY))?.sessionId).toBe(world.bridge.issued[0]!.id);
    expect((await world.store.getGuidance('alice', COMPANY))?.eventKey).toBe(newer.eventKey);
  });

  it('replaces the stored session when a newer event arrives, so the old password is gone at once', async () => {
    const worker = workerFor(world);
    await worker(sqsEvent(sqsRecord(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now() - 60_000)))));

    await worker(sqsEvent(sqsRecord(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now())))));

    const session = await world.store.getSession('alice', COMPANY);
    expect(session?.sessionId).toBe(world.bridge.issued[1]!.id);
    expect(await world.cipher.decrypt(session!.ciphertext, secretContextOf(session!))).toBe(world.bridge.issued[1]!.password);
    expect(world.outbox.entries).toHaveLength(2);
  });

  it('leaves nothing behind when the user is erased while Bridge makes the session', async () => {
    const body = JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()));
    world.bridge.delayMs = 100;
    const worker = workerFor(world);

    const processing = worker(sqsEvent(sqsRecord(body)));
    await new Promise((resolve) => setTimeout(resolve, 40)); // the worker is waiting on Bridge
    await eraseUser(ALICE.bridgeUserUuid, { users: world.users, store: world.store });
    await processing;

    const Items = await scanEveryTable(world.db, world.dynamo);
    expect(JSON.stringify(Items)).not.toMatch(/alice|11111111-1111/);
    expect(world.outbox.entries).toHaveLength(0);
    expect(world.queue.deadLetters.map((letter) => letter.reason)).toEqual(['unknown_user']);
  });

  it('dead-letters an event for an unknown Bridge user at once, with the reason', async () => {
    const body = JSON.stringify(guidanceEvent('33333333-3333-4333-8333-333333333333', COMPANY, world.clock.now()));

    const response = await workerFor(world)(sqsEvent(sqsRecord(body)));

    expect(response.batchItemFailures).toEqual([]);
    expect(world.queue.deadLetters.map(({ body: dead, reason }) => ({ dead, reason }))).toEqual([{ dead: body, reason: 'unknown_user' }]);
    expect(world.bridge.requests).toHaveLength(0);
  });

  it('dead-letters a permanent Bridge refusal at once and retries a transient one until it succeeds', async () => {
    world.bridge.failures.push(new PermanentFailure('bridge_rejected_request', 'Bridge answered 400.'));
    world.bridge.failures.push(new TransientFailure('bridge_503', 'Bridge answered 503.'));
    const refused = JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()));
    const retried = JSON.stringify(guidanceEvent(BOB.bridgeUserUuid, COMPANY, world.clock.now()));

    await deliverThroughQueue(world, [refused]);
    await deliverThroughQueue(world, [retried]);

    expect(world.queue.deadLetters.map((letter) => letter.reason)).toEqual(['bridge_rejected_request']);
    expect(world.outbox.entries.map((entry) => entry.message.app_user_id)).toEqual(['bob']);
  });

  it('dead-letters a transient failure that outlives every receive, naming it', async () => {
    for (let i = 0; i < 5; i += 1) world.bridge.failures.push(new TransientFailure('bridge_503', 'Bridge answered 503.'));

    await deliverThroughQueue(world, [JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()))]);

    expect(world.queue.deadLetters.map((letter) => letter.reason)).toEqual(['retries_exhausted:bridge_503']);
    expect(world.bridge.requests).toHaveLength(world.queue.maxReceiveCount);
    expect(world.outbox.entries).toHaveLength(0);
  });

  it('fails only the bad records of a batch of ten', async () => {
    const now = world.clock.now();
    const good = Array.from({ length: 8 }, (_, i) => sqsRecord(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, `52919631${i}`, now))));
    const poison = sqsRecord('{"not":"an event"}');
    const flaky = sqsRecord(JSON.stringify(guidanceEvent(BOB.bridgeUserUuid, COMPANY, now)));
    world.bridge.failures.push(new TransientFailure('bridge_timeout', 'Bridge call failed (bridge_timeout).'));
    // The first Bridge call fails: make sure it is the flaky record's by sending it first.
    const response = await workerFor(world)(sqsEvent(flaky, ...good, poison));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: flaky.messageId }]);
    expect(world.queue.deadLetters.map((letter) => letter.reason)).toEqual(['invalid_message']);
    expect(world.outbox.entries).toHaveLength(8);
  });

  it('retries a failed publish and still sends exactly one notification', async () => {
    const body = JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()));
    const publish = world.outbox.publish.bind(world.outbox);
    let failures = 1;
    world.outbox.publish = async (...args) => {
      if (failures-- > 0) throw new Error('SNS unavailable');
      return publish(...args);
    };

    await deliverThroughQueue(world, [body, body]);

    expect(world.outbox.entries).toHaveLength(1);
    expect(world.bridge.issued).toHaveLength(1); // the retry reused the session stored for this event
    expect((await world.store.getGuidance('alice', COMPANY))?.notifiedEventKey).toBe(JSON.parse(body).eventKey);
  });

  it('keeps the failures of overlapping batches apart', async () => {
    const now = world.clock.now();
    world.bridge.failures.push(new TransientFailure('bridge_503', 'x'));
    world.bridge.delayMs = 30;
    const flaky = sqsRecord(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, now)));
    const good = Array.from({ length: 3 }, (_, i) => sqsRecord(JSON.stringify(guidanceEvent(BOB.bridgeUserUuid, `60000000${i}`, now))));
    const worker = workerFor(world);

    const [first, second] = await Promise.all([worker(sqsEvent(flaky)), worker(sqsEvent(...good))]);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: flaky.messageId }]);
    expect(second.batchItemFailures).toEqual([]);
  });

  it('reports every record when the whole batch fails, so none is deleted', async () => {
    world.bridge.failures.push(new TransientFailure('bridge_503', 'x'), new TransientFailure('bridge_503', 'x'));
    const records = [ALICE, BOB].map((user) => sqsRecord(JSON.stringify(guidanceEvent(user.bridgeUserUuid, COMPANY, world.clock.now()))));

    const response = await workerFor(world)(sqsEvent(...records));

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(records.map((r) => r.messageId).sort());
  });

  it('processes a batch of ten concurrently: Bridge latency is paid about once, not ten times', async () => {
    // Bridge answers nobody until all ten records wait on it at once: one round trip for the batch.
    // (A wall-clock measure of the same thing failed on a loaded machine; this one cannot.)
    const bridge = new GatedBridge();
    const handler = createWorkerHandler({ ...workerDeps(world), bridge });
    const batch = sqsEvent(...Array.from({ length: 10 }, (_, i) => sqsRecord(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, `30000000${i}`, world.clock.now())))));

    const answered = handler(batch, lambdaContext('session-worker', 30_000));
    await bridge.untilPending(10);
    expect(bridge.pending).toBe(10);
    for (let i = 0; i < 10; i += 1) bridge.answerNext();

    expect((await answered).batchItemFailures).toEqual([]);
    expect(bridge.issued).toHaveLength(10);
    expect(world.outbox.entries).toHaveLength(10);
  });

  it('writes no password, URL or ciphertext to any log line in any flow', async () => {
    world.bridge.failures.push(new TransientFailure('bridge_503', 'Bridge answered 503.'));
    const { output } = await captureLogs(async () => {
      await deliverThroughQueue(world, [
        JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now())),
        JSON.stringify(guidanceEvent(BOB.bridgeUserUuid, COMPANY, world.clock.now())),
        JSON.stringify(guidanceEvent('33333333-3333-4333-8333-333333333333', COMPANY, world.clock.now())),
        'garbage',
      ]);
    });

    const secrets = world.bridge.issued.flatMap((session) => [session.password, session.url]);
    expect(world.bridge.issued.length).toBeGreaterThan(0);
    expect(output).toContain('Guidance event processed');
    expect(leakedSecrets(output, secrets)).toEqual([]);
    const stored = JSON.stringify({ dlq: world.queue.deadLetters, outbox: world.outbox.entries });
    expect(leakedSecrets(stored, secrets)).toEqual([]);
  });
});

describe('re-registering a Bridge user under another app user', () => {
  const movedAlice = { ...ALICE, appUserId: 'alice-new-owner' };

  async function aliceHasASession() {
    const event = guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now());
    await workerFor(world)(sqsEvent(sqsRecord(JSON.stringify(event))));
    expect(await world.store.getSession('alice', COMPANY)).toBeDefined();
  }

  it("erases the previous owner's guidances and passwords", async () => {
    await aliceHasASession();

    await registerUser(movedAlice, { users: world.users, store: world.store });

    expect(await world.store.getSession('alice', COMPANY)).toBeUndefined();
    expect(await world.store.listGuidance('alice')).toEqual([]);
    expect((await world.users.getProfile(ALICE.bridgeUserUuid))?.appUserId).toBe('alice-new-owner');
    expect(await world.store.listGuidance('bob')).toEqual([]); // untouched, and never had any
  });

  it('keeps the old profile when the erasure fails, so a retried PUT still erases', async () => {
    await aliceHasASession();
    const failingStore = Object.assign(Object.create(world.store) as typeof world.store, {
      eraseAppUser: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });

    await expect(registerUser(movedAlice, { users: world.users, store: failingStore })).rejects.toThrow('ProvisionedThroughput');
    expect((await world.users.getProfile(ALICE.bridgeUserUuid))?.appUserId).toBe('alice');

    await registerUser(movedAlice, { users: world.users, store: world.store });
    expect(await world.store.getSession('alice', COMPANY)).toBeUndefined();
    expect((await world.users.getProfile(ALICE.bridgeUserUuid))?.appUserId).toBe('alice-new-owner');
  });

  it('keeps the guidances when the same owner updates the profile', async () => {
    await aliceHasASession();

    await registerUser({ ...ALICE, countryCode: 'DE' }, { users: world.users, store: world.store });

    expect(await world.store.getSession('alice', COMPANY)).toBeDefined();
    expect((await world.users.getProfile(ALICE.bridgeUserUuid))?.countryCode).toBe('DE');
  });
});

describe('a worker that dies between claiming and publishing the notification', () => {
  it('loses no notification: a redelivery after the claim lapses publishes it, exactly once', async () => {
    const body = JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()));
    let publishes = 0;
    const hangsOnFirstPublish = {
      publish: (...args: Parameters<typeof world.outbox.publish>) => {
        publishes += 1;
        return publishes === 1 ? new Promise<void>(() => undefined) : world.outbox.publish(...args); // the first invocation times out here
      },
    };
    const handler = createWorkerHandler({ ...workerDeps(world), notifier: hangsOnFirstPublish, maxReceiveCount: 5 });
    const invoke = (receive: number) => handler(sqsEvent(sqsRecord(body, receive)), lambdaContext('session-worker', 300));

    const started = Date.now();
    void invoke(1); // claims, then hangs in publish until "Lambda" gives up on it
    await waitFor(() => publishes === 1, 20_000);
    // Past its 300 ms timeout, as Lambda would have stopped it; its claim's lease still holds (the manual clock).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 400 - Date.now())));
    const beforeLeaseLapsed = await invoke(2);
    world.clock.advance(300 + 2_000 + 1); // the first invocation's lease: its remaining time plus the margin
    const afterLeaseLapsed = await invoke(3);
    const replay = await invoke(4);

    expect(beforeLeaseLapsed.batchItemFailures).toHaveLength(1); // retried later, not dropped as a duplicate
    expect(afterLeaseLapsed.batchItemFailures).toEqual([]);
    expect(replay.batchItemFailures).toEqual([]);
    expect(world.outbox.entries.map((entry) => entry.attributes.event_key)).toEqual([JSON.parse(body).eventKey]);
    expect(world.bridge.requests).toHaveLength(1); // the session stored by the first invocation was reused
    expect((await world.store.getGuidance('alice', COMPANY))?.notifiedEventLeaseUntil).toBeUndefined(); // confirmed
  });
});

describe("Bridge's Retry-After beyond what the client waits (5xx)", () => {
  function workerWithDeferrer(deferrals: { messageId: string; seconds: number }[], failDefer = false) {
    const handler = createWorkerHandler({
      ...workerDeps(world),
      maxReceiveCount: 5,
      queueVisibilityTimeoutSeconds: 180,
      random: () => 0.5,
      deferrer: {
        defer: async (record, seconds) => {
          if (failDefer) throw new Error('AccessDenied');
          deferrals.push({ messageId: record.messageId, seconds });
        },
      },
    });
    return (record: ReturnType<typeof sqsRecord>) => handler(sqsEvent(record), lambdaContext('session-worker', 30_000));
  }
  const unavailable = (retryAfterMs?: number) =>
    new TransientFailure('bridge_503', 'Bridge answered 503.', retryAfterMs === undefined ? {} : { retryAfterMs });
  const body = () => JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()));

  it('defers the message by a Retry-After longer than the visibility timeout (plus jitter, at most 15 minutes) and retries it', async () => {
    const deferrals: { messageId: string; seconds: number }[] = [];
    world.bridge.failures.push(unavailable(600_000), unavailable(7_200_000));
    const first = sqsRecord(body());
    const second = sqsRecord(body(), 2);

    const answers = [await workerWithDeferrer(deferrals)(first), await workerWithDeferrer(deferrals)(second)];

    expect(answers.map((answer) => answer.batchItemFailures.length)).toEqual([1, 1]);
    expect(deferrals).toEqual([
      { messageId: first.messageId, seconds: 630 }, // 600 s + 5 % jitter (random pinned at 0.5)
      { messageId: second.messageId, seconds: 900 },
    ]);
  });

  it('never shortens the queue’s own wait: a Retry-After within the visibility timeout is not deferred', async () => {
    const deferrals: { messageId: string; seconds: number }[] = [];
    world.bridge.failures.push(unavailable(5_000), unavailable(170_000));

    await workerWithDeferrer(deferrals)(sqsRecord(body()));
    await workerWithDeferrer(deferrals)(sqsRecord(body(), 2));

    expect(deferrals).toEqual([]);
  });

  it('does not defer a failure without a Retry-After, nor one on the last receive (dead-lettered instead)', async () => {
    const deferrals: { messageId: string; seconds: number }[] = [];
    world.bridge.failures.push(unavailable(), unavailable(600_000));

    await workerWithDeferrer(deferrals)(sqsRecord(body()));
    await workerWithDeferrer(deferrals)(sqsRecord(body(), 5));

    expect(deferrals).toEqual([]);
    expect(world.queue.deadLetters.map((letter) => letter.reason)).toEqual(['retries_exhausted:bridge_503']);
  });

  it('still retries when the deferral itself fails (the visibility timeout applies)', async () => {
    world.bridge.failures.push(unavailable(600_000));
    const record = sqsRecord(body());

    const answer = await workerWithDeferrer([], true)(record);

    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });
});
