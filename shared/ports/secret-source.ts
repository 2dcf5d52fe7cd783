/** Where the live webhook secrets come from (two during a rotation). Implementations cache. */
export interface WebhookSecretSource {
  webhookSecrets(): Promise<readonly string[]>;
}

export interface BridgeCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Bridge API client credentials. Implementations cache. */
export interface BridgeCredentialSource {
  bridgeCredentials(): Promise<BridgeCredentials>;
}

/** Dead-letter and log reasons for a secret that could not be used (named in docs/runbook.md). */
export const SECRET_FAILURE_REASONS = {
  webhookSecretUnavailable: 'webhook_secret_unavailable',
  webhookSecretInvalid: 'webhook_secret_invalid',
  bridgeCredentialsUnavailable: 'bridge_credentials_unavailable',
  bridgeCredentialsInvalid: 'bridge_credentials_invalid',
} as const;
