import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, Stats, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { metricsNamespace } from '../metrics-namespace';
import type { FunctionName } from './service-function';
import type { ErrorCode } from '../../shared/http/errors';
import { REVEAL_ROUTES, type RevealAction } from '../../shared/http/routes';

/**
 * The custom metrics the handlers emit (documented in monitoring.ts), as CloudWatch metrics and the
 * math expressions the alarms and the dashboard share. Every name and dimension value below is part
 * of the contract with the handlers: a metric queried with another dimension set is a different
 * metric, and an alarm on it never fires.
 */

/** One period for alarms and graphs: EMF metrics are sparse, 5 minutes smooths single events. */
export const METRIC_PERIOD = Duration.minutes(5);

export const WEBHOOK_OUTCOMES = [
  'accepted',
  'ignored',
  'stale',
  'invalid_signature',
  'invalid_json',
  'invalid_event',
  'payload_too_large',
  'forbidden',
  'queue_unavailable',
  'service_unavailable',
  'internal_error',
] as const;
/** The webhook outcomes answered 5xx (Bridge retries them). */
export const WEBHOOK_SERVER_ERROR_OUTCOMES = ['queue_unavailable', 'service_unavailable', 'internal_error'] as const;

export const GUIDANCE_EVENT_OUTCOMES = ['notified', 'duplicate', 'superseded', 'retried', 'rate_limited', 'dead_lettered'] as const;

export const DEAD_LETTER_REASONS = [
  'unknown_user',
  'invalid_message',
  'bridge_rejected_request',
  'bridge_unknown_user',
  'bridge_unauthorized',
  'bridge_ip_not_allowed',
  'bridge_invalid_response',
  'retries_exhausted',
  'rate_limited_too_long',
] as const;

/** The functions that call Bridge and KMS. */
export const BRIDGE_CALLERS = ['session-worker', 'reveal-api'] as const satisfies readonly FunctionName[];
export type BridgeCaller = (typeof BRIDGE_CALLERS)[number];

export const BRIDGE_STATUSES = ['2xx', '3xx', '400', '401', '403', '408', '429', '5xx', 'other_4xx', 'timeout', 'network'] as const;
/** Bridge unavailable or refusing load: retried by the worker, 503 to a person. */
export const BRIDGE_FAILURE_STATUSES = ['5xx', '429', 'timeout', 'network'] as const;

/** The `action` dimension of RevealApiRequests: one per reveal route (shared/http/routes.ts). */
export const REVEAL_ACTIONS = REVEAL_ROUTES.map((route) => route.action);
export const REVEAL_OUTCOMES = [
  'success',
  'not_found',
  'invalid_request',
  'unauthorized',
  'service_unavailable',
  'upstream_error',
  'internal_error',
  'rate_limited',
] as const;
export type RevealOutcome = (typeof REVEAL_OUTCOMES)[number];
/**
 * The 5xx outcomes each route can record, as the route table declares them (`serverErrors`).
 * Enumerated because an alarm takes at most 10 metrics and no SEARCH.
 */
export const REVEAL_SERVER_ERROR_OUTCOMES: ReadonlyMap<RevealAction, readonly ErrorCode[]> = new Map(
  REVEAL_ROUTES.map((route) => [route.action, route.serverErrors]),
);

/** The worker encrypts (and is not allowed to decrypt); the reveal API does both. */
export const KMS_CALLERS = BRIDGE_CALLERS;
export const KMS_OPERATIONS = ['Encrypt', 'Decrypt'] as const;

export type RelayMetricName =
  | 'WebhookRequests'
  | 'GuidanceEvents'
  | 'DeadLetters'
  | 'SessionsCreated'
  | 'BridgeCalls'
  | 'BridgeLatency'
  | 'RevealApiRequests'
  | 'KmsErrors'
  | 'OldestPasswordAge';

/** A metric the handlers emit: `service` is always a dimension, with the ones listed in monitoring.ts. */
export function relayMetric(
  metricName: RelayMetricName,
  dimensions: { readonly service: FunctionName } & Readonly<Record<string, string>>,
  options: { readonly statistic?: string; readonly label?: string } = {},
): Metric {
  return new Metric({
    namespace: metricsNamespace(),
    metricName,
    dimensionsMap: { ...dimensions },
    statistic: options.statistic ?? Stats.SUM,
    period: METRIC_PERIOD,
    ...(options.label ? { label: options.label } : {}),
  });
}

/** `a + b + …` where a missing data point counts as 0 (EMF metrics exist only when something happened). */
export function sumOf(label: string, metrics: Readonly<Record<string, IMetric>>): MathExpression {
  return new MathExpression({ expression: fillSum(Object.keys(metrics)), usingMetrics: { ...metrics }, label, period: METRIC_PERIOD });
}

function fillSum(ids: readonly string[]): string {
  return ids.map((id) => `FILL(${id}, 0)`).join(' + ');
}

/** Math-expression ids must start with a lower-case letter and hold only letters, digits and `_`. */
export function metricId(...parts: readonly string[]): string {
  return `m_${parts.join('_').replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Webhook requests answered 5xx: the three server-error outcomes plus invocations that crashed before recording one. */
export function webhookServerErrors(webhook: IFunction): MathExpression {
  return sumOf('Webhook 5xx', {
    ...Object.fromEntries(
      WEBHOOK_SERVER_ERROR_OUTCOMES.map((outcome) => [metricId(outcome), relayMetric('WebhookRequests', { service: 'bridge-webhook', outcome })]),
    ),
    m_function_errors: webhook.metricErrors({ period: METRIC_PERIOD, statistic: Stats.SUM }),
  });
}

/** CloudWatch's limit on the metrics of one alarm's expression. */
const MAX_ALARM_METRICS = 10;

/** Reveal API requests answered 5xx over all actions, plus invocations that crashed before recording one. */
export function revealServerErrors(revealApi: IFunction): MathExpression {
  const outcomes = REVEAL_ACTIONS.flatMap((action) => (REVEAL_SERVER_ERROR_OUTCOMES.get(action) ?? []).map((outcome) => [action, outcome] as const));
  // Said at synth, not at deploy: CloudWatch refuses an alarm over more than 10 metrics.
  if (outcomes.length + 1 > MAX_ALARM_METRICS) {
    throw new Error(`The reveal-5xx alarm would sum ${outcomes.length + 1} metrics (at most ${MAX_ALARM_METRICS}): split it, or narrow the routes' serverErrors.`);
  }
  return sumOf('Reveal API 5xx', {
    ...Object.fromEntries(
      outcomes.map(([action, outcome]) => [metricId(action, outcome), relayMetric('RevealApiRequests', { service: 'reveal-api', action, outcome })]),
    ),
    m_function_errors: revealApi.metricErrors({ period: METRIC_PERIOD, statistic: Stats.SUM }),
  });
}

/** Bridge calls answered 403, by any caller: Bridge does not allow our egress IP. */
export function bridgeForbiddenCalls(): MathExpression {
  return sumOf(
    'Bridge 403',
    Object.fromEntries(BRIDGE_CALLERS.map((service) => [metricId(service), relayMetric('BridgeCalls', { service, status: '403' })])),
  );
}

/**
 * Percentage of Bridge calls (both callers) that failed with 5xx, 429, a timeout or a network error;
 * 0 below `minCalls` calls in the period, where one failure is not a trend (the queue-age and
 * dead-letter alarms cover a quiet outage). The call count is BridgeLatency's SampleCount (one sample
 * per call): summing BridgeCalls over its ten statuses would pass an alarm's limit of 10 metrics.
 */
export function bridgeFailureRate(minCalls: number): MathExpression {
  const failed = Object.fromEntries(
    BRIDGE_CALLERS.flatMap((service) =>
      BRIDGE_FAILURE_STATUSES.map((status) => [metricId(service, status), relayMetric('BridgeCalls', { service, status })]),
    ),
  );
  const calls = Object.fromEntries(
    BRIDGE_CALLERS.map((service) => [metricId(service, 'calls'), relayMetric('BridgeLatency', { service }, { statistic: Stats.SAMPLE_COUNT })]),
  );
  const callCount = `(${fillSum(Object.keys(calls))})`;
  return new MathExpression({
    expression: `IF(${callCount} >= ${minCalls}, 100 * (${fillSum(Object.keys(failed))}) / ${callCount}, 0)`,
    usingMetrics: { ...failed, ...calls },
    label: 'Bridge calls failed (%)',
    period: METRIC_PERIOD,
  });
}

/** Failed KMS Encrypt/Decrypt calls of every caller. */
export function kmsErrors(): MathExpression {
  return sumOf(
    'KMS errors',
    Object.fromEntries(
      KMS_CALLERS.flatMap((service) =>
        KMS_OPERATIONS.map((operation) => [metricId(service, operation), relayMetric('KmsErrors', { service, operation })]),
      ),
    ),
  );
}

/** The sweeper's report of the oldest password still stored, in milliseconds (the worst minute of the period). */
export function oldestPasswordAge(): Metric {
  return relayMetric('OldestPasswordAge', { service: 'session-sweeper' }, { statistic: Stats.MAXIMUM, label: 'Oldest stored password (ms)' });
}
