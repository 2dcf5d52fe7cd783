import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_USERS } from '../../local/local-config';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { axeViolations, browserStorage, filesHolding, launchBrowser, screenshot, tabTo } from '../fixtures/browser';
import { startFakeOidcProvider } from '../fixtures/fake-oidc-provider';
import { localClient, waitFor } from '../fixtures/local-client';

// The reference web app in headless Chromium against the laptop stack: each step builds on the
// previous one (one browser launch keeps the file fast), the way a person would use the page.
const [ALICE, BOB] = DEMO_USERS;
const COMPANY = ALICE.company;
const BOB_COMPANY = '552100554';

let stack: LocalStack;
let shortLived: LocalStack; // PASSWORD_TTL_SECONDS=3, for expiry
let context: BrowserContext;
let profileDir: string;
let page: Page;
const passwordsSeen: string[] = [];
const cspViolations: string[] = [];

const api = (target = stack) => localClient(target);
const passwordOnPage = () => page.locator('#password').textContent({ timeout: 5000 });
const apiList = async (user: string) => (await api().call('GET', '/guidance', { token: await api().token(user) })).json as { items: { company_identification_number: string; session: { id: string; expires_at: string } | null }[] };

async function signIn(user: string, target = stack): Promise<void> {
  await page.goto(`${target.url}/app/`);
  await page.getByRole('button', { name: `Sign in as ${user}`, exact: true }).click();
  await page.getByRole('heading', { name: 'Ready guidances' }).waitFor();
}
async function reveal(company = COMPANY): Promise<string> {
  await page.getByRole('button', { name: `Reveal link and password for company ${company}` }).click();
  const password = (await passwordOnPage()) ?? '';
  passwordsSeen.push(password);
  return password;
}
/** A POST with a Host header of our choosing (fetch does not allow setting it). */
function postWithHost(url: string, host: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}
async function pageHolds(text: string): Promise<boolean> {
  return (await page.content()).includes(text);
}

beforeAll(async () => {
  [stack, shortLived, { context, profileDir }] = await Promise.all([
    startLocalStack({ env: { PORT: '0' }, queue: { visibilityTimeoutMs: 300 } }),
    startLocalStack({ env: { PORT: '0', PASSWORD_TTL_SECONDS: '3' }, queue: { visibilityTimeoutMs: 300 } }),
    launchBrowser(),
  ]);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});
afterAll(async () => {
  await context?.close();
  await Promise.all([stack?.stop(), shortLived?.stop()]);
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe('the reference web app in a real browser', () => {
  it('serves the page with a strict CSP, no referrer and no framing', async () => {
    const response = await fetch(`${stack.url}/app/`);
    const csp = response.headers.get('content-security-policy') ?? '';

    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  });

  it('mints a laptop token for a demo user only, and only for pages of this stack', async () => {
    const signIn = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${stack.url}/_local/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const granted = await signIn({ app_user_id: ALICE.appUserId }, { origin: stack.url });
    const token = ((await granted.json()) as { access_token: string }).access_token;

    expect(granted.status).toBe(200);
    expect((await api().call('GET', '/guidance', { token })).status).toBe(200);
    expect((await signIn({ app_user_id: 'mallory' })).status).toBe(403);
    expect((await signIn({ app_user_id: ALICE.appUserId }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await fetch(`${stack.url}/_local/sign-in`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"app_user_id":"demo-user"}' })).status).toBe(415);
    expect(await postWithHost(`${stack.url}/_local/sign-in`, 'rebound.example:3000', { app_user_id: ALICE.appUserId })).toBe(403); // DNS rebinding
  });

  it('shows a guidance Bridge announced, once the webhook was processed', async () => {
    expect((await api().sendWebhook(ALICE.bridgeUserUuid, COMPANY)).status).toBe(200);
    await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === ALICE.appUserId));
    await page.goto(`${stack.url}/app/`);
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard only: Tab to the sign-in button and press Enter.
    await tabTo(page, `button[data-user="${ALICE.appUserId}"]`);
    await page.keyboard.press('Enter');
    const row = page.getByRole('row', { name: new RegExp(COMPANY) });
    await row.waitFor();

    const expiresAt = (await apiList(ALICE.appUserId)).items[0]!.session!.expires_at;
    expect(await row.getByRole('cell').nth(1).textContent()).toBe(await page.evaluate((iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }), expiresAt));
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, '1-list');
  });

  it('reveals, on request only, the link and the same password the API returns', async () => {
    expect(await page.locator('#password').count()).toBe(0);
    await tabTo(page, `button[data-company="${COMPANY}"]`);
    await page.keyboard.press('Enter');
    const shown = (await passwordOnPage()) ?? '';
    passwordsSeen.push(shown);
    const fromApi = (await api().call('POST', `/guidance/${COMPANY}/reveal`, { token: await api().token(ALICE.appUserId) })).json!;
    const link = page.getByRole('link', { name: /Open the guidance at Bridge/ });

    expect(shown).toBe(fromApi.password);
    expect(await link.getAttribute('href')).toBe(fromApi.url);
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await page.locator('#countdown').textContent()).toMatch(/^(30:00|29:[0-5]\d)$/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, '2-revealed');
  });

  it('copies the password and says so to screen readers', async () => {
    await page.getByRole('button', { name: 'Copy the password' }).click();
    const confirmation = page.locator('#copy-confirmation');

    await confirmation.filter({ hasText: 'Password copied to the clipboard.' }).waitFor({ timeout: 5000 });
    expect(await confirmation.getAttribute('aria-live')).toBe('polite');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(passwordsSeen.at(-1));
  });

  it('shows no password after a reload, nor after going back and forward', async () => {
    const password = passwordsSeen.at(-1)!;
    await page.reload();
    await page.getByRole('button', { name: `Sign in as ${ALICE.appUserId}`, exact: true }).waitFor();
    expect(await pageHolds(password)).toBe(false);

    await page.getByRole('button', { name: `Sign in as ${ALICE.appUserId}`, exact: true }).click();
    expect(await reveal()).toBe(password); // the same live session
    await page.goto(`${stack.url}/app/config.json`);
    await page.goBack();
    await page.locator('#sign-in, #guidances').first().waitFor();
    expect(await pageHolds(password)).toBe(false);
    await page.goForward();
    await page.goBack();
    expect(await pageHolds(password)).toBe(false);

    // Entering the back-forward cache (pagehide, persisted) takes it off the page, whatever Chromium then does.
    await page.getByRole('button', { name: `Sign in as ${ALICE.appUserId}`, exact: true }).click();
    expect(await reveal()).toBe(password);
    await page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }))");
    expect(await pageHolds(password)).toBe(false);
  });

  it('keeps the password in no storage of any kind, the URL and history included', async () => {
    await signIn(ALICE.appUserId);
    const password = await reveal();
    const stored = await browserStorage(page);

    expect(stored).toEqual({
      localStorage: {},
      sessionStorage: {},
      indexedDB: [],
      cacheStorage: [],
      documentCookie: '',
      url: `${stack.url}/app/`,
      historyState: null,
      cookies: [],
    });
    expect(JSON.stringify(stored)).not.toContain(password);
  });

  it('"I\'ve used it" deletes the password, and revealing again makes a fresh session', async () => {
    const before = (await apiList(ALICE.appUserId)).items[0]!.session!.id;
    await tabTo(page, '#used');
    await page.keyboard.press('Enter');
    await page.locator('#password').waitFor({ state: 'detached' });

    expect(await page.getByRole('status').textContent()).toMatch(/password was deleted/);
    expect((await apiList(ALICE.appUserId)).items[0]!.session).toBeNull();

    const fresh = await reveal();
    const after = (await apiList(ALICE.appUserId)).items[0]!.session!.id;
    expect(after).not.toBe(before);
    expect(fresh).not.toBe(passwordsSeen.at(-2));
  });

  it('"Something is wrong" asks first, then replaces the session: the old password stops working', async () => {
    const old = { id: (await apiList(ALICE.appUserId)).items[0]!.session!.id, password: passwordsSeen.at(-1)! };
    await page.getByRole('button', { name: 'Something is wrong' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replace this password?' });

    expect(await dialog.textContent()).toMatch(/stop working at once/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, '3-rotate-confirmation');
    await page.keyboard.press('Escape'); // keyboard cancel keeps the session
    expect((await apiList(ALICE.appUserId)).items[0]!.session!.id).toBe(old.id);

    await page.getByRole('button', { name: 'Something is wrong' }).click();
    await page.getByRole('button', { name: 'Stop the old password and get a new one' }).click();
    await page.getByRole('status').filter({ hasText: 'no longer work' }).waitFor();
    const rotated = (await passwordOnPage()) ?? '';
    passwordsSeen.push(rotated);
    const fromApi = (await api().call('POST', `/guidance/${COMPANY}/reveal`, { token: await api().token(ALICE.appUserId) })).json!;

    expect(rotated).not.toBe(old.password);
    expect(fromApi.password).toBe(rotated);
    expect(fromApi.session_id).not.toBe(old.id);
  });

  it('tells the person what went wrong: 429 with its wait, 502, 503, 404, and an expired sign-in', async () => {
    // The answers the service (or API Gateway, for its own 429) gives, played by the browser's network layer.
    const cases: [number, string, Record<string, string>, RegExp][] = [
      [429, 'rate_limited', { 'retry-after': '7' }, /Too many requests\. Try again in 7 seconds\./],
      [502, 'upstream_error', {}, /Bridge refused/],
      [503, 'service_unavailable', { 'retry-after': '120' }, /temporarily unavailable\. Try again in 2 minutes/],
      [404, 'not_found', {}, /no longer available/],
    ];
    for (const [status, code, headers, message] of cases) {
      const body = JSON.stringify({ error: code, message: 'from the test' });
      await page.route('**/guidance/*/rotate', (route) => route.fulfill({ status, headers: { ...headers, 'content-type': 'application/json' }, body }), { times: 1 });
      if (!(await page.locator('#something-wrong').count())) await reveal();
      await page.getByRole('button', { name: 'Something is wrong' }).click();
      await page.getByRole('button', { name: 'Stop the old password and get a new one' }).click();
      await page.getByRole('alert').filter({ hasText: message }).waitFor({ timeout: 5000 });
    }
    expect(await page.locator('#password').count()).toBe(0); // a 404 takes the password off the page

    await reveal();
    await page.route('**/guidance', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}' }), { times: 1 });
    await page.getByRole('button', { name: 'Refresh the list' }).click();
    await page.getByRole('alert').filter({ hasText: /sign-in has expired/ }).waitFor({ timeout: 5000 });
    expect(await page.locator('#password').count()).toBe(0);
    expect(await page.getByRole('button', { name: `Sign in as ${ALICE.appUserId}`, exact: true }).isVisible()).toBe(true);
    await screenshot(page, '4-expired-sign-in');
  });

  it('takes the password off the page on sign-out', async () => {
    await signIn(ALICE.appUserId);
    const password = await reveal();
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor({ timeout: 5000 });
    expect(await pageHolds(password)).toBe(false);
  });

  it("never reaches another user's company", async () => {
    expect((await api().sendWebhook(BOB.bridgeUserUuid, BOB_COMPANY)).status).toBe(200);
    await waitFor(() => stack.outbox.entries.some((entry) => entry.message.app_user_id === BOB.appUserId));
    await signIn(BOB.appUserId);
    const bobToken = await api().token(BOB.appUserId);

    await page.getByRole('row', { name: new RegExp(BOB_COMPANY) }).waitFor(); // the list has loaded
    expect(await page.getByRole('row', { name: new RegExp(COMPANY) }).count()).toBe(0);
    expect((await api().call('POST', `/guidance/${COMPANY}/reveal`, { token: bobToken })).status).toBe(404);
    expect(await pageHolds(passwordsSeen.at(-1)!)).toBe(false);
  });

  it('signs in as deployed, with OpenID Connect code + PKCE: tokens in memory only, no code left in the URL', async () => {
    const provider = await startFakeOidcProvider({ clientId: 'guidance-web', subject: ALICE.appUserId, mintAccessToken: (subject) => api().token(subject) });
    // Here the provider is on this machine and the test serves the page, so Chromium asks before
    // the page calls a loopback address; a deployed identity provider is a public origin.
    await context.grantPermissions(['clipboard-read', 'clipboard-write', 'local-network-access'], { origin: stack.url });
    const oidcPage = await context.newPage();
    oidcPage.on('console', (message) => void (/Content Security Policy/i.test(message.text()) && cspViolations.push(message.text())));
    const metadata = { issuer: provider.issuer, authorization_endpoint: `${provider.issuer}/authorize`, token_endpoint: `${provider.issuer}/token`, end_session_endpoint: `${provider.issuer}/logout` };
    const signIn = { kind: 'oidc', authority: provider.issuer, clientId: 'guidance-web', scope: 'openid email', metadata };
    try {
      // The deployed config.json, and the deployed CSP, which also allows the identity provider's origin.
      await oidcPage.route((url) => url.pathname === '/app/config.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ apiUrl: '', signIn }) }));
      await oidcPage.route((url) => url.pathname === '/app/', async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers(), 'content-security-policy': response.headers()['content-security-policy']!.replace("connect-src 'self'", `connect-src 'self' ${provider.issuer}`) };
        await route.fulfill({ response, headers });
      });
      await oidcPage.goto(`${stack.url}/app/`);
      await oidcPage.getByRole('button', { name: 'Sign in', exact: true }).click();
      await oidcPage.getByRole('row', { name: new RegExp(COMPANY) }).waitFor(); // the API took the provider's token
      const stored = await browserStorage(oidcPage);

      expect(provider.log.authorizeRequests.map((query) => query.get('code_challenge_method'))).toEqual(['S256']);
      expect(provider.log.tokenRequests).toHaveLength(1); // the provider checked the verifier against the challenge
      expect(provider.log.refused).toEqual([]);
      expect(await oidcPage.locator('#account-name').textContent()).toBe(`${ALICE.appUserId}@example.com`);
      expect(stored).toMatchObject({ localStorage: {}, sessionStorage: {}, indexedDB: [], url: `${stack.url}/app/`, historyState: null, cookies: [] });

      await oidcPage.reload();
      await oidcPage.getByRole('button', { name: 'Sign in', exact: true }).waitFor(); // tokens were in memory only

      // Sign out ends the provider's session too, and comes back signed out with nothing stored.
      await oidcPage.getByRole('button', { name: 'Sign in', exact: true }).click();
      await oidcPage.getByRole('button', { name: 'Sign out' }).click();
      await oidcPage.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      expect(provider.log.logoutRequests.map((query) => query.get('logout_uri'))).toEqual([`${stack.url}/app/`]);
      expect(await browserStorage(oidcPage)).toMatchObject({ localStorage: {}, sessionStorage: {}, url: `${stack.url}/app/`, historyState: null });
    } finally {
      await oidcPage.close();
      await provider.stop();
    }
  });

  it('removes the password at expiry, counting on the server clock even when the device clock is an hour fast', async () => {
    await page.clock.install({ time: Date.now() + 3_600_000 });
    expect((await api(shortLived).sendWebhook(ALICE.bridgeUserUuid, COMPANY)).status).toBe(200);
    await waitFor(() => shortLived.outbox.entries.length > 0);
    await signIn(ALICE.appUserId, shortLived);
    await reveal();

    expect(await page.locator('#countdown').textContent()).toMatch(/^0:0[1-3]$/);
    // The page's clock moves on without a real wait: half a second on, the password is still shown
    // (by the device clock alone it expired an hour ago), and past the 3 s it is gone.
    await page.clock.fastForward(500);
    expect(await page.locator('#password').count()).toBe(1);
    await page.clock.fastForward(3500);
    await page.locator('#password').waitFor({ state: 'detached', timeout: 6000 });
    expect(await page.getByRole('status').textContent()).toMatch(/expired and was removed/);
    expect(await pageHolds(passwordsSeen.at(-1)!)).toBe(false);
  });

  it('ran under its CSP without a violation, and left no password in the browser profile on disk', async () => {
    await context.close();

    expect(cspViolations).toEqual([]);
    expect(filesHolding(profileDir, passwordsSeen)).toEqual([]);
  });
});
