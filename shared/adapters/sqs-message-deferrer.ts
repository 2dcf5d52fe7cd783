import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { CAPACITY_WAITS_ATTRIBUTE, type CapacityWaits, type MessageDeferrer, type MessageRequeuer } from '../ports/message-deferrer';
import { CORRELATION_ID_ATTRIBUTE } from './sqs-event-queue';

/** `arn:aws:sqs:eu-west-1:123456789012:name` → `https://sqs.eu-west-1.amazonaws.com/123456789012/name`. */
export function queueUrlOf(queueArn: string): string {
  const [, partition, , region, account, name] = queueArn.split(':');
  if (!partition || !region || !account || !name) throw new Error(`Not an SQS queue ARN: ${queueArn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/** Sets the visibility timeout of the received message (the event source mapping grants the permission). */
export class SqsMessageDeferrer implements MessageDeferrer {
  constructor(private readonly sqs: SQSClient) {}

  async defer(record: SQSRecord, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOf(record.eventSourceARN),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: delaySeconds,
      }),
    );
  }
}

/**
 * Sends a delayed copy of a received message to its own queue (SendMessage with DelaySeconds), so
 * that waiting for Bridge's capacity does not use up a receive; the worker then reports the
 * original as done and Lambda deletes it.
 */
export class SqsMessageRequeuer implements MessageRequeuer {
  constructor(private readonly sqs: SQSClient) {}

  async requeue(record: SQSRecord, delaySeconds: number, history: CapacityWaits): Promise<void> {
    const correlationId = record.messageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.stringValue;
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrlOf(record.eventSourceARN),
        MessageBody: record.body,
        DelaySeconds: delaySeconds,
        MessageAttributes: {
          ...(correlationId ? { [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: correlationId } } : {}),
          [CAPACITY_WAITS_ATTRIBUTE]: { DataType: 'Number', StringValue: String(history.waits) },
        },
      }),
    );
  }
}
