import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterSink } from '../ports/dead-letters';
import { CORRELATION_ID_ATTRIBUTE } from './sqs-event-queue';

export const REASON_ATTRIBUTE = 'failure_reason';

/** Sends a message that can never succeed to the DLQ itself, so the reason travels with it. */
export class SqsDeadLetters implements DeadLetterSink {
  constructor(
    private readonly sqs: SQSClient,
    private readonly deadLetterQueueUrl: string,
  ) {}

  async deadLetter(messageBody: string, reason: string, correlationId: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.deadLetterQueueUrl,
        MessageBody: messageBody,
        MessageAttributes: {
          [REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason },
          [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: correlationId },
        },
      }),
    );
  }
}
