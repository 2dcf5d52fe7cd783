import type { SQSEvent } from 'aws-lambda';
import { InProcessQueue } from '../../local/in-process-queue';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const message = (n: number) => ({ eventKey: `key-${n}` }) as never;

describe('the laptop queue', () => {
  let queue: InProcessQueue;
  afterEach(async () => queue.stop());

  it('never redelivers a message while its batch is still running, even past its visibility timeout', async () => {
    queue = new InProcessQueue({ visibilityTimeoutMs: 20, maxReceiveCount: 3, maxConcurrentBatches: 2 });
    const receives: number[] = [];
    queue.start(async (event: SQSEvent) => {
      receives.push(Number(event.Records[0]?.attributes.ApproximateReceiveCount));
      await sleep(200); // ten visibility timeouts, with a free second batch slot all along
    });
    await queue.enqueue(message(1), 'c-1');
    await queue.drained(5_000);

    expect(receives).toEqual([1]);
    expect(queue.deadLetters).toEqual([]);
  });

  it('redelivers a failed record after its visibility timeout and dead-letters it after maxReceiveCount receives', async () => {
    queue = new InProcessQueue({ visibilityTimeoutMs: 30, maxReceiveCount: 3 });
    const receivedAt: number[] = [];
    queue.start(async (event: SQSEvent) => {
      receivedAt.push(Date.now());
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    });
    await queue.enqueue(message(2), 'c-2');
    await queue.drained(5_000);

    expect(receivedAt).toHaveLength(3);
    for (let i = 1; i < receivedAt.length; i += 1) expect(receivedAt[i]! - receivedAt[i - 1]!).toBeGreaterThanOrEqual(25);
    expect(queue.deadLetters.map((letter) => [letter.reason, letter.correlationId])).toEqual([['max_receives_exceeded', 'c-2']]);
  });

  it('deletes only the records that succeeded', async () => {
    queue = new InProcessQueue({ visibilityTimeoutMs: 10, maxReceiveCount: 5, batchSize: 10 });
    const seen: string[] = [];
    let firstBatch = true;
    queue.start(async (event: SQSEvent) => {
      seen.push(...event.Records.map((record) => (JSON.parse(record.body) as { eventKey: string }).eventKey));
      const failures = firstBatch ? event.Records.filter((record) => record.body.includes('key-4')) : [];
      firstBatch = false;
      return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
    });
    await Promise.all([queue.enqueue(message(3), 'c-3'), queue.enqueue(message(4), 'c-4')]);
    await queue.drained(5_000);

    expect(seen.filter((key) => key === 'key-3')).toHaveLength(1);
    expect(seen.filter((key) => key === 'key-4')).toHaveLength(2);
    expect(queue.depth).toBe(0);
  });
});

describe('the laptop queue, deferring a message', () => {
  let queue: InProcessQueue;
  afterEach(async () => queue.stop());

  it('redelivers a failed record only after the delay the worker asked for', async () => {
    queue = new InProcessQueue({ visibilityTimeoutMs: 10, maxReceiveCount: 3 });
    const receivedAt: number[] = [];
    queue.start(async (event: SQSEvent) => {
      receivedAt.push(Date.now());
      if (receivedAt.length > 1) return;
      await queue.defer(event.Records[0]!, 1); // Retry-After: 1 s, against a 10 ms visibility timeout
      return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] };
    });
    await queue.enqueue(message(5), 'c-5');
    await queue.drained(5_000);

    expect(receivedAt).toHaveLength(2);
    expect(receivedAt[1]! - receivedAt[0]!).toBeGreaterThanOrEqual(950);
  });

  it('delivers a requeued copy after its delay, with a fresh receive count and its wait history, as SendMessage with DelaySeconds would', async () => {
    queue = new InProcessQueue({ visibilityTimeoutMs: 30, maxReceiveCount: 3 });
    const deliveries: { at: number; receives: string; waits: string | undefined; correlationId: string | undefined }[] = [];
    let sentAt = 0;
    queue.start(async (event: SQSEvent) => {
      const record = event.Records[0]!;
      deliveries.push({
        at: Date.now(),
        receives: record.attributes.ApproximateReceiveCount,
        waits: record.messageAttributes.capacity_waits?.stringValue,
        correlationId: record.messageAttributes.correlation_id?.stringValue,
      });
      if (deliveries.length === 1) {
        sentAt = Date.now();
        await queue.requeue(record, 1, { waits: 4 }); // then the original succeeds and is deleted
      }
    });
    await queue.enqueue(message(9), 'c-9');
    await queue.drained(5_000);

    expect(deliveries.map(({ receives, waits, correlationId }) => ({ receives, waits, correlationId }))).toEqual([
      { receives: '1', waits: undefined, correlationId: 'c-9' },
      { receives: '1', waits: '4', correlationId: 'c-9' },
    ]);
    expect(deliveries[1]!.at - sentAt).toBeGreaterThanOrEqual(990);
    expect(queue.deadLetters).toEqual([]);
  });
});
