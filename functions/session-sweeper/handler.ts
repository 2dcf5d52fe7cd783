import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoSessionExpiry } from '../../shared/adapters/dynamo-session-expiry';
import { AWS_CLIENT_CONFIG } from '../../shared/aws/client-config';
import { documentClient } from '../../shared/aws/clients';
import { required } from '../../shared/config';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { createSweeperHandler } from './app';

const sessionTableName = required(process.env, 'SESSION_TABLE_NAME');

export const handler = createSweeperHandler({
  expiry: new DynamoSessionExpiry(documentClient(new DynamoDBClient(AWS_CLIENT_CONFIG)), sessionTableName),
  clock: systemClock,
  wait: async (ms) => {
    await sleep(ms);
  },
  logger,
  metrics: metricsSink,
});
