import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { localClient, waitFor } from '../fixtures/local-client';

const DEMO = { bridgeUserUuid: 'ecc4eaee-0554-4b4f-8937-3c5b816617f6', appUserId: 'demo-user', company: '529196313' };

let stack: LocalStack;
let browser: Browser;
let allowedPage: Server;
let otherPage: Server;
let token: string;

/** Serves one empty page plus the client bundle, on 127.0.0.1 at a free port. */
async function pageServer(bundle: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/client.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title><script src="/client.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const originOf = (server: Server, host: string) => `http://${host}:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  // The shipped client, bundled for the browser as an app would bundle it.
  const bundled = await build({ entryPoints: [join(__dirname, '..', '..', 'client', 'index.ts')], bundle: true, format: 'iife', globalName: 'RevealClient', write: false, platform: 'browser' });
  const bundle = bundled.outputFiles[0]!.text;
  allowedPage = await pageServer(bundle);
  otherPage = await pageServer(bundle);
  stack = await startLocalStack({ env: { PORT: '0', CORS_ALLOWED_ORIGINS: originOf(allowedPage, '127.0.0.1') } });
  const client = localClient(stack);
  await client.sendWebhook(DEMO.bridgeUserUuid, DEMO.company);
  await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === DEMO.appUserId));
  token = await client.token(DEMO.appUserId);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  allowedPage?.close();
  otherPage?.close();
});

/** Runs the client inside a page of `origin`: a reveal with a token, and a list without one. */
async function revealFrom(origin: string) {
  const page = await browser.newPage();
  try {
    await page.goto(origin);
    return await page.evaluate(
      async ({ baseUrl, token, company }) => {
        const { createRevealClient } = (globalThis as unknown as { RevealClient: typeof import('../../client') }).RevealClient;
        const api = createRevealClient({ baseUrl, getToken: () => token });
        const revealed = await api.revealPassword(company);
        const anonymous = await createRevealClient({ baseUrl, getToken: () => undefined }).listGuidance();
        return {
          revealed: revealed.ok ? { ok: true, hasPassword: revealed.data.password.length > 0, expiresInMs: api.expiresInMs(revealed.data.expires_at) } : { ok: false, code: revealed.error.code },
          serverClockRead: api.serverTimeOffsetMs() !== 0,
          anonymous: anonymous.error?.code,
        };
      },
      { baseUrl: stack.url, token, company: DEMO.company },
    );
  } finally {
    await page.close();
  }
}

describe('a web page calling the laptop stack across origins, in Chromium', () => {
  it('reveals from an allowed origin, reads the Date header and the 401 of a missing token', async () => {
    const result = await revealFrom(originOf(allowedPage, '127.0.0.1'));

    expect(result.revealed).toMatchObject({ ok: true, hasPassword: true });
    expect(result.revealed.expiresInMs).toBeGreaterThan(25 * 60_000);
    expect(result.serverClockRead).toBe(true); // Date is exposed (its 500 ms midpoint makes the offset non-zero)
    expect(result.anonymous).toBe('unauthorized');
  });

  it('is refused by the browser on any other origin: the page sees no answer at all', async () => {
    const result = await revealFrom(originOf(otherPage, '127.0.0.1'));

    expect(result.revealed).toEqual({ ok: false, code: 'network_error' });
    expect(result.anonymous).toBe('network_error');
  });
});
