import type { AdapterRole, AdapterFaults, BridgeFaultCounts } from './faults';
import type { CountingMetrics } from './counting-metrics';
import type { SentRequest } from './driver';
import type { ChaosOptions } from './options';
import type { ChaosPlan, RequestKind } from './plan';
import type { Reconciliation, Violations } from './reconcile';
import type { SecretFinding } from './secrets';

/** Everything measured during a run, before it is summarised. */
export interface RunFacts {
  readonly options: ChaosOptions;
  readonly plan: ChaosPlan;
  readonly sent: readonly SentRequest[];
  readonly metrics: CountingMetrics;
  readonly adapterFaults: AdapterFaults;
  readonly bridgeFaults: BridgeFaultCounts;
  readonly longHangsServed: number;
  readonly bridgeSessions: number;
  readonly bridgeRequests: number;
  readonly storedSessions: number;
  readonly outboxSize: number;
  readonly deadLetterSize: number;
  readonly issued: { readonly passwords: number; readonly urlTokens: number; readonly answers: number };
  readonly findings: readonly SecretFinding[];
  readonly retriesByReason: Record<string, number>;
  readonly logLines: number;
  readonly logBytes: number;
  readonly wallMs: number;
}

/** What `runChaos` returns: the table's figures, the invariants, and the verdict. */
export interface ChaosReport {
  readonly seed: number;
  readonly wallMs: number;
  readonly traffic: {
    /** HTTP webhook requests, 503 retries included. */
    readonly httpRequests: number;
    readonly byKind: Record<RequestKind, number>;
    readonly acceptedAnswers: number;
    readonly staleAnswers: number;
    readonly invalidSignatureAnswers: number;
    readonly queueUnavailableAnswers: number;
    readonly distinctValidEvents: number;
    readonly outOfOrderPairs: number;
    readonly lateOlderPairs: number;
  };
  readonly faults: {
    readonly bridge: BridgeFaultCounts & { readonly long_hang: number };
    /** Failed Bridge attempts as the client saw them (status class): they include the faults above. */
    readonly bridgeFailedAttempts: Record<'5xx' | '429' | 'network' | 'timeout', number>;
    readonly bridgeTransient: number;
    readonly adapter: Record<AdapterRole, number>;
    readonly adapterByMethod: Record<string, number>;
    readonly adapterTotal: number;
    readonly queueOutageSends: number;
  };
  readonly outcomes: {
    readonly notifiedEvents: number;
    readonly supersededEvents: number;
    readonly deadLetteredAsExpected: Reconciliation['deadLetteredAsExpected'];
    readonly workerOutcomes: Record<'notified' | 'duplicate' | 'superseded' | 'retried' | 'dead_lettered', number>;
    /** From the worker's log lines: e.g. event_in_progress when duplicates met in flight. */
    readonly retriesByReason: Record<string, number>;
  };
  readonly sessions: { readonly bridge: number; readonly stored: number; readonly deliverablePairs: number; readonly extraBridgeSessions: number };
  readonly notifications: { readonly published: number; readonly distinctEventKeys: number };
  readonly deadLetters: { readonly size: number; readonly byReason: Record<string, number> };
  readonly secrets: {
    readonly searchedPasswords: number;
    readonly searchedUrlTokens: number;
    readonly logLines: number;
    readonly logBytes: number;
    readonly findings: readonly SecretFinding[];
    readonly found: number;
  };
  readonly violations: Violations;
  readonly samples: readonly string[];
  readonly passed: boolean;
  readonly failures: readonly string[];
}

export function buildReport(facts: RunFacts, reconciliation: Reconciliation): ChaosReport {
  const { metrics, plan, sent } = facts;
  const answers = (answer: SentRequest['answer']) => sent.filter((entry) => entry.answer === answer).length;
  const byKind: Record<RequestKind, number> = { first_delivery: 0, concurrent_duplicate: 0, late_duplicate: 0, stale: 0, bad_signature: 0 };
  for (const entry of sent) byKind[entry.request.kind] += 1;
  const bridgeFailedAttempts = {
    '5xx': metrics.total('BridgeCalls', { status: '5xx' }),
    '429': metrics.total('BridgeCalls', { status: '429' }),
    network: metrics.total('BridgeCalls', { status: 'network' }),
    timeout: metrics.total('BridgeCalls', { status: 'timeout' }),
  };
  const found = facts.findings.reduce((sum, finding) => sum + finding.occurrences, 0);
  const { violations } = reconciliation;
  const failures = [
    ...Object.entries(violations)
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${name} = ${count}`),
    ...(found > 0 ? [`secrets found = ${found} (${facts.findings.map((finding) => `${finding.kind} in ${finding.where} ×${finding.occurrences}`).join(', ')})`] : []),
  ];
  const outcome = (name: string) => metrics.total('GuidanceEvents', { outcome: name });
  return {
    seed: facts.options.seed,
    wallMs: facts.wallMs,
    traffic: {
      httpRequests: sent.reduce((sum, entry) => sum + entry.statuses.length, 0),
      byKind,
      acceptedAnswers: answers('accepted'),
      staleAnswers: answers('stale'),
      invalidSignatureAnswers: answers('invalid_signature'),
      queueUnavailableAnswers: sent.reduce((sum, entry) => sum + entry.statuses.filter((status) => status === 503).length, 0),
      distinctValidEvents: reconciliation.distinctValidEvents,
      outOfOrderPairs: plan.counts.outOfOrderPairs,
      lateOlderPairs: plan.counts.lateOlderPairs,
    },
    faults: {
      bridge: { ...facts.bridgeFaults, long_hang: facts.longHangsServed },
      bridgeFailedAttempts,
      bridgeTransient: Object.values(bridgeFailedAttempts).reduce((sum, count) => sum + count, 0),
      adapter: { ...facts.adapterFaults.injected },
      adapterByMethod: Object.fromEntries(facts.adapterFaults.injectedByMethod),
      adapterTotal: facts.adapterFaults.total,
      queueOutageSends: facts.options.queueOutages * facts.options.queueOutageSends,
    },
    outcomes: {
      notifiedEvents: reconciliation.notifiedEvents,
      supersededEvents: reconciliation.supersededEvents,
      deadLetteredAsExpected: reconciliation.deadLetteredAsExpected,
      workerOutcomes: {
        notified: outcome('notified'),
        duplicate: outcome('duplicate'),
        superseded: outcome('superseded'),
        retried: outcome('retried'),
        dead_lettered: outcome('dead_lettered'),
      },
      retriesByReason: facts.retriesByReason,
    },
    sessions: {
      bridge: facts.bridgeSessions,
      stored: facts.storedSessions,
      deliverablePairs: reconciliation.deliverablePairs,
      extraBridgeSessions: facts.bridgeSessions - reconciliation.distinctNotifiedKeys,
    },
    notifications: { published: facts.outboxSize, distinctEventKeys: reconciliation.distinctNotifiedKeys },
    deadLetters: { size: facts.deadLetterSize, byReason: reconciliation.deadLettersByReason },
    secrets: {
      searchedPasswords: facts.issued.passwords,
      searchedUrlTokens: facts.issued.urlTokens,
      logLines: facts.logLines,
      logBytes: facts.logBytes,
      findings: facts.findings,
      found,
    },
    violations,
    samples: reconciliation.samples,
    passed: failures.length === 0,
    failures,
  };
}

/** The report as a two-column table for a terminal. */
export function formatReport(report: ChaosReport): string {
  const { traffic, faults, outcomes, sessions } = report;
  const rows: [string, string | number][] = [
    ['events sent (HTTP requests)', traffic.httpRequests],
    ['  first deliveries / concurrent dup / late dup', `${traffic.byKind.first_delivery} / ${traffic.byKind.concurrent_duplicate} / ${traffic.byKind.late_duplicate}`],
    ['  out-of-order pairs (older after processing)', `${traffic.outOfOrderPairs} (${traffic.lateOlderPairs})`],
    ['  stale → 200 stale / badly signed → 401', `${traffic.staleAnswers} / ${traffic.invalidSignatureAnswers}`],
    ['  queue unavailable → 503, retried by sender', traffic.queueUnavailableAnswers],
    ['distinct valid events', traffic.distinctValidEvents],
    ['accepted answers', traffic.acceptedAnswers],
    ['Bridge faults served 503/429/reset/short/long hang', `${faults.bridge.status_503} / ${faults.bridge.status_429} / ${faults.bridge.reset} / ${faults.bridge.short_hang} / ${faults.bridge.long_hang}`],
    ['Bridge failed attempts 5xx/429/network/timeout', `${faults.bridgeFailedAttempts['5xx']} / ${faults.bridgeFailedAttempts['429']} / ${faults.bridgeFailedAttempts.network} / ${faults.bridgeFailedAttempts.timeout}`],
    ['adapter faults store/users/cipher/notifier', `${faults.adapter.store} / ${faults.adapter.users} / ${faults.adapter.cipher} / ${faults.adapter.notifier}`],
    ['  by method', Object.entries(faults.adapterByMethod).map(([method, count]) => `${method} ${count}`).join(', ') || 'none'],
    ['worker outcomes notified/dup/superseded/retried/DLQ', Object.values(outcomes.workerOutcomes).join(' / ')],
    ['  retries by reason', Object.entries(outcomes.retriesByReason).map(([reason, count]) => `${reason} ${count}`).join(', ') || 'none'],
    ['sessions created: Bridge simulator', sessions.bridge],
    ['sessions created: stored (user+company pairs)', `${sessions.stored} (${sessions.deliverablePairs})`],
    ['extra Bridge sessions (orphans from retried failures)', sessions.extraBridgeSessions],
    ['notifications published (outbox)', report.notifications.published],
    ['events notified / superseded by a notified newer one', `${outcomes.notifiedEvents} / ${outcomes.supersededEvents}`],
    ...Object.entries(outcomes.deadLetteredAsExpected).map(
      ([reason, { expected, found }]): [string, string] => [`dead-lettered as ${reason} (expected)`, `${found} (${expected})`],
    ),
    ['dead letters by reason', Object.entries(report.deadLetters.byReason).map(([reason, count]) => `${reason} ${count}`).join(', ') || 'none'],
    ['lost', report.violations.lost],
    ['duplicated notifications', report.violations.duplicated],
    ['retries exhausted (transient → DLQ)', report.violations.retriesExhausted],
    ['unexpected dead letters / phantoms / misrouted', `${report.violations.unexpectedDeadLetters} / ${report.violations.phantoms} / ${report.violations.misrouted}`],
    ['ordering violations', report.violations.orderingViolations],
    ['unexpected HTTP answers', report.violations.unexpectedAnswers],
    [`secrets found (${report.secrets.searchedPasswords} passwords, ${report.secrets.searchedUrlTokens} URL tokens, 4 keys)`, report.secrets.found],
    ['  log lines / bytes captured', `${report.secrets.logLines} / ${report.secrets.logBytes}`],
    ['DLQ size / outbox size', `${report.deadLetters.size} / ${report.notifications.published}`],
    ['wall time', `${(report.wallMs / 1000).toFixed(1)} s`],
    ['verdict', report.passed ? 'PASS' : `FAIL: ${report.failures.join('; ')}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)} | ${value}`);
  const rule = '-'.repeat(width + 20);
  return [`chaos run, seed ${report.seed}`, rule, ...lines, rule, ...report.samples.map((sample) => `  ${sample}`)].join('\n');
}
