import type { Logger } from '@aws-lambda-powertools/logger';
import type { MetricsSink } from '../ports/metrics';
import type { SecurityEvents } from '../ports/security-events';

/** Each security event as one secret-free WARN line (`security` field) and a metric without user dimensions. */
export function loggedSecurityEvents(logger: Pick<Logger, 'warn'>, metrics: MetricsSink): SecurityEvents {
  return {
    sessionKeyMismatch: ({ appUserId, company, sessionId }) => {
      logger.warn('Stored session is bound to another key; not decrypted', {
        security: { event: 'session_key_mismatch', appUserId, company, sessionId },
      });
      metrics.count('SessionKeyMismatch');
    },
  };
}
