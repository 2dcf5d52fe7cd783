import { startLocalStack, type LocalStack } from '../../local/stack';
import { DEMO_USERS } from '../../local/local-config';
import { DEFAULT_USER_SESSIONS_PER_HOUR } from '../../shared/domain/user-limits';
import { localClient, waitFor } from '../fixtures/local-client';

const [ANNE, BEN] = DEMO_USERS;
const COMPANY = ANNE.company;

let stack: LocalStack;
let client: ReturnType<typeof localClient>;

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0' } });
  client = localClient(stack);
  for (const user of DEMO_USERS) expect((await client.sendWebhook(user.bridgeUserUuid, user.company)).status).toBe(200);
  await waitFor(() => stack.outbox.entries.length >= 2);
});
afterAll(() => stack.stop());

describe('per-user limits on the laptop stack, over HTTP', () => {
  it('30 parallel rotations by one user get 429s with Retry-After, while another user’s reveal and rotation answer 200', async () => {
    const anneToken = await client.token(ANNE.appUserId);
    const benToken = await client.token(BEN.appUserId);
    const sessionsBefore = stack.bridge!.sessions.length;

    const [flood, benReveal, benRotate] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, () => client.call('POST', `/guidance/${COMPANY}/rotate`, { token: anneToken }))),
      client.call('POST', `/guidance/${BEN.company}/reveal`, { token: benToken }),
      client.call('POST', `/guidance/${BEN.company}/rotate`, { token: benToken }),
    ]);

    const limited = flood.filter((response) => response.status === 429);
    const rotated = flood.filter((response) => response.status === 200);
    // The hourly window may turn during the test: then at most twice the allowance passes.
    expect(limited.length).toBeGreaterThanOrEqual(30 - 2 * DEFAULT_USER_SESSIONS_PER_HOUR);
    expect(rotated.length + limited.length).toBe(30);
    for (const response of limited) {
      expect(response.json).toEqual({ error: 'rate_limited', message: expect.any(String) });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect([benReveal.status, benRotate.status]).toEqual([200, 200]);
    const anneSessions = stack.bridge!.sessions.slice(sessionsBefore).filter((session) => session.userUuid === ANNE.bridgeUserUuid);
    expect(anneSessions.length).toBeLessThanOrEqual(2 * DEFAULT_USER_SESSIONS_PER_HOUR);
  });
});
