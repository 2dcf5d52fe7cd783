import fc from 'fast-check';
import { isSignedByAny, parseSignatureHeader, signBody } from '../../shared/domain/webhook-signature';

const CURRENT_SECRET = 'whsec_current_9d2f4c1a';
const NEXT_SECRET = 'whsec_next_77e0b3aa';
const RETIRED_SECRET = 'whsec_retired_0b1c2d3e';
const LIVE_SECRETS = [CURRENT_SECRET, NEXT_SECRET] as const;

const BODY = '{"type":"guidance.health.ready","timestamp":1764072000000,"content":{"user_id":"ecc4eaee-0554-4b4f-8937-3c5b816617f6","company_identification_number":"529196313"}}';
const PRETTY_BODY = JSON.stringify(JSON.parse(BODY), null, 2);
const UTF8_BOM = '\uFEFF';

const good = signBody(BODY, CURRENT_SECRET);
const flipCase = (hex: string) => [...hex].map((char, index) => (index % 2 === 0 ? char.toUpperCase() : char.toLowerCase())).join('');

describe('signBody', () => {
  it('computes HMAC-SHA256 as in RFC 4231 test case 2', () => {
    // Arrange
    const key = 'Jefe';
    const data = 'what do ya want for nothing?';

    // Act
    const digest = signBody(data, key);

    // Assert
    expect(digest).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('gives the same digest for a string and for its UTF-8 bytes', () => {
    // Arrange
    const body = '{"note":"café ☕ 𝄞"}';

    // Act
    const fromString = signBody(body, CURRENT_SECRET);
    const fromBytes = signBody(Buffer.from(body, 'utf8'), CURRENT_SECRET);

    // Assert
    expect(fromBytes).toBe(fromString);
    expect(fromString).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('isSignedByAny', () => {
  type Row = { readonly name: string; readonly body: string | Buffer; readonly header: string | undefined; readonly secrets?: readonly string[]; readonly signed: boolean };

  const rows: Row[] = [
    { name: 'accepts a valid v1 signature', body: BODY, header: `v1=${good}`, signed: true },
    { name: 'accepts a valid v1 entry among junk entries', body: BODY, header: `t=1764072000,v0=${good},garbage,v1=zz,=,v1=,v1=${good},v2=abc`, signed: true },
    { name: 'rejects a correct digest under the v0 scheme only', body: BODY, header: `v0=${good}`, signed: false },
    { name: 'rejects a correct digest under an unknown scheme', body: BODY, header: `sha256=${good}`, signed: false },
    { name: 'rejects a correct digest without a scheme', body: BODY, header: good, signed: false },
    { name: 'rejects a missing header', body: BODY, header: undefined, signed: false },
    { name: 'rejects an empty header', body: BODY, header: '', signed: false },
    { name: 'rejects an empty v1 entry', body: BODY, header: 'v1=', signed: false },
    { name: 'accepts a duplicated header whose first entry is bad', body: BODY, header: `v1=bad,v1=${good}`, signed: true },
    { name: 'accepts a duplicated header whose second entry is bad', body: BODY, header: `v1=${good},v1=bad`, signed: true },
    { name: 'rejects a duplicated header whose entries are both wrong', body: BODY, header: `v1=${signBody(BODY, RETIRED_SECRET)},v1=${'0'.repeat(64)}`, signed: false },
    { name: 'accepts lower-case hex', body: BODY, header: `v1=${good.toLowerCase()}`, signed: true },
    { name: 'accepts upper-case hex', body: BODY, header: `v1=${good.toUpperCase()}`, signed: true },
    { name: 'accepts mixed-case hex', body: BODY, header: `v1=${flipCase(good)}`, signed: true },
    { name: 'accepts a body signed with the second live secret', body: BODY, header: `v1=${signBody(BODY, NEXT_SECRET)}`, signed: true },
    { name: 'rejects a body signed with a retired secret', body: BODY, header: `v1=${signBody(BODY, RETIRED_SECRET)}`, signed: false },
    {
      name: 'rejects the original body when the re-serialised (pretty) body was signed',
      body: BODY,
      header: `v1=${signBody(PRETTY_BODY, CURRENT_SECRET)}`,
      signed: false,
    },
    { name: 'rejects a re-serialised (pretty) body sent with the original signature', body: PRETTY_BODY, header: `v1=${good}`, signed: false },
    {
      name: 'rejects a body whose keys were re-ordered after signing',
      body: JSON.stringify({ content: JSON.parse(BODY).content, timestamp: JSON.parse(BODY).timestamp, type: JSON.parse(BODY).type }),
      header: `v1=${good}`,
      signed: false,
    },
    { name: 'rejects a body with a trailing newline added after signing', body: `${BODY}\n`, header: `v1=${good}`, signed: false },
    { name: 'rejects a body with a leading space added after signing', body: ` ${BODY}`, header: `v1=${good}`, signed: false },
    { name: 'rejects a body with a UTF-8 BOM added after signing', body: `${UTF8_BOM}${BODY}`, header: `v1=${good}`, signed: false },
    { name: 'rejects a body with a BOM stripped after signing', body: BODY, header: `v1=${signBody(`${UTF8_BOM}${BODY}`, CURRENT_SECRET)}`, signed: false },
    { name: 'tolerates spaces after the comma between entries', body: BODY, header: `v0=abc, v1=${good}`, signed: true },
    { name: 'tolerates spaces around an entry', body: BODY, header: `   v1=${good}   `, signed: true },
    { name: 'tolerates spaces around the equals sign', body: BODY, header: `v1 = ${good}`, signed: true },
    { name: 'rejects a digest truncated by one hex digit', body: BODY, header: `v1=${good.slice(0, 63)}`, signed: false },
    { name: 'rejects a digest with one extra hex digit', body: BODY, header: `v1=${good}0`, signed: false },
    { name: 'rejects a digest with a non-hex character', body: BODY, header: `v1=${good.slice(0, 63)}g`, signed: false },
    { name: 'rejects a digest whose last hex digit differs', body: BODY, header: `v1=${good.slice(0, 63)}${good.endsWith('0') ? '1' : '0'}`, signed: false },
    { name: 'rejects a base64 digest of the right HMAC', body: BODY, header: `v1=${Buffer.from(good, 'hex').toString('base64')}`, signed: false },
    { name: 'rejects a digest keyed with the empty secret even when the list holds one', body: BODY, header: `v1=${signBody(BODY, '')}`, secrets: ['', CURRENT_SECRET], signed: false },
    { name: 'rejects every signature when no secret is configured', body: BODY, header: `v1=${good}`, secrets: [], signed: false },
    {
      name: 'verifies the exact bytes of a body that is not UTF-8',
      body: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80]),
      header: `v1=${signBody(Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80]), CURRENT_SECRET)}`,
      signed: true,
    },
    {
      name: 'rejects a non-UTF-8 body whose signature covers its lossy UTF-8 decoding',
      body: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80]),
      header: `v1=${signBody(Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80]).toString('utf8'), CURRENT_SECRET)}`,
      signed: false,
    },
  ];

  it.each(rows)('$name', ({ body, header, secrets, signed }) => {
    // Arrange
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');

    // Act
    const result = isSignedByAny(bytes, header, secrets ?? LIVE_SECRETS);

    // Assert
    expect(result).toBe(signed);
  });

  it('accepts any body signed with any live secret and rejects it once one byte changes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.constantFrom(...LIVE_SECRETS),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (raw, secret, position, delta) => {
          // Arrange
          const body = Buffer.from(raw);
          const header = `v1=${signBody(body, secret)}`;
          const tampered = Buffer.from(body);
          const index = position % tampered.length;
          tampered[index] = ((tampered[index] ?? 0) + delta) % 256;

          // Act + Assert
          expect(isSignedByAny(body, header, LIVE_SECRETS)).toBe(true);
          expect(isSignedByAny(tampered, header, LIVE_SECRETS)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseSignatureHeader', () => {
  it('returns only the well-formed v1 digests, in order', () => {
    // Arrange
    const other = signBody(BODY, NEXT_SECRET);
    const header = `v0=${good}, v1=${good.toUpperCase()},junk,v1=abc, v1=${other}`;

    // Act
    const digests = parseSignatureHeader(header);

    // Assert
    expect(digests.map((digest) => digest.toString('hex'))).toEqual([good, other]);
  });

  it.each([undefined, '', ',,,', 'v0=abc', 'v1', '=v1'])('finds no digest in %p', (header) => {
    // Act
    const digests = parseSignatureHeader(header);

    // Assert
    expect(digests).toEqual([]);
  });
});
