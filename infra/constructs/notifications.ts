import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SqsSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { SubscriptionProtocol } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { NotificationSettings } from '../config';

export interface NotificationsProps {
  /** Encrypts messages at rest. */
  readonly key: IKey;
  readonly subscriptions: NotificationSettings;
}

/**
 * `GuidanceReadyTopic`: one `guidance.ready` message per distinct event (never a password).
 * KMS-encrypted, TLS-only publishing; optional e-mail, HTTPS and SQS (raw delivery) subscribers.
 */
export class Notifications extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { email, httpsUrl, queueArn } = props.subscriptions;
    if (httpsUrl !== undefined && !httpsUrl.startsWith('https://')) {
      throw new Error(`Notifications: the HTTPS subscription must use https://, got ${httpsUrl}.`);
    }

    this.topic = new Topic(this, 'GuidanceReadyTopic', {
      displayName: 'guidance-relay: guidance ready',
      masterKey: props.key,
      enforceSSL: true,
    });
    if (email !== undefined) this.topic.addSubscription(new EmailSubscription(email));
    if (httpsUrl !== undefined) this.topic.addSubscription(new UrlSubscription(httpsUrl, { protocol: SubscriptionProtocol.HTTPS }));
    if (queueArn !== undefined) {
      // The subscriber owns its queue and its policy (sns.amazonaws.com may send, from this topic's ARN).
      const queue = Queue.fromQueueArn(this, 'SubscriberQueue', queueArn);
      this.topic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true }));
    }
  }
}
