import { startLocalStack, type LocalStack } from '../../local/stack';
import { localClient, revealApi, waitFor } from '../fixtures/local-client';

const WEB_APP = 'https://app.example.com';
const DEV_SERVER = 'http://localhost:5173';
const EVIL = 'https://evil.example.net';
const DEMO = { bridgeUserUuid: 'ecc4eaee-0554-4b4f-8937-3c5b816617f6', appUserId: 'demo-user', company: '529196313' };
const REVEAL_PATH = `/guidance/${DEMO.company}/reveal`;

let stack: LocalStack;
let client: ReturnType<typeof localClient>;

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0', CORS_ALLOWED_ORIGINS: `${WEB_APP}, ${DEV_SERVER}` } });
  client = localClient(stack);
  await client.sendWebhook(DEMO.bridgeUserUuid, DEMO.company);
  await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === DEMO.appUserId));
});
afterAll(() => stack.stop());

/** A browser's preflight for a POST with a bearer token. */
const preflight = (path: string, origin: string) =>
  fetch(`${stack.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

describe('CORS on the laptop stack, as API Gateway answers it', () => {
  it.each([WEB_APP, DEV_SERVER])('answers a preflight from the allowed origin %s with 204 and the Access-Control-Allow-* headers', async (origin) => {
    const answer = await preflight(REVEAL_PATH, origin);

    expect(answer.status).toBe(204);
    expect(Object.fromEntries([...answer.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET,POST,DELETE',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-expose-headers': 'date,retry-after',
      'access-control-max-age': '3600',
    });
    expect(answer.headers.has('access-control-allow-credentials')).toBe(false);
  });

  it('answers a preflight from any other origin without Access-Control-Allow-Origin', async () => {
    const answers = await Promise.all([preflight(REVEAL_PATH, EVIL), preflight('/guidance', 'null'), preflight(REVEAL_PATH, `${WEB_APP}.evil.example.net`)]);

    for (const answer of answers) {
      expect(answer.status).toBe(204);
      expect([...answer.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('never answers CORS on the webhook or /internal routes, even to an allowed origin', async () => {
    const answers = await Promise.all([preflight('/webhooks/bridge', WEB_APP), preflight(`/internal/users/${DEMO.bridgeUserUuid}`, WEB_APP)]);
    const webhook = await fetch(`${stack.url}/webhooks/bridge`, { method: 'POST', headers: { origin: WEB_APP }, body: '{}' });

    expect(answers.map((answer) => answer.status)).toEqual([405, 405]);
    for (const answer of [...answers, webhook]) expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a page on an allowed origin reveal the password through the typed client, and read Date and Retry-After', async () => {
    const { api, answers } = revealApi(stack, await client.token(DEMO.appUserId), { origin: WEB_APP });

    const revealed = await api.revealPassword(DEMO.company);

    expect(revealed.ok).toBe(true);
    expect(revealed.data).toEqual({ session_id: expect.any(String), url: expect.any(String), password: expect.any(String), expires_at: expect.any(String) });
    expect(answers[0]?.get('access-control-allow-origin')).toBe(WEB_APP);
    expect(answers[0]?.get('access-control-expose-headers')).toBe('date,retry-after');
    expect(api.expiresInMs(revealed.data!.expires_at)).toBeGreaterThan(29 * 60_000);
  });

  it("lets the page read the authorizer's 401, so it can sign the user in again", async () => {
    const { api, answers } = revealApi(stack, undefined, { origin: WEB_APP });

    const refused = await api.revealPassword(DEMO.company);

    expect(refused.error).toMatchObject({ status: 401, code: 'unauthorized', source: 'gateway', message: 'Unauthorized' });
    expect(answers[0]?.get('access-control-allow-origin')).toBe(WEB_APP);
  });

  it('gives an answer to another origin no Access-Control-Allow-Origin, so its page cannot read it', async () => {
    const { api, answers } = revealApi(stack, await client.token(DEMO.appUserId), { origin: EVIL });

    await api.listGuidance();

    expect(answers[0]?.get('access-control-allow-origin')).toBeNull();
  });

  it('sends nosniff, HSTS and no-store with every reveal-API answer, success or refusal', async () => {
    const token = await client.token(DEMO.appUserId);
    const { api, answers } = revealApi(stack, token, { origin: WEB_APP });
    const anonymous = revealApi(stack, undefined);

    await api.listGuidance();
    await api.revealPassword(DEMO.company);
    await api.revealPassword('12345');
    await api.deleteSession(DEMO.company);
    await anonymous.api.listGuidance();
    const all = [...answers, ...anonymous.answers, (await preflight(REVEAL_PATH, WEB_APP)).headers];

    expect(all).toHaveLength(6);
    for (const headers of all) {
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it.each(['*', 'http://app.example.com', 'https://app.example.com/', 'https://app.example.com/path'])('refuses to start with %s', async (origin) => {
    await expect(startLocalStack({ env: { PORT: '0', CORS_ALLOWED_ORIGINS: origin } })).rejects.toThrow('CORS_ALLOWED_ORIGINS');
  });

  it('answers no preflight when unset, as a deployed API without CORS', async () => {
    const plain = await startLocalStack({ env: { PORT: '0' } });
    try {
      const answer = await fetch(`${plain.url}${REVEAL_PATH}`, { method: 'OPTIONS', headers: { origin: WEB_APP, 'access-control-request-method': 'POST' } });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.stop();
    }
  });
});
