import { AnyPrincipal, Effect, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';

/**
 * Every item action of DynamoDB: each can return a stored item (reads, and writes through
 * ReturnValues or ReturnValuesOnConditionCheckFailure), so each is limited to the functions.
 */
export const SESSION_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PartiQLSelect',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
] as const;

/** Copies of the table: a backup or an export would keep passwords beyond their 30 minutes. */
export const SESSION_COPY_ACTIONS = ['dynamodb:CreateBackup', 'dynamodb:StartAwsBackupJob', 'dynamodb:ExportTableToPointInTime'] as const;

/**
 * The session table's own policy, like the password key's: whatever IAM policies say elsewhere in
 * the account (an administrator's `dynamodb:*` on `*`), only the functions' roles reach its items
 * (each further limited by its own IAM policy) and the operators named in context
 * (`sessionOperatorPrincipals`: whoever runs `ops revoke` in an incident), and nobody copies it. Table administration
 * (UpdateTable, TTL, tags, this policy) is not denied, so CloudFormation keeps managing it.
 * `Resource: "*"` is the table and its indexes: the policy is attached to the table.
 */
export function reserveSessionTable(table: Table, functionRoles: readonly IRole[], operatorPrincipals: readonly string[] = []): void {
  table.addToResourcePolicy(
    new PolicyStatement({
      sid: 'DenyItemAccessToAllButTheFunctions',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: [...SESSION_ITEM_ACTIONS],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...functionRoles.map((role) => role.roleArn), ...operatorPrincipals] } },
    }),
  );
  table.addToResourcePolicy(
    new PolicyStatement({
      sid: 'DenyBackupsAndExports',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: [...SESSION_COPY_ACTIONS],
      resources: ['*'],
    }),
  );
}
