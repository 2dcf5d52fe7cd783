import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { SnsNotifier } from '../../shared/adapters/sns-notifier';
import { SqsDeadLetters } from '../../shared/adapters/sqs-dead-letters';
import { SqsMessageDeferrer, SqsMessageRequeuer } from '../../shared/adapters/sqs-message-deferrer';
import { bridgeClientFor, bridgePacingFor, kmsCipherFor } from '../../shared/aws/bridge-and-kms';
import { WORKER_BRIDGE_CALL_BUDGET_MS } from '../../shared/domain/retry';
import { AWS_CLIENT_CONFIG } from '../../shared/aws/client-config';
import { documentClient } from '../../shared/aws/clients';
import { readWorkerConfig } from '../../shared/config';
import { loggedSecurityEvents } from '../../shared/adapters/logged-security-events';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { createWorkerHandler } from './app';

const config = readWorkerConfig();
const dynamo = new DynamoDBClient(AWS_CLIENT_CONFIG);
const sqs = new SQSClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true });
const db = documentClient(dynamo);

export const handler = createWorkerHandler({
  users: new DynamoUserDirectory(db, config.tableName),
  store: new DynamoGuidanceStore(db, config.tableName, config.sessionTableName),
  // Waits for a slot of the fleet-wide rate within the invocation up to 10 s (and the call's budget); beyond, the event is requeued.
  bridge: bridgeClientFor(config.bridge, metricsSink, {
    gate: bridgePacingFor(db, config.tableName, config.bridge, 'background', 10_000),
    callBudgetMs: WORKER_BRIDGE_CALL_BUDGET_MS,
  }),
  cipher: kmsCipherFor(config.passwordKeyArn, metricsSink),
  notifier: new SnsNotifier(new SNSClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true }), config.topicArn),
  deadLetters: new SqsDeadLetters(sqs, config.deadLetterQueueUrl),
  deferrer: new SqsMessageDeferrer(sqs),
  requeuer: new SqsMessageRequeuer(sqs),
  clock: systemClock,
  passwordTtlSeconds: config.passwordTtlSeconds,
  security: loggedSecurityEvents(logger, metricsSink),
  maxReceiveCount: config.maxReceiveCount,
  queueVisibilityTimeoutSeconds: config.queueVisibilityTimeoutSeconds,
  logger,
  metrics: metricsSink,
});
