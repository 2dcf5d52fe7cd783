import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { REASON_ATTRIBUTE } from '../../shared/adapters/sqs-dead-letters';
import { CORRELATION_ID_ATTRIBUTE } from '../../shared/adapters/sqs-event-queue';
import type { OpsQueue, QueueDepth, ReceivedDeadLetter } from '../ops-queue';

export interface SqsQueueUrls {
  readonly QueueUrl: string;
  readonly DeadLetterQueueUrl: string;
}

/** The ops queue port over the deployed stack's SQS queues (and CloudWatch for the oldest message's age). */
export class SqsOpsQueue implements OpsQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly cloudwatch: CloudWatchClient,
    private readonly urls: SqsQueueUrls,
  ) {}

  async depth(queue: 'main' | 'dead'): Promise<QueueDepth> {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.urlOf(queue),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return { visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) };
  }

  async oldestMessageAgeSeconds(): Promise<number | null> {
    const now = Date.now();
    const { Datapoints } = await this.cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: this.urls.QueueUrl.split('/').pop() ?? this.urls.QueueUrl }],
        StartTime: new Date(now - 15 * 60_000),
        EndTime: new Date(now),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    const latest = [...(Datapoints ?? [])].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0))[0];
    return latest?.Maximum ?? null;
  }

  async receiveDeadLetters(max: number, visibilityTimeoutSeconds: number): Promise<ReceivedDeadLetter[]> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.urls.DeadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        VisibilityTimeout: visibilityTimeoutSeconds,
        MessageAttributeNames: [REASON_ATTRIBUTE, CORRELATION_ID_ATTRIBUTE],
        MessageSystemAttributeNames: ['SentTimestamp'],
        // A short long-poll asks every SQS server, so an almost empty queue is not reported empty.
        WaitTimeSeconds: 1,
      }),
    );
    return (Messages ?? []).map((message) => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      ...optional('reason', message.MessageAttributes?.[REASON_ATTRIBUTE]?.StringValue),
      ...optional('correlationId', message.MessageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.StringValue),
      sentAt: Number(message.Attributes?.SentTimestamp ?? Date.now()),
    }));
  }

  async changeDeadLetterVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.urls.DeadLetterQueueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: visibilityTimeoutSeconds }),
    );
  }

  async deleteDeadLetter(receiptHandle: string): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.urls.DeadLetterQueueUrl, ReceiptHandle: receiptHandle }));
  }

  async sendToMain(body: string, correlationId: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.urls.QueueUrl,
        MessageBody: body,
        MessageAttributes: { [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: correlationId } },
      }),
    );
  }

  async moveAllDeadLetters(): Promise<string> {
    const [source, destination] = await Promise.all([this.arnOf(this.urls.DeadLetterQueueUrl), this.arnOf(this.urls.QueueUrl)]);
    // The destination is explicit: messages the worker dead-lettered itself have no "source queue" to return to.
    const { TaskHandle } = await this.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: source, DestinationArn: destination }));
    return TaskHandle ?? '';
  }

  private urlOf(queue: 'main' | 'dead'): string {
    return queue === 'main' ? this.urls.QueueUrl : this.urls.DeadLetterQueueUrl;
  }

  private async arnOf(queueUrl: string): Promise<string> {
    const { Attributes } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    if (!Attributes?.QueueArn) throw new Error(`SQS did not return the ARN of ${queueUrl}.`);
    return Attributes.QueueArn;
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
