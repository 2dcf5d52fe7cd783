import { signBody } from '../../shared/domain/webhook-signature';
import { GUIDANCE_EVENT_TYPE } from '../../shared/domain/event-types';
import { registerUser } from '../../shared/domain/manage-users';
import { InMemoryGuidanceStore } from '../../test/fakes/in-memory-guidance-store';
import { InMemoryRequestLineStore } from '../../test/fakes/in-memory-request-line';
import { InMemoryUserDirectory } from '../../test/fakes/in-memory-user-directory';
import { startLocalStack, type AdapterDecorator, type LocalStack } from '../stack';

export interface BurstOptions {
  readonly events: number;
  readonly bridgeRps: number;
  /** Concurrent webhook senders (Bridge delivering the burst). */
  readonly senders: number;
  /** `memory`: the in-memory ports proven equal to DynamoDB by the contract tests (large runs); `dynalite`: over the wire. */
  readonly storage: 'memory' | 'dynalite';
  readonly progress: (line: string) => void;
}

export interface BurstReport {
  readonly events: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly deadLettered: number;
  readonly peakBridgeRps: number;
  readonly limit: number;
  readonly drainSeconds: number;
  readonly idealSeconds: number;
  readonly bridgeRequests: number;
  readonly bridgeThrottled: number;
  readonly passed: boolean;
}

const USERS = 1000;
const DRAIN_FACTOR_LIMIT = 1.25;
const PEAK_FACTOR_LIMIT = 1.1;

const userUuid = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
const company = (index: number) => String(100_000_000 + index);

/**
 * A burst of distinct guidance events through the laptop stack, with Bridge (the simulator)
 * limited to `bridgeRps` and the handlers pacing to the same rate:
 * 1. register the users (with us and at Bridge);
 * 2. send every event as a signed webhook over HTTP, as fast as the senders go;
 * 3. wait until every event is notified or dead-lettered; then count what was lost or doubled.
 */
export async function runBurst(options: BurstOptions): Promise<BurstReport> {
  const memory = options.storage === 'memory' ? { store: new InMemoryGuidanceStore(), users: new InMemoryUserDirectory() } : undefined;
  const decorate: AdapterDecorator = <T extends object>(role: string, adapter: T): T =>
    memory && (role === 'store' || role === 'users') ? (memory[role] as unknown as T) : adapter;
  const stack = await startLocalStack({
    env: { PORT: '0', BRIDGE_MAX_RPS: String(options.bridgeRps) },
    ...(memory ? { decorate, requestLines: new InMemoryRequestLineStore() } : {}),
  });
  try {
    return await drive(stack, options, memory);
  } finally {
    await stack.stop();
  }
}

async function drive(stack: LocalStack, options: BurstOptions, memory: { store: InMemoryGuidanceStore; users: InMemoryUserDirectory } | undefined): Promise<BurstReport> {
  const bridge = stack.bridge;
  if (!bridge) throw new Error('The burst needs the built-in Bridge simulator (unset BRIDGE_API_URL).');
  const users = Math.min(USERS, options.events);
  const ports = memory ?? { store: stack.store, users: stack.users };
  for (let index = 0; index < users; index += 1) {
    bridge.knownUsers.add(userUuid(index));
    await registerUser({ bridgeUserUuid: userUuid(index), appUserId: `burst-user-${index}`, countryCode: 'FR' }, ports);
  }
  const secret = stack.config.webhookSecrets[0]!;
  const timestamp = Date.now();
  options.progress(`${users} users registered; sending ${options.events} events`);

  const started = performance.now();
  let next = 0;
  const sender = async () => {
    while (next < options.events) {
      const index = next;
      next += 1;
      await sendEvent(stack.url, secret, { user: userUuid(index % users), company: company(index), timestamp: timestamp - index });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.senders, options.events) }, sender));
  options.progress(`all ${options.events} events accepted in ${((performance.now() - started) / 1000).toFixed(1)} s; draining`);

  const ideal = options.events / options.bridgeRps;
  let lastNotifiedAt = started;
  let seen = 0;
  const ticker = setInterval(() => options.progress(`notified ${stack.outbox.entries.length}, queue ${stack.queue.depth}, dead letters ${stack.queue.deadLetters.length}, Bridge requests ${bridge.requestCount} (429: ${bridge.throttledCount})`), 10_000);
  try {
    while (stack.outbox.entries.length + stack.queue.deadLetters.length < options.events || stack.queue.depth > 0) {
      if (stack.outbox.entries.length !== seen) {
        seen = stack.outbox.entries.length;
        lastNotifiedAt = performance.now();
      }
      if (performance.now() - started > Math.max(120_000, ideal * 4000)) break; // the report then shows what is missing
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    clearInterval(ticker);
  }
  if (stack.outbox.entries.length !== seen) lastNotifiedAt = performance.now();

  const keys = stack.outbox.entries.map((entry) => entry.attributes.event_key);
  const distinct = new Set(keys).size;
  const deadLettered = stack.queue.deadLetters.length;
  const peak = bridge.peakRequestsPerSecond();
  const drainSeconds = (lastNotifiedAt - started) / 1000;
  const report = {
    events: options.events,
    lost: Math.max(0, options.events - distinct - deadLettered),
    duplicated: keys.length - distinct,
    deadLettered,
    peakBridgeRps: peak,
    limit: options.bridgeRps,
    drainSeconds,
    idealSeconds: ideal,
    bridgeRequests: bridge.requestCount,
    bridgeThrottled: bridge.throttledCount,
  };
  return {
    ...report,
    passed:
      report.lost === 0 &&
      report.duplicated === 0 &&
      deadLettered === 0 &&
      peak <= options.bridgeRps * PEAK_FACTOR_LIMIT &&
      drainSeconds <= ideal * DRAIN_FACTOR_LIMIT,
  };
}

async function sendEvent(baseUrl: string, secret: string, event: { user: string; company: string; timestamp: number }): Promise<void> {
  const body = JSON.stringify({
    type: GUIDANCE_EVENT_TYPE,
    timestamp: event.timestamp,
    content: { user_id: event.user, company_identification_number: event.company },
  });
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${baseUrl}/webhooks/bridge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'BridgeApi-Signature': `v1=${signBody(body, secret)}` },
      body,
    });
    const text = await response.text();
    if (response.status === 200 && text.includes('accepted')) return;
    // Bridge retries a 5xx; anything else is a bug of this run.
    if (response.status < 500 || attempt >= 10) throw new Error(`Webhook answered ${response.status}: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

/** The one line the contract asks for. */
export function burstLine(report: BurstReport): string {
  return (
    `burst: events ${report.events}, lost ${report.lost}, duplicated ${report.duplicated}, dead-lettered ${report.deadLettered}, ` +
    `peak bridge rps ${report.peakBridgeRps} (limit ${report.limit}), drain ${report.drainSeconds.toFixed(1)} s (ideal ${report.idealSeconds.toFixed(1)} s)`
  );
}
