import { isSignedByAny, signBody } from '../../shared/domain/webhook-signature';

// The documented property: every candidate digest is compared under every secret, in constant
// time, whichever one matches. Asserted on the comparisons made, not on wall-clock time, which a
// loaded machine would make meaningless.
const body = Buffer.from('{"type":"guidance.health.ready"}');
const CURRENT = 'current-secret';
const PREVIOUS = 'previous-secret';
const forged = (n: number) => String(n).repeat(64).slice(0, 64);

// The module object itself (an `import * as` namespace would be a copy the code under test never calls).
const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');
let comparisons: jest.SpyInstance;
beforeEach(() => {
  comparisons = jest.spyOn(crypto, 'timingSafeEqual');
});
afterEach(() => comparisons.mockRestore());

describe('webhook signature comparison', () => {
  it.each([
    ['the first entry matches under the first secret', [signBody(body, CURRENT), forged(1), forged(2)], true],
    ['the last entry matches under the last secret', [forged(1), forged(2), signBody(body, PREVIOUS)], true],
    ['nothing matches', [forged(1), forged(2), forged(3)], false],
  ])('compares all 3 entries under both secrets with timingSafeEqual on equal-length digests when %s', (_case, digests, expected) => {
    const header = digests.map((hex) => `v1=${hex}`).join(',');

    expect(isSignedByAny(body, header, [CURRENT, PREVIOUS])).toBe(expected);

    expect(comparisons).toHaveBeenCalledTimes(6);
    for (const [a, b] of comparisons.mock.calls as [Buffer, Buffer][]) {
      expect([a.length, b.length]).toEqual([32, 32]);
    }
  });
});

describe('webhook signature header entries', () => {
  it('ignores, without throwing, a v1 entry of 64 characters that are not all hex, and still accepts a valid one beside it', () => {
    const almostHex = `${signBody(body, CURRENT).slice(0, 62)}zz`;
    const hexAfterJunk = `zz${signBody(body, CURRENT).slice(2)}`;

    expect(isSignedByAny(body, `v1=${hexAfterJunk}`, [CURRENT])).toBe(false);
    expect(isSignedByAny(body, `v1=${almostHex}`, [CURRENT])).toBe(false);
    expect(isSignedByAny(body, `v1=${almostHex},v1=${signBody(body, CURRENT)}`, [CURRENT])).toBe(true);
    expect(comparisons).toHaveBeenCalledTimes(1);
  });
});
