import type { RevokeOptions, RevokeReport, RevokeScope } from '../shared/domain/revoke-sessions';
import { matches, toView, type DeadLetterFilter, type DeadLetterView } from './dead-letter-view';
import type { OpsQueue, ReceivedDeadLetter } from './ops-queue';

/**
 * How long a scanned dead letter stays hidden while a command looks at the queue. Each one is made
 * visible again before the command returns (a crash leaves it hidden this long at most).
 */
export const SCAN_HOLD_SECONDS = 30;
/** A scan stops after this many messages: an operator's tool, not a bulk mover (the move task is). */
export const MAX_SCANNED = 10_000;

export interface OpsStatus {
  readonly queueDepth: number;
  readonly inFlight: number;
  readonly oldestMessageAgeSeconds: number | null;
  readonly deadLetters: number;
  readonly liveSessions: number;
}

/** Stored sessions, for `status` and `revoke`: the table deployed, the laptop stack's routes locally. */
export interface OpsSessions {
  countLive(): Promise<number>;
  revoke(scope: RevokeScope, options: RevokeOptions): Promise<RevokeReport>;
}

/** Who did what to which dead letters: written before the command reports. */
export interface AuditRecord {
  readonly action: 'discard' | 'redrive';
  readonly filter: DeadLetterFilter;
  readonly messageIds: readonly string[];
}

export interface OpsDeps {
  readonly queue: OpsQueue;
  readonly sessions: OpsSessions;
  readonly now: () => number;
  readonly audit: (record: AuditRecord) => void;
}

export type RedriveReport =
  | { readonly kind: 'moved'; readonly moved: number; readonly dryRun: boolean }
  | { readonly kind: 'move_task'; readonly taskHandle: string; readonly approximateCount: number };

/** The ops commands, once, over the queue port: the same code runs against SQS and the laptop queue. */
export class OpsService {
  constructor(private readonly deps: OpsDeps) {}

  async status(): Promise<OpsStatus> {
    const [main, dead, oldest, liveSessions] = await Promise.all([
      this.deps.queue.depth('main'),
      this.deps.queue.depth('dead'),
      this.deps.queue.oldestMessageAgeSeconds(),
      this.deps.sessions.countLive(),
    ]);
    return { queueDepth: main.visible, inFlight: main.inFlight, oldestMessageAgeSeconds: oldest, deadLetters: dead.visible + dead.inFlight, liveSessions };
  }

  /** Lists dead letters and leaves every one of them visible, so a redrive right after sees them all. */
  async deadLetters(filter: DeadLetterFilter, limit: number): Promise<DeadLetterView[]> {
    const found: ReceivedDeadLetter[] = [];
    await this.scan(async (letter) => {
      if (matches(letter, filter)) found.push(letter);
      return false;
    }, () => found.length >= limit);
    const now = this.deps.now();
    return found.sort((a, b) => a.sentAt - b.sentAt).map((letter) => toView(letter, now));
  }

  /**
   * Moves dead letters back to the main queue. With no filter and no limit, SQS's own message-move
   * task does it; otherwise each matching message is sent to the main queue, then deleted here.
   */
  async redrive(filter: DeadLetterFilter, options: { limit?: number; dryRun: boolean }): Promise<RedriveReport> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (options.dryRun) return { kind: 'moved', moved: (await this.deadLetters(filter, limit)).length, dryRun: true };
    if (filter === 'all' && options.limit === undefined) {
      const { visible } = await this.deps.queue.depth('dead');
      const taskHandle = await this.deps.queue.moveAllDeadLetters();
      this.deps.audit({ action: 'redrive', filter, messageIds: [] });
      return { kind: 'move_task', taskHandle, approximateCount: visible };
    }
    const moved = await this.take(filter, limit, async (letter) => {
      await this.deps.queue.sendToMain(letter.body, letter.correlationId || letter.messageId);
    });
    this.deps.audit({ action: 'redrive', filter, messageIds: moved });
    return { kind: 'moved', moved: moved.length, dryRun: false };
  }

  /** Deletes dead letters that can never succeed; audited with the message ids. */
  async discard(filter: Exclude<DeadLetterFilter, 'all'>): Promise<string[]> {
    const discarded = await this.take(filter, Number.POSITIVE_INFINITY, async () => undefined);
    this.deps.audit({ action: 'discard', filter, messageIds: discarded });
    return discarded;
  }

  revoke(scope: RevokeScope, options: RevokeOptions): Promise<RevokeReport> {
    return this.deps.sessions.revoke(scope, options);
  }

  /** Removes up to `limit` matching dead letters from the DLQ, each after `before` succeeded for it. */
  private async take(filter: DeadLetterFilter, limit: number, before: (letter: ReceivedDeadLetter) => Promise<void>): Promise<string[]> {
    const taken: string[] = [];
    await this.scan(async (letter) => {
      if (taken.length >= limit || !matches(letter, filter)) return false;
      await before(letter);
      // Deleted only once `before` succeeded: a redriven message is on the main queue first.
      await this.deps.queue.deleteDeadLetter(letter.receiptHandle);
      taken.push(letter.messageId);
      return true;
    }, () => taken.length >= limit);
    return taken;
  }

  /**
   * Receives every dead letter once and hands it to `visit` (true: it consumed the message). A receive
   * with visibility 0 would keep returning the same first messages of a deep queue, so each message is
   * hidden while the scan runs, then every one not consumed is made visible again, even on failure.
   */
  private async scan(visit: (letter: ReceivedDeadLetter) => Promise<boolean>, done: () => boolean): Promise<void> {
    const held = new Set<string>();
    let scanned = 0;
    try {
      while (!done() && scanned < MAX_SCANNED) {
        const batch = await this.deps.queue.receiveDeadLetters(10, SCAN_HOLD_SECONDS);
        if (batch.length === 0) break;
        scanned += batch.length;
        for (const letter of batch) held.add(letter.receiptHandle);
        for (const letter of batch) {
          if (!done() && (await visit(letter))) held.delete(letter.receiptHandle);
        }
      }
    } finally {
      await Promise.all([...held].map((handle) => this.deps.queue.changeDeadLetterVisibility(handle, 0)));
    }
  }
}
