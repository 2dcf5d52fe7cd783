import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { recordBridgeAttempt, recordKmsError } from '../adapters/bridge-metrics';
import { httpsOrigins } from '../adapters/bridge-session-answer';
import { FetchBridgeClient, type FetchBridgeClientOptions } from '../adapters/fetch-bridge-client';
import { KmsPasswordCipher } from '../adapters/kms-password-cipher';
import { SecretsManagerSource } from '../adapters/secrets-manager-source';
import type { BridgeApiConfig } from '../config';
import type { MetricsSink } from '../ports/metrics';
import { AWS_CLIENT_CONFIG } from './client-config';

/** The Bridge client of a Lambda: credentials from Secrets Manager (cached), attempts counted. */
export function bridgeClientFor(
  config: BridgeApiConfig,
  metrics: MetricsSink,
  tuning: Pick<FetchBridgeClientOptions, 'retry' | 'attemptTimeoutMs'> = {},
): FetchBridgeClient {
  return new FetchBridgeClient({
    baseUrl: config.bridgeApiUrl,
    ...(config.sessionsPath ? { sessionsPath: config.sessionsPath } : {}),
    credentials: new SecretsManagerSource(new SecretsManagerClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true }), {
      bridgeCredentialsSecretId: config.credentialsSecretId,
    }),
    sessionOrigins: httpsOrigins(config.sessionHosts),
    onAttempt: recordBridgeAttempt(metrics),
    ...tuning,
  });
}

/** The password cipher of a Lambda: the password key, failures counted. */
export function kmsCipherFor(passwordKeyArn: string, metrics: MetricsSink): KmsPasswordCipher {
  return new KmsPasswordCipher(new KMSClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true }), passwordKeyArn, recordKmsError(metrics));
}
