import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createSweeperHandler } from '../functions/session-sweeper/app';
import type { Clock } from '../shared/ports/clock';
import type { MetricsSink } from '../shared/ports/metrics';
import type { SessionExpiry } from '../shared/ports/session-expiry';

/** Default: EventBridge's schedule in AWS (infra/constructs/session-sweeper.ts). */
export const LOCAL_SWEEP_INTERVAL_MS = 60_000;

export interface SweepTimerOptions {
  readonly expiry: SessionExpiry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: MetricsSink;
  readonly intervalMs: number;
}

export interface SweepTimer {
  /** Ends the current sweep's wait at once and stops scheduling more. */
  stop(): Promise<void>;
}

/**
 * The laptop's EventBridge schedule: the real sweeper handler, run every `intervalMs` (dynalite has
 * no TTL, so without it an expired password would stay until the process ends). Runs never overlap.
 */
export function startSweepTimer(options: SweepTimerOptions): SweepTimer {
  const stopping = new AbortController();
  const sweep = createSweeperHandler({
    expiry: options.expiry,
    clock: options.clock,
    wait: async (ms) => {
      await sleep(ms, undefined, { signal: stopping.signal });
    },
    logger: options.logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await sweep();
      } catch (error) {
        if (stopping.signal.aborted) break;
        options.logger.warn('Session sweep failed; the next one retries', { errorName: error instanceof Error ? error.name : 'unknown' });
      }
      await sleep(options.intervalMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}
