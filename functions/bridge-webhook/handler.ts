import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsEventQueue } from '../../shared/adapters/sqs-event-queue';
import { SecretsExtensionSource } from '../../shared/adapters/secrets-extension-source';
import { readWebhookConfig } from '../../shared/config';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { createWebhookHandler } from './app';
import { AWS_CLIENT_CONFIG } from '../../shared/aws/client-config';

const config = readWebhookConfig();

export const handler = createWebhookHandler({
  queue: new SqsEventQueue(new SQSClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true }), config.queueUrl),
  secrets: new SecretsExtensionSource({ webhookSecretId: config.webhookSecretId }, { port: config.secretsExtensionPort }),
  clock: systemClock,
  maxAgeSeconds: config.maxAgeSeconds,
  allowedSourceIps: config.allowedSourceIps,
  logger,
  metrics: metricsSink,
});
