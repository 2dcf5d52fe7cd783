import { startLocalStack, type LocalStack } from '../../local/stack';
import { remainsOf, sleepUntil, storeDemoSession } from '../fixtures/password-expiry';

/**
 * What `PASSWORD_TTL_SECONDS=5 npm start` shows, with the sweeper on its deployed schedule (every
 * minute): 65 s after expires_at a full scan of every table finds neither the password's
 * ciphertext nor its session URL. dynalite has no TTL: only the sweeper can have deleted them.
 */
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0', PASSWORD_TTL_SECONDS: '5' } });
});
afterAll(() => stack.stop());

it('leaves no ciphertext and no URL of an expired session 65 s after expires_at, on the default sweep schedule', async () => {
  const session = await storeDemoSession(stack);
  expect(session.expiresAt - session.createdAt).toBe(5000);
  expect(await remainsOf(stack, session)).toEqual(['ciphertext', 'url']);

  await sleepUntil(session.expiresAt + 65_000);

  expect(await remainsOf(stack, session)).toEqual([]);
}, 120_000);
