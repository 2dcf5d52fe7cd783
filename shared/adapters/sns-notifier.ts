import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { GuidanceReadyNotification, NotificationMeta, Notifier } from '../ports/notifier';
import { CORRELATION_ID_ATTRIBUTE } from './sqs-event-queue';

/** Publishes the contract's notification to the SNS topic; the SDK retries transient faults. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(notification: GuidanceReadyNotification, meta: NotificationMeta): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(notification),
        MessageAttributes: {
          type: { DataType: 'String', StringValue: notification.type },
          [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: meta.correlationId },
          event_key: { DataType: 'String', StringValue: meta.eventKey },
        },
      }),
    );
  }
}
