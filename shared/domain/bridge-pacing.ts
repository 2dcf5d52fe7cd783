import type { Clock } from '../ports/clock';
import type { RequestLineStore } from '../ports/request-line';

/** `person`: a renewal or rotation someone waits for; `background`: the worker's guidance events. */
export type BridgeCallLane = 'person' | 'background';

/** Share of the rate kept for people waiting (at least 1 request/s): the worker leaves it free. */
export const PERSON_SHARE = 0.05;
/** One line item takes at most this many writes a second; a higher rate is split over more lines. */
export const MAX_LINE_REQUESTS_PER_SECOND = 400;
/** A ticket due this far in the past means the line went idle: it starts again from now. */
const IDLE_TOLERANCE_MS = 10;
const MAX_TICKET_ROUNDS = 5;
const MAX_MOVE_ROUNDS = 3;

/**
 * Share of the rate the worker leaves unused as headroom: calls leave on timers, and a busy host
 * fires a few late timers together, so a worker paced at the full rate would meet Bridge's own
 * limit (and its 429 pauses) in those clumps.
 */
export const WORKER_HEADROOM = 0.05;

/** How a rate splits between the lanes: people first, through a reserved share the worker never uses. */
export function laneRates(requestsPerSecond: number): Record<BridgeCallLane, number> {
  if (!(requestsPerSecond >= 2)) throw new RangeError(`Bridge pacing needs at least 2 requests/s, got ${requestsPerSecond}.`);
  const person = Math.max(1, Math.round(requestsPerSecond * PERSON_SHARE));
  const headroom = Math.round(requestsPerSecond * WORKER_HEADROOM);
  return { person, background: Math.max(1, requestsPerSecond - person - headroom) };
}

/**
 * Fleet-wide pacing of Bridge calls: a ticket line per lane (GCRA with an atomic counter). Each
 * call takes the next ticket of its lane; ticket n is due at `base + n / rate`, so calls from any
 * number of instances leave evenly spaced, never faster than the rate. An idle line restarts at
 * the caller's ticket (a conditional write); Bridge's 429 moves every line's next ticket past its
 * Retry-After, so the whole fleet waits, not only the caller who met it.
 * Cost: one write per call under load; a write and a read more after an idle gap; a read and a
 * write per line on a 429.
 */
export class BridgePacer {
  private readonly lines: Record<BridgeCallLane, { names: string[]; intervalMs: number }>;
  /** This instance heard a 429 until then: tickets taken before it are taken again. */
  private pausedUntilMs = 0;

  constructor(
    private readonly store: RequestLineStore,
    requestsPerSecond: number,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {
    const rates = laneRates(requestsPerSecond);
    const lane = (name: BridgeCallLane) => {
      const shards = Math.ceil(rates[name] / MAX_LINE_REQUESTS_PER_SECOND);
      return { names: Array.from({ length: shards }, (_, shard) => `bridge#${name}#${shard}`), intervalMs: (1000 * shards) / rates[name] };
    };
    this.lines = { person: lane('person'), background: lane('background') };
  }

  /** When this call may leave (epoch ms): now, or a later slot of its lane. */
  async slotFor(laneName: BridgeCallLane): Promise<number> {
    const { names, intervalMs } = this.lines[laneName];
    const line = names[Math.floor(this.random() * names.length)] ?? names[0]!;
    const dueAt = (issued: number, baseMs: number | undefined) => (baseMs === undefined ? Number.NEGATIVE_INFINITY : baseMs + issued * intervalMs);
    for (let round = 0; round < MAX_TICKET_ROUNDS; round += 1) {
      const { issued, baseMs } = await this.store.takeTicket(line);
      const now = this.clock.now();
      const due = dueAt(issued, baseMs);
      if (due >= now - IDLE_TOLERANCE_MS) return Math.max(due, now);
      // Idle line: restart it so that this ticket is due now. If another caller restarted it first,
      // this ticket still holds a slot on the new base unless that slot is already past.
      if (await this.store.moveBase(line, baseMs, now - issued * intervalMs)) return now;
      const restarted = dueAt(issued, (await this.store.read(line)).baseMs);
      if (restarted >= now - IDLE_TOLERANCE_MS) return Math.max(restarted, now);
    }
    return this.clock.now(); // contention this long is itself a sign of idleness ending: go
  }

  /** Bridge answered 429: no lane hands out a ticket due before `untilMs`. */
  async pauseUntil(untilMs: number): Promise<void> {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
    for (const { names, intervalMs } of Object.values(this.lines)) {
      for (const line of names) await this.moveLineAfter(line, untilMs, intervalMs);
    }
  }

  /** A 429 this instance heard since `sinceMs` (a ticket taken before it may be stale). */
  pausedAfter(sinceMs: number): boolean {
    return this.pausedUntilMs > sinceMs && this.pausedUntilMs > this.clock.now();
  }

  private async moveLineAfter(line: string, untilMs: number, intervalMs: number): Promise<void> {
    for (let round = 0; round < MAX_MOVE_ROUNDS; round += 1) {
      const { issued, baseMs } = await this.store.read(line);
      const target = untilMs - issued * intervalMs;
      if (baseMs !== undefined && baseMs >= target) return;
      if (await this.store.moveBase(line, baseMs, target)) return;
    }
  }
}
