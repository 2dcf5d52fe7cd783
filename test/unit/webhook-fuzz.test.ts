import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { createWebhookHandler } from '../../functions/bridge-webhook/app';
import { SqsEventQueue } from '../../shared/adapters/sqs-event-queue';
import { logger } from '../../shared/observability';
import { DEMO_BRIDGE_USER_UUID, DEMO_COMPANY, httpApiEvent, lambdaContext, parseHttpResult } from '../fixtures/api-gateway';

/*
 * Property-based fuzzing of POST /webhooks/bridge. Every case is checked against an oracle written
 * from docs/contract.md alone (its own HMAC, JSON and schema checks), so the handler must agree with the
 * contract on every status, not merely avoid crashing.
 */

const FUZZ_RUNS = Number(process.env.WEBHOOK_FUZZ_RUNS ?? 2_000);
const NOW_MS = Date.parse('2026-11-25T12:00:00.000Z');
const MAX_AGE_SECONDS = 259_200;
const FUTURE_SKEW_MS = 300_000;
const MAX_BODY_BYTES = 65_536;
const OLDEST_FRESH_MS = NOW_MS - MAX_AGE_SECONDS * 1000;
const NEWEST_FRESH_MS = NOW_MS + FUTURE_SKEW_MS;
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/guidance-relay-events';
const LIVE_SECRETS = ['whsec_fuzz_current_1a2b', 'whsec_fuzz_next_3c4d'] as const;
const RETIRED_SECRET = 'whsec_fuzz_retired_5e6f';
const GUIDANCE_TYPE = 'guidance.health.ready';
const OTHER_USER_UUID = '9a06895a-7a97-48fd-92d5-eaebf4fdf2b1';

// RFC 9562 UUID (versions 1-8, variant 10xx) plus the nil and max UUIDs, in either case.
const UUID = /^([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;
const SIREN = /^[0-9]{9}$/;
const ANSWERABLE_STATUSES = new Set([200, 400, 401, 413]);

const sqsMock = mockClient(SQSClient);
const handler = createWebhookHandler({
  queue: new SqsEventQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL),
  secrets: { webhookSecrets: async () => LIVE_SECRETS },
  clock: { now: () => NOW_MS },
  maxAgeSeconds: MAX_AGE_SECONDS,
  allowedSourceIps: [],
  logger,
});

// ---------------------------------------------------------------------------------------------
// The oracle: what the contract says the answer must be.

type Expected =
  | { readonly statusCode: 200; readonly status: 'accepted'; readonly user: string; readonly company: string; readonly timestamp: number }
  | { readonly statusCode: 200; readonly status: 'ignored' | 'stale' }
  | { readonly statusCode: 400 | 401 | 413; readonly error: string };

function hmacHex(bytes: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(bytes).digest('hex');
}

function isContractSigned(bytes: Buffer, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = new Set(LIVE_SECRETS.map((secret) => hmacHex(bytes, secret)));
  return header.split(',').some((entry) => {
    const at = entry.indexOf('=');
    return at > 0 && entry.slice(0, at).trim() === 'v1' && expected.has(entry.slice(at + 1).trim().toLowerCase());
  });
}

function expectedAnswer(bytes: Buffer, header: string | undefined): Expected {
  if (bytes.length > MAX_BODY_BYTES) return { statusCode: 413, error: 'payload_too_large' };
  if (!isContractSigned(bytes, header)) return { statusCode: 401, error: 'invalid_signature' };
  let payload: unknown;
  try {
    payload = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { statusCode: 400, error: 'invalid_json' };
  }
  if (typeof payload !== 'object' || payload === null) return { statusCode: 200, status: 'ignored' };
  const { type, timestamp, content } = payload as Record<string, unknown>;
  if (type !== GUIDANCE_TYPE) return { statusCode: 200, status: 'ignored' };
  const { user_id: user, company_identification_number: company } =
    typeof content === 'object' && content !== null && !Array.isArray(content) ? (content as Record<string, unknown>) : {};
  const valid =
    typeof timestamp === 'number' &&
    Number.isSafeInteger(timestamp) &&
    timestamp > 0 &&
    typeof user === 'string' &&
    UUID.test(user) &&
    typeof company === 'string' &&
    SIREN.test(company);
  if (!valid) return { statusCode: 400, error: 'invalid_event' };
  if (timestamp < OLDEST_FRESH_MS || timestamp > NEWEST_FRESH_MS) return { statusCode: 200, status: 'stale' };
  return { statusCode: 200, status: 'accepted', user: user.toLowerCase(), company, timestamp };
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const MISSING = Symbol('missing');
type Field = unknown;

const weighted = <T>(...entries: [number, fc.Arbitrary<T>][]) => fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));

const typeArb: fc.Arbitrary<Field> = weighted<Field>(
  [12, fc.constant(GUIDANCE_TYPE)],
  [1, fc.constantFrom('TEST_EVENT', 'guidance.health.ready ', 'Guidance.Health.Ready', 'guidance.health', 'item.refreshed', '')],
  [1, fc.string({ maxLength: 30 })],
  [1, fc.constantFrom<Field>(null, MISSING, 1, true, [GUIDANCE_TYPE], { value: GUIDANCE_TYPE })],
);

const freshTimestampArb = fc.integer({ min: OLDEST_FRESH_MS, max: NEWEST_FRESH_MS });
const timestampArb: fc.Arbitrary<Field> = weighted<Field>(
  [30, freshTimestampArb],
  [2, fc.constantFrom(OLDEST_FRESH_MS, OLDEST_FRESH_MS - 1, NEWEST_FRESH_MS, NEWEST_FRESH_MS + 1, 1, Number.MAX_SAFE_INTEGER)],
  [1, fc.integer({ min: 1, max: OLDEST_FRESH_MS - 1 })],
  [1, fc.integer({ min: NEWEST_FRESH_MS + 1, max: Number.MAX_SAFE_INTEGER })],
  [1, fc.integer({ min: 1_500_000_000, max: 2_000_000_000 })], // seconds, like Bridge's test event
  [1, fc.integer({ min: Number.MIN_SAFE_INTEGER, max: 0 })],
  [1, fc.double({ noNaN: true })],
  [1, freshTimestampArb.map((value) => value + 0.5)],
  [1, freshTimestampArb.map(String)],
  [1, fc.constantFrom<Field>(2 ** 53, 1e21, 1e300, null, MISSING, true, [NOW_MS], {})],
);

const userIdArb: fc.Arbitrary<Field> = weighted<Field>(
  [24, fc.constantFrom(DEMO_BRIDGE_USER_UUID, OTHER_USER_UUID)],
  [3, fc.uuid()],
  [2, fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] }).map((uuid) => uuid.toUpperCase())],
  [
    1,
    fc.constantFrom<Field>(
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      `{${DEMO_BRIDGE_USER_UUID}}`,
      DEMO_BRIDGE_USER_UUID.replace(/-/g, ''),
      `${DEMO_BRIDGE_USER_UUID}\n`,
      ` ${DEMO_BRIDGE_USER_UUID}`,
      'ｅcc4eaee-0554-4b4f-8937-3c5b816617f6',
      'ecc4eaee-0554-0b4f-8937-3c5b816617f6',
      'ecc4eaee-0554-4b4f-c937-3c5b816617f6',
    ),
  ],
  [1, fc.string({ maxLength: 40, unit: 'grapheme' })],
  [1, fc.constantFrom<Field>(null, MISSING, 42, [DEMO_BRIDGE_USER_UUID], { id: DEMO_BRIDGE_USER_UUID })],
);

const companyArb: fc.Arbitrary<Field> = weighted<Field>(
  [20, fc.constant(DEMO_COMPANY)],
  [8, fc.stringMatching(/^[0-9]{9}$/)],
  [
    1,
    fc.constantFrom<Field>(
      '52919631',
      '5291963130',
      '٥٢٩١٩٦٣١٣',
      '５２９１９６３１３',
      `${DEMO_COMPANY}\n`,
      ` ${DEMO_COMPANY}`,
      '529 196 313',
      '52919631a',
      '+29196313',
      '529196313.0',
    ),
  ],
  [1, fc.stringMatching(/^[0-9]{1,12}$/)],
  [1, fc.constantFrom<Field>(529196313, 5.29196313e8, null, MISSING, true, [DEMO_COMPANY])],
);

const extraFieldsArb = weighted<Record<string, unknown>>(
  [24, fc.constant({})],
  [8, fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })],
  [4, fc.dictionary(fc.string({ maxLength: 8, unit: 'grapheme' }), fc.string({ maxLength: 40, unit: 'grapheme' }), { maxKeys: 3 })],
  [2, fc.integer({ min: 100, max: 4000 }).map((length) => ({ blob: 'ab'.repeat(length) }))],
  // Huge strings around the 64 KiB limit, in 1-byte and 3-byte characters (rare: each costs ~1 ms).
  [1, fc.integer({ min: 65_200, max: 65_600 }).map((length) => ({ padding: 'x'.repeat(length) }))],
  [1, fc.integer({ min: 21_700, max: 21_900 }).map((length) => ({ note: '€'.repeat(length) }))],
);

const contentArb: fc.Arbitrary<Field> = weighted<Field>(
  [14, fc.record({ user_id: userIdArb, company_identification_number: companyArb, extra: extraFieldsArb })],
  [1, fc.constantFrom<Field>(null, MISSING, 'ecc4eaee', [DEMO_BRIDGE_USER_UUID, DEMO_COMPANY], 0)],
);

function withoutMissing(entries: Record<string, Field>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== MISSING));
}

const nearValidEventArb = fc
  .record({ type: typeArb, timestamp: timestampArb, content: contentArb, extra: extraFieldsArb })
  .map(({ type, timestamp, content, extra }) => {
    const contentValue =
      typeof content === 'object' && content !== null && 'extra' in content
        ? (() => {
            const { extra: contentExtra, ...fields } = content as Record<string, Field> & { extra: Record<string, unknown> };
            return { ...contentExtra, ...withoutMissing(fields) };
          })()
        : content;
    return { ...extra, ...withoutMissing({ type, timestamp, content: contentValue }) };
  });

/** How a JSON value is written: Bridge sends compact JSON, but the bytes are whatever was signed. */
const serialisedArb = (valueArb: fc.Arbitrary<unknown>) =>
  fc
    .record({
      value: valueArb,
      indent: fc.constantFrom<undefined | number | string>(undefined, undefined, undefined, 2, '\t'),
      prefix: fc.constantFrom('', '', '', '', ' ', '\n', '\uFEFF'),
      suffix: fc.constantFrom('', '', '', '', '\n', ' \r\n'),
    })
    .map(({ value, indent, prefix, suffix }) => Buffer.from(`${prefix}${JSON.stringify(value, null, indent) ?? 'null'}${suffix}`, 'utf8'));

const bodyArb: fc.Arbitrary<Buffer> = weighted<Buffer>(
  [10, serialisedArb(nearValidEventArb)],
  [1, serialisedArb(fc.jsonValue())],
  [1, serialisedArb(fc.record({ type: fc.constant('TEST_EVENT'), timestamp: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }), content: fc.object() }))],
  [1, fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes))],
  // Any code points, lone surrogates included (they become U+FFFD in UTF-8).
  [1, fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 100 }).map((codePoints) => Buffer.from(String.fromCodePoint(...codePoints), 'utf8'))],
  [1, fc.integer({ min: MAX_BODY_BYTES - 2, max: MAX_BODY_BYTES + 2 }).map((length) => Buffer.alloc(length, 0x20))],
);

const flipHexCase = (hex: string, mode: 'lower' | 'upper' | 'mixed') =>
  mode === 'lower' ? hex : mode === 'upper' ? hex.toUpperCase() : [...hex].map((char, index) => (index % 3 === 0 ? char.toUpperCase() : char)).join('');

const junkEntryArb = fc.oneof(
  fc.constantFrom('t=1764072000', 'v0=abc', 'v1=', 'v1=zz', 'garbage', '', '=', 'v2=00'),
  fc.stringMatching(/^v[01]=[0-9a-f]{64}$/),
  fc.string({ maxLength: 20 }).filter((text) => !text.includes(',')),
);

// Built once: constructing string arbitraries is far more expensive than drawing from them.
const randomV1HeaderArb = fc.stringMatching(/^v1=[0-9a-f]{64}$/);
const randomHeaderArb = fc.string({ maxLength: 120 });
const oddHeaderArb = fc.constantFrom<string | undefined>(undefined, '', 'v1=', ',', 'v1=bad');
const hexCaseArb = fc.constantFrom<'lower' | 'upper' | 'mixed'>('lower', 'upper', 'mixed');
const junkEntriesArb = fc.array(junkEntryArb, { maxLength: 3 });
const separatorArb = fc.constantFrom(',', ', ', ' , ');
const headerNameArb = fc.constantFrom('bridgeapi-signature', 'bridgeapi-signature', 'BridgeApi-Signature', 'BRIDGEAPI-SIGNATURE');
const otherHeadersArb = fc.dictionary(fc.stringMatching(/^x-[a-z-]{1,12}$/), fc.string({ maxLength: 40 }), { maxKeys: 2 });

/** Signature headers for the bytes the handler will see: right, wrong, and everything between. */
function signatureHeaderArb(bytes: Buffer, base64Text: string | undefined): fc.Arbitrary<string | undefined> {
  const liveHex = fc.constantFrom(...LIVE_SECRETS).map((secret) => hmacHex(bytes, secret));
  const casedLiveHex = fc.tuple(liveHex, hexCaseArb).map(([hex, mode]) => flipHexCase(hex, mode));
  const reserialised = (() => {
    try {
      return Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8'))) ?? '', 'utf8');
    } catch {
      return Buffer.concat([bytes, Buffer.from('\n')]);
    }
  })();
  return weighted<string | undefined>(
    [10, casedLiveHex.map((hex) => `v1=${hex}`)],
    [
      3,
      fc
        .tuple(junkEntriesArb, casedLiveHex, junkEntriesArb, separatorArb)
        .map(([before, hex, after, separator]) => [...before, `v1=${hex}`, ...after].join(separator)),
    ],
    [1, casedLiveHex.map((hex) => ` v1 = ${hex} `)],
    [1, fc.constant(`v1=${hmacHex(bytes, RETIRED_SECRET)}`)],
    [1, fc.constantFrom(...LIVE_SECRETS).map((secret) => `v1=${hmacHex(reserialised, secret)}`)],
    [1, fc.constantFrom(...LIVE_SECRETS).map((secret) => `v1=${hmacHex(Buffer.from(base64Text ?? `${bytes.toString('utf8')} `), secret)}`)],
    [1, liveHex.map((hex) => `v0=${hex}`)],
    [1, liveHex.map((hex) => `v1=${hex.slice(0, 63)}`)],
    [1, randomV1HeaderArb],
    [1, randomHeaderArb],
    [1, oddHeaderArb],
  );
}

const deliveryArb = fc
  .tuple(bodyArb, fc.boolean())
  .chain(([sent, isBase64Encoded]) => {
    // Without base64 the body travels as a JS string: the handler sees its UTF-8 encoding.
    const received = isBase64Encoded ? sent : Buffer.from(sent.toString('utf8'), 'utf8');
    const base64Text = isBase64Encoded ? sent.toString('base64') : undefined;
    return fc.record({
      sent: fc.constant(sent),
      received: fc.constant(received),
      isBase64Encoded: fc.constant(isBase64Encoded),
      signature: signatureHeaderArb(received, base64Text),
      headerName: headerNameArb,
      otherHeaders: otherHeadersArb,
    });
  });

// ---------------------------------------------------------------------------------------------

describe('POST /webhooks/bridge under fuzzing', () => {
  const originalWrites = { stdout: process.stdout.write, stderr: process.stderr.write };
  let summary = '';

  beforeAll(() => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: '5b4b0c7e-0000-4000-8000-000000000000' });
    // Powertools writes straight to the streams; keep thousands of log lines out of the test output.
    // A bare stub, not jest.spyOn: a spy would keep every call's arguments for the whole run.
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
  });

  afterAll(() => {
    process.stdout.write = originalWrites.stdout;
    process.stderr.write = originalWrites.stderr;
    sqsMock.restore();
    if (summary) console.log(summary);
  });

  it(`answers every body and header as the contract says, never 5xx, queueing only fresh signed guidance events (${FUZZ_RUNS} cases)`, async () => {
    // Arrange
    const seen = new Map<string, number>();
    const started = performance.now();

    // Act + Assert, case by case (node:assert in the hot loop: jest's expect captures a stack per call)
    await fc.assert(
      fc.asyncProperty(deliveryArb, async ({ sent, received, isBase64Encoded, signature, headerName, otherHeaders }) => {
        sqsMock.resetHistory();
        const headers: Record<string, string> = { ...otherHeaders };
        if (signature !== undefined) headers[headerName] = signature;
        const expected = expectedAnswer(received, signature);

        const response = parseHttpResult(await handler(httpApiEvent({ body: sent, isBase64Encoded, headers, keepHeaderCase: true }), lambdaContext()));

        const sends = sqsMock.commandCalls(SendMessageCommand);
        assert.ok(ANSWERABLE_STATUSES.has(response.statusCode), `status ${response.statusCode} is not one of 200, 400, 401, 413`);
        assert.equal(response.headers['content-type'], 'application/json');
        assert.equal(response.headers['cache-control'], 'no-store');
        assert.equal(sqsMock.calls().length, sends.length, 'only SendMessage may reach SQS');
        if ('error' in expected) {
          assert.deepEqual(
            { statusCode: response.statusCode, error: (response.json as { error?: unknown }).error, sends: sends.length },
            { statusCode: expected.statusCode, error: expected.error, sends: 0 },
          );
          assert.deepEqual(Object.keys(response.json as object).sort(), ['error', 'message']);
          assert.equal(typeof (response.json as { message?: unknown }).message, 'string');
        } else {
          assert.deepEqual(
            { statusCode: response.statusCode, json: response.json, sends: sends.length },
            { statusCode: 200, json: { status: expected.status }, sends: expected.status === 'accepted' ? 1 : 0 },
          );
        }
        if ('user' in expected) {
          const queued = JSON.parse(sends[0]?.args[0].input.MessageBody ?? '') as Record<string, unknown>;
          assert.match(String(queued.eventKey), /^[0-9a-f]{64}$/);
          assert.deepEqual(
            { ...queued, eventKey: 'checked above' },
            {
              eventKey: 'checked above',
              type: GUIDANCE_TYPE,
              timestamp: expected.timestamp,
              bridgeUserUuid: expected.user,
              companyIdentificationNumber: expected.company,
              receivedAt: NOW_MS,
            },
          );
        }
        const label = 'error' in expected ? expected.error : expected.status;
        seen.set(label, (seen.get(label) ?? 0) + 1);
      }),
      { numRuns: FUZZ_RUNS },
    );
    const elapsedSeconds = (performance.now() - started) / 1000;

    // Assert: the generators reached every answer of the contract, so the cases above meant something
    if (FUZZ_RUNS >= 1000) {
      for (const outcome of ['accepted', 'ignored', 'stale', 'invalid_signature', 'invalid_json', 'invalid_event', 'payload_too_large']) {
        expect(seen.get(outcome) ?? 0).toBeGreaterThan(0);
      }
    }
    const distribution = [...seen.entries()]
      .sort(([, a], [, b]) => b - a)
      .map(([label, count]) => `${label}=${count}`)
      .join(' ');
    summary = `webhook fuzz: ${FUZZ_RUNS} cases in ${elapsedSeconds.toFixed(1)} s (${distribution})`;
  });
});
