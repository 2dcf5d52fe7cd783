import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A DocumentClient that keeps binary attributes as Uint8Array and drops undefined values. */
export function documentClient(client: DynamoDBClient = new DynamoDBClient({ cacheMiddleware: true })): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
