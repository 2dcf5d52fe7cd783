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
    expect((webhook as Error).message).not.toContain('arn:secret');
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
    await expect(source({ webhookSecretId: 'webhook' }).webhookSecrets()).rejects.toEqual(expect.objectContaining({ reason: 'webhook_secret_unavailable' }));

    extension = new FakeSecretsExtension();
    port = await extension.start();
    extension.answer('webhook', 'hang');
    const started = Date.now();
    await expect(source({ webhookSecretId: 'webhook' }, { timeoutMs: 200 }).webhookSecrets()).rejects.toBeInstanceOf(TransientFailure);
    expect(Date.now() - started).toBeLessThan(2000);

    await expect(source({ webhookSecretId: 'webhook' }, { sessionToken: () => undefined }).webhookSecrets()).rejects.toBeInstanceOf(TransientFailure);
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
  });

  it('raises Misconfigured when no secret id is configured, without asking', async () => {
    await expect(source({}).bridgeCredentials()).rejects.toEqual(expect.objectContaining({ reason: 'bridge_credentials_invalid', name: 'Misconfigured' }));
    await expect(source({}).webhookSecrets()).rejects.toEqual(expect.objectContaining({ reason: 'webhook_secret_invalid', name: 'Misconfigured' }));
    expect(extension.requests).toEqual([]);
  });

  it('parses Bridge credentials and refuses a malformed secret without echoing it', () => {
    expect(parseBridgeCredentials('{"clientId":"id","clientSecret":"sec"}')).toEqual({ clientId: 'id', clientSecret: 'sec' });
    for (const bad of ['not json', '{"clientId":"id"}', 'null', '{"clientId":"id","clientSecret":7}']) {
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
