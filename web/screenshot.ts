/* eslint-disable no-console -- a script that reports to the person running it */
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { DEMO_USERS } from '../local/local-config';
import { startLocalStack } from '../local/stack';
import { localClient, waitFor } from '../test/fixtures/local-client';

/**
 * `npm run web:screenshot`: the laptop stack, a webhook for the demo user, then the app in headless
 * Chromium signed in with the password revealed → `docs/web-app.png`. Needs `/usr/bin/chromium`
 * (or CHROMIUM_PATH). The password in the picture is the simulator's, valid 30 minutes on a laptop.
 */
async function main(): Promise<void> {
  const [demo] = DEMO_USERS;
  const stack = await startLocalStack({ env: { PORT: '0' } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await localClient(stack).sendWebhook(demo.bridgeUserUuid, demo.company);
    await waitFor(() => stack.outbox.entries.length > 0);
    const page = await browser.newPage({ viewport: { width: 960, height: 640 }, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    await page.goto(`${stack.url}/app/`);
    await page.getByRole('button', { name: `Sign in as ${demo.appUserId}`, exact: true }).click();
    await page.getByRole('button', { name: `Reveal link and password for company ${demo.company}` }).click();
    await page.locator('#password').waitFor();
    await page.getByRole('button', { name: 'Copy the password' }).focus();
    const file = path.join(__dirname, '..', 'docs', 'web-app.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
