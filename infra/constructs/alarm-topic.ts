import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Encrypts the notifications; its key policy gains a statement for CloudWatch. */
  readonly key: Key;
  readonly topicName: string;
  /** Only alarms whose name matches this (e.g. `GuidanceRelay-prod-*`) may publish. */
  readonly alarmNamePattern: string;
  /** Subscribed by e-mail; AWS sends a confirmation first. */
  readonly email?: string;
}

/**
 * The topic every alarm notifies (ALARM and OK). KMS-encrypted with the given key and TLS-only.
 * CloudWatch publishes as the `cloudwatch.amazonaws.com` service, so the topic policy lets it publish
 * for this account's alarms of this stack only, and the key policy lets it use the key only for this
 * topic (SNS's encryption context): without that grant an encrypted topic silently drops every alarm.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    if (props.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.email)) {
      throw new Error(`AlarmTopic: ${JSON.stringify(props.email)} is not an e-mail address.`);
    }
    const stack = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');

    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: `${props.topicName}: guidance-relay alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlarmsOfThisStack',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: props.alarmNamePattern, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    // The ARN is built from the name: `topic.topicArn` in the key policy would make key and topic depend on each other.
    const topicArn = stack.formatArn({ service: 'sns', resource: props.topicName, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchToNotifyTheAlarmTopic',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
      }),
    );
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
