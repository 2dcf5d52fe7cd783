import { scanEveryTable } from '../../local/dynamo';
import { SignJWT } from 'jose';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { LOCAL_JWT_AUDIENCE, LOCAL_JWT_ISSUER } from '../../local/jwt';
import { captureLogs, leakedSecrets } from '../fixtures/log-capture';
import { localClient, revealApi, waitFor } from '../fixtures/local-client';

const CAROL = '44444444-4444-4444-8444-444444444444';
const COMPANY = '552100554';

let stack: LocalStack;
let client: ReturnType<typeof localClient>;

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0' }, queue: { visibilityTimeoutMs: 300 } });
  stack.bridge!.knownUsers.add(CAROL);
  client = localClient(stack);
});
afterAll(() => stack.stop());

describe('the laptop stack, end to end over HTTP', () => {
  it('audits refused calls too: a malformed company and a subject no app user can have', async () => {
    const stranger = await client.token('x'.repeat(300)); // longer than an app user id may be
    const { output, result } = await captureLogs(async () => ({
      badCompany: await client.call('POST', '/guidance/12345/reveal', { token: await client.token('carol') }),
      strangerRotate: await client.call('POST', `/guidance/${COMPANY}/rotate`, { token: stranger }),
    }));
    const audits = output
      .split('\n')
      .filter((line) => line.includes('"Audit"'))
      .map((line) => (JSON.parse(line) as { audit: Record<string, string> }).audit);

    expect([result.badCompany.status, result.strangerRotate.status]).toEqual([400, 404]);
    expect(audits).toEqual([
      { action: 'reveal', appUserId: 'carol', company: '(invalid)', outcome: 'invalid_request' },
      { action: 'rotate', appUserId: '(invalid)', company: COMPANY, outcome: 'not_found' },
    ]);
    expect(output).not.toContain('x'.repeat(300));
  });

  it('takes a guidance from webhook to reveal, delete, renewal and rotation, leaking no secret to the logs', async () => {
    const { output, result } = await captureLogs(async () => {
      const registered = await client.registerUser(CAROL, { app_user_id: 'carol', country_code: 'FR', contact_email: 'carol@example.com' });
      expect(registered.status).toBe(200);

      const started = performance.now();
      expect((await client.sendWebhook(CAROL, COMPANY)).json).toEqual({ status: 'accepted' });
      await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === 'carol'));
      const webhookToNotificationMs = performance.now() - started;

      // As an app calls it: through the shipped typed client.
      const token = await client.token('carol');
      const { api, answers } = revealApi(stack, token);
      const listed = await api.listGuidance();
      const revealed = await api.revealPassword(COMPANY);
      const deleted = await api.deleteSession(COMPANY);
      const afterDelete = await api.listGuidance();
      const renewed = await api.revealPassword(COMPANY);
      const rotated = await api.rotateSession(COMPANY);
      return { token, answers, listed, revealed, deleted, afterDelete, renewed, rotated, webhookToNotificationMs };
    });
    const { token, answers, listed, revealed, deleted, afterDelete, renewed, rotated, webhookToNotificationMs } = result;

    console.log(`laptop stack: signed webhook accepted → password stored and notification in the outbox in ${webhookToNotificationMs.toFixed(0)} ms`);
    expect(webhookToNotificationMs).toBeLessThan(1000);
    expect(listed.status).toBe(200);
    const items = listed.data!.items;
    expect(items).toHaveLength(1);
    expect(items[0]!.session?.reveal_count).toBe(0);
    expect(revealed.status).toBe(200);
    expect(revealed.data).toEqual({ session_id: items[0]!.session?.id, url: expect.any(String), password: expect.any(String), expires_at: expect.any(String) });
    expect(deleted.status).toBe(204);
    expect(afterDelete.data!.items[0]!.session).toBeNull();
    expect(renewed.data!.session_id).not.toBe(revealed.data!.session_id);
    expect(rotated.data!.session_id).not.toBe(renewed.data!.session_id);
    expect(answers).toHaveLength(6);
    for (const headers of answers) expect(headers.get('cache-control')).toBe('no-store');

    const passwords = [revealed, renewed, rotated].map((response) => String(response.data!.password));
    const urls = [revealed, renewed, rotated].map((response) => String(response.data!.url));
    const urlTokens = urls.map((url) => new URL(url).searchParams.get('token') ?? url);
    const configured = [stack.config.webhookSecrets[0]!, stack.config.bridgeClientSecret, stack.config.adminToken, stack.config.jwtSecret];
    expect(output).toContain('Audit');
    expect(leakedSecrets(output, [...passwords, ...urlTokens, token, ...configured])).toEqual([]);
    const Items = await scanEveryTable(stack.db, stack.dynamo);
    const table = JSON.stringify(Items, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(leakedSecrets(table, passwords)).toEqual([]);
  });

  it('refuses missing, forged, expired and wrongly addressed tokens with 401', async () => {
    const secret = new TextEncoder().encode(stack.config.jwtSecret);
    const base = () => new SignJWT({}).setSubject('carol').setIssuer(LOCAL_JWT_ISSUER).setAudience(LOCAL_JWT_AUDIENCE).setIssuedAt();
    const unsigned = (claims: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const tokens = {
      none: unsigned({ sub: 'carol', iss: LOCAL_JWT_ISSUER, aud: LOCAL_JWT_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 }),
      // The right key: refused for its algorithm alone (the control below is accepted).
      hs512: await base().setProtectedHeader({ alg: 'HS512' }).setExpirationTime('1h').sign(secret),
      wrongKey: await base().setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('other')),
      expired: await base().setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(secret),
      wrongAudience: await base().setProtectedHeader({ alg: 'HS256' }).setAudience('someone-else').setExpirationTime('1h').sign(secret),
      wrongIssuer: await base().setProtectedHeader({ alg: 'HS256' }).setIssuer('evil').setExpirationTime('1h').sign(secret),
      garbage: 'not-a-jwt',
    };

    const refusals = await Promise.all([undefined, ...Object.values(tokens)].map((token) => revealApi(stack, token).api.listGuidance()));

    expect(refusals.map((refusal) => [refusal.status, refusal.error?.code])).toEqual(Array(refusals.length).fill([401, 'unauthorized']));
    // The same key and claims with the right algorithm are accepted: the HS512 token was refused for its algorithm.
    const control = await base().setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret);
    expect((await revealApi(stack, control).api.listGuidance()).status).toBe(200);
  });

  it('answers another user’s company exactly like a missing one', async () => {
    const mallory = await client.token('mallory');

    const { api } = revealApi(stack, mallory);

    const answers = await Promise.all([api.revealPassword(COMPANY), api.rotateSession(COMPANY), api.deleteSession(COMPANY), api.revealPassword('123456789')]);

    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    expect(new Set(answers.map((a) => JSON.stringify([a.error?.code, a.error?.message]))).size).toBe(1);
    expect((await api.listGuidance()).data).toEqual({ items: [] });
  });

  it('validates /internal/users and erases everything of a deleted user', async () => {
    const dave = '55555555-5555-4555-8555-555555555555';
    stack.bridge!.knownUsers.add(dave);
    const invalid = await client.registerUser(dave, { app_user_id: 'dave', country_code: 'france', contact_phone_number: '0612' });
    const unauthenticated = await client.call('PUT', `/internal/users/${dave}`, { body: '{}' });
    const badUuid = await client.registerUser('not-a-uuid', { app_user_id: 'dave', country_code: 'FR' });
    await client.registerUser(dave, { app_user_id: 'dave', country_code: 'FR', contact_phone_number: '+33612345678' });
    await client.sendWebhook(dave, COMPANY);
    await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === 'dave'));

    const erased = await client.call('DELETE', `/internal/users/${dave}`, { token: client.admin });

    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual({ error: 'invalid_request', message: expect.stringMatching(/country_code.*contact_phone_number/) });
    expect(unauthenticated.status).toBe(401);
    expect(badUuid.status).toBe(400);
    expect(erased.status).toBe(204);
    const Items = await scanEveryTable(stack.db, stack.dynamo);
    expect(JSON.stringify(Items)).not.toMatch(/dave|55555555-5555/);
    expect((await client.call('GET', '/guidance', { token: await client.token('dave') })).json).toEqual({ items: [] });
  });

  it('exposes the outbox and dead letters to the admin token only', async () => {
    const ghost = '66666666-6666-4666-8666-666666666666';
    await client.sendWebhook(ghost, COMPANY);
    await waitFor(() => stack.queue.deadLetters.length > 0);

    const outbox = await client.call('GET', '/_local/outbox', { token: client.admin });
    const deadLetters = await client.call('GET', '/_local/dead-letters', { token: client.admin });
    const refused = await client.call('GET', '/_local/outbox', { token: await client.token('carol') });

    expect((outbox.json!.items as unknown[]).length).toBeGreaterThan(0);
    expect(deadLetters.json!.items).toEqual([expect.objectContaining({ reason: 'unknown_user' })]);
    expect(refused.status).toBe(401);
  });
});
