import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Every AWS client of the functions: a connection that hangs fails in seconds and the SDK retries
 * it (3 attempts of at most 3 s), instead of holding the invocation until Lambda's
 * timeout. DynamoDB, KMS, SQS and SNS answer in milliseconds in-region. (This SDK only warns at
 * `requestTimeout` unless `throwOnRequestTimeout` is set.)
 */
export const AWS_CLIENT_CONFIG = { requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true } } as const;

/**
 * A DocumentClient that keeps binary attributes as Uint8Array and drops undefined values.
 * Its DynamoDBClient must not use `cacheMiddleware`: lib-dynamodb refuses it at construction.
 */
export function documentClient(client: DynamoDBClient = new DynamoDBClient(AWS_CLIENT_CONFIG)): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
