import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { Misconfigured, TransientFailure } from '../domain/errors';
import { SECRET_FAILURE_REASONS as REASONS, type BridgeCredentials, type BridgeCredentialSource, type WebhookSecretSource } from '../ports/secret-source';

/** How long a fetched secret is reused; a rotation keeps both secrets live for longer than this. */
export const SECRET_CACHE_SECONDS = 300;

/** Webhook secrets (comma-separated string) and Bridge credentials (JSON) from Secrets Manager, cached. */
export class SecretsManagerSource implements WebhookSecretSource, BridgeCredentialSource {
  private readonly provider: SecretsProvider;

  constructor(
    client: SecretsManagerClient,
    private readonly ids: { readonly webhookSecretId?: string; readonly bridgeCredentialsSecretId?: string },
  ) {
    this.provider = new SecretsProvider({ awsSdkV3Client: client });
  }

  async webhookSecrets(): Promise<readonly string[]> {
    const value = await this.fetch(this.ids.webhookSecretId, 'webhook secret', REASONS.webhookSecretUnavailable, REASONS.webhookSecretInvalid);
    const secrets = parseWebhookSecrets(value);
    if (secrets.length === 0) throw new Misconfigured(REASONS.webhookSecretInvalid, 'The webhook secret holds no secret.');
    return secrets;
  }

  async bridgeCredentials(): Promise<BridgeCredentials> {
    const value = await this.fetch(this.ids.bridgeCredentialsSecretId, 'Bridge credentials', REASONS.bridgeCredentialsUnavailable, REASONS.bridgeCredentialsInvalid);
    return parseBridgeCredentials(value);
  }

  /** Secrets Manager failing is transient (the SDK has retried already); a bad value is ours to fix. */
  private async fetch(secretId: string | undefined, what: string, unavailable: string, invalid: string): Promise<string> {
    if (!secretId) throw new Misconfigured(invalid, `No secret id configured for the ${what}.`);
    let value: unknown;
    try {
      value = await this.provider.get(secretId, { maxAge: SECRET_CACHE_SECONDS });
    } catch (error) {
      throw new TransientFailure(unavailable, `The ${what} could not be read.`, { cause: error });
    }
    if (typeof value !== 'string' || value.length === 0) {
      throw new Misconfigured(invalid, `The ${what} is empty or binary.`);
    }
    return value;
  }
}

/** `secret-a,secret-b`: Bridge may sign with either while a rotation is under way. */
function parseWebhookSecrets(value: string): string[] {
  return value
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
}

/** `{"clientId":"…","clientSecret":"…"}`. The error never quotes the value. */
export function parseBridgeCredentials(value: string): BridgeCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Misconfigured(REASONS.bridgeCredentialsInvalid, 'Bridge credentials secret is not JSON.');
  }
  const { clientId, clientSecret } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || !clientId || !clientSecret) {
    throw new Misconfigured(REASONS.bridgeCredentialsInvalid, 'Bridge credentials secret needs string clientId and clientSecret.');
  }
  return { clientId, clientSecret };
}
