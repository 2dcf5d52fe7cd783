import { signBody } from '../../shared/domain/webhook-signature';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { DEMO_BRIDGE_USER_UUID, DEMO_COMPANY, dashboardTestEventBody, guidanceReadyBody } from '../fixtures/api-gateway';

const DEFAULT_SECRET = 'local-webhook-secret';
const ROTATED_SECRET = 'rotated-webhook-secret-2026';
const RETIRED_SECRET = 'retired-webhook-secret-2025';
const DEMO_APP_USER = 'demo-user';

// Every event gets a later timestamp than the one before: an older event never replaces a newer one.
let lastTimestampMs = Date.now() - 10 * 60 * 1000;
const nextTimestamp = () => (lastTimestampMs = Math.max(lastTimestampMs + 1000, Date.now() - 5 * 60 * 1000));

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
}

async function post(stack: LocalStack, body: string, signature?: string, path = '/webhooks/bridge'): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['BridgeApi-Signature'] = signature;
  const response = await fetch(`${stack.url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

const v1 = (body: string, secret: string) => `v1=${signBody(body, secret)}`;

/** Keeps the stack's JSON log lines out of the test output, and keeps them to check for secrets. */
function captureOutput(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write),
  );
  return { lines, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

describe('local stack: POST /webhooks/bridge over HTTP, two live secrets', () => {
  let stack: LocalStack;
  let output: ReturnType<typeof captureOutput>;
  let enqueue: jest.SpyInstance;
  const sentSignatures: string[] = [];

  const signedBy = (body: string, secret: string) => {
    const signature = v1(body, secret);
    sentSignatures.push(signature);
    return signature;
  };
  const notificationsSince = (mark: number) => stack.outbox.entries.slice(mark);
  const sessionsFor = (userUuid: string) => (stack.bridge?.sessions ?? []).filter((session) => session.userUuid === userUuid);

  beforeAll(async () => {
    output = captureOutput();
    stack = await startLocalStack({ env: { PORT: '0', BRIDGE_WEBHOOK_SECRETS: `${DEFAULT_SECRET}, ${ROTATED_SECRET}` } });
    enqueue = jest.spyOn(stack.queue, 'enqueue');
  });

  afterAll(async () => {
    await stack?.stop();
    output?.restore();
  });

  beforeEach(() => {
    enqueue.mockClear();
  });

  it('accepts a signed event and publishes exactly one notification for the demo user', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp(), userId: DEMO_BRIDGE_USER_UUID, company: DEMO_COMPANY });
    const mark = stack.outbox.entries.length;
    const sessionsBefore = sessionsFor(DEMO_BRIDGE_USER_UUID).length;

    // Act
    const answer = await post(stack, body, signedBy(body, DEFAULT_SECRET));
    await stack.queue.drained();

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'accepted' });
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(enqueue).toHaveBeenCalledTimes(1);
    const published = notificationsSince(mark);
    expect(published).toHaveLength(1);
    expect(published[0]?.attributes).toEqual({ type: 'guidance.ready', event_key: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(published[0]?.message).toEqual({
      type: 'guidance.ready',
      app_user_id: DEMO_APP_USER,
      company_identification_number: DEMO_COMPANY,
      session_expires_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/),
    });
    expect(JSON.stringify(published[0])).not.toMatch(/password/i);
    expect(sessionsFor(DEMO_BRIDGE_USER_UUID)).toHaveLength(sessionsBefore + 1);
    expect(stack.queue.deadLetters).toEqual([]);
  });

  it('accepts an event signed with the second secret of a rotation', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp() });
    const mark = stack.outbox.entries.length;

    // Act
    const answer = await post(stack, body, signedBy(body, ROTATED_SECRET));
    await stack.queue.drained();

    // Assert
    expect(answer.json).toEqual({ status: 'accepted' });
    expect(notificationsSince(mark).map((entry) => entry.message.app_user_id)).toEqual([DEMO_APP_USER]);
  });

  it('answers 401 to an unsigned event and queues nothing', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp() });
    const mark = stack.outbox.entries.length;

    // Act
    const answer = await post(stack, body);
    await stack.queue.drained();

    // Assert
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'invalid_signature', message: expect.any(String) });
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(enqueue).not.toHaveBeenCalled();
    expect(stack.queue.depth).toBe(0);
    expect(notificationsSince(mark)).toEqual([]);
  });

  it('answers 401 to an event signed with a retired secret and queues nothing', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp() });

    // Act
    const answer = await post(stack, body, signedBy(body, RETIRED_SECRET));

    // Assert
    expect(answer.status).toBe(401);
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('answers 401 when the body was re-serialised after signing', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp() });
    const pretty = JSON.stringify(JSON.parse(body), null, 2);

    // Act
    const answer = await post(stack, pretty, signedBy(body, DEFAULT_SECRET));

    // Assert
    expect(answer.status).toBe(401);
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('answers 200 to the same signed body delivered 3 times, but notifies once', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp() });
    const signature = signedBy(body, DEFAULT_SECRET);
    const mark = stack.outbox.entries.length;
    const sessionsBefore = sessionsFor(DEMO_BRIDGE_USER_UUID).length;

    // Act
    const answers: Answer[] = [];
    for (let delivery = 0; delivery < 3; delivery += 1) {
      answers.push(await post(stack, body, signature));
      await stack.queue.drained();
    }

    // Assert
    expect(answers.map((answer) => [answer.status, answer.json])).toEqual(Array(3).fill([200, { status: 'accepted' }]));
    expect(enqueue).toHaveBeenCalledTimes(3);
    expect(notificationsSince(mark)).toHaveLength(1);
    expect(sessionsFor(DEMO_BRIDGE_USER_UUID)).toHaveLength(sessionsBefore + 1);
    expect(stack.queue.deadLetters).toEqual([]);
  });

  it('notifies once when the same signed body arrives 3 times at once', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp() });
    const signature = signedBy(body, ROTATED_SECRET);
    const mark = stack.outbox.entries.length;
    const sessionsBefore = sessionsFor(DEMO_BRIDGE_USER_UUID).length;

    // Act
    const answers = await Promise.all([1, 2, 3].map(() => post(stack, body, signature)));
    await stack.queue.drained(20_000);

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(notificationsSince(mark)).toHaveLength(1);
    expect(sessionsFor(DEMO_BRIDGE_USER_UUID)).toHaveLength(sessionsBefore + 1);
    expect(stack.queue.deadLetters).toEqual([]);
  });

  it("answers 200 ignored to Bridge's dashboard test event and queues nothing", async () => {
    // Arrange
    const body = dashboardTestEventBody(Math.floor(Date.now() / 1000));

    // Act
    const answer = await post(stack, body, signedBy(body, DEFAULT_SECRET));

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ignored' });
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('answers 200 stale to a signed event 4 days old and queues nothing', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: Date.now() - 4 * 24 * 3600 * 1000 });

    // Act
    const answer = await post(stack, body, signedBy(body, DEFAULT_SECRET));

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'stale' });
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('answers 413 to a signed body of 64 KiB + 1 byte', async () => {
    // Arrange
    const unpadded = guidanceReadyBody({ timestamp: nextTimestamp(), extra: { padding: '' } });
    const body = guidanceReadyBody({ timestamp: lastTimestampMs, extra: { padding: 'x'.repeat(64 * 1024 + 1 - Buffer.byteLength(unpadded)) } });

    // Act
    const answer = await post(stack, body, signedBy(body, DEFAULT_SECRET));

    // Assert
    expect(Buffer.byteLength(body)).toBe(64 * 1024 + 1);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ error: 'payload_too_large', message: expect.any(String) });
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('answers 404 JSON on an unknown route', async () => {
    // Act
    const answer = await post(stack, '{}', undefined, '/webhooks/stripe');

    // Assert
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual({ error: 'not_found', message: expect.any(String) });
  });

  it('answers 405 JSON to a GET on the webhook route', async () => {
    // Act
    const response = await fetch(`${stack.url}/webhooks/bridge`);

    // Assert
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: 'method_not_allowed', message: expect.any(String) });
  });

  it('never writes a signature digest or a webhook secret to the stack output', () => {
    // Arrange
    const written = output.lines.join('').toLowerCase();
    const digests = sentSignatures.map((signature) => signature.slice('v1='.length));

    // Assert: the capture saw the stack's own lines, so the absence below means something
    expect(written).toContain('guidance event queued');
    expect(digests.filter((digest) => written.includes(digest))).toEqual([]);
    expect([DEFAULT_SECRET, ROTATED_SECRET, RETIRED_SECRET].filter((secret) => written.includes(secret))).toEqual([]);
  });
});

describe('local stack: out-of-the-box settings', () => {
  let stack: LocalStack;
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    output = captureOutput();
    stack = await startLocalStack({ env: { PORT: '0' } });
  });

  afterAll(async () => {
    await stack?.stop();
    output?.restore();
  });

  it('accepts an event signed with the default secret local-webhook-secret and notifies the demo user', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp() });

    // Act
    const answer = await post(stack, body, v1(body, DEFAULT_SECRET));
    await stack.queue.drained();

    // Assert
    expect(answer.json).toEqual({ status: 'accepted' });
    expect(stack.outbox.entries.map((entry) => [entry.message.app_user_id, entry.message.company_identification_number])).toEqual([
      [DEMO_APP_USER, DEMO_COMPANY],
    ]);
  });

  it('rejects an event signed with a secret the stack was not given', async () => {
    // Arrange
    const body = guidanceReadyBody({ timestamp: nextTimestamp() });

    // Act
    const answer = await post(stack, body, v1(body, ROTATED_SECRET));

    // Assert
    expect(answer.status).toBe(401);
    expect(stack.queue.depth).toBe(0);
  });
});
