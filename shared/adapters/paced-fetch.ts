import { BridgeBusy } from '../domain/errors';
import type { BridgeCallLane, BridgePacer } from '../domain/bridge-pacing';
import { parseRetryAfterMs, sleep as realSleep } from '../domain/retry';

/** Without a Retry-After, a 429 pauses the fleet this long. */
export const DEFAULT_PAUSE_MS = 1000;

export interface PacedFetchOptions {
  readonly pacer: BridgePacer;
  readonly lane: BridgeCallLane;
  /** A slot further away than this is not waited for here: the call fails with `BridgeBusy`. */
  readonly maxWaitMs: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * A `fetch` for the Bridge client that keeps the fleet-wide rate: each attempt waits for its slot
 * (or fails with `BridgeBusy` when the slot is too far off, so the worker requeues the event), and
 * a 429 pauses every caller for its Retry-After. The answer itself is returned untouched.
 */
export function pacedFetch(options: PacedFetchOptions): typeof fetch {
  const send = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const waitForSlot = async () => {
    for (;;) {
      const reservedAt = now();
      const slot = await options.pacer.slotFor(options.lane);
      const waitMs = slot - now();
      if (waitMs > options.maxWaitMs) {
        throw new BridgeBusy('bridge_rate_limited', 'Bridge capacity is taken for now (fleet-wide pacing).', { retryAfterMs: waitMs });
      }
      if (waitMs > 0) await sleep(waitMs);
      // A 429 heard meanwhile makes this ticket stale: take one after the pause instead.
      if (!options.pacer.pausedAfter(reservedAt)) return;
    }
  };
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    await waitForSlot();
    const response = await send(input, init);
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), now()) ?? DEFAULT_PAUSE_MS;
      await options.pacer.pauseUntil(now() + retryAfterMs).catch(() => undefined); // best effort: the 429 itself still counts
    }
    return response;
  }) as typeof fetch;
}
