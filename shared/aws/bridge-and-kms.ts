import { KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordBridgeAttempt, recordKmsError } from '../adapters/bridge-metrics';
import { httpsOrigins } from '../adapters/bridge-session-answer';
import { DynamoRequestLineStore } from '../adapters/dynamo-request-line';
import { bridgePacing, type AttemptGate } from '../adapters/paced-fetch';
import { BridgePacer, type BridgeCallLane } from '../domain/bridge-pacing';
import { systemClock } from '../ports/clock';
import { FetchBridgeClient, type FetchBridgeClientOptions } from '../adapters/fetch-bridge-client';
import { KmsPasswordCipher } from '../adapters/kms-password-cipher';
import { SecretsExtensionSource } from '../adapters/secrets-extension-source';
import type { BridgeApiConfig } from '../config';
import type { MetricsSink } from '../ports/metrics';
import { AWS_CLIENT_CONFIG } from './client-config';

/** The Bridge client of a Lambda: credentials from Secrets Manager through the secrets extension (cached), attempts counted. */
export function bridgeClientFor(
  config: BridgeApiConfig,
  metrics: MetricsSink,
  tuning: Pick<FetchBridgeClientOptions, 'retry' | 'attemptTimeoutMs' | 'fetch' | 'gate' | 'callBudgetMs'> = {},
): FetchBridgeClient {
  return new FetchBridgeClient({
    baseUrl: config.bridgeApiUrl,
    ...(config.sessionsPath ? { sessionsPath: config.sessionsPath } : {}),
    credentials: new SecretsExtensionSource({ bridgeCredentialsSecretId: config.credentialsSecretId }, { port: config.secretsExtensionPort }),
    sessionOrigins: httpsOrigins(config.sessionHosts),
    onAttempt: recordBridgeAttempt(metrics),
    ...tuning,
  });
}

/** The password cipher of a Lambda: the password key, failures counted. */
export function kmsCipherFor(passwordKeyArn: string, metrics: MetricsSink): KmsPasswordCipher {
  return new KmsPasswordCipher(new KMSClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true }), passwordKeyArn, recordKmsError(metrics));
}

/**
 * The Bridge client's gate that keeps the fleet-wide Bridge rate (BRIDGE_MAX_RPS) through the request lines in the
 * table: `person` for the reveal API, `background` for the worker.
 */
export function bridgePacingFor(db: DynamoDBDocumentClient, tableName: string, config: BridgeApiConfig, lane: BridgeCallLane, maxWaitMs: number): AttemptGate {
  const pacer = new BridgePacer(new DynamoRequestLineStore(db, tableName), config.maxRequestsPerSecond, systemClock);
  return bridgePacing({ pacer, lane, maxWaitMs });
}
