import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TransientFailure } from '../domain/errors';
import { QUEUE_UNAVAILABLE, type EventQueue, type QueuedMessage } from '../ports/event-queue';

export const CORRELATION_ID_ATTRIBUTE = 'correlation_id';

/** Sends guidance events (and renewals) to the worker's SQS queue; the SDK retries transient faults with backoff. */
export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: QueuedMessage, correlationId: string): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(message),
          MessageAttributes: {
            [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: correlationId },
          },
        }),
      );
    } catch (error) {
      throw new TransientFailure(QUEUE_UNAVAILABLE, 'The event could not be queued; Bridge will retry.', { cause: error });
    }
  }
}
