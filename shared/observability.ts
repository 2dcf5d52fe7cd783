import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PowertoolsMetricsSink } from './adapters/powertools-metrics';
import { METRICS_NAMESPACE } from './ports/metrics';

/** One logger and one metrics emitter per process. Log lines carry ids and outcomes, never secrets. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'guidance-relay' });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'guidance-relay',
});

/** The metrics port over Powertools, for composition roots. */
export const metricsSink = new PowertoolsMetricsSink(metrics);
