import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { EXPIRY_INDEX, EXPIRY_INDEX_ATTRIBUTES, EXPIRY_SHARD_ATTRIBUTE, EXPIRY_SORT_ATTRIBUTE, TTL_ATTRIBUTE } from '../../shared/adapters/dynamo-keys';

/**
 * Stateful resources. These helpers create their resources directly in the scope they are given
 * (the stack), so the logical ids are `DataKey`, `PasswordKey` and `GuidanceTable` and never move
 * when a construct is refactored.
 */
export interface StatefulOptions {
  readonly removalPolicy: RemovalPolicy;
  /** Table deletion protection (prod). */
  readonly deletionProtection: boolean;
}

export interface RelayKeys {
  /** Encrypts the table, the notification topic and the log groups. */
  readonly dataKey: Key;
  /** Encrypts session passwords only, always with an encryption context naming their owner. */
  readonly passwordKey: Key;
}

export function createKeys(scope: Construct, options: StatefulOptions): RelayKeys {
  const keyDefaults = {
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
    // A retained key may be needed to read backups; a dev key goes sooner.
    pendingWindow: Duration.days(options.removalPolicy === RemovalPolicy.DESTROY ? 7 : 30),
  };
  const dataKey = new Key(scope, 'DataKey', { ...keyDefaults, description: 'guidance-relay: DynamoDB table, SNS topic and log group encryption' });
  allowLogGroupsOfThisAccount(dataKey);
  return {
    dataKey,
    passwordKey: new Key(scope, 'PasswordKey', { ...keyDefaults, description: 'guidance-relay: Bridge session passwords (one KMS Encrypt per password)' }),
  };
}

/**
 * CloudWatch Logs encrypts a log group with a customer-managed key only if the key policy lets
 * the regional Logs service use it, for log groups of this account and region only (the key
 * policy AWS documents for "Encrypt log data in CloudWatch Logs using AWS KMS").
 */
function allowLogGroupsOfThisAccount(key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
      },
    }),
  );
}

/** Names of the encryption context every password is bound to (see shared/domain/guidance-session.ts). */
export const PASSWORD_CONTEXT_KEYS = ['app_user_id', 'company_identification_number', 'session_id'] as const;

/**
 * Lets `grantee` use the password key for `actions` only with an encryption context made of the
 * password's owner keys, and only when a `session_id` is present: a ciphertext cannot be decrypted
 * without naming whose password it is.
 */
export function grantPasswordKey(key: IKey, grantee: IGrantable, actions: readonly ('kms:Encrypt' | 'kms:Decrypt')[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...actions],
      resources: [key.keyArn],
      conditions: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...PASSWORD_CONTEXT_KEYS] },
        Null: { 'kms:EncryptionContext:session_id': 'false' },
      },
    }),
  );
}

/**
 * The guidance table, with point-in-time recovery (keys built in shared/adapters/dynamo-keys.ts):
 * - profile by Bridge user: pk `USER#<bridgeUuid>`, sk `PROFILE`
 * - guidance of an app user & company: pk `APP#<appUserId>`, sk `GUIDANCE#<siren>`
 * - list all guidance of an app user: Query pk `APP#<appUserId>`
 * - fleet-wide Bridge pacing tickets: pk `PACE#<lane>…`
 * Stored sessions (encrypted passwords) live in the session table below.
 */
export function createGuidanceTable(scope: Construct, dataKey: IKey, options: StatefulOptions): Table {
  return new Table(scope, 'GuidanceTable', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'ttl',
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: dataKey,
    deletionProtection: options.deletionProtection,
    removalPolicy: options.removalPolicy,
  });
}

/**
 * The session table: encrypted passwords and their URLs, nothing else. No point-in-time recovery
 * (a backup would keep a password for 35 days); DynamoDB's TTL is only the backstop of the session
 * sweeper, which deletes each item within a minute of `expiresAt` through the sparse `expiry` index
 * (keys, createdAt, appUserId and company: never the ciphertext or the URL). Logical id `SessionTable`.
 */
export function createSessionTable(scope: Construct, dataKey: IKey, options: StatefulOptions): Table {
  const table = new Table(scope, 'SessionTable', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: dataKey,
    deletionProtection: options.deletionProtection,
    removalPolicy: options.removalPolicy,
  });
  table.addGlobalSecondaryIndex({
    indexName: EXPIRY_INDEX,
    partitionKey: { name: EXPIRY_SHARD_ATTRIBUTE, type: AttributeType.STRING },
    sortKey: { name: EXPIRY_SORT_ATTRIBUTE, type: AttributeType.NUMBER },
    projectionType: ProjectionType.INCLUDE,
    nonKeyAttributes: [...EXPIRY_INDEX_ATTRIBUTES],
  });
  Validations.of(table).acknowledge({
    id: 'AwsSolutions-DDB3',
    reason:
      'No point-in-time recovery on purpose: this table holds only session passwords (KMS-encrypted) and URLs, which must not outlive their 30 minutes; a backup would keep them 35 days. Nothing here needs restoring: a lost session is replaced by a fresh one on the next reveal. Profiles and guidance records live in GuidanceTable, which keeps PITR.',
  });
  return table;
}
