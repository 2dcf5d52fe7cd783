import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RequestLineState, RequestLineStore } from '../ports/request-line';
import { isConditionFailure } from './dynamo-items';
import { keys } from './dynamo-keys';

/** Request lines as one small item each in the table (`pk = PACE#<line>`); every change is one atomic write. */
export class DynamoRequestLineStore implements RequestLineStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async takeTicket(line: string): Promise<RequestLineState> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.requestLine(line),
        UpdateExpression: 'ADD issued :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toState(Attributes);
  }

  async read(line: string): Promise<RequestLineState> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.requestLine(line), ConsistentRead: true }));
    return toState(Item);
  }

  async moveBase(line: string, expectedMs: number | undefined, nextMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.requestLine(line),
          UpdateExpression: 'SET baseMs = :next',
          ConditionExpression: expectedMs === undefined ? 'attribute_not_exists(baseMs)' : 'baseMs = :expected',
          ExpressionAttributeValues: { ':next': nextMs, ...(expectedMs === undefined ? {} : { ':expected': expectedMs }) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function toState(item: Record<string, unknown> | undefined): RequestLineState {
  return { issued: Number(item?.issued ?? 0), baseMs: typeof item?.baseMs === 'number' ? item.baseMs : undefined };
}
