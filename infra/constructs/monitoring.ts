import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly stage: HttpStage;
  /** Functions whose errors page someone, by a short name used in the alarm id. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** An event older than this in the main queue means the worker is stuck or Bridge is down. */
  readonly maxEventAge?: Duration;
}

/**
 * The alarms of the runbook: a dead letter (an event that will not become a session, e.g. Bridge
 * refusing our IP), a queue that stops draining, function errors and API 5xx. They carry no action
 * here: `alarms` is exposed so an operator stack can route them to its on-call topic.
 */
export class Monitoring extends Construct {
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const maxEventAge = props.maxEventAge ?? Duration.minutes(15);
    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) =>
      new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });

    this.alarms = [
      alarm(
        'DeadLetters',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
        'A guidance event was dead-lettered: read its failure_reason attribute (runbook: "messages in the DLQ").',
      ),
      alarm(
        'EventsWaiting',
        props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
        maxEventAge.toSeconds(),
        'Guidance events wait longer than expected: the worker is failing or Bridge is unavailable.',
      ),
      alarm('ApiServerErrors', props.stage.metricServerError({ period, statistic: 'Sum' }), 5, 'The HTTP API answered 5xx (503s are retried by Bridge).'),
      ...Object.entries(props.functions).map(([name, fn]) =>
        alarm(`${name}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), 1, `The ${name} function failed (an invocation error, not a business outcome).`),
      ),
    ];
  }
}
