import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  AlarmStatusWidgetSortBy,
  AlarmWidget,
  Dashboard,
  GraphWidget,
  PeriodOverride,
  Stats,
  TextWidget,
  type Alarm,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RelayFunctions, RunbookSlug } from './monitoring';
import {
  BRIDGE_CALLERS,
  BRIDGE_STATUSES,
  DEAD_LETTER_REASONS,
  GUIDANCE_EVENT_OUTCOMES,
  KMS_CALLERS,
  KMS_OPERATIONS,
  METRIC_PERIOD,
  REVEAL_ACTIONS,
  REVEAL_OUTCOMES,
  relayMetric,
  WEBHOOK_OUTCOMES,
} from './relay-metrics';
import type { FunctionName } from './service-function';

export interface RelayDashboardProps {
  readonly dashboardName: string;
  readonly alarms: Readonly<Record<RunbookSlug, Alarm>>;
  /** More alarms for the status widget (e.g. notification delivery). */
  readonly moreAlarms?: readonly Alarm[];
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly apiStage: HttpStage;
  readonly functions: RelayFunctions;
}

const HEIGHT = 6;

const SERVICE_OF: Readonly<Record<keyof RelayFunctions, FunctionName>> = {
  webhook: 'bridge-webhook',
  worker: 'session-worker',
  revealApi: 'reveal-api',
  internalUsers: 'internal-users',
};

/**
 * One screen, top to bottom in the order an event travels: alarm states; webhook and queue; dead
 * letters and worker; Bridge; sessions, reveal API and KMS. Every row is 24 units wide.
 */
export function createRelayDashboard(scope: Construct, id: string, props: RelayDashboardProps): Dashboard {
  const { functions, alarms, apiStage, queue } = props;
  const dashboard = new Dashboard(scope, id, {
    dashboardName: props.dashboardName,
    defaultInterval: Duration.hours(6),
    periodOverride: PeriodOverride.INHERIT,
  });
  const period = METRIC_PERIOD;
  const sum = { period, statistic: Stats.SUM };
  const max = { period, statistic: Stats.MAXIMUM };

  dashboard.addWidgets(
    new TextWidget({
      width: 6,
      height: 4,
      markdown: [
        `### ${props.dashboardName}`,
        'Bridge → **webhook** → queue → **worker** → Bridge → table → SNS → app → **reveal API** (Bridge, KMS).',
        'Each alarm links its runbook entry (`#runbook-<slug>`). Custom metrics (`GuidanceRelay`): `infra/constructs/monitoring.ts`.',
      ].join('\n\n'),
    }),
    new AlarmStatusWidget({
      title: 'Alarms',
      width: 18,
      height: 4,
      alarms: [...Object.values(alarms), ...(props.moreAlarms ?? [])],
      sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
    }),
  );

  dashboard.addWidgets(
    graph('Webhook requests by outcome', WEBHOOK_OUTCOMES.map((outcome) => relayMetric('WebhookRequests', { service: 'bridge-webhook', outcome }, { label: outcome })), {
      stacked: true,
    }),
    alarmGraph('Webhook 5xx (alarm)', alarms['webhook-5xx']),
    graph('HTTP API: 4xx, 5xx; p99 latency ms (right)', [apiStage.metricClientError(sum), apiStage.metricServerError(sum)], {
      right: [apiStage.metricLatency({ period, statistic: Stats.p(99) })],
    }),
    graph(
      'Queue: waiting, in flight; oldest s (right)',
      [
        queue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'waiting' }),
        queue.metricApproximateNumberOfMessagesNotVisible({ ...max, label: 'in flight' }),
      ],
      { right: [queue.metricApproximateAgeOfOldestMessage({ ...max, label: 'oldest (s)' })] },
    ),
  );

  dashboard.addWidgets(
    graph('Dead letters by reason; in the DLQ (right)', DEAD_LETTER_REASONS.map((reason) => relayMetric('DeadLetters', { service: 'session-worker', reason }, { label: reason })), {
      stacked: true,
      right: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'in the DLQ' })],
    }),
    graph('Worker: events by outcome', GUIDANCE_EVENT_OUTCOMES.map((outcome) => relayMetric('GuidanceEvents', { service: 'session-worker', outcome }, { label: outcome })), {
      stacked: true,
    }),
    graph('Worker duration (ms)', [Stats.p(50), Stats.p(99), Stats.MAXIMUM].map((statistic) => functions.worker.metricDuration({ period, statistic, label: statistic }))),
    graph(
      'Function errors and throttles',
      (Object.keys(SERVICE_OF) as (keyof RelayFunctions)[]).flatMap((key) => [
        functions[key].metricErrors({ ...sum, label: `${SERVICE_OF[key]} errors` }),
        functions[key].metricThrottles({ ...sum, label: `${SERVICE_OF[key]} throttles` }),
      ]),
    ),
  );

  dashboard.addWidgets(
    ...BRIDGE_CALLERS.map((service) =>
      graph(`Bridge calls by status (${service})`, BRIDGE_STATUSES.map((status) => relayMetric('BridgeCalls', { service, status }, { label: status })), { stacked: true }),
    ),
    graph(
      'Bridge latency p50 / p99 (ms)',
      BRIDGE_CALLERS.flatMap((service) =>
        [Stats.p(50), Stats.p(99)].map((statistic) => relayMetric('BridgeLatency', { service }, { statistic, label: `${service} ${statistic}` })),
      ),
    ),
    alarmGraph('Bridge calls failed, % (alarm)', alarms['bridge-errors']),
  );

  dashboard.addWidgets(
    graph('Sessions created', BRIDGE_CALLERS.map((service) => relayMetric('SessionsCreated', { service }, { label: service })), { width: 5 }),
    graph(
      'Reveal API requests by action and outcome',
      REVEAL_ACTIONS.flatMap((action) =>
        REVEAL_OUTCOMES.map((outcome) => relayMetric('RevealApiRequests', { service: 'reveal-api', action, outcome }, { label: `${action} ${outcome}` })),
      ),
      { stacked: true, width: 9 },
    ),
    alarmGraph('Reveal API 5xx (alarm)', alarms['reveal-5xx'], 5),
    graph(
      'KMS errors',
      KMS_CALLERS.flatMap((service) => KMS_OPERATIONS.map((operation) => relayMetric('KmsErrors', { service, operation }, { label: `${service} ${operation}` }))),
      { width: 5 },
    ),
  );
  return dashboard;
}

function graph(title: string, left: IMetric[], options: { right?: IMetric[]; stacked?: boolean; width?: number } = {}): IWidget {
  return new GraphWidget({
    title,
    left,
    right: options.right ?? [],
    stacked: options.stacked ?? false,
    width: options.width ?? 6,
    height: HEIGHT,
    leftYAxis: { min: 0 },
    ...(options.right ? { rightYAxis: { min: 0 } } : {}),
  });
}

/** The alarm's own expression with its threshold line. */
function alarmGraph(title: string, alarm: Alarm, width = 6): IWidget {
  return new AlarmWidget({ title, alarm, width, height: HEIGHT, leftYAxis: { min: 0 } });
}
