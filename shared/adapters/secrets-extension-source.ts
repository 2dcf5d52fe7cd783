import { Misconfigured, TransientFailure } from '../domain/errors';
import { SECRET_FAILURE_REASONS as REASONS, type BridgeCredentials, type BridgeCredentialSource, type WebhookSecretSource } from '../ports/secret-source';

/**
 * A secret change reaches every function within this many seconds: the extension keeps a value
 * `SECRETS_EXTENSION_TTL_SECONDS`, the function `SECRET_PROCESS_CACHE_SECONDS` more. A rotation keeps
 * both secrets live for longer than this (docs/operations.md).
 */
export const SECRET_MAX_STALENESS_SECONDS = 300;
/** In the function: a webhook call must not pay a localhost round trip. */
export const SECRET_PROCESS_CACHE_SECONDS = 30;
/** In the extension (its `SECRETS_MANAGER_TTL`): Secrets Manager is called at most this often per instance. */
export const SECRETS_EXTENSION_TTL_SECONDS = SECRET_MAX_STALENESS_SECONDS - SECRET_PROCESS_CACHE_SECONDS;
/** The extension's default port, and the variable Lambda sets when a stage changes it. */
export const SECRETS_EXTENSION_DEFAULT_PORT = 2773;
const MAX_ANSWER_BYTES = 128 * 1024;
// Not `import … from 'node:http'`: an ES import of node:http builds its whole namespace, whose lazy
// WebSocket export loads undici, a 65 M-instruction cold-start cost (measured) for one GET to localhost.
const { request } = process.getBuiltinModule('node:http');

export interface SecretsExtensionOptions {
  readonly port?: number;
  /** Only tests change it: the extension listens on localhost. */
  readonly host?: string;
  /** The extension only answers a caller holding the function's session token. */
  readonly sessionToken?: () => string | undefined;
  readonly cacheSeconds?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/**
 * Webhook secrets (comma-separated string) and Bridge credentials (JSON) through the AWS Parameters
 * and Secrets Lambda Extension (a layer that reads and caches Secrets Manager for the function), so
 * no Secrets Manager client is bundled. Concurrent reads of one secret share one request.
 */
export class SecretsExtensionSource implements WebhookSecretSource, BridgeCredentialSource {
  private readonly cache = new Map<string, { readonly value: Promise<string>; readonly until: number }>();
  private readonly port: number;
  private readonly host: string;
  private readonly sessionToken: () => string | undefined;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly ids: { readonly webhookSecretId?: string; readonly bridgeCredentialsSecretId?: string },
    options: SecretsExtensionOptions = {},
  ) {
    this.port = options.port ?? SECRETS_EXTENSION_DEFAULT_PORT;
    this.host = options.host ?? 'localhost';
    this.sessionToken = options.sessionToken ?? (() => process.env.AWS_SESSION_TOKEN);
    this.cacheMs = (options.cacheSeconds ?? SECRET_PROCESS_CACHE_SECONDS) * 1000;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.now = options.now ?? Date.now;
  }

  async webhookSecrets(): Promise<readonly string[]> {
    const value = await this.read(this.ids.webhookSecretId, 'webhook secret', REASONS.webhookSecretUnavailable, REASONS.webhookSecretInvalid);
    const secrets = parseWebhookSecrets(value);
    if (secrets.length === 0) throw new Misconfigured(REASONS.webhookSecretInvalid, 'The webhook secret holds no secret.');
    return secrets;
  }

  async bridgeCredentials(): Promise<BridgeCredentials> {
    const value = await this.read(this.ids.bridgeCredentialsSecretId, 'Bridge credentials', REASONS.bridgeCredentialsUnavailable, REASONS.bridgeCredentialsInvalid);
    return parseBridgeCredentials(value);
  }

  private read(secretId: string | undefined, what: string, unavailable: string, invalid: string): Promise<string> {
    if (!secretId) return Promise.reject(new Misconfigured(invalid, `No secret id configured for the ${what}.`));
    const now = this.now();
    const cached = this.cache.get(secretId);
    if (cached && cached.until > now) return cached.value;
    const value = this.fetchSecretString(secretId, what, unavailable, invalid);
    this.cache.set(secretId, { value, until: now + this.cacheMs });
    // A failure is not cached: the next call asks again.
    value.catch(() => {
      if (this.cache.get(secretId)?.value === value) this.cache.delete(secretId);
    });
    return value;
  }

  /** The extension failing is transient (the caller retries or answers 503); a bad value is ours to fix. */
  private async fetchSecretString(secretId: string, what: string, unavailable: string, invalid: string): Promise<string> {
    const token = this.sessionToken();
    if (!token) throw new TransientFailure(unavailable, `The ${what} could not be read: no session token for the secrets extension.`);
    let answer: { status: number; body: string };
    try {
      answer = await this.get(`/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`, token);
    } catch (error) {
      throw new TransientFailure(unavailable, `The ${what} could not be read: the secrets extension did not answer.`, { cause: error });
    }
    // The body of a refusal is not quoted: it is the extension's, not ours to log.
    if (answer.status !== 200) throw new TransientFailure(unavailable, `The ${what} could not be read: the secrets extension answered ${answer.status}.`);
    let secretString: unknown;
    try {
      secretString = (JSON.parse(answer.body) as { SecretString?: unknown } | null)?.SecretString;
    } catch {
      throw new TransientFailure(unavailable, `The ${what} could not be read: the secrets extension answered something other than JSON.`);
    }
    if (typeof secretString !== 'string' || secretString.length === 0) throw new Misconfigured(invalid, `The ${what} is empty or binary.`);
    return secretString;
  }

  /** One GET, settled within `timeoutMs` whatever the extension does (silent, or trickling bytes). */
  private get(path: string, token: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      // A fresh connection each time (one every 30 s at most): a kept-alive socket may have died while the sandbox was frozen.
      const call = request({ host: this.host, port: this.port, path, method: 'GET', headers: { 'X-Aws-Parameters-Secrets-Token': token }, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) call.destroy(new Error('The secrets extension answer is too large.'));
          else chunks.push(chunk);
        });
        response.on('end', () => settle(() => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
        response.on('error', (error) => settle(() => reject(error)));
      });
      const deadline = setTimeout(() => call.destroy(new Error(`No answer from the secrets extension in ${this.timeoutMs} ms.`)), this.timeoutMs);
      const settle = (done: () => void) => {
        clearTimeout(deadline);
        done();
      };
      call.on('error', (error) => settle(() => reject(error)));
      call.end();
    });
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
