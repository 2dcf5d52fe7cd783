import fc from 'fast-check';
import { encodeKeyPart, keys } from '../../shared/adapters/dynamo-keys';
import { APP_USER_ID_MAX_LENGTH, isAppUserId } from '../../shared/domain/identifiers';
import { userProfileBodySchema } from '../../shared/domain/user-profile';
import { check } from '../../shared/domain/validation';
import { REAL_WORLD_SUBS } from '../fixtures/real-world-subs';

const acceptsBody = (appUserId: string) => check(userProfileBodySchema, { app_user_id: appUserId, country_code: 'FR' }).ok;


describe('app_user_id: what identity providers put in sub', () => {
  it.each(REAL_WORLD_SUBS)('accepts %s: %s', (_issuer, sub) => {
    expect(isAppUserId(sub)).toBe(true);
    expect(acceptsBody(sub)).toBe(true);
  });

  it('accepts up to 255 characters (the OpenID Connect bound on sub) and nothing longer', () => {
    expect(isAppUserId('a'.repeat(APP_USER_ID_MAX_LENGTH))).toBe(true);
    expect(isAppUserId('a'.repeat(APP_USER_ID_MAX_LENGTH + 1))).toBe(false);
    expect(isAppUserId('')).toBe(false);
  });

  it.each([
    ['a space', 'jane doe'],
    ['a line break (a forged log line)', 'jane\n{"level":"ERROR"}'],
    ['a tab', 'jane\tdoe'],
    ['a NUL', 'jane\u0000'],
    ['DEL', 'jane\u007F'],
    ['an escape sequence for a terminal', '\u001b[31mjane'],
    ['non-ASCII', 'jäne'],
    ['full-width letters', 'ｊａｎｅ'],
  ])('refuses an id with %s', (_what, sub) => {
    expect(isAppUserId(sub)).toBe(false);
    expect(acceptsBody(sub)).toBe(false);
  });
});

describe('app user ids inside DynamoDB keys', () => {
  it('keeps the key of every id made of the characters accepted before', () => {
    for (const id of ['demo-user', 'user.name@corp:1+2-3', 'Jane_Doe', '00u1a2b3c4D5e6F7g8h9']) {
      expect(keys.appUserPartition(id)).toBe(`APP#${id}`);
    }
  });

  it('escapes the key separator and the escape itself, so an id cannot spell another key', () => {
    expect(keys.appUserPartition('auth0|65f')).toBe('APP#auth0%7C65f');
    expect(keys.guidance('alice#GUIDANCE#529196313', '529196313')).toEqual({ pk: 'APP#alice%23GUIDANCE%23529196313', sk: 'GUIDANCE#529196313' });
    expect(keys.appUserPartition('bob%23x')).toBe('APP#bob%2523x');
    expect(keys.appUserPartition('bob%23x')).not.toBe(keys.appUserPartition('bob#x'));
  });

  it('gives two different ids two different partitions, each with exactly one "#" (fast-check)', () => {
    const appUserId = fc.stringMatching(/^[\x21-\x7E]{1,60}$/);
    fc.assert(
      fc.property(appUserId, appUserId, (a, b) => {
        const [pa, pb] = [keys.appUserPartition(a), keys.appUserPartition(b)];
        expect(pa.split('#')).toHaveLength(2);
        expect(pa === pb).toBe(a === b);
        expect(decodeURIComponent(pa.slice('APP#'.length))).toBe(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses to build a key from non-ASCII text rather than guess an encoding', () => {
    expect(() => encodeKeyPart('jäne')).toThrow(RangeError);
  });
});
