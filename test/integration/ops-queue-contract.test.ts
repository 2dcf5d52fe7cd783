import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SQSClient } from '@aws-sdk/client-sqs';
import { InProcessOpsQueue } from '../../local/in-process-ops-queue';
import { InProcessQueue } from '../../local/in-process-queue';
import { SqsOpsQueue } from '../../ops/adapters/sqs-ops-queue';
import { SqsDeadLetters } from '../../shared/adapters/sqs-dead-letters';
import { OpsService, type AuditRecord } from '../../ops/ops-service';
import type { OpsQueue } from '../../ops/ops-queue';
import type { DeadLetterSink } from '../../shared/ports/dead-letters';
import { FakeSqs } from '../fakes/fake-sqs';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/main';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq';

interface Harness {
  readonly queue: OpsQueue;
  /** Where the worker dead-letters, as deployed or on the laptop. */
  readonly sink: DeadLetterSink;
  mainCount(): number;
  deadLetterCount(): number;
  stop(): void;
}

const harnesses: [string, () => Harness][] = [
  [
    'SQS (stateful fake)',
    () => {
      const fake = new FakeSqs([QUEUE_URL, DLQ_URL]);
      const sqs = new SQSClient({ region: 'eu-west-1' });
      return {
        queue: new SqsOpsQueue(sqs, new CloudWatchClient({ region: 'eu-west-1' }), { QueueUrl: QUEUE_URL, DeadLetterQueueUrl: DLQ_URL }),
        sink: new SqsDeadLetters(sqs, DLQ_URL),
        mainCount: () => fake.messages(QUEUE_URL).length,
        deadLetterCount: () => fake.messages(DLQ_URL).length,
        stop: () => fake.restore(),
      };
    },
  ],
  [
    'the laptop queue',
    () => {
      const queue = new InProcessQueue(); // not started: nothing consumes the main queue
      return {
        queue: new InProcessOpsQueue(queue),
        sink: queue,
        mainCount: () => queue.depth,
        deadLetterCount: () => queue.deadLetters.length,
        stop: () => undefined,
      };
    },
  ],
];

const event = (user: string, company: string) =>
  JSON.stringify({ type: 'guidance.health.ready', eventKey: 'a'.repeat(64), bridgeUserUuid: user, companyIdentificationNumber: company });

describe.each(harnesses)('the ops commands over %s', (_name, create) => {
  let harness: Harness;
  let audits: AuditRecord[];
  let ops: OpsService;
  beforeEach(async () => {
    harness = create();
    audits = [];
    ops = new OpsService({ queue: harness.queue, sessions: { countLive: async () => 0, revoke: async () => ({ revoked: [], renewalsQueued: 0, dryRun: true }) }, now: Date.now, audit: (record) => audits.push(record) });
    for (let i = 0; i < 12; i += 1) await harness.sink.deadLetter(event(`user-${i}`, '111111118'), 'unknown_user', `corr-${i}`);
    await harness.sink.deadLetter(event('user-x', '222222226'), 'bridge_rejected_request', 'corr-x');
    await harness.sink.deadLetter(event('user-y', '222222226'), 'retries_exhausted:bridge_503', 'corr-y');
  });
  afterEach(() => harness.stop());

  it('lists every dead letter of a deep queue, twice in a row, and leaves them all visible', async () => {
    const first = await ops.deadLetters('all', 100);
    const second = await ops.deadLetters('all', 100);

    expect(first).toHaveLength(14);
    expect(second.map((letter) => letter.messageId).sort()).toEqual(first.map((letter) => letter.messageId).sort());
    expect(await harness.queue.depth('dead')).toEqual({ visible: 14, inFlight: 0 });
    expect(first.find((letter) => letter.reason === 'bridge_rejected_request')).toEqual(
      expect.objectContaining({ bridgeUserUuid: 'user-x', company: '222222226', correlationId: 'corr-x' }),
    );
  });

  it('redrives by reason (a prefix matches retries_exhausted:<cause>) within a limit, then everything with the move task', async () => {
    const byReason = await ops.redrive({ reason: 'unknown_user' }, { limit: 10, dryRun: false });
    const byPrefix = await ops.redrive({ reason: 'retries_exhausted' }, { dryRun: false });

    expect(byReason).toEqual({ kind: 'moved', moved: 10, dryRun: false });
    expect(byPrefix).toEqual({ kind: 'moved', moved: 1, dryRun: false });
    expect(harness.mainCount()).toBe(11);
    expect(await harness.queue.depth('dead')).toEqual({ visible: 3, inFlight: 0 });

    const all = await ops.redrive('all', { dryRun: false });
    expect(all).toEqual(expect.objectContaining({ kind: 'move_task', approximateCount: 3 }));
    expect(harness.mainCount()).toBe(14);
    expect(harness.deadLetterCount()).toBe(0);
  });

  it('discards one message by id and audits it; the others stay visible', async () => {
    const [target] = await ops.deadLetters({ reason: 'bridge_rejected_request' }, 1);

    const discarded = await ops.discard({ id: target!.messageId });

    expect(discarded).toEqual([target!.messageId]);
    expect(audits).toEqual([{ action: 'discard', filter: { id: target!.messageId }, messageIds: [target!.messageId] }]);
    expect(await harness.queue.depth('dead')).toEqual({ visible: 13, inFlight: 0 });
  });
});
