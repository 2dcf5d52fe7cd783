import { startLocalStack, type LocalStack } from '../../local/stack';
import { handleError, LIST_GUIDANCE_ERRORS, revealOnce } from '../../client/examples/handle-every-error';
import { localClient, revealApi, waitFor } from '../fixtures/local-client';

const ERIN = '77777777-7777-4777-8777-777777777777';
const COMPANY = '732829320';

let stack: LocalStack;
let client: ReturnType<typeof localClient>;

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0' } });
  stack.bridge!.knownUsers.add(ERIN);
  client = localClient(stack);
});
afterAll(() => stack.stop());

describe('the reveal API through the shipped typed client', () => {
  it('lists, reveals, deletes, renews and rotates, counting down by the server clock', async () => {
    await client.registerUser(ERIN, { app_user_id: 'erin', country_code: 'FR' });
    await client.sendWebhook(ERIN, COMPANY);
    await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === 'erin'));
    const { api } = revealApi(stack, await client.token('erin'));

    const listed = await api.listGuidance();
    const revealed = await api.revealPassword(COMPANY);
    const deleted = await api.deleteSession(COMPANY);
    const afterDelete = await api.listGuidance();
    const renewed = await api.revealPassword(COMPANY);
    const rotated = await api.rotateSession(COMPANY);

    expect(listed.data?.items).toEqual([{ company_identification_number: COMPANY, ready_at: expect.any(String), session: expect.objectContaining({ reveal_count: 0 }) }]);
    expect(revealed.data?.session_id).toBe(listed.data?.items[0]?.session?.id);
    expect(deleted).toMatchObject({ ok: true, status: 204 });
    expect(afterDelete.data?.items[0]?.session).toBeNull();
    expect(renewed.data?.session_id).not.toBe(revealed.data?.session_id);
    expect(rotated.data?.session_id).not.toBe(renewed.data?.session_id);
    // The laptop and its stack share a clock: the offset is the Date header's rounding only.
    expect(Math.abs(api.serverTimeOffsetMs())).toBeLessThanOrEqual(1500);
    const ttlMs = stack.config.passwordTtlSeconds * 1000;
    expect(api.expiresInMs(rotated.data!.expires_at)).toBeGreaterThan(ttlMs - 5_000);
    expect(api.expiresInMs(rotated.data!.expires_at)).toBeLessThanOrEqual(ttlMs + 1_500);
  });

  it('gives each refusal of the laptop stack its documented code', async () => {
    const { api } = revealApi(stack, await client.token('erin'));
    const anonymous = revealApi(stack, undefined).api;

    const answers = await Promise.all([api.revealPassword('12345'), api.revealPassword('552100554'), anonymous.listGuidance()]);

    expect(answers.map((answer) => [answer.status, answer.error?.code, answer.error?.source])).toEqual([
      [400, 'invalid_request', 'service'],
      [404, 'not_found', 'service'],
      [401, 'unauthorized', 'gateway'],
    ]);
  });

  it('runs the compiled consumer example: one documented handler per refusal', async () => {
    const { api } = revealApi(stack, await client.token('erin'));
    const anonymous = revealApi(stack, undefined).api;

    const outcomes = [
      await revealOnce(api.raw, COMPANY),
      await revealOnce(api.raw, '552100554'),
      await revealOnce(api.raw, 'not-a-siren'),
      await revealOnce(anonymous.raw, COMPANY),
    ];
    const { error, response } = await anonymous.raw.GET('/guidance');

    expect(outcomes).toEqual([
      { kind: 'done' },
      { kind: 'tell-user', code: 'not_found' },
      { kind: 'bug', code: 'invalid_request' },
      { kind: 'sign-in', refusedBy: 'gateway' },
    ]);
    expect(handleError(LIST_GUIDANCE_ERRORS, response.status, error)).toEqual({ kind: 'sign-in', refusedBy: 'gateway' });
  });
});
