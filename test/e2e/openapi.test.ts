import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { LocalAesGcmCipher } from '../../shared/adapters/local-aes-cipher';
import { ERROR_STATUS } from '../../shared/http/errors';
import { API_ROUTES, REVEAL_ROUTES, type RouteDeclaration } from '../../shared/http/routes';
import type { SecretContext } from '../../shared/domain/guidance-session';
import { GUIDANCE_EVENT_TYPE } from '../../shared/domain/event-types';
import { signBody } from '../../shared/domain/webhook-signature';
import type { PasswordCipher } from '../../shared/ports/password-cipher';
import { localClient, waitFor } from '../fixtures/local-client';

// ---- the document -------------------------------------------------------------------------

type Method = 'get' | 'put' | 'post' | 'delete';
type Json = Record<string, unknown>;
interface Ref {
  readonly $ref?: string;
}
interface HeaderObject extends Ref {
  readonly required?: boolean;
}
interface MediaType {
  readonly schema?: unknown;
  readonly examples?: Record<string, Ref & { value?: unknown }>;
}
interface ResponseObject extends Ref {
  readonly headers?: Record<string, HeaderObject>;
  readonly content?: Record<string, MediaType>;
}
interface Operation {
  readonly security?: Record<string, string[]>[];
  readonly requestBody?: { content?: Record<string, MediaType> };
  readonly responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Partial<Record<Method, Operation>>>;
  readonly components: { schemas: Record<string, Json>; [section: string]: Record<string, unknown> };
}

const execFileAsync = promisify(execFile);
const DOC_PATH = join(__dirname, '..', '..', 'openapi.yaml');
const DOC_ID = 'https://guidance-relay.invalid/openapi.json';
const doc = parse(readFileSync(DOC_PATH, 'utf8')) as OpenApiDocument;

/** The routes the stack serves to the outside: the route table, and Bridge's webhook (the `/_local/*` ones are laptop-only). */
const WEBHOOK_OPERATION = 'post /webhooks/bridge';
const operationOf = (route: RouteDeclaration) => `${route.method.toLowerCase()} ${route.path}`;
const OPERATIONS = [...API_ROUTES.map(operationOf), WEBHOOK_OPERATION];
const METHODS: readonly Method[] = ['get', 'put', 'post', 'delete'];

const pointer = (...parts: string[]) => `#/${parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/** Follows a local `$ref`; returns the object and the JSON pointer where it lives. */
function follow<T extends Ref>(value: T, at: string): { value: T; at: string } {
  if (!value.$ref) return { value, at };
  const target = value.$ref
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], doc);
  if (!target) throw new Error(`Unresolvable $ref ${value.$ref} at ${at}`);
  return follow(target as T, value.$ref);
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ key: `${method} ${path}`, path, method, operation: item[method]! })),
  );

// ---- ajv over the document's own schemas ------------------------------------------------------

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: true });
addFormats(ajv);
// The document's top-level OpenAPI fields are annotations to ajv, so strict mode still guards every schema.
for (const field of Object.keys(doc)) ajv.addKeyword(field);
// The whole document is registered as one schema; validators point into it, so its `$ref`s resolve in place.
ajv.addSchema(doc as unknown as Json, DOC_ID);
const validators = new Map<string, ValidateFunction>();
function validatorAt(at: string): ValidateFunction {
  let validate = validators.get(at);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOC_ID}${at}` });
    validators.set(at, validate);
  }
  return validate;
}
function expectValid(at: string, value: unknown, what: string): void {
  const validate = validatorAt(at);
  if (validate(value)) return;
  const shown = JSON.stringify(value, (key, field: unknown) => (key === 'password' ? '<redacted>' : field));
  throw new Error(`${what} does not match ${at}: ${ajv.errorsText(validate.errors)}\n${shown}`);
}

// ---- checking live answers against the document ----------------------------------------------

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}
const produced = new Map<string, Set<number>>();
let validatedBodies = 0;
let documentedAnswers = 0;

/** Asserts that `answer` is a documented response of `method path` and matches its schema and headers. */
function expectDocumented(method: Method, path: string, answer: Answer): void {
  const key = `${method} ${path}`;
  const operation = doc.paths[path]?.[method];
  if (!operation) throw new Error(`${key} is not in openapi.yaml`);
  const listed = operation.responses[String(answer.status)];
  if (!listed) throw new Error(`${key} answered ${answer.status}, which openapi.yaml does not document (body ${answer.text})`);
  const { value: response, at } = follow(listed, pointer('paths', path, method, 'responses', String(answer.status)));
  expectHeaders(response, at, answer, key);
  expectBody(response, at, answer, key);
  produced.set(key, (produced.get(key) ?? new Set()).add(answer.status));
  documentedAnswers += 1;
}

function expectHeaders(response: ResponseObject, at: string, answer: Answer, what: string): void {
  for (const [name, declared] of Object.entries(response.headers ?? {})) {
    const { value: header, at: headerAt } = follow(declared, `${at}/headers/${name}`);
    const actual = answer.headers.get(name);
    if (actual === null) {
      if (header.required) throw new Error(`${what} ${answer.status} lacks the required header ${name}`);
      continue;
    }
    expectValid(`${headerAt}/schema`, actual, `${what} ${answer.status} header ${name}`);
  }
}

function expectBody(response: ResponseObject, at: string, answer: Answer, what: string): void {
  if (!response.content) {
    expect({ what, status: answer.status, body: answer.text }).toEqual({ what, status: answer.status, body: '' });
    return;
  }
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(response.content)).toContain('application/json');
  expectValid(`${at}/content/application~1json/schema`, JSON.parse(answer.text), `${what} ${answer.status} body`);
  validatedBodies += 1;
}

/** Answers outside any operation (unknown path, wrong method) still have the `Error` shape. */
function expectErrorShape(answer: Answer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  const body = JSON.parse(answer.text) as Json;
  expectValid('#/components/schemas/Error', body, `${status} answer`);
  expect(body.error).toBe(code);
  validatedBodies += 1;
}

// ---- the laptop stack, with switchable faults -------------------------------------------------

/** The local cipher, with KMS outages on demand. */
class SwitchableCipher implements PasswordCipher {
  failEncrypt = false;
  failDecrypt = false;
  private readonly inner = new LocalAesGcmCipher();
  async encrypt(plain: string, context: SecretContext): Promise<Uint8Array> {
    if (this.failEncrypt) throw new Error('Simulated KMS outage.');
    return this.inner.encrypt(plain, context);
  }
  async decrypt(blob: Uint8Array, context: SecretContext): Promise<string> {
    if (this.failDecrypt) throw new Error('Simulated KMS outage.');
    return this.inner.decrypt(blob, context);
  }
}

const OLIVIA = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const ERIN = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
const COMPANY = '552100554';
const ONE_MIB_AND_MORE = 'x'.repeat(1024 * 1024 + 16);
const REVEAL = '/guidance/{company_identification_number}/reveal';
const SESSION = '/guidance/{company_identification_number}/session';
const ROTATE = '/guidance/{company_identification_number}/rotate';
const USERS = '/internal/users/{bridge_user_uuid}';
const WEBHOOK = '/webhooks/bridge';

let stack: LocalStack;
let client: ReturnType<typeof localClient>;
const cipher = new SwitchableCipher();

beforeAll(async () => {
  stack = await startLocalStack({
    env: { PORT: '0' },
    queue: { visibilityTimeoutMs: 300 },
    cipher,
    bridgeRetry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 50 },
  });
  client = localClient(stack);
});
afterAll(() => stack.stop());

const signed = (body: string, secret = stack.config.webhookSecrets[0]!) => ({ body, headers: { 'BridgeApi-Signature': `v1=${signBody(body, secret)}` } });
const guidanceEvent = (user: string, company: string, timestamp: number) =>
  JSON.stringify({ type: GUIDANCE_EVENT_TYPE, timestamp, content: { user_id: user, company_identification_number: company } });

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validateWithSeriousme(DOC_PATH);

    expect(result.errors).toBeUndefined();
    expect(result).toEqual({ valid: true, version: '3.1' });
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes exactly the routes the stack serves, each with its authentication', () => {
    expect(operations().map((entry) => entry.key).sort()).toEqual([...OPERATIONS].sort());
    const securityOf = (key: string) => operations().find((entry) => entry.key === key)!.operation.security;
    for (const route of API_ROUTES) expect({ route: operationOf(route), security: securityOf(operationOf(route)) }).toEqual({ route: operationOf(route), security: [route.auth === 'jwt' ? { bearerJwt: [] } : { awsIam: [] }] });
    expect(securityOf(WEBHOOK_OPERATION)).toEqual([]);
  });

  it('lists every error code of shared/http/errors.ts, and narrows each response to codes of its status', () => {
    expect(doc.components.schemas.ErrorCode!.enum).toEqual(Object.keys(ERROR_STATUS));
    for (const { key, path, method, operation } of operations()) {
      for (const [status, listed] of Object.entries(operation.responses)) {
        const { value: response, at } = follow(listed, pointer('paths', path, method, 'responses', status));
        const schema = response.content?.['application/json']?.schema;
        if (!schema) continue;
        const codes = errorCodesOf(schema, at);
        for (const code of codes) {
          expect({ key, status, code, mapsTo: ERROR_STATUS[code as keyof typeof ERROR_STATUS] }).toEqual({ key, status, code, mapsTo: Number(status) });
        }
        if (Number(status) >= 400 && !isGatewayOnly(schema, at)) expect({ key, status, narrowed: codes.length > 0 }).toEqual({ key, status, narrowed: true });
      }
    }
  });

  it('has examples that match their own schemas', () => {
    let checked = 0;
    for (const { path, method, operation } of operations()) {
      const base = pointer('paths', path, method);
      const located = (at: string, content: Record<string, MediaType> = {}) =>
        Object.entries(content).map(([type, media]): [string, MediaType] => [`${at}/content/${type.replace('/', '~1')}`, media]);
      const media = [
        ...located(`${base}/requestBody`, operation.requestBody?.content),
        ...Object.entries(operation.responses).flatMap(([status, listed]) => {
          const { value, at } = follow(listed, `${base}/responses/${status}`);
          return located(at, value.content);
        }),
      ];
      for (const [at, content] of media) {
        for (const [name, example] of Object.entries(content.examples ?? {})) {
          expectValid(`${at}/schema`, follow(example, `${at}/examples/${name}`).value.value, `example ${name} of ${at}`);
          checked += 1;
        }
      }
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const example of (schema.examples as unknown[] | undefined) ?? []) {
        expectValid(pointer('components', 'schemas', name), example, `example of schema ${name}`);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe('the laptop stack answers as openapi.yaml says', () => {
  it('registers users on /internal/users (200, 400, 401, 413)', async () => {
    stack.bridge!.knownUsers.add(OLIVIA);
    const admin = { token: client.admin };
    const put = (uuid: string, body: string, init: { token?: string } = admin) =>
      client.call('PUT', `/internal/users/${uuid}`, { ...init, body });
    const olivia = { app_user_id: 'olivia', country_code: 'FR', contact_email: 'olivia@example.com', contact_phone_number: '+33612345678', language: 'fr-FR' };

    const registered = await put(OLIVIA.toUpperCase(), JSON.stringify({ ...olivia, unknown_field: true }));
    const minimal = await put(ERIN, JSON.stringify({ app_user_id: 'erin', country_code: 'DE' }));
    const invalidFields = await put(
      ERIN,
      JSON.stringify({ app_user_id: 'erin', country_code: 'germany', contact_email: 'not-an-email', contact_phone_number: '0612' }),
    );
    const notJson = await put(ERIN, '{"app_user_id": ');
    const badUuid = await put('not-a-uuid', JSON.stringify({ app_user_id: 'erin', country_code: 'DE' }));
    const noToken = await put(ERIN, JSON.stringify({ app_user_id: 'erin', country_code: 'DE' }), {});
    const wrongToken = await put(ERIN, JSON.stringify({ app_user_id: 'erin', country_code: 'DE' }), { token: 'not-the-admin-token' });
    const tooLarge = await put(ERIN, JSON.stringify({ app_user_id: 'erin', country_code: 'DE', padding: 'x'.repeat(5000) }));

    const answers = [registered, minimal, invalidFields, notJson, badUuid, noToken, wrongToken, tooLarge];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 400, 400, 401, 401, 413]);
    expect(registered.json).toEqual({ bridge_user_uuid: OLIVIA, ...olivia });
    expect(invalidFields.json!.message).toMatch(/country_code.*contact_email.*contact_phone_number/);
    expect([notJson.json!.error, badUuid.json!.error]).toEqual(['invalid_json', 'invalid_request']);
    for (const answer of answers) expectDocumented('put', USERS, answer);
  });

  it('takes a signed webhook to a reveal, a delete, a renewal and a rotation (200, 204)', async () => {
    const accepted = await client.sendWebhook(OLIVIA, COMPANY);
    await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === 'olivia'));
    await stack.queue.drained();
    const token = await client.token('olivia');

    const listed = await client.call('GET', '/guidance', { token });
    const revealed = await client.call('POST', `/guidance/${COMPANY}/reveal`, { token });
    const listedAfterReveal = await client.call('GET', '/guidance', { token });
    const deleted = await client.call('DELETE', `/guidance/${COMPANY}/session`, { token });
    const deletedAgain = await client.call('DELETE', `/guidance/${COMPANY}/session`, { token });
    const listedAfterDelete = await client.call('GET', '/guidance', { token });
    const renewed = await client.call('POST', `/guidance/${COMPANY}/reveal`, { token });
    const rotated = await client.call('POST', `/guidance/${COMPANY}/rotate`, { token });
    const nothingForMallory = await client.call('GET', '/guidance', { token: await client.token('mallory') });

    expect(accepted.json).toEqual({ status: 'accepted' });
    const statuses = [listed, revealed, listedAfterReveal, deleted, deletedAgain, listedAfterDelete, renewed, rotated].map((a) => a.status);
    expect(statuses).toEqual([200, 200, 200, 204, 204, 200, 200, 200]);
    const sessionOf = (answer: typeof listed) => (answer.json!.items as { session: { id: string; reveal_count: number } | null }[])[0]!.session;
    expect(sessionOf(listed)).toEqual(expect.objectContaining({ id: revealed.json!.session_id, reveal_count: 0 }));
    expect(sessionOf(listedAfterReveal)!.reveal_count).toBe(1);
    expect(sessionOf(listedAfterDelete)).toBeNull();
    expect(rotated.json!.session_id).not.toBe(renewed.json!.session_id);
    expect(nothingForMallory.json).toEqual({ items: [] });
    expectDocumented('post', WEBHOOK, accepted);
    for (const answer of [listed, listedAfterReveal, listedAfterDelete, nothingForMallory]) expectDocumented('get', '/guidance', answer);
    for (const answer of [revealed, renewed]) expectDocumented('post', REVEAL, answer);
    for (const answer of [deleted, deletedAgain]) expectDocumented('delete', SESSION, answer);
    expectDocumented('post', ROTATE, rotated);
  });

  it('refuses every company route of the route table as documented (400, 401, 404, 413)', async () => {
    const mallory = await client.token('mallory');
    const olivia = await client.token('olivia');
    const companyRoutes = REVEAL_ROUTES.filter((route) => route.path.includes('{company_identification_number}'));
    expect(companyRoutes.length).toBeGreaterThanOrEqual(3);

    for (const route of companyRoutes) {
      const method = route.method.toLowerCase() as Method;
      const at = (company: string) => route.path.replace('{company_identification_number}', company);
      const oversized = route.method === 'GET'
        ? await getWithBody(`${stack.url}${at(COMPANY)}`, ONE_MIB_AND_MORE, olivia)
        : await client.call(route.method, at(COMPANY), { token: olivia, body: ONE_MIB_AND_MORE });
      const answers = [
        await client.call(route.method, at(COMPANY)),
        await client.call(route.method, at(COMPANY), { token: 'not-a-jwt' }),
        await client.call(route.method, at(COMPANY), { token: mallory }),
        await client.call(route.method, at('123456789'), { token: olivia }),
        await client.call(route.method, at('12345678'), { token: olivia }),
        await client.call(route.method, at('abcdefghi'), { token: olivia }),
        oversized,
      ];
      expect({ route: route.action, statuses: answers.map((a) => a.status) }).toEqual({ route: route.action, statuses: [401, 401, 404, 404, 400, 400, 413] });
      expect(answers[2]!.text).toBe(answers[3]!.text);
      for (const answer of answers) expectDocumented(method, route.path, answer);
    }
    const guidanceRefusals = [
      await client.call('GET', '/guidance'),
      await client.call('GET', '/guidance', { token: 'Bearer' }),
      await getWithBody(`${stack.url}/guidance`, ONE_MIB_AND_MORE, olivia),
    ];
    expect(guidanceRefusals.map((a) => a.status)).toEqual([401, 401, 413]);
    for (const answer of guidanceRefusals) expectDocumented('get', '/guidance', answer);
  });

  it('answers Bridge as documented (200 accepted/ignored/stale, 400, 401, 413, 503)', async () => {
    const now = Date.now();
    const event = guidanceEvent(OLIVIA, COMPANY, now - 1000);
    const twoSecrets = `v1=${'0'.repeat(64)}, v2=whatever, v1=${signBody(event, stack.config.webhookSecrets[0]!).toUpperCase()}`;
    const answers = {
      acceptedWithRotationHeader: await client.call('POST', WEBHOOK, { body: event, headers: { 'BridgeApi-Signature': twoSecrets } }),
      redelivered: await client.call('POST', WEBHOOK, signed(event)),
      ignored: await client.call('POST', WEBHOOK, signed(JSON.stringify({ type: 'TEST_EVENT', timestamp: Math.floor(now / 1000), content: {} }))),
      staleOld: await client.call('POST', WEBHOOK, signed(guidanceEvent(OLIVIA, COMPANY, now - 4 * 24 * 3600 * 1000))),
      staleFuture: await client.call('POST', WEBHOOK, signed(guidanceEvent(OLIVIA, COMPANY, now + 10 * 60 * 1000))),
      unsigned: await client.call('POST', WEBHOOK, { body: event }),
      wrongSecret: await client.call('POST', WEBHOOK, signed(event, 'not-the-secret')),
      notJson: await client.call('POST', WEBHOOK, signed('{"type": "guidance.health.ready", ')),
      invalidEvent: await client.call('POST', WEBHOOK, signed(guidanceEvent('not-a-uuid', '123', now))),
      noType: await client.call('POST', WEBHOOK, signed('[]')),
      overFunctionLimit: await client.call('POST', WEBHOOK, signed(JSON.stringify({ type: 'TEST_EVENT', padding: 'x'.repeat(70 * 1024) }))),
      overGatewayLimit: await client.call('POST', WEBHOOK, { body: ONE_MIB_AND_MORE }),
    };
    stack.queue.failNextSends = 1;
    const queueDown = await client.call('POST', WEBHOOK, signed(guidanceEvent(OLIVIA, COMPANY, now - 500)));
    await stack.queue.drained();

    expect(Object.fromEntries(Object.entries(answers).map(([name, a]) => [name, [a.status, a.json!.status ?? a.json!.error]]))).toEqual({
      acceptedWithRotationHeader: [200, 'accepted'],
      redelivered: [200, 'accepted'],
      ignored: [200, 'ignored'],
      staleOld: [200, 'stale'],
      staleFuture: [200, 'stale'],
      unsigned: [401, 'invalid_signature'],
      wrongSecret: [401, 'invalid_signature'],
      notJson: [400, 'invalid_json'],
      invalidEvent: [400, 'invalid_event'],
      noType: [200, 'ignored'],
      overFunctionLimit: [413, 'payload_too_large'],
      overGatewayLimit: [413, 'payload_too_large'],
    });
    expect([queueDown.status, queueDown.json!.error]).toEqual([503, 'queue_unavailable']);
    expect(answers.invalidEvent.json!.message).toMatch(/content\.user_id.*content\.company_identification_number/);
    for (const answer of [...Object.values(answers), queueDown]) expectDocumented('post', WEBHOOK, answer);
  });

  it('answers Bridge and KMS failures on reveal and rotate as documented (500, 502, 503)', async () => {
    await stack.queue.drained();
    const token = await client.token('olivia');
    const call = (last: 'reveal' | 'rotate') => client.call('POST', `/guidance/${COMPANY}/${last}`, { token });

    stack.bridge!.scriptedFaults.push({ kind: 'status', status: 400 });
    const bridgeRefused = await call('rotate');
    stack.bridge!.scriptedFaults.push({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const bridgeDown = await call('rotate');
    cipher.failDecrypt = true;
    const decryptFailed = await call('reveal').finally(() => (cipher.failDecrypt = false));
    cipher.failEncrypt = true;
    const encryptFailed = await call('rotate').finally(() => (cipher.failEncrypt = false));
    // With no stored password, reveal renews the session with Bridge first, and meets the same faults.
    await client.call('DELETE', `/guidance/${COMPANY}/session`, { token });
    stack.bridge!.scriptedFaults.push({ kind: 'status', status: 400 });
    const renewalRefused = await call('reveal');
    cipher.failEncrypt = true;
    const renewalEncryptFailed = await call('reveal').finally(() => (cipher.failEncrypt = false));
    const recovered = await call('reveal');

    const outcomes = [bridgeRefused, bridgeDown, decryptFailed, encryptFailed, renewalRefused, renewalEncryptFailed, recovered];
    expect(outcomes.map((a) => [a.status, a.json!.error])).toEqual([
      [502, 'upstream_error'],
      [503, 'service_unavailable'],
      [503, 'service_unavailable'],
      [500, 'internal_error'],
      [502, 'upstream_error'],
      [500, 'internal_error'],
      [200, undefined],
    ]);
    for (const answer of [bridgeRefused, bridgeDown, encryptFailed]) expectDocumented('post', ROTATE, answer);
    for (const answer of [decryptFailed, renewalRefused, renewalEncryptFailed, recovered]) expectDocumented('post', REVEAL, answer);
  });

  it('answers a DynamoDB or SQS outage with 500 internal_error and a fixed message', async () => {
    const token = await client.token('olivia');
    const admin = client.admin;
    const dynamoDown = jest.spyOn(stack.db, 'send').mockImplementation(async () => {
      throw new Error('Simulated DynamoDB outage at 127.0.0.1');
    });
    // Every reveal route of the route table, for a company the caller owns.
    const revealAnswers: [RouteDeclaration, Answer][] = [];
    for (const route of REVEAL_ROUTES) {
      revealAnswers.push([route, await client.call(route.method, route.path.replace('{company_identification_number}', COMPANY), { token })]);
    }
    const answers = {
      ...Object.fromEntries(revealAnswers.map(([route, answer]) => [route.action, answer])),
      register: await client.registerUser(ERIN, { app_user_id: 'erin', country_code: 'DE' }),
      erase: await client.call('DELETE', `/internal/users/${ERIN}`, { token: admin }),
    };
    dynamoDown.mockRestore();
    const queueDown = jest.spyOn(stack.queue, 'enqueue').mockRejectedValueOnce(new Error('Simulated SQS SDK failure'));
    const webhook = await client.sendWebhook(OLIVIA, COMPANY, Date.now() - 200);
    queueDown.mockRestore();

    for (const answer of [...Object.values(answers), webhook]) {
      expect([answer.status, answer.json]).toEqual([500, { error: 'internal_error', message: 'Internal error.' }]);
    }
    for (const [route, answer] of revealAnswers) expectDocumented(route.method.toLowerCase() as Method, route.path, answer);
    expectDocumented('put', USERS, answers.register);
    expectDocumented('delete', USERS, answers.erase);
    expectDocumented('post', WEBHOOK, webhook);
  });

  it('erases users on /internal/users (204, 400, 401)', async () => {
    const erased = await client.call('DELETE', `/internal/users/${ERIN}`, { token: client.admin });
    const erasedAgain = await client.call('DELETE', `/internal/users/${ERIN}`, { token: client.admin });
    const erasedOlivia = await client.call('DELETE', `/internal/users/${OLIVIA}`, { token: client.admin });
    const badUuid = await client.call('DELETE', '/internal/users/12345', { token: client.admin });
    const noToken = await client.call('DELETE', `/internal/users/${ERIN}`);
    const tooLarge = await client.call('DELETE', `/internal/users/${ERIN}`, { token: client.admin, body: ONE_MIB_AND_MORE });

    expect([erased, erasedAgain, erasedOlivia, badUuid, noToken, tooLarge].map((a) => a.status)).toEqual([204, 204, 204, 400, 401, 413]);
    expect((await client.call('GET', '/guidance', { token: await client.token('olivia') })).json).toEqual({ items: [] });
    for (const answer of [erased, erasedAgain, erasedOlivia, badUuid, noToken, tooLarge]) expectDocumented('delete', USERS, answer);
  });

  it('answers an unknown path with 404 and a wrong method with 405, in the Error shape', async () => {
    expectErrorShape(await client.call('GET', '/nowhere'), 404, 'not_found');
    expectErrorShape(await client.call('GET', `/internal/users/${ERIN}`, { token: client.admin }), 405, 'method_not_allowed');
    expectErrorShape(await client.call('GET', `/guidance/${COMPANY}/reveal`, { token: await client.token('olivia') }), 405, 'method_not_allowed');
  });

  it('produced every status the document lists for a function, except the deployed-only ones', () => {
    const summary = OPERATIONS.map((key) => {
      const [method, path] = key.split(' ') as [Method, string];
      const documented = Object.keys(doc.paths[path]![method]!.responses).map(Number);
      const seen = [...(produced.get(key) ?? [])].sort((a, b) => a - b);
      return { key, documented, seen, unseen: documented.filter((status) => !seen.includes(status)) };
    });
    console.log(
      `openapi.yaml: ${documentedAnswers} answers matched to their operation and status, ${validatedBodies} JSON bodies validated; statuses per operation:\n` +
        summary.map(({ key, seen, unseen }) => `  ${key}: produced ${seen.join(', ')}; not produced ${unseen.join(', ') || '-'}`).join('\n'),
    );

    // Only deployed AWS can answer these: 429 and the IAM 403 come from API Gateway itself, the
    // webhook's 403 from the source-IP check, which is off on the laptop.
    expect(Object.fromEntries(summary.map(({ key, unseen }) => [key, unseen]))).toEqual({
      ...Object.fromEntries(API_ROUTES.map((route) => [operationOf(route), route.auth === 'iam' ? [403, 429] : [429]])),
      [WEBHOOK_OPERATION]: [403, 429],
    });
    expect(documentedAnswers).toBeGreaterThanOrEqual(70);
    expect(validatedBodies).toBeGreaterThanOrEqual(65);
  });
});

/**
 * `@seriousme/openapi-schema-validator` is ESM-only and jest runs this file as CommonJS (no
 * require(esm) on Node 20), so it runs in a child Node process, through its documented API.
 */
async function validateWithSeriousme(file: string): Promise<{ valid: boolean; version?: string; errors?: unknown }> {
  const script = [
    "import { Validator } from '@seriousme/openapi-schema-validator';",
    'const validator = new Validator();',
    'const result = await validator.validate(process.argv[1]);',
    'process.stdout.write(JSON.stringify(result.valid ? { valid: true, version: validator.version } : result));',
  ].join('\n');
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script, file], { cwd: join(__dirname, '..', '..') });
  return JSON.parse(stdout) as { valid: boolean; version?: string; errors?: unknown };
}

/** A GET with a body, which fetch refuses to send. */
function getWithBody(url: string, body: string, token: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) };
    const request = httpRequest(url, { method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers.set(name, value);
        resolve({ status: response.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

// ---- helpers over the document's schemas -------------------------------------------------------

/** The `error` codes a response schema narrows `Error` to (through `$ref` and `allOf`), or [] when it does not. */
function errorCodesOf(schema: unknown, at: string): string[] {
  // A schema of its own (e.g. UnauthorizedError, which API Gateway's body also matches) names its code directly.
  const ownError = ((follow(schema as Ref, at).value as Json).properties as Json | undefined)?.error as Json | undefined;
  if (ownError?.const !== undefined) return [String(ownError.const)];
  const alternatives = ((follow(schema as Ref, at).value as Json).oneOf as Ref[] | undefined) ?? [];
  if (alternatives.length > 0) return alternatives.flatMap((alternative) => errorCodesOf(alternative, at));
  const parts = ((follow(schema as Ref, at).value as Json).allOf as Ref[] | undefined) ?? [];
  const narrowed = parts
    .map((part) => ((follow(part, at).value as Json).properties as Json | undefined)?.error as Json | undefined)
    .filter((error): error is Json => error?.const !== undefined || error?.enum !== undefined);
  if (narrowed.length > 0) return narrowed.flatMap((error) => (error.const !== undefined ? [String(error.const)] : (error.enum as string[])));
  return parts.flatMap((part) => errorCodesOf(part, at));
}

/** Answers API Gateway produces itself (throttling, IAM refusals): not the `Error` shape. */
function isGatewayOnly(schema: unknown, at: string): boolean {
  return follow(schema as Ref, at).value === doc.components.schemas.GatewayMessage;
}
