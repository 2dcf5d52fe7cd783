import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { bridgeClientFor, kmsCipherFor, pacedFetchFor } from '../../shared/aws/bridge-and-kms';
import { AWS_CLIENT_CONFIG } from '../../shared/aws/client-config';
import { documentClient } from '../../shared/aws/clients';
import { readRevealConfig } from '../../shared/config';
import { REVEAL_RETRY_POLICY } from '../../shared/domain/retry';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { createRevealHandler } from './app';

const config = readRevealConfig();
const db = documentClient(new DynamoDBClient(AWS_CLIENT_CONFIG));

export const handler = createRevealHandler({
  users: new DynamoUserDirectory(db, config.tableName),
  store: new DynamoGuidanceStore(db, config.tableName),
  // A person is waiting: fail fast enough to answer 503 well within the function's 10 s.
  // People go first: their own reserved lane of the fleet-wide rate; a slot over 3 s away answers 503.
  bridge: bridgeClientFor(config.bridge, metricsSink, {
    retry: REVEAL_RETRY_POLICY,
    attemptTimeoutMs: 3000,
    fetch: pacedFetchFor(db, config.tableName, config.bridge, 'person', 3000),
  }),
  cipher: kmsCipherFor(config.passwordKeyArn, metricsSink),
  clock: systemClock,
  passwordTtlSeconds: config.passwordTtlSeconds,
  logger,
  metrics: metricsSink,
});
