import { startLocalStack, type LocalStack } from '../../local/stack';
import { remainsOf, sleepUntil, storeDemoSession } from '../fixtures/password-expiry';

/**
 * The fast variant of test/slow/password-expiry.test.ts: with a sweep every 250 ms, the sweeper's
 * in-run wait deletes the password at its expiry, so a second after it a full scan finds nothing.
 */
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0', PASSWORD_TTL_SECONDS: '2' }, sweepIntervalMs: 250 });
});
afterAll(() => stack.stop());

it('deletes a stored password and its URL from every table within a second of expires_at', async () => {
  const session = await storeDemoSession(stack);
  expect(await remainsOf(stack, session)).toEqual(['ciphertext', 'url']);

  await sleepUntil(session.expiresAt + 1000);

  expect(await remainsOf(stack, session)).toEqual([]);
}, 15_000);
