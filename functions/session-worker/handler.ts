import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { recordBridgeAttempt, recordKmsError } from '../../shared/adapters/bridge-metrics';
import { idempotencyStore } from '../../shared/adapters/idempotency-store';
import { KmsPasswordCipher } from '../../shared/adapters/kms-password-cipher';
import { SecretsManagerSource } from '../../shared/adapters/secrets-manager-source';
import { SnsNotifier } from '../../shared/adapters/sns-notifier';
import { SqsDeadLetters } from '../../shared/adapters/sqs-dead-letters';
import { documentClient } from '../../shared/aws/clients';
import { readWorkerConfig } from '../../shared/config';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { createWorkerHandler } from './app';

const config = readWorkerConfig();
const dynamo = new DynamoDBClient({});
const db = documentClient(dynamo);

export const handler = createWorkerHandler({
  users: new DynamoUserDirectory(db, config.tableName),
  store: new DynamoGuidanceStore(db, config.tableName),
  bridge: new FetchBridgeClient({
    baseUrl: config.bridge.bridgeApiUrl,
    ...(config.bridge.sessionsPath ? { sessionsPath: config.bridge.sessionsPath } : {}),
    onAttempt: recordBridgeAttempt(metricsSink),
    credentials: new SecretsManagerSource(new SecretsManagerClient({ cacheMiddleware: true }), {
      bridgeCredentialsSecretId: config.bridge.credentialsSecretId,
    }),
  }),
  cipher: new KmsPasswordCipher(new KMSClient({ cacheMiddleware: true }), config.passwordKeyArn, recordKmsError(metricsSink)),
  notifier: new SnsNotifier(new SNSClient({ cacheMiddleware: true }), config.topicArn),
  deadLetters: new SqsDeadLetters(new SQSClient({ cacheMiddleware: true }), config.deadLetterQueueUrl),
  idempotencyStore: idempotencyStore(dynamo, config.tableName),
  clock: systemClock,
  passwordTtlSeconds: config.passwordTtlSeconds,
  maxReceiveCount: config.maxReceiveCount,
  logger,
  metrics: metricsSink,
});
