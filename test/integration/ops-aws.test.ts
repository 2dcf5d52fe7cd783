import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { ReceiveMessageCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createWorkerHandler } from '../../functions/session-worker/app';
import { lambdaContext } from '../../local/http-gateway';
import { SqsOpsQueue } from '../../ops/adapters/sqs-ops-queue';
import { tableSessions } from '../../ops/adapters/table-sessions';
import { explain, runOps, type OpsIo } from '../../ops/cli';
import type { OpsTarget } from '../../ops/target';
import { SqsDeadLetters } from '../../shared/adapters/sqs-dead-letters';
import { PermanentFailure } from '../../shared/domain/errors';
import { FakeSqs } from '../fakes/fake-sqs';
import { guidanceEvent, sqsRecord } from '../fixtures/sqs';
import { ALICE, COMPANY, createWorld, type World } from '../fixtures/world';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/main';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq';
const GHOST = { bridgeUserUuid: '12121212-1212-4121-8121-121212121212', appUserId: 'ghost', countryCode: 'FR' };
const OTHER_COMPANY = '222222226';

const cloudwatch = mockClient(CloudWatchClient);
let fakeSqs: FakeSqs;
let world: World;
const sqs = () => new SQSClient({ region: 'eu-west-1' });

function target(): OpsTarget {
  return {
    description: 'test stack',
    operator: 'tester',
    queue: new SqsOpsQueue(sqs(), new CloudWatchClient({ region: 'eu-west-1' }), { QueueUrl: QUEUE_URL, DeadLetterQueueUrl: DLQ_URL }),
    sessions: tableSessions(world.db, world.dynamo.tableName, world.dynamo.sessionTableName, sqs(), QUEUE_URL, () => world.clock.now()),
  };
}

async function ops(argv: string[], io: Partial<OpsIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOps(argv, { out: (line) => out.push(line), err: (line) => err.push(line), ...io }, async () => target());
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The deployed worker's code, dead-lettering into the fake SQS as it does into the real one. */
async function runWorker(...records: SQSRecord[]) {
  const worker = createWorkerHandler({
    ...world,
    notifier: world.outbox,
    deadLetters: new SqsDeadLetters(sqs(), DLQ_URL),
    maxReceiveCount: 5,
  });
  return worker({ Records: records }, lambdaContext('session-worker', 30_000));
}

/** What Lambda's event source mapping would deliver from the main queue. */
async function receiveMain(): Promise<SQSRecord[]> {
  const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  return Messages.map((message) => withCorrelationId(sqsRecord(message.Body!), message.MessageAttributes?.correlation_id?.StringValue ?? ''));
}

const withCorrelationId = (record: SQSRecord, correlationId: string): SQSRecord => ({
  ...record,
  messageAttributes: { correlation_id: { dataType: 'String', stringValue: correlationId } },
});

beforeEach(async () => {
  fakeSqs = new FakeSqs([QUEUE_URL, DLQ_URL]);
  cloudwatch.reset();
  cloudwatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
  world = await createWorld();
  await world.register(ALICE);
});
afterEach(async () => {
  fakeSqs.restore();
  await world.stop();
});

describe('ops against SQS (a stateful fake that honours visibility timeouts; DynamoDB on dynalite)', () => {
  it('lists an unknown user’s dead letter without hiding it, redrives it after registration, and the user is notified', async () => {
    await runWorker(withCorrelationId(sqsRecord(JSON.stringify(guidanceEvent(GHOST.bridgeUserUuid, COMPANY, world.clock.now()))), 'corr-ghost'));

    const listed = await ops(['dead-letters']);

    expect(listed.out).toMatch(new RegExp(`unknown_user .*bridge_user=${GHOST.bridgeUserUuid}  company=${COMPANY}  correlation_id=corr-ghost`));
    expect(fakeSqs.visibleCount(DLQ_URL)).toBe(1); // the peek hid nothing
    await world.register(GHOST);
    const dry = await ops(['redrive', '--reason', 'unknown_user', '--dry-run']);
    const redriven = await ops(['redrive', '--reason', 'unknown_user']);
    await runWorker(...(await receiveMain()));

    expect(dry.out).toBe('Would move 1 dead letter(s) back to the main queue (dry run).');
    expect(redriven.out).toBe('Moved 1 dead letter(s) back to the main queue.');
    expect(world.outbox.entries.map((entry) => entry.message.app_user_id)).toEqual(['ghost']);
    expect((await ops(['status'])).out).toMatch(/dead letters\s+0/);
  });

  it('discards a request Bridge will always reject, after --yes, with an audit line; status then shows 0', async () => {
    world.bridge.failures.push(new PermanentFailure('bridge_rejected_request', 'Bridge answered 400.'));
    await runWorker(sqsRecord(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, OTHER_COMPANY, world.clock.now()))));
    const refused = await ops(['discard', '--reason', 'bridge_rejected_request']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Pass --yes');
    expect(fakeSqs.visibleCount(DLQ_URL)).toBe(1);

    const discarded = await ops(['discard', '--reason', 'bridge_rejected_request', '--yes']);
    const status = await ops(['status']);

    expect(discarded.out).toBe('Discarded 1 dead letter(s).');
    const audit = JSON.parse(discarded.err.replace(/^audit /, ''));
    expect(audit).toEqual(expect.objectContaining({ by: 'tester', action: 'discard', filter: { reason: 'bridge_rejected_request' }, messageIds: [expect.any(String)] }));
    expect(status.out).toMatch(/dead letters\s+0/);
  });

  it('asks before discarding when there is a terminal, and a "no" changes nothing', async () => {
    world.bridge.failures.push(new PermanentFailure('bridge_rejected_request', 'Bridge answered 400.'));
    await runWorker(sqsRecord(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, OTHER_COMPANY, world.clock.now()))));
    const questions: string[] = [];

    const answer = await ops(['discard', '--reason', 'bridge_rejected_request'], { confirm: async (question) => (questions.push(question), false) });

    expect(answer.code).toBe(1);
    expect(questions).toEqual([expect.stringContaining('Discard 1 dead letter(s) matching reason bridge_rejected_request')]);
    expect(fakeSqs.messages(DLQ_URL)).toHaveLength(1);
  });

  it('moves only the reason asked for, leaving the others visible, and an unfiltered redrive uses SQS’s message-move task', async () => {
    world.bridge.failures.push(new PermanentFailure('bridge_rejected_request', 'Bridge answered 400.'));
    const events = [guidanceEvent(ALICE.bridgeUserUuid, OTHER_COMPANY, 1), ...Array.from({ length: 12 }, (_, i) => guidanceEvent(GHOST.bridgeUserUuid, COMPANY, 10 + i))];
    await runWorker(...events.map((event) => sqsRecord(JSON.stringify(event))));
    expect(fakeSqs.messages(DLQ_URL)).toHaveLength(13);

    const listed = await ops(['dead-letters', '--reason', 'unknown_user']);
    const partial = await ops(['redrive', '--reason', 'unknown_user', '--limit', '11']);

    expect(listed.out.split('\n')[0]).toBe('12 dead letter(s), oldest first:');
    expect(partial.out).toBe('Moved 11 dead letter(s) back to the main queue.');
    expect(fakeSqs.messages(QUEUE_URL)).toHaveLength(11);
    expect(fakeSqs.visibleCount(DLQ_URL)).toBe(2);
    const all = await ops(['redrive']);
    expect(all.out).toMatch(/^Started SQS's message-move task for about 2 dead letter\(s\)/);
    expect(fakeSqs.mock).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, {
      SourceArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
      DestinationArn: 'arn:aws:sqs:eu-west-1:123456789012:main',
    });
    expect(fakeSqs.messages(DLQ_URL)).toHaveLength(0);
  });

  it('says so in a sentence when there is nothing to list, redrive or discard', async () => {
    expect((await ops(['dead-letters'])).out).toBe('No dead letters.');
    expect((await ops(['dead-letters', '--reason', 'unknown_user'])).out).toBe('No dead letters match reason unknown_user.');
    expect((await ops(['redrive', '--reason', 'unknown_user'])).out).toBe('No dead letters match reason unknown_user: nothing to redrive.');
    expect((await ops(['discard', '--id', 'nope', '--yes'])).out).toBe('No dead letters match id nope: nothing to discard.');
  });

  it('revokes with --renew: deletes the stored password and queues a renewal for the worker', async () => {
    await runWorker(sqsRecord(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now()))));

    const revoked = await ops(['revoke', '--user', 'alice', '--renew']);

    expect(revoked.out).toContain('1 session(s) revoked; 1 renewal(s) queued');
    expect(await world.store.getSession('alice', COMPANY)).toBeUndefined();
    expect(JSON.parse(fakeSqs.messages(QUEUE_URL)[0]!.body)).toEqual(expect.objectContaining({ type: 'session.renew', appUserId: 'alice' }));
  });
});

describe('ops CLI errors', () => {
  const cloudformation = mockClient(CloudFormationClient);

  it('names a wrong stack and missing credentials plainly', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }));
    const errors: string[] = [];

    const code = await runOps(['status', '--stack', 'nope', '--region', 'eu-west-1'], { out: () => undefined, err: (line) => errors.push(line) });

    expect(code).toBe(1);
    expect(errors).toEqual(['Stack with id nope does not exist Check --stack and --region.']);
    expect(explain(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))).toMatch(/No AWS credentials found/);
  });
});
