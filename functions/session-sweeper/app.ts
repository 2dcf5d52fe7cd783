import type { Logger } from '@aws-lambda-powertools/logger';
import { sweepExpiredSessions, SWEEP_HORIZON_MS, type SweepDeps, type SweepReport } from '../../shared/domain/sweep-expired-sessions';
import { noMetrics, type MetricsSink } from '../../shared/ports/metrics';

/** The metric the `password-age` alarm reads (Milliseconds, dimension service = session-sweeper). */
export const OLDEST_PASSWORD_AGE_METRIC = 'OldestPasswordAge';

export interface SweeperDeps extends SweepDeps {
  readonly logger: Logger;
  readonly metrics?: MetricsSink;
  /** @default SWEEP_HORIZON_MS */
  readonly horizonMs?: number;
}

/**
 * Runs one sweep per invocation (EventBridge, every minute; a timer on the laptop). The event
 * carries nothing the sweep uses: whoever invokes it can only make passwords go sooner.
 */
export function createSweeperHandler(deps: SweeperDeps): () => Promise<SweepReport> {
  const metrics = deps.metrics ?? noMetrics;
  return async () => {
    const report = await sweepExpiredSessions(deps, { horizonMs: deps.horizonMs ?? SWEEP_HORIZON_MS });
    metrics.milliseconds(OLDEST_PASSWORD_AGE_METRIC, report.oldestPasswordAgeMs);
    // A quiet minute (nothing deleted) is the common case: keep it out of the INFO log.
    if (report.deleted + report.alreadyGone > 0) deps.logger.info('Expired sessions swept', { ...report });
    else deps.logger.debug('Expired sessions swept', { ...report });
    return report;
  };
}
