import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { DynamoRateLimiter } from '../../shared/adapters/dynamo-rate-limiter';
import { IssuerTokenVerifier } from '../../shared/adapters/jose-token-verifier';
import { bearerTokenCaller } from '../../shared/http/request';
import { bridgeClientFor, bridgePacingFor, kmsCipherFor } from '../../shared/aws/bridge-and-kms';
import { AWS_CLIENT_CONFIG } from '../../shared/aws/client-config';
import { documentClient } from '../../shared/aws/clients';
import { readRevealConfig } from '../../shared/config';
import { REVEAL_BRIDGE_CALL_BUDGET_MS, REVEAL_RETRY_POLICY } from '../../shared/domain/retry';
import { loggedSecurityEvents } from '../../shared/adapters/logged-security-events';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { createRevealHandler } from './app';

const config = readRevealConfig();
const db = documentClient(new DynamoDBClient(AWS_CLIENT_CONFIG));

export const handler = createRevealHandler({
  users: new DynamoUserDirectory(db, config.tableName),
  store: new DynamoGuidanceStore(db, config.tableName, config.sessionTableName),
  // A person is waiting: fail fast enough to answer 503 well within the function's 20 s timeout.
  // People go first: their own reserved lane of the fleet-wide rate; a slot over 3 s away answers 503.
  bridge: bridgeClientFor(config.bridge, metricsSink, {
    retry: REVEAL_RETRY_POLICY,
    attemptTimeoutMs: 3000,
    gate: bridgePacingFor(db, config.tableName, config.bridge, 'person', 3000),
    callBudgetMs: REVEAL_BRIDGE_CALL_BUDGET_MS,
  }),
  cipher: kmsCipherFor(config.passwordKeyArn, metricsSink),
  clock: systemClock,
  passwordTtlSeconds: config.passwordTtlSeconds,
  authenticate: bearerTokenCaller(new IssuerTokenVerifier(config.jwt)),
  userLimits: { limiter: new DynamoRateLimiter(db, config.tableName), limits: config.userLimits },
  security: loggedSecurityEvents(logger, metricsSink),
  logger,
  metrics: metricsSink,
});
