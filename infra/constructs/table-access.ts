import { Aws } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { APP_PREFIX, EXPIRY_SHARD_PREFIX, LIMIT_PREFIX, PACE_PREFIX, PROFILE_PREFIX } from '../../shared/adapters/dynamo-keys';

/**
 * DynamoDB rights per key prefix: every statement names one table (or index) and the partition
 * keys it may touch (`dynamodb:LeadingKeys`, which must be present: a Scan has none and is never
 * allowed). The prefixes are those of shared/adapters/dynamo-keys.ts.
 */
export const ITEM_PREFIXES = {
  profiles: `${PROFILE_PREFIX}*`,
  appUser: `${APP_PREFIX}*`,
  requestLines: `${PACE_PREFIX}*`,
  expiryShards: `${EXPIRY_SHARD_PREFIX}*`,
  rateLimits: `${LIMIT_PREFIX}*`,
} as const;

export const READ_ITEMS = ['dynamodb:GetItem', 'dynamodb:Query'] as const;
export const WRITE_ITEMS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
/** An app user's erasure: key-only Query, then BatchWriteItem deletes. */
export const ERASE_ITEMS = ['dynamodb:Query', 'dynamodb:BatchWriteItem'] as const;

type ItemAction = (typeof READ_ITEMS | typeof WRITE_ITEMS | typeof ERASE_ITEMS)[number];

export interface ItemGrant {
  readonly table: Table;
  readonly prefixes: readonly string[];
  readonly actions: readonly ItemAction[];
  /** The index instead of the table itself. */
  readonly index?: string;
  /** Further conditions (e.g. attributes a key-only read may name). */
  readonly conditions?: Record<string, Record<string, unknown>>;
}

export function grantItems(grantee: IGrantable, grant: ItemGrant): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...new Set(grant.actions)].sort(),
      resources: [grant.index ? `${grant.table.tableArn}/index/${grant.index}` : grant.table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.prefixes] },
        Null: { 'dynamodb:LeadingKeys': 'false' },
        ...grant.conditions,
      },
    }),
  );
}

/**
 * The internal-users function erases a user's passwords without being able to read one: a Query
 * must ask for the key attributes only (Select SPECIFIC_ATTRIBUTES, attributes ⊆ pk, sk), and the
 * deletes go through BatchWriteItem, which returns no item (DeleteItem could return the old item,
 * with ReturnValues or ReturnValuesOnConditionCheckFailure, and no condition key covers the latter).
 * A BatchWriteItem put is limited to the same two attributes: it cannot store a ciphertext either.
 */
export function grantKeyOnlyErasure(grantee: IGrantable, table: Table): void {
  const keyAttributesOnly = { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk'] } };
  grantItems(grantee, {
    table,
    prefixes: [ITEM_PREFIXES.appUser],
    actions: ['dynamodb:Query'],
    conditions: { ...keyAttributesOnly, StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } },
  });
  grantItems(grantee, { table, prefixes: [ITEM_PREFIXES.appUser], actions: ['dynamodb:BatchWriteItem'], conditions: keyAttributesOnly });
}

/** Customer-managed key use on behalf of DynamoDB only (kms:ViaService). */
export const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'] as const;

/** The tables' encryption key, only through DynamoDB (never a direct KMS call). */
export function grantTableKey(dataKey: IKey, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...TABLE_KEY_ACTIONS],
      resources: [dataKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
    }),
  );
}

