import { Annotations, Stack, Token } from 'aws-cdk-lib';
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

/** What synth says about each subscription: which ones stay pending until someone confirms them. */
export function subscriptionNotes(subscriptions: NotificationSettings, stack: { readonly account: string; readonly region: string }): string[] {
  const notes: string[] = [];
  if (subscriptions.email !== undefined) notes.push(`notificationEmail: ${subscriptions.email} receives nothing until it clicks the confirmation link AWS e-mails to it.`);
  if (subscriptions.httpsUrl !== undefined) notes.push('notificationHttpsUrl: the endpoint receives nothing until it confirms the subscription (GET the SubscribeURL of the first message SNS posts).');
  if (subscriptions.queueArn !== undefined) {
    const [, , , queueRegion, queueAccount] = subscriptions.queueArn.split(':');
    const accountKnown = !Token.isUnresolved(stack.account);
    if (!accountKnown || queueAccount !== stack.account) {
      notes.push(
        `notificationQueueArn: if account ${queueAccount} is not the stack's${accountKnown ? ` (${stack.account})` : ''}, the subscription stays pending until the queue's owner confirms it (the SubscribeURL in the first message the queue receives), and the queue's policy must let sns.amazonaws.com send from the topic.`,
      );
    }
    if (!Token.isUnresolved(stack.region) && queueRegion !== stack.region) {
      notes.push(`notificationQueueArn: the queue is in ${queueRegion}, the topic in ${stack.region}: a cross-region delivery; check the queue's policy allows the topic's ARN.`);
    }
  }
  return notes;
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
    if (queueArn?.endsWith('.fifo')) throw new Error(`Notifications: ${queueArn} is a FIFO queue; a standard topic delivers only to standard queues.`);
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
    for (const note of subscriptionNotes(props.subscriptions, Stack.of(this))) Annotations.of(this).addInfo(note);
    if (queueArn !== undefined) {
      // The subscriber owns its queue and its policy (sns.amazonaws.com may send, from this topic's ARN).
      const queue = Queue.fromQueueArn(this, 'SubscriberQueue', queueArn);
      this.topic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true }));
    }
  }
}
