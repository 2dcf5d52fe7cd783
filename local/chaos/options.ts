import type { RetryPolicy } from '../../shared/domain/retry';

/** What a chaos run does; every field has a default (`DEFAULT_CHAOS_OPTIONS`). */
export interface ChaosOptions {
  /** Webhook HTTP requests in the plan (503 answers retried by the sender come on top). */
  readonly events: number;
  readonly seed: number;
  /** Concurrent HTTP senders. */
  readonly concurrency: number;

  // Shares of the plan's requests.
  readonly duplicateShare: number;
  /** Of the duplicates, the part sent at the same time as the first delivery (the rest: after it was processed). */
  readonly concurrentDuplicateFraction: number;
  /** Requests that belong to an out-of-order pair (a newer event sent before an older one). */
  readonly outOfOrderShare: number;
  /** Of the pairs, the part whose older event arrives only after the newer one was processed. */
  readonly lateOlderFraction: number;
  readonly staleShare: number;
  readonly badSignatureShare: number;

  // Shares of the distinct valid events that must end in a dead letter.
  readonly unknownAtBridgeShare: number;
  readonly unknownUserShare: number;
  readonly rejectedCompanyShare: number;

  // Transient faults.
  /** Share of Bridge requests the simulator fails (503, 429 + Retry-After 1, reset, short hang). */
  readonly bridgeFailureRate: number;
  /** A short hang: shorter than the client's 5 s attempt timeout, then a reset. */
  readonly shortHangMs: number;
  /** Scripted hangs longer than the client's attempt timeout (each costs one worker slot this long). */
  readonly longHangs: number;
  readonly longHangMs: number;
  /** Share of calls to each decorated adapter that throw before doing anything. */
  readonly storeFaultRate: number;
  readonly cipherFaultRate: number;
  readonly notifierFaultRate: number;
  readonly usersFaultRate: number;
  /** Queue outages during sending: each makes the next `queueOutageSends` SendMessage calls fail (503). */
  readonly queueOutages: number;
  readonly queueOutageSends: number;

  // The local queue and the worker's Bridge client.
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly maxConcurrentBatches: number;
  readonly bridgeRetry: RetryPolicy;
  readonly drainTimeoutMs: number;
  /** Progress lines on the real stderr while output is captured (the CLI sets it). */
  readonly progress: boolean;
  /** Where to keep the captured output of the run, to investigate a failure ('' = nowhere). */
  readonly logFile: string;
}

export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  events: 1000,
  seed: 1,
  concurrency: 16,
  duplicateShare: 0.15,
  concurrentDuplicateFraction: 0.5,
  outOfOrderShare: 0.08,
  lateOlderFraction: 0.5,
  staleShare: 0.03,
  badSignatureShare: 0.03,
  unknownAtBridgeShare: 0.03,
  unknownUserShare: 0.03,
  rejectedCompanyShare: 0.03,
  bridgeFailureRate: 0.1,
  shortHangMs: 150,
  longHangs: 1,
  longHangMs: 5500,
  storeFaultRate: 0.03,
  cipherFaultRate: 0.03,
  notifierFaultRate: 0.03,
  usersFaultRate: 0.01,
  queueOutages: 3,
  queueOutageSends: 3,
  // A failed record is retried a quarter second after it was received (never while its batch
  // still runs: the queue keeps the deployed rule, visibility > worker timeout). A Retry-After
  // of 1 s exceeds maxRetryAfterMs below, so the client hands that retry to the queue instead
  // of holding a batch slot.
  visibilityTimeoutMs: 250,
  maxReceiveCount: 10,
  batchSize: 10,
  // Two batches at a time, as the laptop stack runs them (a shared BatchProcessor once lost events here).
  maxConcurrentBatches: 2,
  bridgeRetry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 500 },
  drainTimeoutMs: 15 * 60_000,
  progress: false,
  logFile: '',
};

const SHARES = [
  'duplicateShare',
  'concurrentDuplicateFraction',
  'outOfOrderShare',
  'lateOlderFraction',
  'staleShare',
  'badSignatureShare',
  'unknownAtBridgeShare',
  'unknownUserShare',
  'rejectedCompanyShare',
  'bridgeFailureRate',
  'storeFaultRate',
  'cipherFaultRate',
  'notifierFaultRate',
  'usersFaultRate',
] as const;

/** Defaults merged with `overrides`, validated; throws naming the bad option. */
export function chaosOptions(overrides: Partial<ChaosOptions> = {}): ChaosOptions {
  const options = { ...DEFAULT_CHAOS_OPTIONS, ...overrides };
  const require = (ok: boolean, message: string) => {
    if (!ok) throw new Error(`Chaos option ${message}`);
  };
  require(Number.isInteger(options.events) && options.events >= 50, `events must be an integer ≥ 50, got ${options.events}.`);
  require(Number.isInteger(options.seed), `seed must be an integer, got ${options.seed}.`);
  require(Number.isInteger(options.concurrency) && options.concurrency >= 1, `concurrency must be ≥ 1, got ${options.concurrency}.`);
  for (const name of SHARES) require(options[name] >= 0 && options[name] <= 1, `${name} must be within [0, 1], got ${options[name]}.`);
  const planned = options.duplicateShare + options.outOfOrderShare + options.staleShare + options.badSignatureShare;
  require(planned <= 0.6, `shares of duplicates, pairs, stale and badly signed requests add up to ${planned}; keep them ≤ 0.6.`);
  const permanent = options.unknownAtBridgeShare + options.unknownUserShare + options.rejectedCompanyShare;
  require(permanent <= 0.5, `permanent-failure shares add up to ${permanent}; keep them ≤ 0.5.`);
  require(options.maxReceiveCount >= 2, `maxReceiveCount must be ≥ 2, got ${options.maxReceiveCount}.`);
  require(options.visibilityTimeoutMs >= 10, `visibilityTimeoutMs must be ≥ 10, got ${options.visibilityTimeoutMs}.`);
  require(Number.isInteger(options.longHangs) && options.longHangs >= 0, `longHangs must be an integer ≥ 0.`);
  require(Number.isInteger(options.queueOutages) && options.queueOutages >= 0, `queueOutages must be an integer ≥ 0.`);
  return options;
}
