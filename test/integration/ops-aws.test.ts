import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsOps } from '../../local/ops/aws-backend';
import { explain, runOps } from '../../local/ops/cli';
import { processGuidanceEvent } from '../../shared/domain/process-guidance-event';
import { guidanceEvent } from '../fixtures/sqs';
import { ALICE, COMPANY, createWorld, type World } from '../fixtures/world';

const outputs = { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/main', DeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/dlq', TableName: '', SessionTableName: '' };
const sqs = mockClient(SQSClient);
const cloudwatch = mockClient(CloudWatchClient);
let world: World;

function backend() {
  return awsOps(
    { ...outputs, TableName: world.dynamo.tableName, SessionTableName: world.dynamo.sessionTableName },
    { sqs: new SQSClient({ region: 'eu-west-1' }), cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }), db: world.db },
  );
}

beforeEach(async () => {
  sqs.reset();
  cloudwatch.reset();
  world = await createWorld();
  await world.register(ALICE);
  await processGuidanceEvent(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, Date.now()), 'c', { ...world, clock: { now: () => Date.now() }, notifier: world.outbox });
});
afterEach(() => world.stop());

describe('ops against a deployed stack (SQS and CloudWatch mocked, DynamoDB on dynalite)', () => {
  it('reports queue depth, oldest age, dead letters and live sessions', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: outputs.QueueUrl }).resolves({ Attributes: { ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '2' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: outputs.DeadLetterQueueUrl }).resolves({ Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '0' } });
    cloudwatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Timestamp: new Date(1), Maximum: 5 }, { Timestamp: new Date(2), Maximum: 42 }] });

    expect(await backend().status()).toEqual({ queueDepth: 4, inFlight: 2, oldestMessageAgeSeconds: 42, deadLetters: 3, liveSessions: 1 });
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricStatisticsCommand, { Dimensions: [{ Name: 'QueueName', Value: 'main' }] });
  });

  it('lists dead letters with our reason, or SQS’s own redrive when there is none', async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({
      Messages: [
        { MessageId: 'm1', Body: '{"type":"guidance.health.ready","eventKey":"k1"}', MessageAttributes: { failure_reason: { DataType: 'String', StringValue: 'unknown_user' } } },
        { MessageId: 'm2', Body: 'x' },
      ],
    }).resolves({});

    const letters = await backend().deadLetters(10);

    expect(letters.map((l) => [l.messageId, l.reason, l.eventKey])).toEqual([['m1', 'unknown_user', 'k1'], ['m2', 'max_receives_exceeded', undefined]]);
  });

  it('redrives by sending to the main queue before deleting from the DLQ, and only counts on a dry run', async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: '{"a":1}', MessageAttributes: { correlation_id: { DataType: 'String', StringValue: 'c1' } } }] }).resolves({});
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '7' } });
    sqs.on(SendMessageCommand).resolves({});
    sqs.on(DeleteMessageCommand).resolves({});

    expect(await backend().redrive(5, true)).toEqual({ moved: 5, dryRun: true });
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
    expect(await backend().redrive(5, false)).toEqual({ moved: 1, dryRun: false });

    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: outputs.QueueUrl, MessageBody: '{"a":1}' });
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { QueueUrl: outputs.DeadLetterQueueUrl, ReceiptHandle: 'r1' });
    expect(sqs.commandCalls(SendMessageCommand)[0]!.calledBefore(sqs.commandCalls(DeleteMessageCommand)[0]!)).toBe(true);
  });

  it('revokes with --renew: deletes the stored password and queues a renewal for the worker', async () => {
    sqs.on(SendMessageCommand).resolves({});

    const report = await backend().revoke({ appUserId: 'alice' }, { renew: true, dryRun: false });

    expect(report.revoked).toHaveLength(1);
    expect(await world.store.getSession('alice', COMPANY)).toBeUndefined();
    const body = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!);
    expect(body).toEqual(expect.objectContaining({ type: 'session.renew', appUserId: 'alice', companyIdentificationNumber: COMPANY }));
  });
});

describe('ops CLI errors', () => {
  const cloudformation = mockClient(CloudFormationClient);

  it('names a wrong stack and missing credentials plainly', async () => {
    const stackError = Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' });
    cloudformation.on(DescribeStacksCommand).rejects(stackError);
    const errors: string[] = [];

    const code = await runOps(['status', '--stack', 'nope', '--region', 'eu-west-1'], { out: () => undefined, err: (line) => errors.push(line) });

    expect(code).toBe(1);
    expect(errors[0]).toBe('Stack with id nope does not exist Check --stack and --region.');
    expect(explain(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))).toMatch(/No AWS credentials found/);
  });
});
