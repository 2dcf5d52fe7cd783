import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { SqsEventQueue } from '../../shared/adapters/sqs-event-queue';
import { revokeSessions } from '../../shared/domain/revoke-sessions';
import type { OpsSessions } from '../ops-service';

/** Stored sessions of a deployed stack: its table, and its queue for `revoke --renew`. */
export function tableSessions(db: DynamoDBDocumentClient, tableName: string, sessionTableName: string, sqs: SQSClient, queueUrl: string, now: () => number): OpsSessions {
  const store = new DynamoGuidanceStore(db, tableName, sessionTableName);
  const queue = new SqsEventQueue(sqs, queueUrl);
  return {
    countLive: async () => (await store.findSessions('all')).filter((session) => session.expiresAt > now()).length,
    revoke: (scope, options) => revokeSessions(scope, options, { inventory: store, store, queue, now }),
  };
}
