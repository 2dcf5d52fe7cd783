import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_INDEX, EXPIRY_INDEX_ATTRIBUTES, EXPIRY_SHARD_ATTRIBUTE, EXPIRY_SORT_ATTRIBUTE } from '../shared/adapters/dynamo-keys';
// dynalite ships no types; its factory returns a plain node http.Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => import('node:http').Server;

export const LOCAL_TABLE_NAME = 'guidance-relay';
export const LOCAL_SESSION_TABLE_NAME = 'guidance-relay-sessions';

export interface LocalDynamo {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  /** The session table, with the stack's `expiry` index (dynalite has no TTL: the sweeper deletes). */
  readonly sessionTableName: string;
  stop(): Promise<void>;
}

const TABLE_KEYS = {
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
};

const KEY_ATTRIBUTES = [
  { AttributeName: 'pk', AttributeType: 'S' },
  { AttributeName: 'sk', AttributeType: 'S' },
] as const;

/** An in-memory DynamoDB-protocol server (dynalite) with the stack's tables: the adapters talk to it over HTTP. */
export async function startLocalDynamo(tableName = LOCAL_TABLE_NAME, sessionTableName = LOCAL_SESSION_TABLE_NAME): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...KEY_ATTRIBUTES],
      ...TABLE_KEYS,
    }),
  );
  await client.send(
    new CreateTableCommand({
      TableName: sessionTableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        ...KEY_ATTRIBUTES,
        { AttributeName: EXPIRY_SHARD_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: EXPIRY_SORT_ATTRIBUTE, AttributeType: 'N' },
      ],
      ...TABLE_KEYS,
      GlobalSecondaryIndexes: [
        {
          IndexName: EXPIRY_INDEX,
          KeySchema: [
            { AttributeName: EXPIRY_SHARD_ATTRIBUTE, KeyType: 'HASH' },
            { AttributeName: EXPIRY_SORT_ATTRIBUTE, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...EXPIRY_INDEX_ATTRIBUTES] },
        },
      ],
    }),
  );
  return {
    client,
    endpoint,
    tableName,
    sessionTableName,
    stop: async () => {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every item of both tables (tests and the chaos run look for leftovers and plaintext secrets at rest). */
export async function scanEveryTable(db: DynamoDBDocumentClient, dynamo: Pick<LocalDynamo, 'tableName' | 'sessionTableName'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const table of [dynamo.tableName, dynamo.sessionTableName]) {
    for await (const page of paginateScan({ client: db }, { TableName: table })) items.push(...(page.Items ?? []));
  }
  return items;
}
