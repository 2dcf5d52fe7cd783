import { SQSClient } from '@aws-sdk/client-sqs';
import { createWebhookHandler } from '../../functions/bridge-webhook/app';
import { SecretsExtensionSource } from '../../shared/adapters/secrets-extension-source';
import { SqsEventQueue } from '../../shared/adapters/sqs-event-queue';
import { signBody } from '../../shared/domain/webhook-signature';
import { logger } from '../../shared/observability';
import { guidanceReadyBody, httpApiEvent, lambdaContext, parseHttpResult } from '../fixtures/api-gateway';
import { captureLogs, leakedSecrets } from '../fixtures/log-capture';
import { FakeSecretsExtension } from '../fakes/secrets-extension';

// An attacker's read of the secret path: the webhook composed as in Lambda (the secrets extension
// source, the error middleware, the real logger), every log line captured. Neither the webhook
// secret, nor the session token, nor what the extension said when it refused may appear anywhere
// but where they belong.
const SECRET = 'whsec_extension_leak_probe_5f3a9c';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjE-session-token-probe';
const REFUSAL = 'AccessDeniedException: arn:aws:secretsmanager:eu-west-1:123456789012:secret:guidance-relay/webhook-AbCdEf';
const NOW_MS = Date.parse('2026-12-03T12:00:00.000Z');

let extension: FakeSecretsExtension;
let port: number;

beforeEach(async () => {
  extension = new FakeSecretsExtension(SESSION_TOKEN);
  port = await extension.start();
});
afterEach(() => extension.stop());

function webhook(secretId: string) {
  return createWebhookHandler({
    queue: new SqsEventQueue(new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' } }), 'https://sqs.eu-west-1.amazonaws.com/123456789012/q'),
    secrets: new SecretsExtensionSource({ webhookSecretId: secretId }, { host: '127.0.0.1', port, sessionToken: () => SESSION_TOKEN }),
    clock: { now: () => NOW_MS },
    maxAgeSeconds: 259_200,
    allowedSourceIps: [],
    logger,
  });
}

async function deliver(secretId: string, signingSecret: string) {
  const body = guidanceReadyBody({ timestamp: NOW_MS - 1000 });
  const event = httpApiEvent({ body, headers: { 'bridgeapi-signature': `v1=${signBody(body, signingSecret)}` } });
  const { result, output } = await captureLogs(() => webhook(secretId)(event, lambdaContext()));
  return { response: parseHttpResult(result), output };
}

describe('the webhook secret through the extension, read by an attacker', () => {
  it('a refused read answers 503 in JSON; neither the refusal, the token nor the id’s ARN reaches a log line or the answer', async () => {
    extension.answer('refused', { status: 400, body: JSON.stringify({ message: REFUSAL, token: SESSION_TOKEN }) });

    const { response, output } = await deliver('refused', SECRET);

    expect(response.statusCode).toBe(503);
    expect(response.json).toEqual(expect.objectContaining({ error: expect.any(String) }));
    expect(output).toContain('webhook_secret_unavailable');
    expect(leakedSecrets(output + JSON.stringify(response), [REFUSAL, SESSION_TOKEN, 'AccessDeniedException'])).toEqual([]);
  });

  it('a forged signature is refused 401; the secret read from the extension is in no log line and not in the answer', async () => {
    extension.answer('live', { secretString: `${SECRET},whsec_next_probe_77e1` });

    const { response, output } = await deliver('live', 'whsec_attacker_guess');

    expect(response.statusCode).toBe(401);
    expect(extension.requests).toEqual([{ secretId: 'live', token: SESSION_TOKEN }]);
    expect(leakedSecrets(output + JSON.stringify(response), [SECRET, 'whsec_next_probe_77e1', SESSION_TOKEN])).toEqual([]);
  });

  it('a secret an operator left unusable answers 500 naming the reason, not the value', async () => {
    const placeholder = ' , ';
    extension.answer('placeholder', { secretString: placeholder }).answer('binary', { secretBinary: Buffer.from(SECRET).toString('base64') });

    for (const id of ['placeholder', 'binary']) {
      const { response, output } = await deliver(id, SECRET);
      expect(response.statusCode).toBe(500);
      expect(output).toContain('webhook_secret_invalid');
      expect(leakedSecrets(output + JSON.stringify(response), [SECRET, Buffer.from(SECRET).toString('base64'), SESSION_TOKEN])).toEqual([]);
    }
  });
});
