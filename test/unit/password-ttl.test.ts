import { readConfig } from '../../infra/config';
import { readLocalConfig } from '../../local/local-config';
import { readPasswordTtlSeconds } from '../../shared/config';
import { passwordTtlBounds } from '../../shared/domain/password-ttl';

// Every reader of the password lifetime applies the one rule: the CDK context, the functions' env, the laptop's env.
const readers = {
  context: (seconds: number) => readConfig({ passwordTtlSeconds: seconds }).passwordTtlSeconds,
  functions: (seconds: number) => readPasswordTtlSeconds({ PASSWORD_TTL_SECONDS: String(seconds) }),
  laptop: (seconds: number) => readLocalConfig({ PASSWORD_TTL_SECONDS: String(seconds) }).passwordTtlSeconds,
};
const accepts = (read: (seconds: number) => number, seconds: number) => {
  try {
    return read(seconds) === seconds;
  } catch {
    return false;
  }
};

describe('the password lifetime rule', () => {
  it('never exceeds Bridge’s 30 minutes, and is 30 minutes by default', () => {
    expect(passwordTtlBounds('deployed')).toEqual({ defaultSeconds: 1800, minSeconds: 60, maxSeconds: 1800 });
    expect(passwordTtlBounds('laptop')).toEqual({ defaultSeconds: 1800, minSeconds: 1, maxSeconds: 1800 });
  });

  it.each([
    ['context', 'deployed'],
    ['functions', 'deployed'],
    ['laptop', 'laptop'],
  ] as const)('is what the %s reader accepts: its bounds and nothing outside them', (reader, where) => {
    const { minSeconds, maxSeconds } = passwordTtlBounds(where);
    const read = readers[reader];

    expect([minSeconds - 1, minSeconds, maxSeconds, maxSeconds + 1].map((seconds) => accepts(read, seconds))).toEqual([false, true, true, false]);
  });
});
