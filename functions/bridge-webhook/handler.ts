import { SQSClient } from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SqsEventQueue } from '../../shared/adapters/sqs-event-queue';
import { SecretsManagerSource } from '../../shared/adapters/secrets-manager-source';
import { readWebhookConfig } from '../../shared/config';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { createWebhookHandler } from './app';
import { AWS_CLIENT_CONFIG } from '../../shared/aws/client-config';

const config = readWebhookConfig();

export const handler = createWebhookHandler({
  queue: new SqsEventQueue(new SQSClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true }), config.queueUrl),
  secrets: new SecretsManagerSource(new SecretsManagerClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true }), { webhookSecretId: config.webhookSecretId }),
  clock: systemClock,
  maxAgeSeconds: config.maxAgeSeconds,
  allowedSourceIps: config.allowedSourceIps,
  logger,
  metrics: metricsSink,
});
