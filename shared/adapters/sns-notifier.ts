import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { GuidanceReadyNotification, Notifier } from '../ports/notifier';
import { CORRELATION_ID_ATTRIBUTE } from './sqs-event-queue';

/** Publishes the contract's notification to the SNS topic; the SDK retries transient faults. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(notification: GuidanceReadyNotification, correlationId: string): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(notification),
        MessageAttributes: {
          type: { DataType: 'String', StringValue: notification.type },
          [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: correlationId },
        },
      }),
    );
  }
}
