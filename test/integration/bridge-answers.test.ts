import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { PermanentFailure } from '../../shared/domain/errors';

const USER = 'ecc4eaee-0554-4b4f-8937-3c5b816617f6';
const request = {
  bridgeUserUuid: USER,
  countryCode: 'FR',
  companyIdentificationNumber: '529196313',
  contactEmail: 'victim@example.com',
  contactPhoneNumber: '+33612345678',
};
const CLIENT_SECRET = 'client-secret-value';
const SESSION_ID = 'a838cdb0-42a0-42fb-bcf7-2bd5dcdce163';
const GUIDANCE = 'https://guidance.bridgeapi.io';

interface Recorded {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A server that records every request and answers what `answer` says. */
async function server(answer: (respond: { status: number; headers?: Record<string, string>; body?: string }) => void = () => undefined) {
  const received: Recorded[] = [];
  let reply = { status: 200, headers: {} as Record<string, string>, body: '' };
  const http: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      received.push({ headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  answer(reply);
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    received,
    set: (next: typeof reply) => (reply = next),
    stop: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

const client = (baseUrl: string, fetchImpl?: typeof fetch) =>
  new FetchBridgeClient({
    baseUrl,
    credentials: { bridgeCredentials: async () => ({ clientId: 'client-id-value', clientSecret: CLIENT_SECRET }) },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 10 },
    sleep: async () => undefined,
    sessionOrigins: [GUIDANCE],
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });

describe('Bridge answers are checked before anything is stored', () => {
  it.each([307, 308, 302, 301])('never follows a %i: the other host receives no credentials and no contact data', async (status) => {
    const collector = await server();
    const redirector = await server();
    redirector.set({ status, headers: { location: `${collector.url}/v3/guidance/sessions` }, body: `moved to ${collector.url}` });
    try {
      const failure = await client(redirector.url).createGuidanceSession(request).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(PermanentFailure);
      expect(failure).toMatchObject({ reason: 'bridge_invalid_response' });
      expect((failure as Error).message).toContain(String(status));
      expect((failure as Error).message).not.toContain(collector.url);
      expect(collector.received).toEqual([]);
      expect(redirector.received).toHaveLength(1); // one attempt: a redirect is not retried
    } finally {
      await Promise.all([collector.stop(), redirector.stop()]);
    }
  });

  const valid = { id: SESSION_ID, url: `${GUIDANCE}/session/${SESSION_ID}`, password: 'Ab3!Cd4@Ef5(Gh6)Ij7K' };
  it.each<[string, string]>([
    ['an id that is not a UUID', JSON.stringify({ ...valid, id: 'evil-id' })],
    ['a url on another host', JSON.stringify({ ...valid, url: 'https://evil.example/session/x' })],
    ['a url that looks like the host', JSON.stringify({ ...valid, url: 'https://guidance.bridgeapi.io.evil.example/s' })],
    ['a plain-http url on the right host', JSON.stringify({ ...valid, url: `http://guidance.bridgeapi.io/session/${SESSION_ID}` })],
    ['a url with credentials', JSON.stringify({ ...valid, url: `https://x:y@guidance.bridgeapi.io/session/${SESSION_ID}` })],
    ['a javascript: url', JSON.stringify({ ...valid, url: 'javascript:alert(document.cookie)' })],
    ['a url that is not a string', JSON.stringify({ ...valid, url: ['https://guidance.bridgeapi.io'] })],
    ['an empty password', JSON.stringify({ ...valid, password: '' })],
    ['a password of 10 kB', JSON.stringify({ ...valid, password: 'p'.repeat(10_000) })],
    ['a password with a newline', JSON.stringify({ ...valid, password: 'hunter\n2' })],
    ['a password that is a number', JSON.stringify({ ...valid, password: 123456 })],
    ['no password', JSON.stringify({ id: valid.id, url: valid.url })],
    ['an array', JSON.stringify([valid])],
    ['null', 'null'],
    ['HTML', '<html>proxy error: secret-html-marker</html>'],
  ])('refuses %s as bridge_invalid_response, quoting nothing of it, without retrying', async (_what, body) => {
    let calls = 0;
    const answering = (async () => {
      calls += 1;
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;

    const failure = await client('https://api.bridgeapi.io', answering).createGuidanceSession(request).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PermanentFailure);
    expect(failure).toMatchObject({ reason: 'bridge_invalid_response' });
    for (const fragment of ['evil', 'secret-html-marker', 'hunter', 'javascript', 'x:y', 'ppppp']) expect((failure as Error).message).not.toContain(fragment);
    expect(calls).toBe(1);
  });

  it('accepts Bridge’s documented answer', async () => {
    const answering = (async () => new Response(JSON.stringify(valid), { status: 200 })) as typeof fetch;

    await expect(client('https://api.bridgeapi.io', answering).createGuidanceSession(request)).resolves.toEqual(valid);
  });
});
