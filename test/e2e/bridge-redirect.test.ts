import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { DEMO_USERS } from '../../local/local-config';
import { captureLogs } from '../fixtures/log-capture';
import { localClient, waitFor } from '../fixtures/local-client';

/** Records whatever reaches it: the attacker's host. */
let received: { headers: Record<string, unknown>; body: string }[];
let collector: Server;
let redirector: Server;
let collectorUrl: string;
let stack: LocalStack;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  received = [];
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x', url: 'https://evil.example/phish', password: 'attacker-chosen' }));
    });
  });
  collectorUrl = await listen(collector);
  // The configured "Bridge" answers every call with a 307 to the collector, body naming it.
  redirector = createServer((request, response) => {
    request.resume();
    response.writeHead(307, { location: `${collectorUrl}/v3/guidance/sessions` }).end(`redirect-body-marker ${collectorUrl}`);
  });
  stack = await startLocalStack({ env: { PORT: '0', BRIDGE_API_URL: await listen(redirector) }, queue: { visibilityTimeoutMs: 200 } });
});
afterAll(async () => {
  await stack.stop();
  await Promise.all([collector, redirector].map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('a redirect from the configured Bridge URL, on the laptop stack', () => {
  it('is dead-lettered bridge_invalid_response; the other host receives nothing and nothing of the answer is logged', async () => {
    const demo = DEMO_USERS[0];
    const client = localClient(stack);
    const { output, result: revealBody } = await captureLogs(async () => {
      expect((await client.sendWebhook(demo.bridgeUserUuid, demo.company)).status).toBe(200);
      await waitFor(() => stack.queue.deadLetters.length > 0, 10_000);
      const reveal = await client.call('POST', `/guidance/${demo.company}/reveal`, { token: await client.token(demo.appUserId) });
      // The reveal's own renewal meets the same redirect: refused, nothing of the other host shown.
      expect(reveal.status).toBe(502);
      expect(reveal.json).toEqual({ error: 'upstream_error', message: expect.any(String) });
      return reveal.text;
    });

    expect(stack.queue.deadLetters.map((letter) => letter.reason)).toEqual(['bridge_invalid_response']);
    expect(received).toEqual([]);
    expect(revealBody).not.toMatch(/evil|attacker|redirect-body-marker/);
    expect(stack.outbox.entries).toEqual([]);
    for (const leaked of ['redirect-body-marker', collectorUrl, 'local-client-secret', 'evil.example']) expect(output).not.toContain(leaked);
  });
});
