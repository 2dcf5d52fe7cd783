import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Swapped in for shared/observability.ts in the "webhook without Powertools metrics" variant:
 * the same logger, and a metrics sink that does nothing, so no Metrics class is bundled.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'guidance-relay' });
export const METRICS_NAMESPACE = 'GuidanceRelay';
export const metricsSink = { count: (): void => undefined, milliseconds: (): void => undefined };
