/**
 * Swapped in for shared/adapters/secrets-manager-source.ts in the "webhook without the Secrets
 * Manager client" variant: the same class name and contract, reading the secret from the AWS
 * Parameters and Secrets Lambda Extension (localhost:2773, authenticated by the session token),
 * which caches it; no SDK client and no Powertools parameters are bundled.
 */
const EXTENSION_URL = 'http://localhost:2773/secretsmanager/get';
const CACHE_MS = 300_000;

export class SecretsManagerSource {
  private readonly cache = new Map<string, { value: string; until: number }>();

  constructor(
    _client: unknown,
    private readonly ids: { readonly webhookSecretId?: string; readonly bridgeCredentialsSecretId?: string },
  ) {}

  async webhookSecrets(): Promise<readonly string[]> {
    const value = await this.fetch(this.ids.webhookSecretId);
    return value
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean);
  }

  async bridgeCredentials(): Promise<{ clientId: string; clientSecret: string }> {
    const { clientId, clientSecret } = JSON.parse(await this.fetch(this.ids.bridgeCredentialsSecretId)) as Record<string, string>;
    if (!clientId || !clientSecret) throw new Error('Bridge credentials secret needs clientId and clientSecret.');
    return { clientId, clientSecret };
  }

  private async fetch(secretId: string | undefined): Promise<string> {
    if (!secretId) throw new Error('No secret id configured.');
    const cached = this.cache.get(secretId);
    if (cached && cached.until > Date.now()) return cached.value;
    const response = await fetch(`${EXTENSION_URL}?secretId=${encodeURIComponent(secretId)}`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
    });
    if (!response.ok) throw new Error(`The secrets extension answered ${response.status}.`);
    const { SecretString } = (await response.json()) as { SecretString?: string };
    if (!SecretString) throw new Error('The secret is empty or binary.');
    this.cache.set(secretId, { value: SecretString, until: Date.now() + CACHE_MS });
    return SecretString;
  }
}
