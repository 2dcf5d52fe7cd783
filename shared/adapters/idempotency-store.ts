import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IDEMPOTENCY_PARTITION, TTL_ATTRIBUTE } from './dynamo-keys';

/** Powertools idempotency records live in the single table, under their own partition, with its TTL. */
export function idempotencyStore(client: DynamoDBClient, tableName: string): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: IDEMPOTENCY_PARTITION,
    expiryAttr: TTL_ATTRIBUTE,
  });
}
