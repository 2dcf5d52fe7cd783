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
