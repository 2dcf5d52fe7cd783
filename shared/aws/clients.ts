import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AWS_CLIENT_CONFIG } from './client-config';

/**
 * A DocumentClient that keeps binary attributes as Uint8Array and drops undefined values.
 * Its DynamoDBClient must not use `cacheMiddleware`: lib-dynamodb refuses it at construction.
 */
export function documentClient(client: DynamoDBClient = new DynamoDBClient(AWS_CLIENT_CONFIG)): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
