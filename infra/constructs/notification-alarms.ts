import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { runbookUrl } from './runbook-url';

/** Runbook anchors (`#runbook-<slug>`) of the alarms below. */
export const NOTIFICATION_RUNBOOK_SLUGS = ['notifications-failed', 'notifications-undelivered'] as const;

export interface NotificationAlarmsProps {
  /** The `guidance.ready` topic. */
  readonly topic: ITopic;
  /** Where the alarms notify (the alarm topic). */
  readonly alarmTopic: ITopic;
  readonly runbookBaseUrl: string;
  /** `notifications=none`: nobody is meant to hear, so "published but delivered to no one" is not an alarm. */
  readonly expectSubscribers: boolean;
}

/**
 * Whether "inform the user" reached anyone. The worker counts an event as notified once SNS accepted
 * the message; SNS does not say to how many subscribers it went. These alarms read SNS's own metrics:
 * - `notifications-failed`: SNS gave up delivering to a subscriber (`NumberOfNotificationsFailed`);
 * - `notifications-undelivered`: messages were published in 15 minutes and none was delivered — no
 *   subscriber, or only unconfirmed ones (an e-mail nobody clicked, a cross-account queue nobody confirmed).
 */
export class NotificationAlarms extends Construct {
  readonly failed: Alarm;
  readonly undelivered?: Alarm;
  readonly all: readonly Alarm[];

  constructor(scope: Construct, id: string, props: NotificationAlarmsProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    const notify = new SnsAction(props.alarmTopic);
    const period = Duration.minutes(5);

    this.failed = new Alarm(this, 'FailedAlarm', {
      alarmName: `${stackName}-notifications-failed`,
      alarmDescription: `SNS could not deliver guidance.ready messages to a subscriber (endpoint down, queue policy or key refuses SNS): users are not told their guidance is ready. Runbook: ${runbookUrl(props.runbookBaseUrl, 'notifications-failed')}`,
      metric: props.topic.metricNumberOfNotificationsFailed({ period, statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const alarms = [this.failed];

    if (props.expectSubscribers) {
      const window = Duration.minutes(15);
      this.undelivered = new Alarm(this, 'UndeliveredAlarm', {
        alarmName: `${stackName}-notifications-undelivered`,
        alarmDescription: `guidance.ready messages were published but delivered to no one in 15 minutes (no confirmed subscriber): users are not told. Runbook: ${runbookUrl(props.runbookBaseUrl, 'notifications-undelivered')}`,
        metric: new MathExpression({
          expression: 'IF(FILL(published, 0) > 0 AND FILL(delivered, 0) == 0, 1, 0)',
          usingMetrics: {
            published: props.topic.metricNumberOfMessagesPublished({ period: window, statistic: Stats.SUM }),
            delivered: props.topic.metricNumberOfNotificationsDelivered({ period: window, statistic: Stats.SUM }),
          },
          period: window,
          label: 'published, delivered to no one',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarms.push(this.undelivered);
    }
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
    this.all = alarms;
  }
}
