import assert from 'node:assert/strict';
import { DeleteItemCommand, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { createInternalUsersHandler } from '../../functions/internal-users/app';
import { createRevealHandler } from '../../functions/reveal-api/app';
import { callerOf as claimsCaller } from '../../shared/http/request';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamo';
import { LocalOutbox } from '../../local/outbox';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { LocalAesGcmCipher } from '../../shared/adapters/local-aes-cipher';
import { documentClient } from '../../shared/aws/clients';
import { ERROR_STATUS } from '../../shared/http/errors';
import { registerUser } from '../../shared/domain/manage-users';
import { processGuidanceEvent } from '../../shared/domain/process-guidance-event';
import type { UserProfile } from '../../shared/domain/user-profile';
import { logger } from '../../shared/observability';
import { FakeBridge } from '../fakes/fake-bridge';
import { ManualClock } from '../fakes/manual-clock';
import { httpApiEvent, lambdaContext } from '../fixtures/api-gateway';
import { guidanceEvent } from '../fixtures/sqs';

/*
 * Property-based fuzzing of the reveal API and /internal/users, driven in-process with API Gateway
 * v2 events over the real DynamoDB adapters on dynalite. Every case is checked against an oracle
 * written from docs/contract.md (status and error code), and:
 * - the handler never throws and never answers 5xx;
 * - a 4xx is JSON `{error, message}` (no stack, no echo of the input); reveal answers are `no-store`;
 * - a rejected (4xx) or read-only request changes nothing: it sends no write to DynamoDB (checked
 *   per case), and the whole table, scanned, is byte-for-byte the seeded table (checked every
 *   SCAN_EVERY rejected cases, before any request that may legitimately write, and at the end);
 * - another user's `sub` never sees nor changes a seeded user's guidance or password.
 * Requests that legitimately write (a reveal counts, a rotate replaces, a PUT registers) are
 * followed by a restore of the seeded table, so every case starts from the same state.
 *
 * Events keep API Gateway's types (path parameters, headers and body are strings or absent);
 * JWT claims are arbitrary JSON, since the issuer decides them.
 */

const FUZZ_RUNS = Number(process.env.API_FUZZ_RUNS ?? 1_000);
const SCAN_EVERY = 25;
/** Jest's limit per property: generous, the figures printed are what counts. */
const PROPERTY_TIMEOUT_MS = 60_000 + FUZZ_RUNS * 40;
/** Regression properties for bugs the fuzzing found (now fixed). */
const knownBug = it;

const ALICE: UserProfile = { bridgeUserUuid: '11111111-1111-4111-8111-111111111111', appUserId: 'alice', countryCode: 'FR', contactEmail: 'alice@example.com' };
const BOB: UserProfile = { bridgeUserUuid: '22222222-2222-4222-8222-222222222222', appUserId: 'bob', countryCode: 'FR' };
const SHARED_COMPANY = '529196313';
const ALICE_ONLY_COMPANY = '552100554';
const BOB_ONLY_COMPANY = '732829320';
/** Who has a ready guidance (and a live session) for which company, once seeded. */
const SEEDED: Readonly<Record<string, readonly string[]>> = { alice: [SHARED_COMPANY, ALICE_ONLY_COMPANY], bob: [SHARED_COMPANY, BOB_ONLY_COMPANY] };
const SEEDED_SUBS = Object.keys(SEEDED);
const SEEDED_COMPANIES = [SHARED_COMPANY, ALICE_ONLY_COMPANY, BOB_ONLY_COMPANY];

const REVEAL_ROUTES = {
  list: 'GET /guidance',
  reveal: 'POST /guidance/{company_identification_number}/reveal',
  rotate: 'POST /guidance/{company_identification_number}/rotate',
  delete: 'DELETE /guidance/{company_identification_number}/session',
} as const;
const REVEAL_ROUTE_KEYS: readonly string[] = Object.values(REVEAL_ROUTES);
const INTERNAL_ROUTES = ['PUT /internal/users/{bridge_user_uuid}', 'DELETE /internal/users/{bridge_user_uuid}'];
const MAX_PROFILE_BODY_BYTES = 4096;
/** DynamoDB's partition-key limit; `APP#<sub>` beyond it is a known bug (see the last tests). */
const MAX_PARTITION_KEY_BYTES = 2048;
/** Names every plain object answers to; as route keys they are a known bug (see the last tests). */
const OBJECT_MEMBER_NAMES = Object.getOwnPropertyNames(Object.prototype);

const SIREN = /^[0-9]{9}$/;
const ANY_HEX_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const NIL_OR_MAX_UUID = /^(0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/;

// ---------------------------------------------------------------------------------------------
// The world: real adapters on dynalite, two seeded users with guidance and live sessions.

let dynamo: LocalDynamo;
let revealHandler: ReturnType<typeof createRevealHandler>;
let internalUsersHandler: ReturnType<typeof createInternalUsersHandler>;
let guard: TableGuard;
const bridge = new FakeBridge();
/** Seeded session id and password of each (app user, company). */
const seededSessions = new Map<string, { sessionId: string; password: string }>();
const writesSent: string[] = [];
/** Seeded passwords, and the most recent rotated ones: none may reach a log line. */
const passwordsToWatch = new Set<string>();
const WATCHED_ROTATIONS = 20;
let leakedLogLines = 0;

const READ_COMMANDS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
  'DescribeTableCommand',
]);
const sessionKey = (appUserId: string, company: string) => `${appUserId}\u0000${company}`;

type Item = Record<string, AttributeValue>;

/** A canonical text of the whole table: items sorted by key, attributes sorted, binary as base64. */
function canonical(items: Item[]): string {
  const normalise = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
    if (Array.isArray(value)) return value.map(normalise);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, normalise((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  const keyOf = (item: Item) => `${item.pk?.S}\u0000${item.sk?.S}`;
  return JSON.stringify([...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)).map(normalise));
}

/** Snapshots the seeded table, compares scans with it, and puts it back after legitimate writes. */
const TABLE_TAG = '(table)';

class TableGuard {
  private baseline: Item[] = [];
  private baselineText = '';
  private uncheckedCases = 0;
  scans = 0;
  restores = 0;

  constructor(private readonly db: LocalDynamo) {}

  /** Both tables; each item tagged with its table (TABLE_TAG, not an attribute: removed before a write). */
  async scan(): Promise<Item[]> {
    this.scans += 1;
    const items: Item[] = [];
    for (const table of [this.db.tableName, this.db.sessionTableName]) {
      let cursor: Item | undefined;
      do {
        const page = await this.db.client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: cursor }));
        items.push(...(page.Items ?? []).map((item) => ({ ...item, [TABLE_TAG]: { S: table } })));
        cursor = page.LastEvaluatedKey;
      } while (cursor);
    }
    return items;
  }

  async takeBaseline(): Promise<void> {
    this.baseline = await this.scan();
    this.baselineText = canonical(this.baseline);
    this.uncheckedCases = 0;
  }

  get itemCount(): number {
    return this.baseline.length;
  }

  /** The table is byte-for-byte the seeded one; on a difference it is put back first, then reported. */
  async verifyUnchanged(what: string): Promise<void> {
    const current = await this.scan();
    this.uncheckedCases = 0;
    const text = canonical(current);
    if (text === this.baselineText) return;
    const before = new Map(this.baseline.map((item) => [`${item.pk?.S} ${item.sk?.S}`, canonical([item])]));
    const after = new Map(current.map((item) => [`${item.pk?.S} ${item.sk?.S}`, canonical([item])]));
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key));
    await this.restore();
    assert.fail(`the table changed after ${what}; items added, removed or modified: ${changed.join(', ')}`);
  }

  /** A rejected or read-only request: the table is compared every SCAN_EVERY of them. */
  async afterUnchangingCase(): Promise<void> {
    this.uncheckedCases += 1;
    if (this.uncheckedCases >= SCAN_EVERY) await this.verifyUnchanged(`one of the last ${SCAN_EVERY} rejected or read-only requests`);
  }

  /** Before a request that may legitimately write: settle the rejected ones since the last scan first. */
  async beforeWritingCase(): Promise<void> {
    if (this.uncheckedCases > 0) await this.verifyUnchanged(`one of the last ${this.uncheckedCases} rejected or read-only requests`);
  }

  /** Puts the seeded items back exactly (removing any other item). */
  async restore(): Promise<void> {
    this.restores += 1;
    const current = await this.scan();
    const keyOf = (item: Item) => `${item[TABLE_TAG]?.S}\u0000${item.pk?.S}\u0000${item.sk?.S}`;
    const untagged = ({ [TABLE_TAG]: _table, ...item }: Item) => item;
    const wanted = new Map(this.baseline.map((item) => [keyOf(item), item]));
    for (const item of current) {
      const key = keyOf(item);
      const original = wanted.get(key);
      if (original && canonical([original]) === canonical([item])) wanted.delete(key);
      else if (!original) await this.db.client.send(new DeleteItemCommand({ TableName: item[TABLE_TAG]!.S, Key: { pk: item.pk!, sk: item.sk! } }));
    }
    for (const item of wanted.values()) await this.db.client.send(new PutItemCommand({ TableName: item[TABLE_TAG]!.S, Item: untagged(item) }));
    this.uncheckedCases = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Events, responses, and the checks every answer must pass.

const MISSING = Symbol('missing');
type Maybe<T> = T | typeof MISSING;

interface BodyVariant {
  /** `event.body` as API Gateway would hand it over (absent: no body). */
  readonly text: string | undefined;
  readonly isBase64Encoded: boolean;
  readonly label: string;
}

interface RequestCase {
  readonly routeKey: string;
  readonly method: string;
  readonly rawPath: string;
  readonly pathParameters: Maybe<Record<string, string> | null>;
  readonly authorizer: Maybe<unknown>;
  readonly headers: Record<string, string>;
  readonly body: BodyVariant;
}

function toEvent(request: RequestCase): APIGatewayProxyEventV2 {
  const event = httpApiEvent({ method: request.method, path: request.rawPath, routeKey: request.routeKey, headers: request.headers });
  if (request.body.text !== undefined) event.body = request.body.text;
  event.isBase64Encoded = request.body.isBase64Encoded;
  if (request.pathParameters !== MISSING) event.pathParameters = request.pathParameters as Record<string, string>;
  if (request.authorizer !== MISSING) (event.requestContext as unknown as Record<string, unknown>).authorizer = request.authorizer;
  return event;
}

/** The bytes the handler works on, as the contract says: base64-decoded when API Gateway says so. */
function receivedBytes(body: BodyVariant): Buffer {
  if (body.text === undefined) return Buffer.alloc(0);
  return body.isBase64Encoded ? Buffer.from(body.text, 'base64') : Buffer.from(body.text, 'utf8');
}

interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly json: unknown;
}

/** What must hold for any answer of either handler; returns it parsed. */
function checkAnswer(result: unknown, echoCandidates: readonly string[], noStore: boolean): Answer {
  assert.ok(result !== null && typeof result === 'object', `the handler answered ${typeof result}, not an HTTP result`);
  const { statusCode, headers: rawHeaders, body, isBase64Encoded } = result as Record<string, unknown>;
  assert.ok(typeof statusCode === 'number' && Number.isInteger(statusCode), `statusCode is ${String(statusCode)}`);
  assert.ok(statusCode >= 200 && statusCode < 500, `status ${statusCode}: never a 5xx`);
  assert.ok(isBase64Encoded === undefined || isBase64Encoded === false, 'answers are text');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((rawHeaders ?? {}) as Record<string, unknown>)) headers[name.toLowerCase()] = String(value);
  if (noStore) assert.equal(headers['cache-control'], 'no-store', 'every reveal API answer is no-store');
  assert.ok(body === undefined || typeof body === 'string', 'the body is a string');
  let json: unknown;
  if (statusCode === 204) {
    assert.ok(body === undefined || body === '', '204 has no body');
  } else {
    assert.equal(headers['content-type'], 'application/json');
    json = JSON.parse(String(body));
  }
  if (statusCode >= 400) {
    assert.ok(json !== null && typeof json === 'object' && !Array.isArray(json), 'a 4xx body is an object');
    assert.deepEqual(Object.keys(json as object).sort(), ['error', 'message']);
    const { error, message } = json as { error: unknown; message: unknown };
    assert.equal(typeof error, 'string');
    assert.equal(ERROR_STATUS[error as keyof typeof ERROR_STATUS], statusCode, `error code ${String(error)} does not go with ${statusCode}`);
    assert.ok(typeof message === 'string' && message.length > 0 && message.length < 200, 'a short human message');
    assert.ok(!/\n|\bat .+:\d+:\d+/.test(message), 'never a stack trace');
    for (const candidate of echoCandidates) {
      if (candidate.length >= 16) assert.ok(!message.includes(candidate), 'the message never echoes the request');
    }
  }
  return { statusCode, headers, body: body as string | undefined, json };
}

type Handler = (event: APIGatewayProxyEventV2, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

async function invoke(handler: Handler, event: APIGatewayProxyEventV2, name: string) {
  try {
    return await handler(event, lambdaContext(name));
  } catch (error) {
    assert.fail(`the handler threw ${error instanceof Error ? error.name : typeof error} instead of answering`);
  }
}

// ---------------------------------------------------------------------------------------------
// The oracle: what docs/contract.md says the answer must be.

type Expected =
  | { readonly kind: 'error'; readonly status: number; readonly error: string; readonly label: string }
  | { readonly kind: 'list'; readonly sub: string }
  | { readonly kind: 'reveal' | 'rotate' | 'delete'; readonly sub: string; readonly company: string }
  | { readonly kind: 'registered'; readonly uuid: string; readonly appUserId: string | undefined }
  /** A body the contract does not settle without a full e-mail grammar, or a non-RFC hex UUID. */
  | { readonly kind: 'registered-or-invalid'; readonly uuid: string; readonly why: 'loose_uuid' | 'unsettled_body' }
  | { readonly kind: 'erased'; readonly uuid: string }
  | { readonly kind: 'erased-or-invalid'; readonly uuid: string; readonly why: 'loose_uuid' };

const refused = (status: number, error: string, label = error): Expected => ({ kind: 'error', status, error, label });

function callerOf(authorizer: Maybe<unknown>): string | undefined {
  if (authorizer === MISSING || authorizer === null || typeof authorizer !== 'object') return undefined;
  const jwt = (authorizer as { jwt?: unknown }).jwt;
  const claims = jwt !== null && typeof jwt === 'object' ? (jwt as { claims?: unknown }).claims : undefined;
  const sub = claims !== null && typeof claims === 'object' ? (claims as { sub?: unknown }).sub : undefined;
  return typeof sub === 'string' && sub.length > 0 ? sub : undefined;
}

function pathParameter(request: RequestCase, name: string): string {
  const parameters = request.pathParameters;
  return parameters === MISSING || parameters === null ? '' : (parameters[name] ?? '');
}

function expectedRevealAnswer(request: RequestCase): Expected {
  const sub = callerOf(request.authorizer);
  if (sub === undefined) return refused(401, 'unauthorized');
  if (!REVEAL_ROUTE_KEYS.includes(request.routeKey)) return refused(404, 'not_found', 'unknown_route');
  if (request.routeKey === REVEAL_ROUTES.list) return { kind: 'list', sub };
  const company = pathParameter(request, 'company_identification_number');
  if (!SIREN.test(company)) return refused(400, 'invalid_request');
  const kind = request.routeKey === REVEAL_ROUTES.reveal ? 'reveal' : request.routeKey === REVEAL_ROUTES.rotate ? 'rotate' : 'delete';
  if (Object.hasOwn(SEEDED, sub) && SEEDED[sub]!.includes(company)) return { kind, sub, company };
  // Another user's company answers exactly like one that does not exist.
  const someoneElses = SEEDED_SUBS.some((owner) => owner !== sub && SEEDED[owner]!.includes(company));
  return refused(404, 'not_found', someoneElses ? 'not_found(other_user)' : 'not_found(no_guidance)');
}

/** What the contract requires of a profile body, field by field, short of the e-mail grammar. */
type Validity = 'valid' | 'invalid' | 'unknown';

function expectedInternalAnswer(request: RequestCase, validity: Validity): Expected {
  const uuid = pathParameter(request, 'bridge_user_uuid');
  // The same rule as the webhook (RFC 9562 versions and variant, or the nil and max UUIDs in lower case):
  // a user registered here must be able to receive events.
  if (!ANY_HEX_UUID.test(uuid) || !(RFC_UUID.test(uuid) || NIL_OR_MAX_UUID.test(uuid))) {
    return refused(400, 'invalid_request', 'invalid_request(uuid)');
  }
  const rfc = true;
  const method = request.method.toUpperCase();
  if (method === 'DELETE') {
    return rfc ? { kind: 'erased', uuid: uuid.toLowerCase() } : { kind: 'erased-or-invalid', uuid: uuid.toLowerCase(), why: 'loose_uuid' };
  }
  if (method !== 'PUT') return refused(405, 'method_not_allowed');
  const bytes = receivedBytes(request.body);
  if (bytes.length > MAX_PROFILE_BODY_BYTES) return refused(413, 'payload_too_large');
  if (bytes.length === 0) return refused(400, 'invalid_json', 'invalid_json(empty)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return refused(400, 'invalid_json');
  }
  const fields = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  const hasRequired =
    fields !== undefined &&
    typeof fields.app_user_id === 'string' &&
    fields.app_user_id.length > 0 &&
    typeof fields.country_code === 'string' &&
    /^[A-Z]{2}$/.test(fields.country_code);
  if (!hasRequired || validity === 'invalid') return refused(400, 'invalid_request', 'invalid_request(body)');
  if (validity === 'valid' && rfc) return { kind: 'registered', uuid: uuid.toLowerCase(), appUserId: fields.app_user_id as string };
  return { kind: 'registered-or-invalid', uuid: uuid.toLowerCase(), why: rfc ? 'unsettled_body' : 'loose_uuid' };
}

const mayWrite = (expected: Expected) => expected.kind !== 'error' && expected.kind !== 'list';

// ---------------------------------------------------------------------------------------------
// Arbitraries, built once (building string arbitraries costs far more than drawing from them).

const weighted = <T>(...entries: [number, fc.Arbitrary<T>][]) => fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));
const withoutMissing = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== MISSING));
/** Any UTF-16 code unit, lone surrogates included (fast-check's own units never produce those). */
const codeUnitArb = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const anyUtf16Arb = (maxLength: number) => fc.string({ unit: codeUnitArb, maxLength });
const notAnObjectMember = (text: string) => !OBJECT_MEMBER_NAMES.includes(text);

const TRAVERSALS = [
  ...['..', '../', '/..', '../../etc/passwd', '..%2F..%2F', '%2e%2e%2f', '..\\..\\', '%252e%252e%252f', '....//', '/', '//', '.'],
  ...['%00', '\u0000', '*', '?', '#', '${jndi:ldap://x/a}', "' OR '1'='1"],
];

const companyParamArb: fc.Arbitrary<string> = weighted<string>(
  [10, fc.constantFrom(...SEEDED_COMPANIES)],
  [3, fc.stringMatching(/^[0-9]{9}$/)],
  [
    3,
    fc.constantFrom(
      '52919631',
      '5291963130',
      '٥٢٩١٩٦٣١٣',
      '５２９１９６３１３',
      `${SHARED_COMPANY}\n`,
      ` ${SHARED_COMPANY}`,
      `${SHARED_COMPANY} `,
      '529 196 313',
      '52919631a',
      '+29196313',
      '-52919631',
      '529196313.0',
      '5.29196313e8',
      '0x1F8A3C9',
      `../${SHARED_COMPANY}`,
      `${SHARED_COMPANY}/../${ALICE_ONLY_COMPANY}`,
      `..%2F${ALICE_ONLY_COMPANY}`,
      '%35%32%39%31%39%36%33%31%33',
      `${SHARED_COMPANY}%00`,
      `${SHARED_COMPANY}\u0000`,
      `GUIDANCE#${SHARED_COMPANY}`,
      `${SHARED_COMPANY}#x`,
      `SESSION#${SHARED_COMPANY}`,
      '',
    ),
  ],
  [2, fc.constantFrom(...TRAVERSALS)],
  [2, anyUtf16Arb(40)],
  [1, fc.string({ maxLength: 20, unit: 'grapheme' })],
  [1, fc.integer({ min: 10, max: 200_000 }).map((length) => '5'.repeat(length))],
  [1, fc.integer({ min: 10, max: 20_000 }).map((length) => '€'.repeat(length))],
);

const pathParametersArb = (name: string, valueArb: fc.Arbitrary<string>): fc.Arbitrary<Maybe<Record<string, string> | null>> =>
  weighted<Maybe<Record<string, string> | null>>(
    [20, valueArb.map((value) => ({ [name]: value }))],
    [1, fc.tuple(valueArb, fc.string({ maxLength: 10 })).map(([value, other]) => ({ [name]: value, [`x${other}`]: other }))],
    [
      1,
      fc.constantFrom<Maybe<Record<string, string> | null>>(
        MISSING,
        null,
        {},
        { proxy: SHARED_COMPANY },
        { bridge_user_uuid: ALICE.bridgeUserUuid, company_identification_number: '' },
      ),
    ],
  );

const subArb: fc.Arbitrary<Maybe<unknown>> = weighted<Maybe<unknown>>(
  [12, fc.constantFrom(...SEEDED_SUBS)],
  [
    4,
    fc.constantFrom(
      'Alice',
      'ALICE',
      'alice ',
      ' alice',
      'alice\u0000',
      'alice\n',
      'alic',
      'alicee',
      'ａｌｉｃｅ',
      'al\u200bice',
      'bob\nalice',
      'alice%00',
      'APP#alice',
      'alice#',
      `alice#GUIDANCE#${SHARED_COMPANY}`,
      '../bob',
      'alice/../bob',
      'mallory',
      'demo-user',
      'null',
      'undefined',
      '*',
      '__proto__',
      'constructor',
      'toString',
    ),
  ],
  [2, anyUtf16Arb(40)],
  [1, fc.string({ maxLength: 20, unit: 'grapheme' })],
  [1, fc.uuid()],
  // Big, but inside DynamoDB's key limit (beyond it: the known-bug test below).
  [1, fc.integer({ min: 100, max: MAX_PARTITION_KEY_BYTES - 'APP#'.length }).map((length) => 'a'.repeat(length))],
  [1, fc.integer({ min: 50, max: Math.floor((MAX_PARTITION_KEY_BYTES - 'APP#'.length) / 3) }).map((length) => '€'.repeat(length))],
  [2, fc.constantFrom<unknown>('', 42, 0, -1, 1.5, true, false, null, ['alice'], [], { sub: 'alice' }, MISSING)],
);

const claimsArb = fc
  .record({
    sub: subArb,
    extra: weighted<Record<string, unknown>>(
      [6, fc.constant({})],
      [1, fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })],
    ),
  })
  .map(({ sub, extra }) => {
    const claims: Record<string, unknown> = { iss: 'https://issuer.example', aud: 'guidance-relay', exp: 1_900_000_000, ...extra };
    if (sub === MISSING) delete claims.sub;
    else claims.sub = sub;
    return claims;
  });

const authorizerArb: fc.Arbitrary<Maybe<unknown>> = weighted<Maybe<unknown>>(
  [16, claimsArb.map((claims) => ({ jwt: { claims, scopes: [] } }))],
  [
    1,
    fc.constantFrom<Maybe<unknown>>(
      MISSING,
      null,
      {},
      { jwt: {} },
      { jwt: null },
      { jwt: { claims: null } },
      { jwt: { claims: 'sub=alice' } },
      { iam: { userId: 'alice', userArn: 'arn:aws:iam::123456789012:user/alice' } },
      { lambda: { sub: 'alice' } },
      { jwt: { claims: { Sub: 'alice', username: 'alice', 'cognito:username': 'alice', email: 'alice@example.com' }, scopes: [] } },
    ),
  ],
);

const revealRouteKeyArb: fc.Arbitrary<string> = weighted<string>(
  [14, fc.constantFrom(...REVEAL_ROUTE_KEYS)],
  [
    2,
    fc.constantFrom(
      'GET /guidance/',
      'get /guidance',
      'GET  /guidance',
      'POST /guidance',
      'HEAD /guidance',
      'GET /guidance/{company_identification_number}/reveal',
      'POST /guidance/{company_identification_number}/REVEAL',
      'POST /guidance/{company_identification_number}/reveal/',
      'PUT /guidance/{company_identification_number}/session',
      `${REVEAL_ROUTES.delete} `,
      `POST /guidance/${SHARED_COMPANY}/reveal`,
      ...INTERNAL_ROUTES,
      'POST /webhooks/bridge',
      '$default',
      'ANY /{proxy+}',
      '',
    ),
  ],
  [1, anyUtf16Arb(60).filter(notAnObjectMember)],
);

const headersArb = fc
  .record({
    random: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,12}$/), fc.string({ maxLength: 40 }), { maxKeys: 2 }),
    authorization: fc.constantFrom<string | undefined>(
      undefined,
      undefined,
      'Bearer not-a-jwt',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
      'Basic YWxpY2U6cGFzcw==',
    ),
    forwardedFor: fc.constantFrom<string | undefined>(undefined, undefined, '63.32.31.5', '127.0.0.1, 10.0.0.1'),
  })
  .map(({ random, authorization, forwardedFor }) => ({
    ...random,
    ...(authorization ? { authorization } : {}),
    ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
  }));

/** How the bytes travel: base64 (API Gateway's binary mode), as text, or mislabelled. */
type Transport = 'base64' | 'utf8' | 'latin1' | 'text-claimed-base64';
const transportArb = fc.constantFrom<Transport>('base64', 'utf8', 'utf8', 'latin1', 'text-claimed-base64');

function carry(bytes: Buffer, transport: Transport, label: string): BodyVariant {
  switch (transport) {
    case 'base64':
      return { text: bytes.toString('base64'), isBase64Encoded: true, label };
    case 'utf8':
      return { text: bytes.toString('utf8'), isBase64Encoded: false, label };
    case 'latin1':
      return { text: bytes.toString('latin1'), isBase64Encoded: false, label };
    case 'text-claimed-base64':
      return { text: bytes.toString('utf8'), isBase64Encoded: true, label };
  }
}

const jsonBytes = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');

const NON_UTF8_SEQUENCES = ['ff', 'fe', 'c328', 'c0af', 'e08080', 'eda080', 'f4908080', '80', 'bf', 'c3', 'e282'].map((hex) => Buffer.from(hex, 'hex'));
const nonUtf8Arb = fc.constantFrom(...NON_UTF8_SEQUENCES);

/** Deep nesting, balanced and not. */
const nestedArb: fc.Arbitrary<{ bytes: Buffer; label: string }> = weighted(
  [1, fc.integer({ min: 1, max: 5000 }).map((depth) => ({ bytes: Buffer.from('['.repeat(depth)), label: 'nested_unbalanced' }))],
  [1, fc.integer({ min: 1, max: 2500 }).map((depth) => ({ bytes: Buffer.from('['.repeat(depth) + ']'.repeat(depth)), label: 'nested_array' }))],
  [1, fc.integer({ min: 1, max: 900 }).map((depth) => ({ bytes: Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)), label: 'nested_object' }))],
  [1, fc.constant({ bytes: Buffer.from('['.repeat(100_000)), label: 'nested_100k' })],
);

/** Bodies the reveal API must ignore, whatever they are. */
const revealBodyArb: fc.Arbitrary<BodyVariant> = weighted<BodyVariant>(
  [10, fc.constant({ text: undefined, isBase64Encoded: false, label: 'none' })],
  [2, fc.tuple(fc.uint8Array({ maxLength: 200 }), transportArb).map(([bytes, transport]) => carry(Buffer.from(bytes), transport, 'random_bytes'))],
  [
    2,
    fc.tuple(fc.jsonValue({ maxDepth: 3 }), transportArb).map(([value, transport]) => carry(jsonBytes(value), transport, 'random_json')),
  ],
  [1, anyUtf16Arb(80).map((text) => ({ text, isBase64Encoded: false, label: 'lone_surrogates' }))],
  [1, fc.tuple(nestedArb, transportArb).map(([{ bytes, label }, transport]) => carry(bytes, transport, label))],
  [1, fc.integer({ min: 1, max: 1_200_000 }).map((length) => ({ text: 'x'.repeat(length), isBase64Encoded: false, label: 'huge' }))],
);

const rawPathArb = (routeKeyPath: fc.Arbitrary<string>) =>
  weighted<string>(
    [8, routeKeyPath],
    [1, fc.constantFrom(...TRAVERSALS).map((traversal) => `/guidance/${traversal}/reveal`)],
    [1, fc.string({ maxLength: 60 })],
  );

const revealCaseArb: fc.Arbitrary<RequestCase> = fc
  .record({
    routeKey: revealRouteKeyArb,
    pathParameters: pathParametersArb('company_identification_number', companyParamArb),
    authorizer: authorizerArb,
    headers: headersArb,
    body: revealBodyArb,
  })
  .chain((drawn) => {
    const [method = 'GET', routePath = '/'] = drawn.routeKey.split(' ');
    return rawPathArb(fc.constant(routePath)).map((rawPath) => ({ ...drawn, method: method || 'GET', rawPath }));
  });

// Profiles: valid by construction, or with known-invalid fields.
const PROFILE_FIELDS = ['app_user_id', 'country_code', 'contact_email', 'contact_phone_number', 'language'] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];
const isNotAProfileField = (key: string) => !(PROFILE_FIELDS as readonly string[]).includes(key);

const emailArb = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,20}$/), fc.stringMatching(/^[a-z0-9]{1,20}$/), fc.constantFrom('com', 'fr', 'example', 'io'))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

const validProfileArb = fc
  .record({
    app_user_id: weighted<string>(
      [4, fc.stringMatching(/^[\x21-\x7E]{1,40}$/)],
      [2, fc.constantFrom('alice', 'bob')],
      [1, fc.constantFrom('a'.repeat(255), 'x', 'user.name@corp:1+2-3', '__proto__', 'constructor', 'auth0|65f0c0ffee', 'APP#alice', `alice#SESSION#${SHARED_COMPANY}`, '../bob', 'alice/', 'bob%23x')],
    ),
    country_code: fc.stringMatching(/^[A-Z]{2}$/),
    contact_email: fc.option(emailArb, { nil: MISSING }),
    contact_phone_number: fc.option(fc.stringMatching(/^\+[1-9][0-9]{6,14}$/), { nil: MISSING }),
    language: fc.option(fc.stringMatching(/^[a-z]{2}(-[A-Z]{2})?$/), { nil: MISSING }),
    extra: weighted<Record<string, unknown>>(
      [5, fc.constant({})],
      [1, fc.dictionary(fc.string({ maxLength: 10 }).filter(isNotAProfileField), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })],
    ),
  })
  .map(({ extra, ...fields }) => ({ ...extra, ...withoutMissing(fields) }));

const BAD_VALUES: Record<ProfileField, readonly unknown[]> = {
  app_user_id: [
    ...['', 'a'.repeat(256), 'al ice', 'ålice', 'alice\n', 'alice\t', 'a\u0000b', 'a\u007Fb', 'ａｌｉｃｅ'],
    ...['x'.repeat(3000), 42, null, true, [], {}, ['alice'], MISSING],
  ],
  country_code: ['fr', 'FRA', 'F', '', 'ＦＲ', 'FR ', ' FR', 'F1', 'ÉU', 33, null, ['FR'], { code: 'FR' }, MISSING],
  contact_email: [
    ...['not-an-email', 'a@', '@b.com', 'a@b', 'a b@c.com', `${'x'.repeat(250)}@b.com`, 'alice@example.com\n', 'alice@@example.com'],
    ...[42, null, [], {}],
  ],
  contact_phone_number: [
    ...['0612345678', '+0612345678', '+33 6 12 34 56 78', '+12345', '+1234567890123456', '33612345678', '+33612345678\n', '+３３612345678'],
    ...[33612345678, null, ''],
  ],
  language: ['FR', 'fr-fr', 'fra', 'fr_FR', '', 'f', 'fr-FRA', 'ｆｒ', 12, null],
};

const invalidProfileArb = fc
  .tuple(validProfileArb, fc.uniqueArray(fc.constantFrom(...PROFILE_FIELDS), { minLength: 1, maxLength: 2 }), fc.nat())
  .map(([profile, fields, pick]) => {
    const mutated: Record<string, unknown> = { ...profile };
    for (const field of fields) {
      const bad = BAD_VALUES[field][pick % BAD_VALUES[field].length];
      if (bad === MISSING) delete mutated[field];
      else mutated[field] = bad;
    }
    return mutated;
  });

/** A JSON text as a caller may write it: compact, indented, padded, with a BOM. */
const serialiseArb = fc.record({
  indent: fc.constantFrom<undefined | number | string>(undefined, undefined, undefined, 2, '\t'),
  prefix: fc.constantFrom('', '', '', '', ' ', '\n', '\uFEFF'),
  suffix: fc.constantFrom('', '', '', '\n', ' \r\n'),
});
const serialise = (value: unknown, style: { indent: undefined | number | string; prefix: string; suffix: string }) =>
  Buffer.from(`${style.prefix}${JSON.stringify(value, null, style.indent) ?? 'null'}${style.suffix}`, 'utf8');

interface ProfileBody {
  readonly body: BodyVariant;
  readonly validity: Validity;
}

/** Text mislabelled as base64 decodes to other bytes: what they mean is anyone's guess. */
const meaning = (validity: Validity, transport: Transport): Validity => (transport === 'text-claimed-base64' ? 'unknown' : validity);
const profileBody = (bytes: Buffer, transport: Transport, label: string, validity: Validity): ProfileBody => ({
  body: carry(bytes, transport, label),
  validity: meaning(validity, transport),
});

/** Non-UTF-8 bytes inside a checked field (refused), inside an ignored extra field (tolerated), or outside any string. */
const nonUtf8ProfileArb = fc
  .tuple(
    validProfileArb,
    nonUtf8Arb,
    fc.constantFrom('app_user_id', 'country_code', 'extra', 'outside'),
    fc.constantFrom<Transport>('base64', 'utf8', 'latin1'),
  )
  .map(([profile, junk, where, transport]) => {
    const marker = '\u0001MARK\u0001';
    const escapedMarker = JSON.stringify(marker).slice(1, -1);
    const target =
      where === 'extra' ? { ...profile, note: marker } : where === 'outside' ? profile : { ...profile, [where]: `${String(profile[where])}${marker}` };
    const parts = JSON.stringify(target).split(escapedMarker);
    const bytes =
      where === 'outside'
        ? Buffer.concat([junk, Buffer.from(parts.join(''))])
        : Buffer.concat(parts.flatMap((part, index) => (index === 0 ? [Buffer.from(part)] : [junk, Buffer.from(part)])));
    return profileBody(bytes, transport, `non_utf8_${where}`, where === 'extra' ? 'valid' : 'invalid');
  });

/** A valid profile padded to an exact size around the 4 KiB limit. */
const sizedProfileArb = fc
  .tuple(validProfileArb, fc.integer({ min: MAX_PROFILE_BODY_BYTES - 3, max: MAX_PROFILE_BODY_BYTES + 3 }), fc.constantFrom<Transport>('base64', 'utf8'))
  .map(([profile, size, transport]) => {
    const base = JSON.stringify({ ...profile, pad: '' }).length;
    return profileBody(jsonBytes({ ...profile, pad: 'p'.repeat(Math.max(0, size - base)) }), transport, 'size_limit', 'valid');
  });

const NOT_AN_OBJECT = [[], 'alice', 42, null, true, [{ app_user_id: 'alice', country_code: 'FR' }]];
const NO_BODY: readonly ProfileBody[] = [
  { body: { text: undefined, isBase64Encoded: false, label: 'none' }, validity: 'invalid' },
  { body: { text: '', isBase64Encoded: false, label: 'empty' }, validity: 'invalid' },
  { body: { text: '!!!!', isBase64Encoded: true, label: 'bad_base64' }, validity: 'invalid' },
];

const profileBodyArb: fc.Arbitrary<ProfileBody> = weighted<ProfileBody>(
  [4, fc.tuple(validProfileArb, serialiseArb, transportArb).map(([value, style, via]) => profileBody(serialise(value, style), via, 'profile_valid', 'valid'))],
  [10, fc.tuple(invalidProfileArb, serialiseArb, transportArb).map(([value, style, via]) => profileBody(serialise(value, style), via, 'mutated', 'invalid'))],
  [2, fc.tuple(fc.jsonValue({ maxDepth: 4 }), transportArb).map(([value, transport]) => profileBody(jsonBytes(value), transport, 'random_json', 'unknown'))],
  [1, fc.tuple(fc.constantFrom(...NOT_AN_OBJECT), transportArb).map(([value, via]) => profileBody(jsonBytes(value), via, 'not_an_object', 'invalid'))],
  [2, fc.tuple(fc.uint8Array({ maxLength: 300 }), transportArb).map(([bytes, via]) => profileBody(Buffer.from(bytes), via, 'random_bytes', 'unknown'))],
  [1, anyUtf16Arb(120).map((text): ProfileBody => ({ body: { text, isBase64Encoded: false, label: 'lone_surrogates' }, validity: 'unknown' }))],
  [2, nonUtf8ProfileArb],
  [
    1,
    fc.tuple(validProfileArb, fc.boolean()).map(([profile, bom]) => {
      const utf16 = Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(JSON.stringify(profile), 'utf16le')]);
      return profileBody(utf16, 'base64', 'utf16', 'unknown');
    }),
  ],
  [2, fc.tuple(nestedArb, transportArb).map(([{ bytes, label }, transport]) => profileBody(bytes, transport, label, 'invalid'))],
  [
    1,
    fc.integer({ min: 1, max: 1000 }).map((depth) => {
      const nestedField = Buffer.from(`{"app_user_id":${'['.repeat(depth)}"x"${']'.repeat(depth)},"country_code":"FR"}`);
      return profileBody(nestedField, 'utf8', 'nested_field', 'invalid');
    }),
  ],
  [2, sizedProfileArb],
  [
    1,
    fc.integer({ min: MAX_PROFILE_BODY_BYTES + 1, max: 1_200_000 }).map((length): ProfileBody => {
      const text = JSON.stringify({ app_user_id: 'x'.repeat(length), country_code: 'FR' });
      return { body: { text, isBase64Encoded: false, label: 'huge' }, validity: 'invalid' };
    }),
  ],
  [1, fc.constantFrom(...NO_BODY)],
);

const uuidParamArb: fc.Arbitrary<string> = weighted<string>(
  [6, fc.constantFrom(ALICE.bridgeUserUuid, BOB.bridgeUserUuid, ALICE.bridgeUserUuid.toUpperCase())],
  [10, fc.uuid()],
  [1, fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] }).map((uuid) => uuid.toUpperCase())],
  // Hex in the UUID layout, but not RFC 9562 (version 0, variant c): the webhook refuses these.
  [
    1,
    fc.constantFrom(
      'ecc4eaee-0554-0b4f-8937-3c5b816617f6',
      'ecc4eaee-0554-4b4f-c937-3c5b816617f6',
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ),
  ],
  [
    3,
    fc.constantFrom(
      '',
      'not-a-uuid',
      `{${ALICE.bridgeUserUuid}}`,
      ALICE.bridgeUserUuid.replace(/-/g, ''),
      `${ALICE.bridgeUserUuid}\n`,
      ` ${ALICE.bridgeUserUuid}`,
      `${ALICE.bridgeUserUuid}/..`,
      `../${ALICE.bridgeUserUuid}`,
      `${ALICE.bridgeUserUuid}%00`,
      encodeURIComponent(ALICE.bridgeUserUuid).replace(/1/g, '%31'),
      'ｅcc4eaee-0554-4b4f-8937-3c5b816617f6',
      'gcc4eaee-0554-4b4f-8937-3c5b816617f6',
      `USER#${ALICE.bridgeUserUuid}`,
      `${ALICE.bridgeUserUuid},${BOB.bridgeUserUuid}`,
    ),
  ],
  [1, fc.constantFrom(...TRAVERSALS)],
  [2, anyUtf16Arb(50)],
  [1, fc.integer({ min: 37, max: 200_000 }).map((length) => 'a'.repeat(length))],
);

const methodArb: fc.Arbitrary<string> = weighted<string>(
  [10, fc.constant('PUT')],
  [1, fc.constant('DELETE')],
  [1, fc.constantFrom('put', 'Delete', 'GET', 'POST', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', '', 'PUT ', 'ＰＵＴ', 'DELET')],
  [1, fc.string({ maxLength: 10 })],
);

const uuidIn = (parameters: Maybe<Record<string, string> | null>) =>
  parameters === MISSING || parameters === null ? '' : (parameters.bridge_user_uuid ?? '');

const internalCaseArb: fc.Arbitrary<{ request: RequestCase; validity: Validity }> = fc
  .record({
    method: methodArb,
    routeKey: weighted<string>(
      [10, fc.constantFrom(...INTERNAL_ROUTES)],
      [1, fc.constantFrom(...REVEAL_ROUTE_KEYS, '$default', '')],
      [1, fc.string({ maxLength: 40 })],
    ),
    pathParameters: pathParametersArb('bridge_user_uuid', uuidParamArb),
    profile: profileBodyArb,
    headers: headersArb,
    authorizer: fc.constantFrom<Maybe<unknown>>(
      MISSING,
      { iam: { userId: 'AIDAEXAMPLE', userArn: 'arn:aws:iam::123456789012:role/platform' } },
      { jwt: { claims: { sub: 'alice' }, scopes: [] } },
    ),
  })
  .map(({ profile, ...drawn }) => ({
    request: { ...drawn, rawPath: `/internal/users/${uuidIn(drawn.pathParameters)}`.slice(0, 300), body: profile.body },
    validity: profile.validity,
  }));

// ---------------------------------------------------------------------------------------------
// Checking one answer against the oracle.

function checkRevealSuccess(expected: Expected, answer: Answer): void {
  if (expected.kind === 'list') {
    assert.equal(answer.statusCode, 200);
    const items = (answer.json as { items: { company_identification_number: string; session: { id: string; reveal_count: number } | null }[] }).items;
    const own = Object.hasOwn(SEEDED, expected.sub) ? SEEDED[expected.sub]! : [];
    assert.deepEqual(items.map((item) => item.company_identification_number).sort(), [...own].sort(), 'a caller lists exactly their own guidances');
    for (const item of items) {
      const own = seededSessions.get(sessionKey(expected.sub, item.company_identification_number));
      assert.equal(item.session?.id, own?.sessionId, 'and only their own sessions');
      assert.equal(item.session?.reveal_count, 0);
    }
    assert.ok(!answer.body!.includes('password'), 'a list never carries a password');
    return;
  }
  if (expected.kind === 'delete') {
    assert.equal(answer.statusCode, 204);
    return;
  }
  if (expected.kind === 'reveal' || expected.kind === 'rotate') {
    assert.equal(answer.statusCode, 200);
    const body = answer.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['expires_at', 'password', 'session_id', 'url']);
    const seeded = seededSessions.get(sessionKey(expected.sub, expected.company))!;
    if (expected.kind === 'reveal') {
      assert.deepEqual(
        { session_id: body.session_id, password: body.password },
        { session_id: seeded.sessionId, password: seeded.password },
        'a reveal shows the caller their own password',
      );
    } else {
      const issued = bridge.issued.at(-1)!;
      assert.notEqual(body.session_id, seeded.sessionId, 'a rotation replaces the session');
      assert.deepEqual({ session_id: body.session_id, password: body.password }, { session_id: issued.id, password: issued.password });
      passwordsToWatch.add(issued.password);
      // The set keeps insertion order: the seeded passwords first, then rotations, oldest first.
      if (passwordsToWatch.size > seededSessions.size + WATCHED_ROTATIONS) passwordsToWatch.delete([...passwordsToWatch][seededSessions.size]!);
    }
    return;
  }
  assert.fail(`unexpected oracle kind ${expected.kind}`);
}

function labelOf(expected: Expected, answer: Answer): string {
  if (expected.kind === 'error') return expected.label;
  if (expected.kind === 'list') return Object.hasOwn(SEEDED, expected.sub) ? 'list(own)' : 'list(empty)';
  if (expected.kind === 'registered-or-invalid' || expected.kind === 'erased-or-invalid') {
    return `${expected.kind.split('-')[0]}(${expected.why})=${answer.statusCode}`;
  }
  return expected.kind;
}

/** The generators reached every answer of the contract, so the cases meant something. */
function expectReached(seen: Map<string, number>, outcomes: string[]): void {
  const reached = Object.fromEntries(outcomes.map((outcome) => [outcome, (seen.get(outcome) ?? 0) > 0]));
  expect(reached).toEqual(Object.fromEntries(outcomes.map((outcome) => [outcome, true])));
}

const tally = (seen: Map<string, number>, label: string) => seen.set(label, (seen.get(label) ?? 0) + 1);
const distribution = (seen: Map<string, number>) =>
  [...seen.entries()]
    .sort(([, a], [, b]) => b - a)
    .map(([label, count]) => `${label}=${count}`)
    .join(' ');

// ---------------------------------------------------------------------------------------------

describe('reveal API and /internal/users under fuzzing, over the DynamoDB adapters on dynalite', () => {
  const originalWrites = { stdout: process.stdout.write, stderr: process.stderr.write };
  const summaries: string[] = [];

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    // Every command that reached DynamoDB and succeeded, by name: a rejected request must send no write.
    dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        if (!READ_COMMANDS.has(String(context.commandName))) writesSent.push(String(context.commandName));
        return output;
      },
      { step: 'initialize', name: 'fuzzWriteRecorder' },
    );
    const db = documentClient(dynamo.client);
    const users = new DynamoUserDirectory(db, dynamo.tableName);
    const store = new DynamoGuidanceStore(db, dynamo.tableName, dynamo.sessionTableName);
    const deps = { users, store, bridge, cipher: new LocalAesGcmCipher(), clock: new ManualClock(), passwordTtlSeconds: 1800 };

    // The worker's use case seeds two users, each with a guidance and a live session for two companies.
    for (const profile of [ALICE, BOB]) await registerUser(profile, deps);
    for (const [appUserId, companies] of Object.entries(SEEDED)) {
      const profile = appUserId === 'alice' ? ALICE : BOB;
      for (const company of companies) {
        const event = guidanceEvent(profile.bridgeUserUuid, company, deps.clock.now() - 60_000);
        assert.equal(await processGuidanceEvent(event, 'seed', { ...deps, notifier: new LocalOutbox() }), 'notified');
        const session = (await store.getSession(appUserId, company))!;
        const password = bridge.issued.find((issued) => issued.id === session.sessionId)!.password;
        seededSessions.set(sessionKey(appUserId, company), { sessionId: session.sessionId, password });
        passwordsToWatch.add(password);
      }
    }
    guard = new TableGuard(dynamo);
    await guard.takeBaseline();

    // The fuzzed identity is API Gateway's claims; verifying the bearer token is tested in reveal-authentication.test.ts.
    revealHandler = createRevealHandler({ ...deps, logger, authenticate: async (event) => claimsCaller(event) });
    internalUsersHandler = createInternalUsersHandler({ users, store, logger });

    // Powertools writes straight to the streams: keep thousands of lines out of the output, but
    // look at each one for a password. A bare stub, not jest.spyOn (which keeps every call).
    const watch = ((chunk: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      for (const password of passwordsToWatch) if (text.includes(password)) leakedLogLines += 1;
      return true;
    }) as typeof process.stdout.write;
    process.stdout.write = watch;
    process.stderr.write = watch;
  });

  afterAll(async () => {
    process.stdout.write = originalWrites.stdout;
    process.stderr.write = originalWrites.stderr;
    await dynamo?.stop();
    if (summaries.length > 0) console.log(summaries.join('\n'));
  });

  it('seeds two users with guidance and live sessions, and the table guard catches any change', async () => {
    // Arrange
    expect(guard.itemCount).toBe(10); // 2 profiles, 4 guidance records, 4 sessions
    const db = documentClient(dynamo.client);
    const store = new DynamoGuidanceStore(db, dynamo.tableName, dynamo.sessionTableName);
    const seeded = seededSessions.get(sessionKey('alice', SHARED_COMPANY))!;

    // Act: one counted reveal, as a request that must not write would do it
    writesSent.length = 0;
    await store.countReveal('alice', SHARED_COMPANY, seeded.sessionId, new ManualClock().now()); // the seeding clock's time
    const recorded = [...writesSent];
    const caught = await guard.verifyUnchanged('a deliberate change').then(
      () => 'not caught',
      (error: Error) => error.message,
    );

    // Assert: the per-case write check and the table comparison both see it, and the restore undoes it
    expect(recorded).toEqual(['UpdateItemCommand']);
    expect(caught).toMatch(/APP#alice SESSION#529196313/);
    await expect(guard.verifyUnchanged('the restore')).resolves.toBeUndefined();
  });

  it(`answers any route, path, body and JWT claim of the reveal API as the contract says; a refusal changes nothing (${FUZZ_RUNS} cases)`, async () => {
    const seen = new Map<string, number>();
    const started = performance.now();
    const scansBefore = guard.scans;
    const restoresBefore = guard.restores;

    await fc.assert(
      fc.asyncProperty(revealCaseArb, async (request) => {
        const expected = expectedRevealAnswer(request);
        if (mayWrite(expected)) await guard.beforeWritingCase();
        writesSent.length = 0;
        try {
          const result = await invoke(revealHandler, toEvent(request), 'reveal-api');
          const sub = callerOf(request.authorizer);
          const answer = checkAnswer(result, [request.body.text ?? '', sub ?? '', pathParameter(request, 'company_identification_number')], true);
          if (expected.kind === 'error') {
            const error = (answer.json as { error: string }).error;
            assert.deepEqual({ status: answer.statusCode, error }, { status: expected.status, error: expected.error });
          } else {
            checkRevealSuccess(expected, answer);
          }
          if (!mayWrite(expected)) {
            assert.deepEqual(writesSent, [], 'a refused or read-only request sends no write to DynamoDB');
            await guard.afterUnchangingCase();
          }
          tally(seen, labelOf(expected, answer));
        } finally {
          if (writesSent.length > 0) await guard.restore();
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
    await guard.verifyUnchanged('the last requests');
    const elapsedSeconds = (performance.now() - started) / 1000;

    expect(leakedLogLines).toBe(0);
    if (FUZZ_RUNS >= 1000) {
      expectReached(seen, [
        ...['unauthorized', 'unknown_route', 'invalid_request', 'not_found(other_user)', 'not_found(no_guidance)'],
        ...['list(own)', 'list(empty)', 'reveal', 'rotate', 'delete'],
      ]);
    }
    summaries.push(
      `api fuzz: reveal API ${FUZZ_RUNS} cases in ${elapsedSeconds.toFixed(1)} s, ` +
        `${guard.scans - scansBefore} table scans, ${guard.restores - restoresBefore} restores (${distribution(seen)})`,
    );
  }, PROPERTY_TIMEOUT_MS);

  it(`answers any path, method and body of /internal/users as the contract says; a refusal changes nothing (${FUZZ_RUNS} cases)`, async () => {
    const seen = new Map<string, number>();
    const started = performance.now();
    const scansBefore = guard.scans;
    const restoresBefore = guard.restores;

    await fc.assert(
      fc.asyncProperty(internalCaseArb, async ({ request, validity }) => {
        const expected = expectedInternalAnswer(request, validity);
        if (mayWrite(expected)) await guard.beforeWritingCase();
        writesSent.length = 0;
        try {
          const result = await invoke(internalUsersHandler, toEvent(request), 'internal-users');
          const answer = checkAnswer(result, [request.body.text ?? '', pathParameter(request, 'bridge_user_uuid')], false);
          const error = (answer.json as { error?: string } | undefined)?.error;
          switch (expected.kind) {
            case 'error':
              assert.deepEqual({ status: answer.statusCode, error }, { status: expected.status, error: expected.error });
              break;
            case 'registered': {
              assert.equal(answer.statusCode, 200);
              const body = answer.json as Record<string, unknown>;
              assert.deepEqual({ uuid: body.bridge_user_uuid, app: body.app_user_id }, { uuid: expected.uuid, app: expected.appUserId });
              break;
            }
            case 'registered-or-invalid':
              assert.ok(answer.statusCode === 200 || (answer.statusCode === 400 && error === 'invalid_request'), `status ${answer.statusCode} ${error}`);
              break;
            case 'erased':
              assert.equal(answer.statusCode, 204);
              break;
            case 'erased-or-invalid':
              assert.ok(answer.statusCode === 204 || (answer.statusCode === 400 && error === 'invalid_request'), `status ${answer.statusCode} ${error}`);
              break;
            default:
              assert.fail(`unexpected oracle kind ${expected.kind}`);
          }
          if (answer.statusCode >= 400) {
            assert.deepEqual(writesSent, [], 'a refused request sends no write to DynamoDB');
            await guard.afterUnchangingCase();
          }
          tally(seen, labelOf(expected, answer));
        } finally {
          if (writesSent.length > 0) await guard.restore();
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
    await guard.verifyUnchanged('the last requests');
    const elapsedSeconds = (performance.now() - started) / 1000;

    expect(leakedLogLines).toBe(0);
    if (FUZZ_RUNS >= 1000) {
      expectReached(seen, [
        ...['invalid_request(uuid)', 'method_not_allowed', 'payload_too_large', 'invalid_json', 'invalid_json(empty)', 'invalid_request(body)'],
        ...['registered', 'erased'],
      ]);
    }
    summaries.push(
      `api fuzz: /internal/users ${FUZZ_RUNS} cases in ${elapsedSeconds.toFixed(1)} s, ` +
        `${guard.scans - scansBefore} table scans, ${guard.restores - restoresBefore} restores (${distribution(seen)})`,
    );
  }, PROPERTY_TIMEOUT_MS);

  // -------------------------------------------------------------------------------------------
  // Regressions: bugs the fuzzing found, fixed since; these properties keep them fixed.

  knownBug('a sub too long for a DynamoDB key (> 2 KiB) is answered like any stranger (404, empty list), not 500', async () => {
    const firstTooLong = MAX_PARTITION_KEY_BYTES - 'APP#'.length + 1;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: firstTooLong, max: 70_000 }),
        fc.constantFrom('a', '€'),
        fc.constantFrom(...REVEAL_ROUTE_KEYS),
        fc.constantFrom(...SEEDED_COMPANIES),
        async (length, character, routeKey, company) => {
          const request: RequestCase = {
            routeKey,
            method: routeKey.split(' ')[0]!,
            rawPath: '/guidance',
            pathParameters: { company_identification_number: company },
            authorizer: { jwt: { claims: { sub: character.repeat(length) }, scopes: [] } },
            headers: {},
            body: { text: undefined, isBase64Encoded: false, label: 'none' },
          };
          writesSent.length = 0;
          const answer = checkAnswer(await invoke(revealHandler, toEvent(request), 'reveal-api'), [], true);
          assert.equal(answer.statusCode, routeKey === REVEAL_ROUTES.list ? 200 : 404);
          assert.deepEqual(writesSent, []);
        },
      ),
      { numRuns: 50 },
    );
  }, PROPERTY_TIMEOUT_MS);

  knownBug('a route key naming a member of Object.prototype is an unknown route (404 JSON), not a 500 or the event echoed back', async () => {
    const answers: [string, string][] = [];
    for (const routeKey of OBJECT_MEMBER_NAMES) {
      const request: RequestCase = {
        routeKey,
        method: 'GET',
        rawPath: '/guidance',
        pathParameters: MISSING,
        authorizer: { jwt: { claims: { sub: 'alice' }, scopes: [] } },
        headers: { authorization: 'Bearer token-of-alice' },
        body: { text: undefined, isBase64Encoded: false, label: 'none' },
      };
      const event = toEvent(request);
      const result = (await invoke(revealHandler, event, 'reveal-api')) as { statusCode?: unknown; body?: unknown } | string;
      const shown =
        result === event
          ? 'the request event itself (headers included) as the answer'
          : typeof result === 'object' && result !== null
            ? `${String(result.statusCode)} ${String(result.body)}`
            : `a ${typeof result}: ${String(result)}`;
      answers.push([routeKey, shown]);
    }
    const notFound = `404 ${JSON.stringify({ error: 'not_found', message: 'No such route.' })}`;
    expect(answers).toEqual(OBJECT_MEMBER_NAMES.map((routeKey) => [routeKey, notFound]));
  }, PROPERTY_TIMEOUT_MS);
});
