/** Swapped in for @aws-sdk/client-secrets-manager where the secret comes from the extension: a placeholder the composition root may still construct. */
export class SecretsManagerClient {
  constructor(readonly config: Record<string, unknown> = {}) {}
}
