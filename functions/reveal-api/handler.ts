import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { recordBridgeAttempt, recordKmsError } from '../../shared/adapters/bridge-metrics';
import { KmsPasswordCipher } from '../../shared/adapters/kms-password-cipher';
import { SecretsManagerSource } from '../../shared/adapters/secrets-manager-source';
import { documentClient } from '../../shared/aws/clients';
import { readRevealConfig } from '../../shared/config';
import { REVEAL_RETRY_POLICY } from '../../shared/domain/retry';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { createRevealHandler } from './app';

const config = readRevealConfig();
const db = documentClient(new DynamoDBClient({}));

export const handler = createRevealHandler({
  users: new DynamoUserDirectory(db, config.tableName),
  store: new DynamoGuidanceStore(db, config.tableName),
  bridge: new FetchBridgeClient({
    baseUrl: config.bridge.bridgeApiUrl,
    ...(config.bridge.sessionsPath ? { sessionsPath: config.bridge.sessionsPath } : {}),
    onAttempt: recordBridgeAttempt(metricsSink),
    credentials: new SecretsManagerSource(new SecretsManagerClient({ cacheMiddleware: true }), {
      bridgeCredentialsSecretId: config.bridge.credentialsSecretId,
    }),
    // A person is waiting: fail fast enough to answer 503 within API Gateway's 30 s.
    retry: REVEAL_RETRY_POLICY,
    attemptTimeoutMs: 3000,
  }),
  cipher: new KmsPasswordCipher(new KMSClient({ cacheMiddleware: true }), config.passwordKeyArn, recordKmsError(metricsSink)),
  clock: systemClock,
  passwordTtlSeconds: config.passwordTtlSeconds,
  logger,
  metrics: metricsSink,
});
