import { writeFile } from 'node:fs/promises';
import { captureLogs } from '../../test/fixtures/log-capture';
import type { BridgeSimulator } from '../bridge-simulator';
import { startLocalStack, type LocalStack } from '../stack';
import { CountingMetrics } from './counting-metrics';
import { registerUsers, sendSteps, stepActions, type SentRequest } from './driver';
import { snapshotTable } from './end-state';
import { AdapterFaults, configureBridgeFaults, scriptLongHang } from './faults';
import { chaosOptions, type ChaosOptions } from './options';
import { buildPlan, type ChaosPlan } from './plan';
import { retryReasons } from './log-lines';
import { reconcile } from './reconcile';
import { buildReport, type ChaosReport, type RunFacts } from './report';
import { findSecrets, IssuedSecrets, secretsToFind, type SecretFinding } from './secrets';

const PROGRESS_INTERVAL_MS = 5000;

/**
 * One fault-injection run on the laptop stack:
 * 1. start the stack with fault-injecting adapters, a failing Bridge simulator and a fast queue;
 * 2. register the plan's users (some unknown at Bridge, some never registered);
 * 3. send the first phase over HTTP (first deliveries, concurrent duplicates, out-of-order pairs,
 *    stale and badly signed requests), with queue outages and long Bridge hangs along the way;
 * 4. drain, then send the late phase (duplicates and older events after processing), drain again;
 * 5. read the end state, stop, and reconcile it with the plan; look for secrets in all output.
 */
export async function runChaos(overrides: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const options = chaosOptions(overrides);
  const progress = progressWriter(options.progress);
  const metrics = new CountingMetrics();
  const adapterFaults = new AdapterFaults(options);
  const started = performance.now();

  const { result, output } = await captureLogs(async () => {
    const stack = await startLocalStack({
      env: { PORT: '0', USER_SESSIONS_PER_HOUR: '1000', USER_REQUESTS_PER_MINUTE: '10000' }, // chaos tests faults, not per-user limits
      queue: {
        visibilityTimeoutMs: options.visibilityTimeoutMs,
        maxReceiveCount: options.maxReceiveCount,
        batchSize: options.batchSize,
        maxConcurrentBatches: options.maxConcurrentBatches,
      },
      decorate: adapterFaults.decorate,
      bridgeRetry: options.bridgeRetry,
      metrics,
    });
    const ticker = setInterval(() => progress(status(stack)), PROGRESS_INTERVAL_MS);
    try {
      return await drive(stack, options, progress);
    } finally {
      clearInterval(ticker);
      await stack.stop();
    }
  });

  if (options.logFile) await writeFile(options.logFile, output);
  const { plan, sent, issued, secrets, bridge, table, bridgeFaults, longHangsServed } = result;
  const findings: SecretFinding[] = [
    ...findSecrets('logs', output, secrets),
    ...findSecrets('dead letters', JSON.stringify(result.deadLetters), secrets),
    ...findSecrets('outbox', JSON.stringify(result.outbox), secrets),
    // URLs are stored by design; passwords only as ciphertext.
    ...findSecrets('table', table.text, new Map([...secrets].filter(([, kind]) => kind !== 'url_token'))),
  ];
  const reconciliation = reconcile(plan, { sent, outbox: result.outbox, deadLetters: result.deadLetters, guidance: table.guidance, sessions: table.sessions });
  const facts: RunFacts = {
    options,
    plan,
    sent,
    metrics,
    adapterFaults,
    bridgeFaults,
    longHangsServed,
    bridgeSessions: bridge.sessions,
    bridgeRequests: bridge.requests,
    storedSessions: table.sessions.length,
    outboxSize: result.outbox.length,
    deadLetterSize: result.deadLetters.length,
    issued: { passwords: issued.passwords.size, urlTokens: issued.urlTokens.size, answers: issued.answers },
    findings,
    retriesByReason: retryReasons(output),
    logLines: output.split('\n').length - 1,
    logBytes: Buffer.byteLength(output),
    wallMs: performance.now() - started,
  };
  return buildReport(facts, reconciliation);
}

async function drive(stack: LocalStack, options: ChaosOptions, progress: (line: string) => void) {
  const bridge = simulatorOf(stack);
  const issued = IssuedSecrets.tap(bridge);
  const bridgeFaults = configureBridgeFaults(bridge, options);
  const plan: ChaosPlan = buildPlan(options, {
    anchorMs: Date.now(),
    webhookSecret: stack.config.webhookSecrets[0]!,
    maxAgeSeconds: stack.config.webhookMaxAgeSeconds,
  });
  for (const user of plan.users) if (user.knownAtBridge) bridge.knownUsers.add(user.bridgeUserUuid);
  for (const company of plan.rejectedCompanies) bridge.rejectedCompanies.add(company);
  await registerUsers(stack, plan.users, options.concurrency);
  progress(`registered ${plan.users.filter((user) => user.registered).length} users; sending ${plan.first.length} steps`);

  let longHangs = 0;
  const onStep = stepActions(plan.actions, (action) => {
    if (action === 'queue_outage') stack.queue.failNextSends += options.queueOutageSends;
    else {
      scriptLongHang(bridge, options);
      longHangs += 1;
    }
  });
  const sent: SentRequest[] = await sendSteps(stack, plan.first, options.concurrency, onStep);
  progress(`first phase sent (${sent.length} requests); draining`);
  await stack.queue.drained(options.drainTimeoutMs);
  sent.push(...(await sendSteps(stack, plan.late, options.concurrency)));
  progress(`late phase sent (${plan.late.length} steps); draining`);
  await stack.queue.drained(options.drainTimeoutMs);

  const table = await snapshotTable(stack);
  return {
    plan,
    sent,
    issued,
    secrets: secretsToFind(issued, stack.config),
    bridge: { sessions: bridge.sessions.length, requests: bridge.requestCount },
    bridgeFaults,
    longHangsServed: longHangs - bridge.scriptedFaults.length,
    table,
    outbox: stack.outbox.entries.map((entry) => structuredClone(entry)),
    deadLetters: [...stack.queue.deadLetters],
  };
}

function simulatorOf(stack: LocalStack): BridgeSimulator {
  if (!stack.bridge) throw new Error('The chaos run needs the built-in Bridge simulator (BRIDGE_API_URL must not point elsewhere).');
  return stack.bridge;
}

function status(stack: LocalStack): string {
  return `queue ${stack.queue.depth}, outbox ${stack.outbox.entries.length}, dead letters ${stack.queue.deadLetters.length}, Bridge sessions ${stack.bridge?.sessions.length ?? 0}`;
}

/** Progress goes to the real stderr, around the capture (it never carries a secret). */
function progressWriter(enabled: boolean): (line: string) => void {
  if (!enabled) return () => undefined;
  const write = process.stderr.write.bind(process.stderr);
  const started = Date.now();
  return (line) => void write(`[chaos +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
}
