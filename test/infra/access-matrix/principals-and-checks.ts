import { ACCOUNT, arnOf, logicalId, REGION, resolve, type CfnJson, type CfnTemplate } from './resolve-template';

/** A row of the matrix: who asks, with which identity policies. */
export interface Principal {
  readonly label: string;
  readonly arn: string;
  readonly identityPolicies: readonly { name: string; policy: CfnJson }[];
}

/** A column: one request, on one resource, with its request context. */
export interface Check {
  readonly id: string;
  readonly label: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  readonly resourcePolicy?: CfnJson;
}

const FUNCTIONS = ['bridge-webhook', 'session-worker', 'reveal-api', 'internal-users', 'session-sweeper'] as const;
const EVERYTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/**
 * Every function role with its policies, an account administrator (AdministratorAccess: `*` on
 * `*`, which includes `kms:*` and `dynamodb:*`), and the deploy role CloudFormation acts as (CDK's
 * bootstrap `cfn-exec` role, AdministratorAccess by default).
 */
export function principalsOf(template: CfnTemplate): Principal[] {
  const functions = FUNCTIONS.map((service): Principal => {
    const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service);
    if (!fn) throw new Error(`access matrix: no function ${service}.`);
    const roleId = fn.Properties!.Role['Fn::GetAtt'][0] as string;
    const attached = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && (r.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
      .map(([id, r]) => ({ name: id, policy: resolve(template, r.Properties!.PolicyDocument) }));
    const inline = ((template.Resources[roleId]!.Properties!.Policies ?? []) as { PolicyName: string; PolicyDocument: CfnJson }[]).map((p) => ({
      name: p.PolicyName,
      policy: resolve(template, p.PolicyDocument),
    }));
    return { label: `${service} role`, arn: arnOf('AWS::IAM::Role', roleId), identityPolicies: [...attached, ...inline] };
  });
  return [
    ...functions,
    { label: 'account administrator (`*` on `*`)', arn: `arn:aws:iam::${ACCOUNT}:role/Administrator`, identityPolicies: [{ name: 'AdministratorAccess', policy: EVERYTHING }] },
    {
      label: 'deploy role (CDK cfn-exec, `*` on `*`)',
      arn: `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`,
      identityPolicies: [{ name: 'AdministratorAccess', policy: EVERYTHING }],
    },
  ];
}

const PASSWORD_CONTEXT = { app_user_id: 'alice', company_identification_number: '529196313', session_id: '0b6f0d4e-3f51-4c3a-9d1c-2f7f6a1e9b1a' };

/** `kms:EncryptionContextKeys` and one `kms:EncryptionContext:<key>` per entry, as KMS sets them. */
function kmsContext(context: Record<string, string>): Record<string, string | string[]> {
  return {
    'kms:EncryptionContextKeys': Object.keys(context),
    ...Object.fromEntries(Object.entries(context).map(([key, value]) => [`kms:EncryptionContext:${key}`, value])),
  };
}

function resourcePolicyOf(template: CfnTemplate, type: string, listProperty: string, targetId: string): CfnJson | undefined {
  const policies = Object.values(template.Resources).filter(
    (r) => r.Type === type && JSON.stringify(r.Properties![listProperty]).includes(`"${targetId}"`),
  );
  if (policies.length > 1) throw new Error(`access matrix: several ${type} for ${targetId}.`);
  return policies[0] ? resolve(template, policies[0].Properties!.PolicyDocument) : undefined;
}

/** The columns: the password key, each key prefix of both tables, the queue, the topic and each secret. */
export function checksOf(template: CfnTemplate): Check[] {
  const keyId = logicalId(template, 'AWS::KMS::Key', 'PasswordKey');
  const key = { resource: arnOf('AWS::KMS::Key', keyId), resourcePolicy: resolve(template, template.Resources[keyId]!.Properties!.KeyPolicy) };
  const guidance = arnOf('AWS::DynamoDB::Table', logicalId(template, 'AWS::DynamoDB::Table', 'GuidanceTable'));
  const sessionTableId = logicalId(template, 'AWS::DynamoDB::Table', 'SessionTable');
  const sessions = arnOf('AWS::DynamoDB::Table', sessionTableId);
  const sessionPolicy = template.Resources[sessionTableId]!.Properties!.ResourcePolicy?.PolicyDocument as CfnJson | undefined;
  const queueId = logicalId(template, 'AWS::SQS::Queue', 'WebhookIngressGuidanceEventsQueue');
  const queue = { resource: arnOf('AWS::SQS::Queue', queueId), resourcePolicy: resourcePolicyOf(template, 'AWS::SQS::QueuePolicy', 'Queues', queueId) };
  const topicId = logicalId(template, 'AWS::SNS::Topic', 'NotificationsGuidanceReadyTopic');
  const topic = { resource: arnOf('AWS::SNS::Topic', topicId), resourcePolicy: resourcePolicyOf(template, 'AWS::SNS::TopicPolicy', 'Topics', topicId) };
  const secret = (prefix: string) => arnOf('AWS::SecretsManager::Secret', logicalId(template, 'AWS::SecretsManager::Secret', prefix));
  const policyOf = (table: string) => (table.startsWith(sessions) && sessionPolicy ? { resourcePolicy: resolve(template, sessionPolicy) } : {});
  const item = (table: string, leadingKey: string, extra: Record<string, string | string[]> = {}) => ({
    resource: table,
    ...policyOf(table),
    context: { 'dynamodb:LeadingKeys': [leadingKey], ...extra },
  });
  const withKey = (context: Record<string, string>) => ({ ...key, context: kmsContext(context) });
  const { session_id: _sessionId, ...withoutSessionId } = PASSWORD_CONTEXT;
  const withExtraKey = { ...PASSWORD_CONTEXT, purpose: 'export' };

  return [
    { id: 'K1', label: 'password key: Encrypt, password context', action: 'kms:Encrypt', ...withKey(PASSWORD_CONTEXT) },
    { id: 'K2', label: 'password key: Encrypt, context without session_id', action: 'kms:Encrypt', ...withKey(withoutSessionId) },
    { id: 'K3', label: 'password key: Encrypt, context with another key', action: 'kms:Encrypt', ...withKey(withExtraKey) },
    { id: 'K4', label: 'password key: Decrypt, password context', action: 'kms:Decrypt', ...withKey(PASSWORD_CONTEXT) },
    { id: 'K5', label: 'password key: Decrypt, context without session_id', action: 'kms:Decrypt', ...withKey(withoutSessionId) },
    { id: 'K6', label: 'password key: Decrypt, context with another key', action: 'kms:Decrypt', ...withKey(withExtraKey) },
    { id: 'G1', label: 'guidance table: read a profile (GetItem `USER#…`)', action: 'dynamodb:GetItem', ...item(guidance, 'USER#ecc4eaee-0554-4b4f-8937-3c5b816617f6') },
    { id: 'G2', label: 'guidance table: write a profile (PutItem `USER#…`)', action: 'dynamodb:PutItem', ...item(guidance, 'USER#ecc4eaee-0554-4b4f-8937-3c5b816617f6') },
    { id: 'G3', label: "guidance table: read a user's guidance (Query `APP#…`)", action: 'dynamodb:Query', ...item(guidance, 'APP#alice') },
    { id: 'G4', label: 'guidance table: write a guidance (UpdateItem `APP#…`)', action: 'dynamodb:UpdateItem', ...item(guidance, 'APP#alice') },
    { id: 'G5', label: 'guidance table: take a Bridge pacing ticket (UpdateItem `PACE#…`)', action: 'dynamodb:UpdateItem', ...item(guidance, 'PACE#bridge#background#0') },
    { id: 'G6', label: 'guidance table: Scan', action: 'dynamodb:Scan', resource: guidance, context: {} },
    { id: 'S1', label: 'session table: read a session (GetItem `APP#…`: ciphertext and URL)', action: 'dynamodb:GetItem', ...item(sessions, 'APP#alice') },
    {
      id: 'S2',
      label: "session table: list a user's session keys (Query, keys only)",
      action: 'dynamodb:Query',
      ...item(sessions, 'APP#alice', { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:Attributes': ['pk', 'sk'] }),
    },
    { id: 'S3', label: 'session table: store a session (PutItem `APP#…`)', action: 'dynamodb:PutItem', ...item(sessions, 'APP#alice') },
    { id: 'S4', label: 'session table: delete a session (DeleteItem `APP#…`)', action: 'dynamodb:DeleteItem', ...item(sessions, 'APP#alice') },
    {
      id: 'S5',
      label: "session table: erase a user's sessions (BatchWriteItem, keys only)",
      action: 'dynamodb:BatchWriteItem',
      ...item(sessions, 'APP#alice', { 'dynamodb:Attributes': ['pk', 'sk'] }),
    },
    { id: 'S6', label: 'session table: Scan', action: 'dynamodb:Scan', resource: sessions, ...policyOf(sessions), context: {} },
    { id: 'S7', label: 'session table: query the expiry index (`EXPIRY#…`)', action: 'dynamodb:Query', ...item(`${sessions}/index/expiry`, 'EXPIRY#0') },
    { id: 'S8', label: 'session table: CreateBackup', action: 'dynamodb:CreateBackup', resource: sessions, ...policyOf(sessions), context: {} },
    { id: 'Q1', label: 'event queue: SendMessage', action: 'sqs:SendMessage', ...queue, context: {} },
    { id: 'Q2', label: 'event queue: ReceiveMessage', action: 'sqs:ReceiveMessage', ...queue, context: {} },
    { id: 'T1', label: 'notification topic: Publish', action: 'sns:Publish', ...topic, context: {} },
    { id: 'X1', label: 'webhook secret: GetSecretValue', action: 'secretsmanager:GetSecretValue', resource: secret('BridgeWebhookSecret'), context: {} },
    { id: 'X2', label: 'Bridge credentials secret: GetSecretValue', action: 'secretsmanager:GetSecretValue', resource: secret('BridgeCredentialsSecret'), context: {} },
  ];
}
