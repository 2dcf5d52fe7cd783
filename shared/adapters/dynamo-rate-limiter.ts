import { createHash } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { secondsUntilWindowEnds, windowStartSeconds, type Allowance, type RateLimiter } from '../ports/rate-limiter';
import { isConditionFailure } from './dynamo-items';
import { keys, TTL_ATTRIBUTE } from './dynamo-keys';

/** Kept a minute past its window, then left to DynamoDB's TTL sweeper: an old window is never read again. */
const WINDOW_GRACE_SECONDS = 60;

/**
 * Fixed-window counters in the single table (`LIMIT#<hash of key>`, one item per window): one
 * conditional ADD per call, so concurrent instances never count past the limit together. The key
 * (which names a user) is stored only as a hash: erasing a user leaves no identifier here.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<Allowance> {
    const windowStart = windowStartSeconds(nowMs, windowSeconds);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.limitWindow(createHash('sha256').update(key).digest('base64url'), windowStart),
          UpdateExpression: 'ADD used :one SET #ttl = :expires',
          ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': windowStart + windowSeconds + WINDOW_GRACE_SECONDS },
        }),
      );
      return { allowed: true };
    } catch (error) {
      if (isConditionFailure(error)) return { allowed: false, retryAfterSeconds: secondsUntilWindowEnds(nowMs, windowSeconds) };
      throw error;
    }
  }
}
