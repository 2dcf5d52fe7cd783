import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { grantSecretValue } from '../../infra/constructs/bridge-secrets';
import { grantPasswordKey } from '../../infra/constructs/data';
import { grantItems, grantTableKey, ITEM_PREFIXES } from '../../infra/constructs/table-access';

// The grant helpers on a bare stack (no bundling, no whole-stack synth): fast enough to run
// against every mutant of them. The stack test checks which function gets which grant.
function grantsOf(grant: (stack: Stack, role: Role) => void): unknown[] {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Grants');
  const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  grant(stack, role);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement);
}
const ref = (logicalIdPrefix: string) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${logicalIdPrefix}`)), 'Arn'] });

describe('grant helpers', () => {
  it('lets the password key be used only with a context naming user, company and session', () => {
    const statements = grantsOf((stack, role) => grantPasswordKey(new Key(stack, 'PasswordKey'), role, ['kms:Decrypt', 'kms:Encrypt']));

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt'],
        Resource: ref('PasswordKey'),
        Condition: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['app_user_id', 'company_identification_number', 'session_id'] },
          Null: { 'kms:EncryptionContext:session_id': 'false' },
        },
      },
    ]);
  });

  it('grants only the actions asked for on the password key', () => {
    const statements = grantsOf((stack, role) => grantPasswordKey(new Key(stack, 'PasswordKey'), role, ['kms:Encrypt']));

    expect(statements).toEqual([expect.objectContaining({ Action: 'kms:Encrypt' })]);
  });

  it('grants item actions on one table for the named key prefixes only, and its key only through DynamoDB', () => {
    const statements = grantsOf((stack, role) => {
      const dataKey = new Key(stack, 'DataKey');
      const table = new Table(stack, 'Table', {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: dataKey,
      });
      grantItems(role, { table, prefixes: [ITEM_PREFIXES.appUser], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] });
      grantTableKey(dataKey, role);
    });

    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Resource: ref('Table'),
      // A Scan names no partition key: the Null condition refuses it.
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APP#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: ref('DataKey'),
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });

  it('grants GetSecretValue on that one secret and nothing else', () => {
    const statements = grantsOf((stack, role) => grantSecretValue(new Secret(stack, 'Credentials'), role));

    expect(statements).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: expect.stringMatching(/^Credentials/) } }]);
  });
});
