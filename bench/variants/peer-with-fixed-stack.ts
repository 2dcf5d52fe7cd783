import middy from '@middy/core';
import { logger, metricsSink } from '../../shared/observability';
import { sqs, secrets } from './peer-webhook-clients';

/**
 * The webhook's peer plus what every function is built on (@middy/core, the Powertools logger and
 * metrics of shared/observability), and no webhook code: the floor the webhook's own code sits on.
 */
export const handler = middy({ timeoutEarlyInMillis: 0 }).handler(async () => {
  logger.info('Guidance event queued');
  metricsSink.count('WebhookRequests', { outcome: 'accepted' });
  return { statusCode: 200, body: '{"status":"accepted"}' };
});
export { sqs, secrets };
