import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { REASON_ATTRIBUTE } from '../../shared/adapters/sqs-dead-letters';
import { CORRELATION_ID_ATTRIBUTE, SqsEventQueue } from '../../shared/adapters/sqs-event-queue';
import { revokeSessions } from '../../shared/domain/revoke-sessions';
import { describeBody, type DeadLetterView, type OpsBackend } from './backend';

export interface StackOutputs {
  readonly QueueUrl: string;
  readonly DeadLetterQueueUrl: string;
  readonly TableName: string;
  readonly SessionTableName: string;
}

export interface AwsClients {
  readonly sqs: SQSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly db: DynamoDBDocumentClient;
}

const PEEK_VISIBILITY_SECONDS = 30;
const MOVE_VISIBILITY_SECONDS = 60;

/** The ops commands against a deployed stack, with the operator's AWS credentials. */
export function awsOps(outputs: StackOutputs, clients: AwsClients): OpsBackend {
  const store = new DynamoGuidanceStore(clients.db, outputs.TableName, outputs.SessionTableName);
  const queue = new SqsEventQueue(clients.sqs, outputs.QueueUrl);

  const attributes = async (queueUrl: string) => {
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return { visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) };
  };

  const receiveDeadLetters = async (limit: number, visibilitySeconds: number): Promise<Message[]> => {
    const messages: Message[] = [];
    while (messages.length < limit) {
      const { Messages } = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: outputs.DeadLetterQueueUrl,
          MaxNumberOfMessages: Math.min(10, limit - messages.length),
          VisibilityTimeout: visibilitySeconds,
          MessageAttributeNames: ['All'],
          WaitTimeSeconds: 1,
        }),
      );
      if (!Messages || Messages.length === 0) break;
      messages.push(...Messages);
    }
    return messages;
  };

  return {
    status: async () => {
      const [main, dead, sessions, oldest] = await Promise.all([
        attributes(outputs.QueueUrl),
        attributes(outputs.DeadLetterQueueUrl),
        store.findSessions('all'),
        oldestMessageAgeSeconds(clients.cloudwatch, queueName(outputs.QueueUrl)),
      ]);
      const now = Date.now();
      return {
        queueDepth: main.visible,
        inFlight: main.inFlight,
        oldestMessageAgeSeconds: oldest,
        deadLetters: dead.visible + dead.inFlight,
        liveSessions: sessions.filter((session) => session.expiresAt > now).length,
      };
    },
    // Peeking makes the messages invisible for a short while; they come back untouched.
    deadLetters: async (limit) => (await receiveDeadLetters(limit, PEEK_VISIBILITY_SECONDS)).map(toView),
    redrive: async (limit, dryRun) => {
      if (dryRun) return { moved: Math.min(limit, (await attributes(outputs.DeadLetterQueueUrl)).visible), dryRun };
      let moved = 0;
      for (const message of await receiveDeadLetters(limit, MOVE_VISIBILITY_SECONDS)) {
        const correlationId = message.MessageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.StringValue ?? message.MessageId ?? 'redrive';
        await clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: outputs.QueueUrl,
            MessageBody: message.Body ?? '',
            MessageAttributes: { [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: correlationId } },
          }),
        );
        // Deleted only once it is safely back on the main queue.
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: outputs.DeadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }));
        moved += 1;
      }
      return { moved, dryRun };
    },
    revoke: (scope, options) => revokeSessions(scope, options, { inventory: store, store, queue, now: () => Date.now() }),
  };
}

function toView(message: Message): DeadLetterView {
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    // Dead letters moved by SQS itself (a crash or timeout on every receive) carry no reason of ours.
    reason: message.MessageAttributes?.[REASON_ATTRIBUTE]?.StringValue ?? 'max_receives_exceeded',
    correlationId: message.MessageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.StringValue ?? '',
    body,
    ...describeBody(body),
  };
}

const queueName = (queueUrl: string) => queueUrl.split('/').pop() ?? queueUrl;

async function oldestMessageAgeSeconds(cloudwatch: CloudWatchClient, name: string): Promise<number | null> {
  const now = Date.now();
  const { Datapoints } = await cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: name }],
      StartTime: new Date(now - 15 * 60_000),
      EndTime: new Date(now),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  const latest = [...(Datapoints ?? [])].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0))[0];
  return latest?.Maximum ?? null;
}
