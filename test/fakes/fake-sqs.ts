import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';

interface FakeMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  readonly sentAt: number;
  visibleAt: number;
  receiptHandle?: string;
  receiveCount: number;
}

/**
 * A stateful SQS behind aws-sdk-client-mock, with the semantics the ops commands depend on: a receive
 * hides messages for its VisibilityTimeout (the queue's default when absent; 0 leaves them visible),
 * a new receipt handle per receive, and StartMessageMoveTask to an explicit destination.
 */
export class FakeSqs {
  readonly mock = mockClient(SQSClient);
  private readonly queues = new Map<string, FakeMessage[]>();

  constructor(
    private readonly queueUrls: readonly string[],
    private readonly now: () => number = Date.now,
    private readonly defaultVisibilitySeconds = 30,
  ) {
    for (const url of queueUrls) this.queues.set(url, []);
    this.mock.on(SendMessageCommand).callsFake((input) => {
      const id = randomUUID();
      this.queue(input.QueueUrl).push({ id, body: input.MessageBody, attributes: input.MessageAttributes ?? {}, sentAt: this.now(), visibleAt: 0, receiveCount: 0 });
      return { MessageId: id };
    });
    this.mock.on(ReceiveMessageCommand).callsFake((input) => {
      const now = this.now();
      const visibility = input.VisibilityTimeout ?? this.defaultVisibilitySeconds;
      const taken = this.queue(input.QueueUrl).filter((message) => message.visibleAt <= now).slice(0, input.MaxNumberOfMessages ?? 1);
      const messages: Message[] = taken.map((message) => {
        message.visibleAt = now + visibility * 1000;
        message.receiptHandle = randomUUID();
        message.receiveCount += 1;
        return {
          MessageId: message.id,
          ReceiptHandle: message.receiptHandle,
          Body: message.body,
          MessageAttributes: message.attributes,
          Attributes: { SentTimestamp: String(message.sentAt), ApproximateReceiveCount: String(message.receiveCount) },
        };
      });
      return messages.length > 0 ? { Messages: messages } : {};
    });
    this.mock.on(DeleteMessageCommand).callsFake((input) => {
      const queue = this.queue(input.QueueUrl);
      queue.splice(queue.indexOf(this.byHandle(input.QueueUrl, input.ReceiptHandle)), 1);
      return {};
    });
    this.mock.on(ChangeMessageVisibilityCommand).callsFake((input) => {
      this.byHandle(input.QueueUrl, input.ReceiptHandle).visibleAt = this.now() + input.VisibilityTimeout * 1000;
      return {};
    });
    this.mock.on(GetQueueAttributesCommand).callsFake((input) => {
      const now = this.now();
      const queue = this.queue(input.QueueUrl);
      const visible = queue.filter((message) => message.visibleAt <= now).length;
      return {
        Attributes: {
          QueueArn: this.arnOf(input.QueueUrl),
          ApproximateNumberOfMessages: String(visible),
          ApproximateNumberOfMessagesNotVisible: String(queue.length - visible),
        },
      };
    });
    this.mock.on(StartMessageMoveTaskCommand).callsFake((input) => {
      const source = this.queue(this.urlOf(input.SourceArn));
      if (!input.DestinationArn) throw new Error('The fake needs an explicit DestinationArn.');
      const destination = this.queue(this.urlOf(input.DestinationArn));
      for (const message of source.splice(0)) destination.push({ ...message, visibleAt: 0, receiveCount: 0 });
      return { TaskHandle: `task-${randomUUID()}` };
    });
  }

  /** Every message of a queue, visible or not. */
  messages(queueUrl: string): readonly FakeMessage[] {
    return this.queue(queueUrl);
  }

  visibleCount(queueUrl: string): number {
    return this.queue(queueUrl).filter((message) => message.visibleAt <= this.now()).length;
  }

  restore(): void {
    this.mock.restore();
  }

  private queue(url: string | undefined): FakeMessage[] {
    const queue = url === undefined ? undefined : this.queues.get(url);
    if (!queue) throw Object.assign(new Error(`No such queue ${url}`), { name: 'QueueDoesNotExist' });
    return queue;
  }

  private byHandle(url: string | undefined, handle: string | undefined): FakeMessage {
    const message = this.queue(url).find((candidate) => candidate.receiptHandle === handle);
    if (!message) throw Object.assign(new Error('The receipt handle is not valid.'), { name: 'ReceiptHandleIsInvalid' });
    return message;
  }

  private arnOf(url: string | undefined): string {
    return `arn:aws:sqs:eu-west-1:123456789012:${url?.split('/').pop()}`;
  }

  private urlOf(arn: string | undefined): string {
    const url = this.queueUrls.find((candidate) => this.arnOf(candidate) === arn);
    if (!url) throw new Error(`No queue with ARN ${arn}`);
    return url;
  }
}
