import { parseBridgeCredentials, SecretsExtensionSource, type SecretsExtensionOptions } from '../../shared/adapters/secrets-extension-source';
import { Misconfigured, TransientFailure } from '../../shared/domain/errors';
import { FakeSecretsExtension } from '../fakes/secrets-extension';

let extension: FakeSecretsExtension;
let port: number;
let now: number;

beforeEach(async () => {
  extension = new FakeSecretsExtension();
  port = await extension.start();
  now = 1_000_000;
});
afterEach(() => extension.stop());

const source = (ids: ConstructorParameters<typeof SecretsExtensionSource>[0], options: SecretsExtensionOptions = {}) =>
  new SecretsExtensionSource(ids, { host: '127.0.0.1', port, sessionToken: () => extension.sessionToken, now: () => now, ...options });

describe('SecretsExtensionSource (the Parameters and Secrets extension over HTTP)', () => {
  it('reads both live webhook secrets with the session token, and keeps them for 30 s', async () => {
    extension.answer('webhook', { secretString: 'old-secret, new-secret' });
    const secrets = source({ webhookSecretId: 'webhook' });

    expect(await secrets.webhookSecrets()).toEqual(['old-secret', 'new-secret']);
    now += 29_999;
    expect(await secrets.webhookSecrets()).toEqual(['old-secret', 'new-secret']);
    expect(extension.requests).toEqual([{ secretId: 'webhook', token: extension.sessionToken }]);

    extension.answer('webhook', { secretString: 'new-secret' });
    now += 1;
    expect(await secrets.webhookSecrets()).toEqual(['new-secret']);
    expect(extension.readsOf('webhook')).toBe(2);
  });

  it('asks once for concurrent reads of one secret (a worker batch), and encodes the id', async () => {
    const id = 'guidance-relay/bridge credentials&x=1';
    extension.answer(id, { secretString: '{"clientId":"id","clientSecret":"sec"}' });
    const secrets = source({ bridgeCredentialsSecretId: id });

    const reads = await Promise.all(Array.from({ length: 10 }, () => secrets.bridgeCredentials()));

    expect(reads).toEqual(Array.from({ length: 10 }, () => ({ clientId: 'id', clientSecret: 'sec' })));
    expect(extension.requests).toEqual([{ secretId: id, token: extension.sessionToken }]);
  });

  it.each([
    ['the secret is refused (not found, access denied)', { status: 400, body: '{"message":"AccessDeniedException for arn:secret"}' }],
    ['the extension fails', { status: 500 }],
    ['the token is refused', 'wrong-token'],
  ] as const)('raises a transient failure naming the secret when %s, without quoting the answer', async (_case, refusal) => {
    if (typeof refusal === 'object') extension.answer('webhook', refusal).answer('bridge', refusal);
    const options = refusal === 'wrong-token' ? { sessionToken: () => 'wrong-token' } : {};
    const secrets = source({ webhookSecretId: 'webhook', bridgeCredentialsSecretId: 'bridge' }, options);

    const webhook = await secrets.webhookSecrets().catch((error: unknown) => error);
    const bridge = await secrets.bridgeCredentials().catch((error: unknown) => error);

    expect(webhook).toBeInstanceOf(TransientFailure);
    expect(webhook).toEqual(expect.objectContaining({ reason: 'webhook_secret_unavailable' }));
    expect(bridge).toBeInstanceOf(TransientFailure);
    expect(bridge).toEqual(expect.objectContaining({ reason: 'bridge_credentials_unavailable' }));
    expect((webhook as Error).message).toMatch(/^The webhook secret could not be read: the secrets extension answered 4\d\d|^The webhook secret could not be read: the secrets extension answered 500\.$/);
    expect((bridge as Error).message).toMatch(/^The Bridge credentials could not be read/);
    for (const error of [webhook, bridge] as Error[]) {
      expect(error.message).not.toContain('arn:secret');
      expect(JSON.stringify(error.cause ?? null)).not.toContain('arn:secret');
    }
  });

  it('does not keep a failure: the next call asks again', async () => {
    extension.answer('webhook', { status: 500 });
    const secrets = source({ webhookSecretId: 'webhook' });
    await expect(secrets.webhookSecrets()).rejects.toBeInstanceOf(TransientFailure);

    extension.answer('webhook', { secretString: 'secret' });
    expect(await secrets.webhookSecrets()).toEqual(['secret']);
  });

  it('is transient when nothing listens, when the extension hangs and when there is no session token', async () => {
    await extension.stop();
    const refused = (await source({ webhookSecretId: 'webhook' }).webhookSecrets().catch((error: unknown) => error)) as Error;
    expect(refused).toEqual(expect.objectContaining({ reason: 'webhook_secret_unavailable', message: 'The webhook secret could not be read: the secrets extension did not answer.' }));
    expect(refused.cause).toEqual(expect.objectContaining({ code: 'ECONNREFUSED' }));

    extension = new FakeSecretsExtension();
    port = await extension.start();
    extension.answer('webhook', 'hang');
    const started = Date.now();
    await expect(source({ webhookSecretId: 'webhook' }, { timeoutMs: 200 }).webhookSecrets()).rejects.toBeInstanceOf(TransientFailure);
    expect(Date.now() - started).toBeLessThan(2000);

    const tokenless = await source({ webhookSecretId: 'webhook' }, { sessionToken: () => undefined }).webhookSecrets().catch((error: unknown) => error);
    expect(tokenless).toBeInstanceOf(TransientFailure);
    expect(tokenless).toEqual(expect.objectContaining({ message: 'The webhook secret could not be read: no session token for the secrets extension.' }));
    expect(extension.requests.filter((request) => request.token === undefined)).toEqual([]);
  });

  it.each([
    ['an empty webhook secret', { secretString: ' , ' }, 'webhookSecrets', 'webhook_secret_invalid'],
    ['a binary webhook secret', { secretBinary: 'AQ==' }, 'webhookSecrets', 'webhook_secret_invalid'],
    ['Bridge credentials that are not JSON', { secretString: 'not json' }, 'bridgeCredentials', 'bridge_credentials_invalid'],
    ['binary Bridge credentials', { secretBinary: 'AQ==' }, 'bridgeCredentials', 'bridge_credentials_invalid'],
  ] as const)('raises Misconfigured for %s: an operator must fix it', async (_case, answer, read, reason) => {
    extension.answer('webhook', answer).answer('bridge', answer);
    const secrets = source({ webhookSecretId: 'webhook', bridgeCredentialsSecretId: 'bridge' });

    const error = await secrets[read]().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Misconfigured);
    expect(error).toEqual(expect.objectContaining({ reason }));
    expect((error as Error).message).toMatch(/^(The webhook secret (holds no secret|is empty or binary)|The Bridge credentials is empty or binary|Bridge credentials secret is not JSON)\.$/);
  });

  it('raises Misconfigured when no secret id is configured, without asking', async () => {
    await expect(source({}).bridgeCredentials()).rejects.toEqual(
      expect.objectContaining({ reason: 'bridge_credentials_invalid', name: 'Misconfigured', message: 'No secret id configured for the Bridge credentials.' }),
    );
    await expect(source({}).webhookSecrets()).rejects.toEqual(
      expect.objectContaining({ reason: 'webhook_secret_invalid', name: 'Misconfigured', message: 'No secret id configured for the webhook secret.' }),
    );
    expect(extension.requests).toEqual([]);
  });

  it('treats an answer that is not GetSecretValue JSON as the extension failing, and one without SecretString as a binary secret', async () => {
    extension.answer('garbled', { status: 200, body: '<html>' }).answer('null', { status: 200, body: 'null' });

    await expect(source({ webhookSecretId: 'garbled' }).webhookSecrets()).rejects.toEqual(
      expect.objectContaining({ name: 'TransientFailure', message: 'The webhook secret could not be read: the secrets extension answered something other than JSON.' }),
    );
    await expect(source({ webhookSecretId: 'null' }).webhookSecrets()).rejects.toEqual(expect.objectContaining({ name: 'Misconfigured', reason: 'webhook_secret_invalid' }));
  });

  it('settles within its timeout when the answer is cut mid-body, or trickles without end', async () => {
    extension.answer('cut', 'cut').answer('trickle', 'trickle');

    await expect(source({ webhookSecretId: 'cut' }).webhookSecrets()).rejects.toEqual(expect.objectContaining({ name: 'TransientFailure', reason: 'webhook_secret_unavailable' }));
    const started = Date.now();
    await expect(source({ bridgeCredentialsSecretId: 'trickle' }, { timeoutMs: 300 }).bridgeCredentials()).rejects.toEqual(
      expect.objectContaining({ name: 'TransientFailure', reason: 'bridge_credentials_unavailable' }),
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('stops reading an answer beyond 128 KB (no secret is that large)', async () => {
    extension.answer('huge', { status: 200, body: JSON.stringify({ SecretString: 'x'.repeat(200 * 1024) }) }).answer('large', { secretString: 'y'.repeat(60 * 1024) });

    await expect(source({ webhookSecretId: 'huge' }).webhookSecrets()).rejects.toEqual(expect.objectContaining({ name: 'TransientFailure', reason: 'webhook_secret_unavailable' }));
    expect(await source({ webhookSecretId: 'large' }).webhookSecrets()).toEqual(['y'.repeat(60 * 1024)]);
  });

  it('keeps a newer value when an older, slower read fails afterwards', async () => {
    extension.answer('webhook', 'hang');
    const secrets = source({ webhookSecretId: 'webhook' }, { timeoutMs: 300 });
    const slow = secrets.webhookSecrets().catch((error: unknown) => error);
    while (extension.readsOf('webhook') === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    now += 30_000;
    extension.answer('webhook', { secretString: 'fresh' });
    expect(await secrets.webhookSecrets()).toEqual(['fresh']);
    expect(await slow).toBeInstanceOf(TransientFailure);

    expect(await secrets.webhookSecrets()).toEqual(['fresh']);
    expect(extension.readsOf('webhook')).toBe(2);
  });

  it('by default asks localhost with the function’s own session token (AWS_SESSION_TOKEN)', async () => {
    extension.answer('webhook', { secretString: 'secret' });
    const saved = process.env.AWS_SESSION_TOKEN;
    process.env.AWS_SESSION_TOKEN = extension.sessionToken;
    try {
      const secrets = new SecretsExtensionSource({ webhookSecretId: 'webhook' }, { port });
      expect(await secrets.webhookSecrets()).toEqual(['secret']);
    } finally {
      if (saved === undefined) delete process.env.AWS_SESSION_TOKEN;
      else process.env.AWS_SESSION_TOKEN = saved;
    }
    expect(extension.requests).toEqual([{ secretId: 'webhook', token: extension.sessionToken }]);
  });

  it('parses Bridge credentials and refuses a malformed secret without echoing it', () => {
    expect(parseBridgeCredentials('{"clientId":"id","clientSecret":"sec"}')).toEqual({ clientId: 'id', clientSecret: 'sec' });
    expect(() => parseBridgeCredentials('not json')).toThrow('Bridge credentials secret is not JSON.');
    for (const bad of ['not json', '{"clientId":"id"}', 'null', '{"clientId":"id","clientSecret":7}', '{"clientId":7,"clientSecret":"sec"}', '{"clientId":"","clientSecret":"sec"}']) {
      let message = '';
      try {
        parseBridgeCredentials(bad);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/Bridge credentials/);
      expect(message).not.toContain(bad);
    }
  });
});
