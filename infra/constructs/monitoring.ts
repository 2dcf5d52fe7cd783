/**
 * Custom metrics: what the handlers emit (Powertools Metrics, EMF) and the alarms and dashboard read.
 *
 * Namespace `GuidanceRelay`. Every metric has the dimension `service` = the emitting function
 * (`bridge-webhook`, `session-worker`, `reveal-api`, `internal-users`) plus exactly the dimensions
 * listed: CloudWatch treats each dimension set as a separate metric, so a data point emitted with
 * another set is invisible to the alarms. Counts have unit Count and value 1 per occurrence.
 *
 * | metric | dimensions | values | meaning |
 * | --- | --- | --- | --- |
 * | `WebhookRequests` | `service` = `bridge-webhook`, `outcome` | `accepted`, `ignored`, `stale`, `invalid_signature`, `invalid_json`, `invalid_event`, `payload_too_large`, `forbidden`, `queue_unavailable`, `service_unavailable`, `internal_error` | one per webhook request, by how it was answered; `queue_unavailable`, `service_unavailable` and `internal_error` are the 5xx answers |
 * | `GuidanceEvents` | `service` = `session-worker`, `outcome` | `notified`, `duplicate`, `superseded`, `retried`, `rate_limited` (a delayed copy waits for Bridge capacity), `dead_lettered` | one per queued guidance event the worker handled, by result |
 * | `DeadLetters` | `service` = `session-worker`, `reason` | `unknown_user`, `invalid_message`, `bridge_rejected_request`, `bridge_unknown_user`, `bridge_unauthorized`, `bridge_ip_not_allowed`, `bridge_invalid_response`, `retries_exhausted`, `rate_limited_too_long` | one per event the worker moved to the dead-letter queue, by why |
 * | `SessionsCreated` | `service` ∈ `session-worker`, `reveal-api` | — | one per session Bridge created (worker: on a new event; reveal API: renewal or rotation) |
 * | `BridgeCalls` | `service` ∈ `session-worker`, `reveal-api`, `status` | `2xx`, `3xx` (never followed), `400`, `401`, `403`, `408`, `429`, `5xx`, `other_4xx`, `timeout`, `network` | one per HTTP call to Bridge (each retry counts), by answer |
 * | `BridgeLatency` | `service` ∈ `session-worker`, `reveal-api` | Milliseconds | duration of every Bridge call, whatever its answer: one sample per call (its SampleCount is the call count the `bridge-errors` alarm divides by) |
 * | `RevealApiRequests` | `service` = `reveal-api`, `action`, `outcome` | action: the `action` of each reveal route in `shared/http/routes.ts`; outcome: `success`, `not_found`, `invalid_request`, `unauthorized`, `service_unavailable`, `upstream_error`, `internal_error`, `rate_limited` | one per reveal-API request, by action and answer; `service_unavailable` (503), `upstream_error` (502) and `internal_error` (500) are the 5xx answers. Each route declares the 5xx outcomes it can record (`serverErrors`): only `reveal` and `rotate` call Bridge and KMS |
 * | `KmsErrors` | `service` ∈ `session-worker`, `reveal-api`, `operation` | `Encrypt`, `Decrypt` | one per failed KMS call on a password |
 * | `OldestPasswordAge` | `service` = `session-sweeper` | Milliseconds | one per sweep (every minute): age of the oldest password still stored after it, 0 when none is |
 *
 * An invocation that crashes or times out records no outcome: the webhook-5xx and reveal-5xx alarms
 * add the function's own `AWS/Lambda` `Errors` to the 5xx outcomes.
 *
 * Alarms: one per `RUNBOOK_SLUGS` entry, named `<stack>-<slug>`, each notifying the alarm topic on
 * ALARM and OK, its description ending in `Runbook: <runbookBaseUrl>#runbook-<slug>`; missing data is "not
 * breaching", since these metrics exist only when something happens. Stage thresholds:
 * `ALARM_THRESHOLDS` in guidance-relay-stack.ts.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData, type Dashboard, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_RUNBOOK_BASE_URL } from '../deployment-config';
import { AlarmTopic } from './alarm-topic';
import { runbookUrl } from './runbook-url';
import { NotificationAlarms, type NotificationAlarmsProps } from './notification-alarms';
import { createRelayDashboard } from './relay-dashboard';
import { bridgeFailureRate, bridgeForbiddenCalls, kmsErrors, METRIC_PERIOD, oldestPasswordAge, revealServerErrors, webhookServerErrors } from './relay-metrics';

/** Anchors of the runbook entries in docs/operations.md (`#runbook-<slug>`); one alarm each. */
export const RUNBOOK_SLUGS = [
  'dead-letters',
  'queue-age',
  'webhook-5xx',
  'worker-errors',
  'worker-throttles',
  'bridge-403',
  'bridge-errors',
  'reveal-5xx',
  'kms-errors',
  'password-age',
] as const;
export type RunbookSlug = (typeof RUNBOOK_SLUGS)[number];

/** Bridge's 30 minutes plus the sweeper's minute of grace: above it, a password outlived its promise. */
export const PASSWORD_AGE_ALARM_MS = 31 * 60 * 1000;

/** What a stage tunes; every other alarm fires on the first occurrence in 5 minutes. */
export interface AlarmThresholds {
  /** Oldest event in the main queue, in seconds, above which someone should look. */
  readonly queueAgeSeconds: number;
  /** Webhook 5xx answers in 5 minutes. */
  readonly webhookServerErrors: number;
  /** Reveal API 5xx answers in 5 minutes. */
  readonly revealServerErrors: number;
  /** Percentage of failed Bridge calls in 5 minutes… */
  readonly bridgeFailurePercent: number;
  /** …counted only from this many calls in the 5 minutes. */
  readonly bridgeMinCalls: number;
}

export interface RelayFunctions {
  readonly webhook: IFunction;
  readonly worker: IFunction;
  readonly revealApi: IFunction;
  readonly internalUsers: IFunction;
}

export interface MonitoringProps {
  readonly thresholds: AlarmThresholds;
  /** Encrypts the alarm topic (the stack's data key). */
  readonly key: Key;
  readonly alarmEmail?: string;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly apiStage: HttpStage;
  readonly functions: RelayFunctions;
  /** Page the alarm descriptions link to (`<url>#runbook-<slug>`). @default DEFAULT_RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
  /** The `guidance.ready` topic: alarms on its deliveries (notification-alarms.ts). */
  readonly notifications?: Pick<NotificationAlarmsProps, 'topic' | 'expectSubscribers'>;
}


/**
 * The operators' view: an encrypted alarm topic, one alarm per runbook entry, and one dashboard
 * following an event from the webhook to the reveal. Alarm names are `<stack>-<slug>`, so a
 * notification says which stage and which runbook entry at a glance.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Readonly<Record<RunbookSlug, Alarm>>;
  readonly dashboard: Dashboard;
  readonly notificationAlarms?: NotificationAlarms;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    validateThresholds(props.thresholds);
    const { thresholds, functions } = props;
    const stackName = Stack.of(this).stackName;
    this.topic = new AlarmTopic(this, 'AlarmTopic', {
      key: props.key,
      topicName: `${stackName}-alarms`,
      alarmNamePattern: `${stackName}-*`,
      ...(props.alarmEmail !== undefined ? { email: props.alarmEmail } : {}),
    }).topic;
    const notify = new SnsAction(this.topic);

    const alarm = (
      slug: RunbookSlug,
      metric: IMetric,
      threshold: number,
      meaning: string,
      comparison = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      missingData = TreatMissingData.NOT_BREACHING,
    ) => {
      const created = new Alarm(this, `${pascalCase(slug)}Alarm`, {
        alarmName: `${stackName}-${slug}`,
        alarmDescription: `${meaning} Runbook: ${runbookUrl(props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL, slug)}`,
        metric,
        threshold,
        comparisonOperator: comparison,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: missingData,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      return created;
    };
    const lambdaSum = { period: METRIC_PERIOD, statistic: Stats.SUM };

    this.alarms = {
      'dead-letters': alarm(
        'dead-letters',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: METRIC_PERIOD, statistic: Stats.MAXIMUM }),
        1,
        'A guidance event is in the dead-letter queue and will not become a session until someone acts; its failure_reason attribute says why.',
      ),
      'queue-age': alarm(
        'queue-age',
        props.queue.metricApproximateAgeOfOldestMessage({ period: METRIC_PERIOD, statistic: Stats.MAXIMUM }),
        thresholds.queueAgeSeconds,
        `A guidance event has waited more than ${thresholds.queueAgeSeconds} s in the queue: the worker is failing or throttled, or Bridge is unavailable.`,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      ),
      'webhook-5xx': alarm(
        'webhook-5xx',
        webhookServerErrors(functions.webhook),
        thresholds.webhookServerErrors,
        'The Bridge webhook answered 5xx (queue or secret unavailable, internal error, crashed invocation): Bridge retries, but events are late and are lost if it lasts.',
      ),
      'worker-errors': alarm(
        'worker-errors',
        functions.worker.metricErrors(lambdaSum),
        1,
        'The session worker failed whole invocations (crash, timeout, out of memory): their batches are redelivered and may end in the dead-letter queue.',
      ),
      'worker-throttles': alarm(
        'worker-throttles',
        functions.worker.metricThrottles(lambdaSum),
        1,
        "Lambda throttled the session worker (the account's concurrency is used up elsewhere): events wait in the queue.",
      ),
      'bridge-403': alarm(
        'bridge-403',
        bridgeForbiddenCalls(),
        1,
        "Bridge answered 403: its IP allow-list does not include our egress address (a configuration error). No session can be created until it is fixed.",
      ),
      'bridge-errors': alarm(
        'bridge-errors',
        bridgeFailureRate(thresholds.bridgeMinCalls),
        thresholds.bridgeFailurePercent,
        `More than ${thresholds.bridgeFailurePercent} % of Bridge calls failed (5xx, 429, timeout, network) in 5 minutes: Bridge is down or rate-limiting us.`,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      ),
      'reveal-5xx': alarm(
        'reveal-5xx',
        revealServerErrors(functions.revealApi),
        thresholds.revealServerErrors,
        'The reveal API answered 5xx (Bridge or KMS unavailable, Bridge refused, internal error, crashed invocation): users cannot get their passwords.',
      ),
      'kms-errors': alarm(
        'kms-errors',
        kmsErrors(),
        1,
        'A KMS Encrypt or Decrypt of a password failed: the key is disabled or its policy changed, or a ciphertext does not match its owner.',
      ),
      // Missing data breaches: the sweeper reports every minute, so silence means it stopped.
      'password-age': alarm(
        'password-age',
        oldestPasswordAge(),
        PASSWORD_AGE_ALARM_MS,
        'A stored password is older than 31 minutes (or the session sweeper stopped reporting): passwords outlive their 30 minutes until the sweeper deletes again.',
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        TreatMissingData.BREACHING,
      ),
    };

    if (props.notifications) {
      this.notificationAlarms = new NotificationAlarms(this, 'NotificationAlarms', {
        ...props.notifications,
        alarmTopic: this.topic,
        runbookBaseUrl: props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL,
      });
    }
    this.dashboard = createRelayDashboard(this, 'Dashboard', {
      dashboardName: stackName,
      alarms: this.alarms,
      ...(this.notificationAlarms ? { moreAlarms: this.notificationAlarms.all } : {}),
      queue: props.queue,
      deadLetterQueue: props.deadLetterQueue,
      apiStage: props.apiStage,
      functions,
    });
  }
}

function validateThresholds(thresholds: AlarmThresholds): void {
  const { queueAgeSeconds, webhookServerErrors: webhook, revealServerErrors: reveal, bridgeFailurePercent, bridgeMinCalls } = thresholds;
  // Below a minute is noise (SQS reports every minute); 14 days is the queue's retention.
  if (!Number.isInteger(queueAgeSeconds) || queueAgeSeconds < 60 || queueAgeSeconds > Duration.days(14).toSeconds()) {
    throw new Error(`Monitoring: queueAgeSeconds must be an integer from 60 to 1209600, got ${queueAgeSeconds}.`);
  }
  for (const [name, value] of Object.entries({ webhookServerErrors: webhook, revealServerErrors: reveal, bridgeMinCalls })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`Monitoring: ${name} must be an integer of at least 1, got ${value}.`);
  }
  if (!(bridgeFailurePercent > 0 && bridgeFailurePercent < 100)) {
    throw new Error(`Monitoring: bridgeFailurePercent must be above 0 and below 100, got ${bridgeFailurePercent}.`);
  }
}

function pascalCase(slug: string): string {
  return slug
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
