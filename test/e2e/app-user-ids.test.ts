import { randomUUID } from 'node:crypto';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { captureLogs } from '../fixtures/log-capture';
import { localClient, waitFor } from '../fixtures/local-client';
import { REAL_WORLD_SUBS } from '../fixtures/real-world-subs';

const COMPANY = '552100554';

let stack: LocalStack;
let client: ReturnType<typeof localClient>;
let onboardingLogs: string;

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0' }, queue: { visibilityTimeoutMs: 300 } });
  client = localClient(stack);
  // All at once: the queue runs them in batches, as it would a morning's webhooks.
  onboardingLogs = (await captureLogs(() => Promise.all(REAL_WORLD_SUBS.map(([, sub]) => onboard(sub))))).output;
});
afterAll(() => stack.stop());

/** Registers `appUserId` for a fresh Bridge user and brings a guidance for COMPANY to it. */
async function onboard(appUserId: string): Promise<void> {
  const bridgeUser = randomUUID();
  stack.bridge!.knownUsers.add(bridgeUser);
  const registered = await client.registerUser(bridgeUser, { app_user_id: appUserId, country_code: 'FR' });
  expect([appUserId, registered.status, registered.json?.app_user_id]).toEqual([appUserId, 200, appUserId]);
  expect((await client.sendWebhook(bridgeUser, COMPANY)).json).toEqual({ status: 'accepted' });
  await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === appUserId), 20_000);
}

describe('app user ids from real identity providers, through PUT /internal/users and the reveal API', () => {
  it.each(REAL_WORLD_SUBS)('serves %s users (sub %s): registered, notified, listed and revealed', async (_issuer, sub) => {
    const token = await client.token(sub);

    const listed = await client.call('GET', '/guidance', { token });
    expect(listed.status).toBe(200);
    expect((listed.json!.items as { company_identification_number: string }[]).map((item) => item.company_identification_number)).toEqual([COMPANY]);
    const revealed = await client.call('POST', `/guidance/${COMPANY}/reveal`, { token });
    expect(revealed.status).toBe(200);
    expect(revealed.json!.password).toEqual(expect.any(String));
  });

  it('writes every log line of their onboarding as one well-formed JSON object', () => {
    const lines = onboardingLogs.split('\n').filter((text) => text.trim() !== '');

    expect(lines.length).toBeGreaterThanOrEqual(REAL_WORLD_SUBS.length);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('never lets an id that spells another user\'s key reach that user\'s guidance', async () => {
    const victim = 'auth0|victim';
    await onboard(victim);
    for (const attacker of [`${victim}#GUIDANCE#${COMPANY}`, 'auth0%7Cvictim', `${victim}#`, 'auth0|victim ', 'AUTH0|victim']) {
      const token = await client.token(attacker);
      const listed = await client.call('GET', '/guidance', { token });
      const revealed = await client.call('POST', `/guidance/${COMPANY}/reveal`, { token });

      expect([attacker, listed.status, listed.json?.items, revealed.status]).toEqual([attacker, 200, [], 404]);
    }
    expect((await client.call('POST', `/guidance/${COMPANY}/reveal`, { token: await client.token(victim) })).status).toBe(200);
  });
});
