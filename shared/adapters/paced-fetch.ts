import { BridgeBusy } from '../domain/errors';
import type { BridgeCallLane, BridgePacer } from '../domain/bridge-pacing';
import { parseRetryAfterMs, sleep as realSleep } from '../domain/retry';

/** Without a Retry-After, a 429 pauses the fleet this long. */
export const DEFAULT_PAUSE_MS = 1000;

export interface BridgePacingOptions {
  readonly pacer: BridgePacer;
  readonly lane: BridgeCallLane;
  /** A slot further away than this is not waited for here: the call fails with `BridgeBusy`. */
  readonly maxWaitMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** What the Bridge client does around each attempt: wait for its turn before, learn from the answer after. */
export interface AttemptGate {
  /** Resolves when the attempt may leave; throws `BridgeBusy` when its turn is further off than `maxWaitMs` (or the gate's own limit). */
  beforeAttempt(maxWaitMs?: number): Promise<void>;
  afterAnswer(response: Response): Promise<void>;
}

/**
 * The fleet-wide rate as the Bridge client's attempt gate: each attempt waits for its slot (or
 * fails with `BridgeBusy` when the slot is too far off, so the worker requeues the event), and a
 * 429 pauses every caller for its Retry-After. The client starts an attempt's timeout only once the
 * gate lets it leave: waiting for a turn is never a Bridge timeout.
 */
export function bridgePacing(options: BridgePacingOptions): AttemptGate {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  return {
    beforeAttempt: async (callerMaxWaitMs = Number.POSITIVE_INFINITY) => {
      const maxWaitMs = Math.min(options.maxWaitMs, callerMaxWaitMs);
      for (;;) {
        const reservedAt = now();
        const slot = await options.pacer.slotFor(options.lane);
        const waitMs = slot - now();
        if (waitMs > maxWaitMs) {
          throw new BridgeBusy('bridge_rate_limited', 'Bridge capacity is taken for now (fleet-wide pacing).', { retryAfterMs: waitMs });
        }
        if (waitMs > 0) await sleep(waitMs);
        // A 429 heard meanwhile makes this ticket stale: take one after the pause instead.
        if (!options.pacer.pausedAfter(reservedAt)) return;
      }
    },
    afterAnswer: async (response) => {
      if (response.status !== 429) return;
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), now()) ?? DEFAULT_PAUSE_MS;
      await options.pacer.pauseUntil(now() + retryAfterMs).catch(() => undefined); // best effort: the 429 itself still counts
    },
  };
}

export interface PacedFetchOptions extends BridgePacingOptions {
  readonly fetch?: typeof fetch;
}

/** The same gate as a `fetch` (for callers other than the Bridge client). The answer is returned untouched. */
export function pacedFetch(options: PacedFetchOptions): typeof fetch {
  const send = options.fetch ?? globalThis.fetch;
  const gate = bridgePacing(options);
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    await gate.beforeAttempt();
    const response = await send(input, init);
    await gate.afterAnswer(response);
    return response;
  }) as typeof fetch;
}
