import { inspect } from 'node:util';
import { SendMessageCommand, SQSClient, type SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createWebhookHandler } from '../../functions/bridge-webhook/app';
import { SqsEventQueue } from '../../shared/adapters/sqs-event-queue';
import { Misconfigured, TransientFailure } from '../../shared/domain/errors';
import { signBody } from '../../shared/domain/webhook-signature';
import { logger } from '../../shared/observability';
import {
  BRIDGE_SOURCE_IPS,
  DEMO_BRIDGE_USER_UUID,
  DEMO_COMPANY,
  dashboardTestEventBody,
  guidanceReadyBody,
  httpApiEvent,
  lambdaContext,
  parseHttpResult,
  type HttpApiRequest,
  type ParsedHttpResponse,
} from '../fixtures/api-gateway';

const NOW_MS = Date.parse('2026-11-25T12:00:00.000Z');
const MAX_AGE_SECONDS = 259_200;
const FUTURE_SKEW_MS = 5 * 60 * 1000;
const MAX_BODY_BYTES = 64 * 1024;
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/guidance-relay-events';
const CURRENT_SECRET = 'whsec_current_c0ffee1234';
const NEXT_SECRET = 'whsec_next_deadbeef5678';
const RETIRED_SECRET = 'whsec_retired_0000aaaa';
const LIVE_SECRETS = [CURRENT_SECRET, NEXT_SECRET];
const ALL_SECRETS = [...LIVE_SECRETS, RETIRED_SECRET];

const sqsMock = mockClient(SQSClient);

type WebhookHandler = ReturnType<typeof createWebhookHandler>;

function buildHandler(overrides: { allowedSourceIps?: readonly string[]; secrets?: () => Promise<readonly string[]> } = {}): WebhookHandler {
  return createWebhookHandler({
    queue: new SqsEventQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL),
    secrets: { webhookSecrets: overrides.secrets ?? (async () => LIVE_SECRETS) },
    clock: { now: () => NOW_MS },
    maxAgeSeconds: MAX_AGE_SECONDS,
    allowedSourceIps: overrides.allowedSourceIps ?? [],
    logger,
  });
}

const handler = buildHandler();

/** Every signature header value this file sent, to prove none reached a log line. */
const sentSignatureHeaders: string[] = [];

function signed(body: string | Buffer, secret = CURRENT_SECRET, request: HttpApiRequest = {}): HttpApiRequest {
  return { ...request, body, headers: { ...request.headers, 'bridgeapi-signature': `v1=${signBody(body, secret)}` } };
}

async function deliver(request: HttpApiRequest, target: WebhookHandler = handler): Promise<ParsedHttpResponse & { requestId: string }> {
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() === 'bridgeapi-signature') sentSignatureHeaders.push(value);
  }
  const event = httpApiEvent(request);
  const result = await target(event, lambdaContext());
  return { ...parseHttpResult(result), requestId: event.requestContext.requestId };
}

function sentMessages(): SendMessageCommandInput[] {
  return sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
}

function queuedEvent(index = 0): Record<string, unknown> {
  const body = sentMessages()[index]?.MessageBody;
  if (body === undefined) throw new Error(`No message #${index} was sent`);
  return JSON.parse(body) as Record<string, unknown>;
}

/** A valid guidance event whose compact JSON is exactly `totalBytes` long, padded by an extra field. */
function guidanceBodyOfSize(totalBytes: number, timestamp = NOW_MS): string {
  const unpadded = guidanceReadyBody({ timestamp, extra: { padding: '' } });
  const body = guidanceReadyBody({ timestamp, extra: { padding: 'x'.repeat(totalBytes - Buffer.byteLength(unpadded)) } });
  expect(Buffer.byteLength(body)).toBe(totalBytes);
  return body;
}

function expectJsonHeaders(response: ParsedHttpResponse): void {
  expect(response.headers['content-type']).toBe('application/json');
  expect(response.headers['cache-control']).toBe('no-store');
}

function expectError(response: ParsedHttpResponse, statusCode: number, code: string): void {
  expect(response.statusCode).toBe(statusCode);
  expectJsonHeaders(response);
  expect(response.json).toEqual({ error: code, message: expect.any(String) });
  expect((response.json as { message: string }).message.length).toBeGreaterThan(0);
}

// Everything the process writes during this file: stdout, stderr and console.*.
const logOutput: string[] = [];

beforeAll(() => {
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      logOutput.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write);
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logOutput.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' '));
    });
  }
});

afterAll(() => {
  jest.restoreAllMocks();
  sqsMock.restore();
});

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'a6d5a4e2-0000-4000-8000-000000000001' });
});

describe('POST /webhooks/bridge: accepted', () => {
  it('answers 200 accepted and sends one SQS message carrying the event and the request id', async () => {
    // Arrange
    const request = signed(guidanceReadyBody({ timestamp: NOW_MS - 1000 }));

    // Act
    const response = await deliver(request);

    // Assert
    expect(response.statusCode).toBe(200);
    expectJsonHeaders(response);
    expect(response.json).toEqual({ status: 'accepted' });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: QUEUE_URL,
      MessageAttributes: { correlation_id: { DataType: 'String', StringValue: response.requestId } },
    });
    expect(queuedEvent()).toEqual({
      eventKey: expect.stringMatching(/^[0-9a-f]{64}$/),
      type: 'guidance.health.ready',
      timestamp: NOW_MS - 1000,
      bridgeUserUuid: DEMO_BRIDGE_USER_UUID,
      companyIdentificationNumber: DEMO_COMPANY,
      receivedAt: NOW_MS,
    });
  });

  it('lower-cases the Bridge user id before queueing', async () => {
    // Arrange
    const request = signed(guidanceReadyBody({ timestamp: NOW_MS, userId: DEMO_BRIDGE_USER_UUID.toUpperCase() }));

    // Act
    const response = await deliver(request);

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
    expect(queuedEvent().bridgeUserUuid).toBe(DEMO_BRIDGE_USER_UUID);
  });

  it('gives a redelivered event the same key, whatever the request id or the case of the user id', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: NOW_MS - 5000 });
    const upperCased = guidanceReadyBody({ timestamp: NOW_MS - 5000, userId: DEMO_BRIDGE_USER_UUID.toUpperCase() });

    // Act
    const first = await deliver(signed(body));
    const second = await deliver(signed(body));
    await deliver(signed(upperCased, NEXT_SECRET));

    // Assert
    expect(first.requestId).not.toBe(second.requestId);
    const keys = [0, 1, 2].map((index) => queuedEvent(index).eventKey);
    expect(new Set(keys).size).toBe(1);
  });

  it.each([
    ['timestamp', { timestamp: NOW_MS - 5001 }],
    ['user', { timestamp: NOW_MS - 5000, userId: '9a06895a-7a97-48fd-92d5-eaebf4fdf2b1' }],
    ['company', { timestamp: NOW_MS - 5000, company: '552100554' }],
  ])('gives a different key to an event with a different %s', async (_field, variant) => {
    // Arrange
    const original = guidanceReadyBody({ timestamp: NOW_MS - 5000 });
    const different = guidanceReadyBody(variant);

    // Act
    await deliver(signed(original));
    await deliver(signed(different));

    // Assert
    expect(queuedEvent(0).eventKey).not.toBe(queuedEvent(1).eventKey);
  });

  it('accepts an event signed with the second live secret', async () => {
    // Act
    const response = await deliver(signed(guidanceReadyBody({ timestamp: NOW_MS }), NEXT_SECRET));

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('tolerates unknown extra fields', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: NOW_MS, extra: { id: 'evt_123', livemode: false, metadata: { attempts: 2 } } });

    // Act
    const response = await deliver(signed(body));

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('reads the signature header whatever its case', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: NOW_MS });
    const request: HttpApiRequest = { body, keepHeaderCase: true, headers: { 'BridgeApi-Signature': `v1=${signBody(body, CURRENT_SECRET)}` } };

    // Act
    const response = await deliver(request);

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
  });

  it('accepts a body of exactly 64 KiB', async () => {
    // Arrange
    const body = guidanceBodyOfSize(MAX_BODY_BYTES);

    // Act
    const response = await deliver(signed(body));

    // Assert
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ status: 'accepted' });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });
});

describe('POST /webhooks/bridge: signature', () => {
  it.each<[string, (body: string) => Record<string, string>]>([
    ['there is no signature header', () => ({})],
    ['the signature header is empty', () => ({ 'bridgeapi-signature': '' })],
    ['the body is signed with a retired secret', (body) => ({ 'bridgeapi-signature': `v1=${signBody(body, RETIRED_SECRET)}` })],
    ['the only entry uses the v0 scheme', (body) => ({ 'bridgeapi-signature': `v0=${signBody(body, CURRENT_SECRET)}` })],
    ['the digest is sent in another header', (body) => ({ 'x-signature': `v1=${signBody(body, CURRENT_SECRET)}` })],
    [
      'a re-serialised body was signed',
      (body) => ({ 'bridgeapi-signature': `v1=${signBody(JSON.stringify(JSON.parse(body), null, 2), CURRENT_SECRET)}` }),
    ],
  ])('answers 401 invalid_signature when %s', async (_case, headersFor) => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: NOW_MS });

    // Act
    const response = await deliver({ body, headers: headersFor(body) });

    // Assert
    expectError(response, 401, 'invalid_signature');
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('answers 401 to a request with no body and no signature', async () => {
    // Act
    const response = await deliver({});

    // Assert
    expectError(response, 401, 'invalid_signature');
  });

  it('answers 400 invalid_json to a missing body that carries the HMAC of zero bytes', async () => {
    // Act
    const response = await deliver({ headers: { 'bridgeapi-signature': `v1=${signBody('', CURRENT_SECRET)}` } });

    // Assert
    expectError(response, 400, 'invalid_json');
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('checks the signature before parsing, so an unsigned non-JSON body is 401, not 400', async () => {
    // Act
    const response = await deliver({ body: 'not json at all' });

    // Assert
    expectError(response, 401, 'invalid_signature');
  });
});

describe('POST /webhooks/bridge: body size', () => {
  it('answers 413 to a correctly signed body of 64 KiB + 1 byte', async () => {
    // Arrange
    const body = guidanceBodyOfSize(MAX_BODY_BYTES + 1);

    // Act
    const response = await deliver(signed(body));

    // Assert
    expectError(response, 413, 'payload_too_large');
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('counts bytes, not characters: 30,000 euro signs (90,000 bytes) are too large', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: NOW_MS, extra: { note: '€'.repeat(30_000) } });
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);

    // Act
    const response = await deliver(signed(body));

    // Assert
    expectError(response, 413, 'payload_too_large');
  });

  it('measures a base64 body after decoding: 64 KiB of bytes (87,384 base64 characters) is accepted', async () => {
    // Arrange
    const body = Buffer.from(guidanceBodyOfSize(MAX_BODY_BYTES));

    // Act
    const response = await deliver({ ...signed(body), isBase64Encoded: true });

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
  });
});

describe('POST /webhooks/bridge: malformed bodies', () => {
  it.each(['hello=world&sig=xyz', '{"type":"guidance.health.ready",', '\uFEFF{"type":"guidance.health.ready"}', "{'type':'x'}", 'NaN'])(
    'answers 400 invalid_json to the signed body %p without echoing it',
    async (body) => {
      // Act
      const response = await deliver(signed(body));

      // Assert
      expectError(response, 400, 'invalid_json');
      expect(JSON.stringify(response.json)).not.toContain(JSON.stringify(body).slice(1, 9));
      expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
    },
  );

  it('answers 400 invalid_event naming content.user_id and timestamp', async () => {
    // Arrange
    const body = JSON.stringify({
      type: 'guidance.health.ready',
      timestamp: String(NOW_MS),
      content: { user_id: 'not-a-uuid', company_identification_number: DEMO_COMPANY },
    });

    // Act
    const response = await deliver(signed(body));

    // Assert
    expectError(response, 400, 'invalid_event');
    const { message } = response.json as { message: string };
    expect(message).toContain('content.user_id');
    expect(message).toContain('timestamp');
    expect(message).not.toContain('content.company_identification_number');
    expect(message).not.toContain('not-a-uuid');
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['a float timestamp', 'timestamp', { timestamp: NOW_MS + 0.5 }],
    ['a negative timestamp', 'timestamp', { timestamp: -NOW_MS }],
    ['a zero timestamp', 'timestamp', { timestamp: 0 }],
    ['a missing timestamp', 'timestamp', { timestamp: undefined }],
    ['a timestamp beyond the safe integers', 'timestamp', { timestamp: 2 ** 60 }],
    ['a missing content', 'content', { content: undefined }],
    ['a content that is a string', 'content', { content: 'ecc4eaee' }],
    ['an 8-digit company', 'content.company_identification_number', { content: { user_id: DEMO_BRIDGE_USER_UUID, company_identification_number: '52919631' } }],
    ['a company given as a number', 'content.company_identification_number', { content: { user_id: DEMO_BRIDGE_USER_UUID, company_identification_number: 529196313 } }],
    ['a company in Arabic-Indic digits', 'content.company_identification_number', { content: { user_id: DEMO_BRIDGE_USER_UUID, company_identification_number: '٥٢٩١٩٦٣١٣' } }],
    ['a company with a trailing newline', 'content.company_identification_number', { content: { user_id: DEMO_BRIDGE_USER_UUID, company_identification_number: `${DEMO_COMPANY}\n` } }],
    ['a missing user id', 'content.user_id', { content: { company_identification_number: DEMO_COMPANY } }],
    ['a user id in braces', 'content.user_id', { content: { user_id: `{${DEMO_BRIDGE_USER_UUID}}`, company_identification_number: DEMO_COMPANY } }],
  ])('answers 400 invalid_event for %s, naming %s', async (_case, field, override) => {
    // Arrange
    const body = JSON.stringify({ ...JSON.parse(guidanceReadyBody({ timestamp: NOW_MS })), ...override });

    // Act
    const response = await deliver(signed(body));

    // Assert
    expectError(response, 400, 'invalid_event');
    expect((response.json as { message: string }).message).toContain(field);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it.each(['[]', 'null', '42', '"guidance.health.ready"', '{"timestamp":1}', '{"type":7}'])(
    'answers 200 ignored and queues nothing for the signed JSON %s, which is no guidance event (a 4xx would be retried forever)',
    async (body) => {
      // Act
      const response = await deliver(signed(body));

      // Assert
      expect(response.statusCode).toBe(200);
      expect(response.json).toEqual({ status: 'ignored' });
      expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
    },
  );
});

describe('POST /webhooks/bridge: other types and the replay window', () => {
  it("answers 200 ignored to Bridge's dashboard test event (timestamp in seconds) and queues nothing", async () => {
    // Arrange
    const body = dashboardTestEventBody(Math.floor(NOW_MS / 1000));

    // Act
    const response = await deliver(signed(body));

    // Assert
    expect(response.statusCode).toBe(200);
    expectJsonHeaders(response);
    expect(response.json).toEqual({ status: 'ignored' });
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('still verifies the signature of an event type it would ignore', async () => {
    // Act
    const response = await deliver(signed(dashboardTestEventBody(Math.floor(NOW_MS / 1000)), RETIRED_SECRET));

    // Assert
    expectError(response, 401, 'invalid_signature');
  });

  it.each([
    ['older than the max age', NOW_MS - MAX_AGE_SECONDS * 1000 - 1],
    ['a year old', NOW_MS - 365 * 24 * 3600 * 1000],
    ['in seconds instead of milliseconds', Math.floor(NOW_MS / 1000)],
    ['more than 5 minutes in the future', NOW_MS + FUTURE_SKEW_MS + 1],
    ['a day in the future', NOW_MS + 24 * 3600 * 1000],
  ])('answers 200 stale and queues nothing for a timestamp %s', async (_case, timestamp) => {
    // Act
    const response = await deliver(signed(guidanceReadyBody({ timestamp })));

    // Assert
    expect(response.statusCode).toBe(200);
    expectJsonHeaders(response);
    expect(response.json).toEqual({ status: 'stale' });
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it.each([
    ['exactly the max age old', NOW_MS - MAX_AGE_SECONDS * 1000],
    ['exactly 5 minutes in the future', NOW_MS + FUTURE_SKEW_MS],
  ])('accepts a timestamp %s (the window is inclusive)', async (_case, timestamp) => {
    // Act
    const response = await deliver(signed(guidanceReadyBody({ timestamp })));

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });
});

describe('POST /webhooks/bridge: queue failures', () => {
  it('answers 503 queue_unavailable without the SDK error text when SQS rejects the message', async () => {
    // Arrange
    const sdkError = Object.assign(
      new Error(`User: arn:aws:sts::123456789012:assumed-role/webhook is not authorized to perform: sqs:SendMessage on resource: ${QUEUE_URL}`),
      { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
    );
    sqsMock.on(SendMessageCommand).rejects(sdkError);
    const logsBefore = logOutput.length;

    // Act
    const response = await deliver(signed(guidanceReadyBody({ timestamp: NOW_MS })));

    // Assert
    expectError(response, 503, 'queue_unavailable');
    const text = JSON.stringify(response.json);
    expect(text).not.toContain('not authorized');
    expect(text).not.toContain('arn:aws');
    expect(text).not.toContain(QUEUE_URL);
    expect(text).not.toContain('AccessDenied');
    const newLogs = logOutput.slice(logsBefore).join('');
    expect(newLogs).toContain('queue_unavailable');
    expect(newLogs).not.toContain('not authorized');
  });

  it('answers 503 when the queue times out', async () => {
    // Arrange
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));

    // Act
    const response = await deliver(signed(guidanceReadyBody({ timestamp: NOW_MS })));

    // Assert
    expectError(response, 503, 'queue_unavailable');
    expect(JSON.stringify(response.json)).not.toContain('socket hang up');
  });

  it('answers 503 service_unavailable when the webhook secrets cannot be read', async () => {
    // Arrange
    const failing = buildHandler({
      secrets: async () => {
        throw new TransientFailure('webhook_secret_unavailable', 'The webhook secret could not be read.', { cause: new Error('ThrottlingException: rate exceeded for arn:aws:secretsmanager:x') });
      },
    });

    // Act
    const response = await deliver(signed(guidanceReadyBody({ timestamp: NOW_MS })), failing);

    // Assert
    expectError(response, 503, 'service_unavailable');
    expect(JSON.stringify(response.json)).not.toContain('secretsmanager');
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('answers 500 internal_error, naming nothing, when the webhook secret is misconfigured', async () => {
    // Arrange
    const failing = buildHandler({
      secrets: async () => {
        throw new Misconfigured('webhook_secret_invalid', 'The webhook secret holds no secret.');
      },
    });

    // Act
    const response = await deliver(signed(guidanceReadyBody({ timestamp: NOW_MS })), failing);

    // Assert
    expectError(response, 500, 'internal_error');
    expect(JSON.stringify(response.json)).not.toContain('webhook secret');
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('answers 500 internal_error without the error text when a dependency throws unexpectedly', async () => {
    // Arrange
    const failing = buildHandler({
      secrets: async () => {
        throw new TypeError(`Cannot read properties of undefined (reading '${CURRENT_SECRET}')`);
      },
    });

    // Act
    const response = await deliver(signed(guidanceReadyBody({ timestamp: NOW_MS })), failing);

    // Assert
    expectError(response, 500, 'internal_error');
    expect(JSON.stringify(response.json)).not.toContain(CURRENT_SECRET);
    expect(JSON.stringify(response.json)).not.toContain('Cannot read');
  });
});

describe('POST /webhooks/bridge: base64 bodies', () => {
  it('verifies a base64-encoded body on its decoded bytes', async () => {
    // Arrange
    const body = Buffer.from(guidanceReadyBody({ timestamp: NOW_MS }));

    // Act
    const response = await deliver({ ...signed(body), isBase64Encoded: true });

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
    expect(queuedEvent().bridgeUserUuid).toBe(DEMO_BRIDGE_USER_UUID);
  });

  it('rejects a base64-encoded body whose signature covers the base64 text', async () => {
    // Arrange
    const bytes = Buffer.from(guidanceReadyBody({ timestamp: NOW_MS }));
    const base64Text = bytes.toString('base64');

    // Act
    const response = await deliver({ body: bytes, isBase64Encoded: true, headers: { 'bridgeapi-signature': `v1=${signBody(base64Text, CURRENT_SECRET)}` } });

    // Assert
    expectError(response, 401, 'invalid_signature');
  });

  it('answers 400 invalid_json to signed bytes that are not UTF-8 JSON', async () => {
    // Arrange
    const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00]);

    // Act
    const response = await deliver({ ...signed(bytes), isBase64Encoded: true });

    // Assert
    expectError(response, 400, 'invalid_json');
  });
});

describe('POST /webhooks/bridge: source-IP allow-list', () => {
  const guarded = buildHandler({ allowedSourceIps: BRIDGE_SOURCE_IPS });

  it.each(BRIDGE_SOURCE_IPS)('lets a signed event from Bridge address %s through', async (sourceIp) => {
    // Act
    const response = await deliver({ ...signed(guidanceReadyBody({ timestamp: NOW_MS })), sourceIp }, guarded);

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
  });

  it('answers 403 to another address even with a forged X-Forwarded-For, and queues nothing', async () => {
    // Arrange
    const request = signed(guidanceReadyBody({ timestamp: NOW_MS }), CURRENT_SECRET, {
      sourceIp: '203.0.113.66',
      headers: { 'x-forwarded-for': '63.32.31.5', forwarded: 'for=63.32.31.5', 'x-real-ip': '63.32.31.5' },
    });

    // Act
    const response = await deliver(request, guarded);

    // Assert
    expectError(response, 403, 'forbidden');
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('answers 403 to an address that merely starts like a Bridge address', async () => {
    // Act
    const response = await deliver({ ...signed(guidanceReadyBody({ timestamp: NOW_MS })), sourceIp: '63.32.31.50' }, guarded);

    // Assert
    expectError(response, 403, 'forbidden');
  });

  it('skips the check when the allow-list is empty', async () => {
    // Act
    const response = await deliver({ ...signed(guidanceReadyBody({ timestamp: NOW_MS })), sourceIp: '198.51.100.7' });

    // Assert
    expect(response.json).toEqual({ status: 'accepted' });
  });
});

describe('POST /webhooks/bridge: every response', () => {
  const scenarios: [string, number, () => HttpApiRequest, () => void][] = [
    ['accepted', 200, () => signed(guidanceReadyBody({ timestamp: NOW_MS })), () => undefined],
    ['ignored', 200, () => signed(dashboardTestEventBody(1_764_072_000)), () => undefined],
    ['stale', 200, () => signed(guidanceReadyBody({ timestamp: 1_764_072_000 })), () => undefined],
    ['invalid_signature', 401, () => ({ body: guidanceReadyBody({ timestamp: NOW_MS }) }), () => undefined],
    ['invalid_json', 400, () => signed('{'), () => undefined],
    ['invalid_event', 400, () => signed('{"type":"guidance.health.ready"}'), () => undefined],
    ['payload_too_large', 413, () => signed(guidanceBodyOfSize(MAX_BODY_BYTES + 1)), () => undefined],
    ['forbidden', 403, () => ({ ...signed(guidanceReadyBody({ timestamp: NOW_MS })), sourceIp: '192.0.2.1' }), () => undefined],
    [
      'queue_unavailable',
      503,
      () => signed(guidanceReadyBody({ timestamp: NOW_MS })),
      () => sqsMock.on(SendMessageCommand).rejects(new Error('boom')),
    ],
  ];
  const guarded = buildHandler({ allowedSourceIps: BRIDGE_SOURCE_IPS });

  it.each(scenarios)('answers %s (%i) as JSON with cache-control: no-store', async (outcome, statusCode, request, arrange) => {
    // Arrange
    arrange();

    // Act
    const response = await deliver(request(), guarded);

    // Assert
    expect(response.statusCode).toBe(statusCode);
    expectJsonHeaders(response);
    if (statusCode === 200) expect(response.json).toEqual({ status: outcome });
    else expect(response.json).toEqual({ error: outcome, message: expect.any(String) });
  });
});

// Runs last: it reads what every test above wrote.
describe('logging', () => {
  it('never writes a signature digest or a webhook secret to stdout, stderr or the console', () => {
    // Arrange
    const digests = sentSignatureHeaders.flatMap((value) => value.match(/[0-9a-fA-F]{64}/g) ?? []).map((hex) => hex.toLowerCase());
    const written = logOutput.join('\n');

    // Assert: the capture saw the handler's own log lines, so an absence below means something
    expect(written).toContain('Guidance event queued');
    expect(digests.length).toBeGreaterThan(20);
    const lowerCased = written.toLowerCase();
    const leakedDigests = digests.filter((digest) => lowerCased.includes(digest));
    const leakedSecrets = ALL_SECRETS.filter((secret) => written.includes(secret));
    expect(leakedDigests).toEqual([]);
    expect(leakedSecrets).toEqual([]);
    expect(lowerCased).not.toContain('bridgeapi-signature');
  });
});
