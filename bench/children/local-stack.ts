import { GUIDANCE_EVENT_TYPE } from '../../shared/domain/event-types';
import { signBody } from '../../shared/domain/webhook-signature';
import { signLocalToken } from '../../local/jwt';
import { DEMO_USERS } from '../../local/local-config';
import { startLocalStack } from '../../local/stack';
import { latencies, type Latencies } from '../lib/stats';
import { childConfig, runMain } from '../lib/child';

/**
 * The laptop stack end to end, over HTTP: a signed webhook accepted → its notification in the
 * outbox (the moment `onPublish` fires), one event at a time, each for a new company of the demo
 * user; then reveals of those sessions with the demo user's token.
 */
export interface LocalStackConfig {
  readonly events: number;
  readonly reveals: number;
  readonly warmupEvents: number;
  readonly warmupReveals: number;
}

export interface LocalStackResult {
  readonly webhookToNotification: Latencies;
  readonly webhookAccepted: Latencies;
  readonly reveal: Latencies;
}

const NOTIFICATION_TIMEOUT_MS = 30_000;

runMain(async (): Promise<LocalStackResult> => {
  const config = childConfig<LocalStackConfig>();
  const demo = DEMO_USERS[0];
  // Measures reveals, not the per-user limit: one user reveals many times here.
  const stack = await startLocalStack({ env: { PORT: '0', USER_REQUESTS_PER_MINUTE: '10000' } });
  const secret = stack.config.webhookSecrets[0] ?? '';
  const companies: string[] = [];
  const notifiedMs: number[] = [];
  const acceptedMs: number[] = [];

  const deliver = async (company: string): Promise<{ acceptedMs: number; notifiedMs: number }> => {
    const body = JSON.stringify({ type: GUIDANCE_EVENT_TYPE, timestamp: Date.now(), content: { user_id: demo.bridgeUserUuid, company_identification_number: company } });
    let unsubscribe = () => false;
    const notified = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No notification for ${company} within ${NOTIFICATION_TIMEOUT_MS} ms.`)), NOTIFICATION_TIMEOUT_MS);
      unsubscribe = stack.outbox.onPublish((entry) => {
        if (entry.message.company_identification_number === company && entry.message.app_user_id === demo.appUserId) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      });
    });
    const started = performance.now();
    const response = await fetch(`${stack.url}/webhooks/bridge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'BridgeApi-Signature': `v1=${signBody(body, secret)}` },
      body,
    });
    const answer = await response.text();
    const accepted = performance.now();
    if (response.status !== 200 || !answer.includes('accepted')) throw new Error(`The webhook answered ${response.status} ${answer}.`);
    const done = await notified.finally(unsubscribe);
    return { acceptedMs: accepted - started, notifiedMs: done - started };
  };

  for (let index = 0; index < config.warmupEvents + config.events; index += 1) {
    const company = String(300_000_000 + index);
    const measured = await deliver(company);
    companies.push(company);
    if (index >= config.warmupEvents) {
      notifiedMs.push(measured.notifiedMs);
      acceptedMs.push(measured.acceptedMs);
    }
  }

  const token = await signLocalToken(demo.appUserId, stack.config.jwtSecret);
  const revealMs: number[] = [];
  for (let index = 0; index < config.warmupReveals + config.reveals; index += 1) {
    const company = companies[index % companies.length];
    const started = performance.now();
    const response = await fetch(`${stack.url}/guidance/${company}/reveal`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const answer = (await response.json()) as { password?: string };
    const elapsed = performance.now() - started;
    if (response.status !== 200 || !answer.password) throw new Error(`The reveal answered ${response.status}.`);
    if (index >= config.warmupReveals) revealMs.push(elapsed);
  }
  await stack.stop();
  return { webhookToNotification: latencies(notifiedMs), webhookAccepted: latencies(acceptedMs), reveal: latencies(revealMs) };
});
