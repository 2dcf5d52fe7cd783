import type { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { revokeSessions, type RevokeOptions, type RevokeScope } from '../../shared/domain/revoke-sessions';
import type { Clock } from '../../shared/ports/clock';
import type { InProcessQueue } from '../in-process-queue';
import { describeBody, type OpsBackend } from './backend';

/** The ops commands, run inside the laptop stack against its queue and table. */
export function localOps(queue: InProcessQueue, store: DynamoGuidanceStore, clock: Clock): OpsBackend {
  return {
    status: async () => {
      const now = clock.now();
      const sessions = await store.findSessions('all');
      const oldest = queue.oldestSentAt();
      return {
        queueDepth: queue.depth - queue.inFlight,
        inFlight: queue.inFlight,
        oldestMessageAgeSeconds: oldest === undefined ? null : Math.round((Date.now() - oldest) / 1000),
        deadLetters: queue.deadLetters.length,
        liveSessions: sessions.filter((session) => session.expiresAt > now).length,
      };
    },
    deadLetters: async (limit) =>
      queue.deadLetters.slice(0, limit).map((letter) => ({
        messageId: letter.messageId,
        reason: letter.reason,
        correlationId: letter.correlationId,
        body: letter.body,
        ...describeBody(letter.body),
      })),
    redrive: async (limit, dryRun) => {
      const count = Math.min(limit, queue.deadLetters.length);
      if (dryRun) return { moved: count, dryRun };
      for (const letter of queue.deadLetters.splice(0, count)) queue.send(letter.body, letter.correlationId);
      return { moved: count, dryRun };
    },
    revoke: (scope: RevokeScope, options: RevokeOptions) =>
      revokeSessions(scope, options, { inventory: store, store, queue, now: () => clock.now() }),
  };
}
