import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { buildApp, type BuiltApp } from '../../infra/app';
import { ACCESS_LOG_FIELDS } from '../../infra/constructs/http-api';
import { API_ROUTES } from '../../shared/http/routes';

// The default (dev) app, built once: real bundling with the local esbuild, cdk-nag on, and the
// built-in CloudFormation validation off (it only costs time here; `npm run synth` keeps it).
let built: BuiltApp;
let template: Template;
let assemblyDir: string;

beforeAll(() => {
  built = buildApp({ builtinCloudFormationValidation: false });
  // Throws ValidationFailed if cdk-nag finds anything that is not acknowledged.
  assemblyDir = built.app.synth().directory;
  template = Template.fromStack(built.stack);
});

// CloudFormation JSON is untyped: the tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CfnJson = any;
type Resource = { Type: string; Properties: Record<string, CfnJson>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: Record<string, CfnJson> };

const SERVICES = ['bridge-webhook', 'session-worker', 'reveal-api', 'internal-users', 'session-sweeper'] as const;
type Service = (typeof SERVICES)[number];

function resources(type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

function fn(service: Service): [string, Resource] {
  const found = resources('AWS::Lambda::Function').filter(([, r]) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function roleId(service: Service): string {
  const role = fn(service)[1].Properties.Role;
  return role['Fn::GetAtt'][0];
}

/** Statements of the policies attached to the role (`AWS::IAM::Policy`). */
function attachedStatementsOf(service: Service): Statement[] {
  const id = roleId(service);
  return resources('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === id))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** Statements of the role's own inline policies (created with the role). */
function inlineStatementsOf(service: Service): Statement[] {
  const role = template.toJSON().Resources[roleId(service)] as Resource;
  return ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
}

function statementsOf(service: Service): Statement[] {
  return [...attachedStatementsOf(service), ...inlineStatementsOf(service)];
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function allActions(service: Service): string[] {
  return [...new Set(statementsOf(service).flatMap(actionsOf))].sort();
}

function logicalId(type: string, predicate: (id: string) => boolean): string {
  const ids = Object.keys(template.findResources(type)).filter(predicate);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

const dataKeyId = () => logicalId('AWS::KMS::Key', (id) => id.startsWith('DataKey'));
const passwordKeyId = () => logicalId('AWS::KMS::Key', (id) => id.startsWith('PasswordKey'));
const queueId = () => logicalId('AWS::SQS::Queue', (id) => id.includes('GuidanceEventsQueue'));
const dlqId = () => logicalId('AWS::SQS::Queue', (id) => id.includes('GuidanceEventsDlq'));
const tableId = () => logicalId('AWS::DynamoDB::Table', (id) => id.startsWith('GuidanceTable'));
const sessionTableId = () => logicalId('AWS::DynamoDB::Table', (id) => id.startsWith('SessionTable'));

const ACCESS_LOG_STATEMENTS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
/** What a function in the VPC needs for its network interfaces (AWSLambdaVPCAccessExecutionRole's actions). */
const VPC_ENI = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
];
const TABLE_ITEMS = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
const TABLE_KEY = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];
const PASSWORD_CONTEXT = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['app_user_id', 'company_identification_number', 'session_id'] },
  Null: { 'kms:EncryptionContext:session_id': 'false' },
};

describe('functions', () => {
  it.each(SERVICES)('%s runs Node.js 22 on arm64 with active tracing and JSON logs in its own log group', (service) => {
    const [, resource] = fn(service);

    expect(resource.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringContaining('LogGroup') } },
    });
  });

  it.each([
    ['bridge-webhook', 10],
    ['session-worker', 30],
    ['reveal-api', 20],
    ['internal-users', 10],
    ['session-sweeper', 150],
  ] as const)('%s times out after %i s', (service, seconds) => {
    expect(fn(service)[1].Properties.Timeout).toBe(seconds);
  });

  it.each(SERVICES)('%s log group keeps a week of logs in dev, encrypted with the data key, and goes with the stack', (service) => {
    const logGroupId = fn(service)[1].Properties.LoggingConfig.LogGroup.Ref;
    const logGroup = template.toJSON().Resources[logGroupId];

    expect(logGroup.Properties.RetentionInDays).toBe(7);
    expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [dataKeyId(), 'Arn'] });
    expect(logGroup.DeletionPolicy).toBe('Delete');
  });

  const COMMON_ENV = ['NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];
  // Set by CDK for the Parameters and Secrets extension; the handler itself reads only the port.
  const EXTENSION_ENV = [
    'PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED',
    'PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE',
    'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
    'PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL',
    'PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS',
    'SECRETS_MANAGER_TIMEOUT_MILLIS',
    'SECRETS_MANAGER_TTL',
    'SSM_PARAMETER_STORE_TIMEOUT_MILLIS',
    'SSM_PARAMETER_STORE_TTL',
  ];
  it.each([
    ['bridge-webhook', ['QUEUE_URL', 'WEBHOOK_SECRET_ID', 'WEBHOOK_MAX_AGE_SECONDS', 'BRIDGE_SOURCE_IPS', ...EXTENSION_ENV]],
    [
      'session-worker',
      [
        'TABLE_NAME',
        'SESSION_TABLE_NAME',
        'PASSWORD_KEY_ARN',
        'TOPIC_ARN',
        'DEAD_LETTER_QUEUE_URL',
        'BRIDGE_API_URL',
        'BRIDGE_CREDENTIALS_SECRET_ID',
        'PASSWORD_TTL_SECONDS',
        'MAX_RECEIVE_COUNT',
        'QUEUE_VISIBILITY_TIMEOUT_SECONDS',
        'BRIDGE_SESSION_HOSTS',
        'BRIDGE_MAX_RPS',
        ...EXTENSION_ENV,
      ],
    ],
    [
      'reveal-api',
      [
        'TABLE_NAME',
        'SESSION_TABLE_NAME',
        'PASSWORD_KEY_ARN',
        'BRIDGE_API_URL',
        'BRIDGE_CREDENTIALS_SECRET_ID',
        'PASSWORD_TTL_SECONDS',
        'JWT_ISSUER',
        'JWT_AUDIENCE',
        'BRIDGE_SESSION_HOSTS',
        'USER_SESSIONS_PER_HOUR',
        'USER_REQUESTS_PER_MINUTE',
        'BRIDGE_MAX_RPS',
        ...EXTENSION_ENV,
      ],
    ],
    ['internal-users', ['TABLE_NAME', 'SESSION_TABLE_NAME']],
    ['session-sweeper', ['SESSION_TABLE_NAME']],
  ] as const)('%s gets exactly the settings its handler reads', (service, names) => {
    const variables = fn(service)[1].Properties.Environment.Variables;

    expect(Object.keys(variables).sort()).toEqual([...COMMON_ENV, ...names].sort());
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: service,
      POWERTOOLS_METRICS_NAMESPACE: 'GuidanceRelay',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('wires the webhook to the queue, the secret, the replay window and Bridge source IPs', () => {
    expect(fn('bridge-webhook')[1].Properties.Environment.Variables).toEqual(
      expect.objectContaining({
        QUEUE_URL: { Ref: queueId() },
        WEBHOOK_SECRET_ID: { Ref: expect.stringContaining('BridgeWebhookSecret') },
        WEBHOOK_MAX_AGE_SECONDS: '259200',
        BRIDGE_SOURCE_IPS: '63.32.31.5,52.215.247.62,34.249.92.209',
      }),
    );
  });

  it('wires the worker to the table, password key, topic, DLQ, Bridge and its limits', () => {
    expect(fn('session-worker')[1].Properties.Environment.Variables).toEqual(
      expect.objectContaining({
        TABLE_NAME: { Ref: tableId() },
        SESSION_TABLE_NAME: { Ref: sessionTableId() },
        PASSWORD_KEY_ARN: { 'Fn::GetAtt': [passwordKeyId(), 'Arn'] },
        TOPIC_ARN: { Ref: expect.stringContaining('GuidanceReadyTopic') },
        DEAD_LETTER_QUEUE_URL: { Ref: dlqId() },
        BRIDGE_API_URL: 'https://api.bridgeapi.io',
        BRIDGE_CREDENTIALS_SECRET_ID: { Ref: expect.stringContaining('BridgeCredentialsSecret') },
        PASSWORD_TTL_SECONDS: '1800',
        MAX_RECEIVE_COUNT: '5',
        QUEUE_VISIBILITY_TIMEOUT_SECONDS: String(template.toJSON().Resources[queueId()].Properties.VisibilityTimeout),
      }),
    );
  });

  it('never puts a secret value in an environment variable', () => {
    for (const service of SERVICES) {
      const variables = fn(service)[1].Properties.Environment.Variables as Record<string, unknown>;
      for (const [name, value] of Object.entries(variables)) {
        expect(name).not.toMatch(/(SECRET|PASSWORD|TOKEN)$/);
        expect(JSON.stringify(value)).not.toMatch(/clientSecret|SecretString|resolve:secretsmanager/);
      }
    }
  });

  it('feeds the worker from the queue in batches with partial failures and a concurrency cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
      FunctionName: { Ref: fn('session-worker')[0] },
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });
});

describe('bundles', () => {
  function assetDir(service: Service): string {
    const key: string = fn(service)[1].Properties.Code.S3Key;
    return path.join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`);
  }

  it.each(SERVICES)('%s was bundled by the local esbuild into an ESM file with the createRequire banner', (service) => {
    const bundle = path.join(assetDir(service), 'index.mjs');

    expect(existsSync(bundle)).toBe(true);
    expect(readFileSync(bundle, 'utf8').startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(
      true,
    );
  });

  it.each(SERVICES)('%s bundles the AWS SDK and swaps the default credential chain for the Lambda shim', (service) => {
    const map = JSON.parse(readFileSync(path.join(assetDir(service), 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };

    expect(map.sources.some((source) => source.endsWith('shared/aws/lambda-credentials.ts'))).toBe(true);
    expect(map.sources.some((source) => source.includes('@aws-sdk/credential-provider-node'))).toBe(false);
    expect(map.sources.some((source) => source.includes('@aws-sdk/credential-provider-sso'))).toBe(false);
    expect(map.sources.some((source) => source.includes('node_modules/@aws-sdk/'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it.each(SERVICES)('%s bundles nothing of the IAM evaluator the tests use (AGPL-3.0, a devDependency only)', (service) => {
    const { sources } = JSON.parse(readFileSync(path.join(assetDir(service), 'index.mjs.map'), 'utf8')) as { sources: string[] };

    expect(sources.filter((source) => source.includes('@cloud-copilot/'))).toEqual([]);
  });

  it.each(SERVICES)('%s bundles no Secrets Manager reader of its own (the extension reads them)', (service) => {
    const { sources } = JSON.parse(readFileSync(path.join(assetDir(service), 'index.mjs.map'), 'utf8')) as { sources: string[] };

    expect(sources.filter((source) => source.includes('@aws-lambda-powertools/parameters'))).toEqual([]);
  });

  it.each([
    ['bridge-webhook', ['client-sqs'], ['client-dynamodb', 'client-kms', 'client-sns', 'client-secrets-manager']],
    ['internal-users', ['client-dynamodb'], ['client-kms', 'client-sns', 'client-sqs', 'client-secrets-manager']],
    ['session-sweeper', ['client-dynamodb'], ['client-kms', 'client-sns', 'client-sqs', 'client-secrets-manager']],
    // Secrets come through the Parameters and Secrets extension: no Secrets Manager client anywhere.
    ['session-worker', ['client-dynamodb', 'client-kms', 'client-sns'], ['client-secrets-manager']],
    ['reveal-api', ['client-dynamodb', 'client-kms'], ['client-secrets-manager']],
  ] as const)('%s bundles only the AWS clients it calls', (service, needed, unneeded) => {
    const { sources } = JSON.parse(readFileSync(path.join(assetDir(service), 'index.mjs.map'), 'utf8')) as { sources: string[] };
    const bundles = (client: string) => sources.some((source) => source.includes(`node_modules/@aws-sdk/${client}/`));

    for (const client of needed) expect([client, bundles(client)]).toEqual([client, true]);
    for (const client of unneeded) expect([client, bundles(client)]).toEqual([client, false]);
  });
});

describe('secrets extension', () => {
  const READERS = ['bridge-webhook', 'session-worker', 'reveal-api'] as const;

  it.each(READERS)('%s reads its secrets through AWS’s extension layer, looked up by the region at deploy time', (service) => {
    const properties = fn(service)[1].Properties;

    expect(properties.Layers).toEqual([{ 'Fn::FindInMap': ['ParamsandsecretslayerMap', { Ref: 'AWS::Region' }, '1x0x103xarm64'] }]);
    // A secret change reaches the function within 300 s: 270 s in the extension, 30 s in the process.
    expect(properties.Environment.Variables).toMatchObject({
      PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'true',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
      SECRETS_MANAGER_TTL: '270',
    });
  });

  it.each(['internal-users', 'session-sweeper'] as const)('%s reads no secret and carries no layer', (service) => {
    expect(fn(service)[1].Properties.Layers).toBeUndefined();
  });

  it('knows AWS’s layer in the usual regions', () => {
    const map = template.toJSON().Mappings.ParamsandsecretslayerMap;

    expect(Object.keys(map)).toEqual(expect.arrayContaining(['eu-west-1', 'eu-west-3', 'eu-central-1', 'us-east-1']));
    expect(map['eu-west-3']['1x0x103xarm64']).toMatch(/^arn:aws:lambda:eu-west-3:\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/);
  });
});

describe('queues', () => {
  it('keeps guidance events for 14 days, encrypted, with a visibility of six worker timeouts', () => {
    const queue = template.toJSON().Resources[queueId()];

    expect(queue.Properties).toMatchObject({
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(), 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn('session-worker')[1].Properties.Timeout);
  });

  it('keeps dead letters for 14 days, encrypted', () => {
    expect(template.toJSON().Resources[dlqId()].Properties).toMatchObject({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
  });

  it.each([['queue', queueId], ['dead-letter queue', dlqId]])('the %s refuses requests without TLS', (_name, id) => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('notifications', () => {
  it('encrypts the topic with the data key and refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [dataKeyId(), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('has no subscription unless the context asks for one', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('data', () => {
  it('keeps profiles and guidance records in a pay-per-request table keyed pk/sk with TTL, PITR and the data key', () => {
    expect(template.toJSON().Resources[tableId()].Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [dataKeyId(), 'Arn'] } },
    });
    expect(template.toJSON().Resources[tableId()].Properties.GlobalSecondaryIndexes).toBeUndefined();
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  it('keeps stored passwords in their own table, never in a backup: no PITR, TTL as a backstop, the data key', () => {
    expect(template.toJSON().Resources[sessionTableId()].Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [dataKeyId(), 'Arn'] } },
    });
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
  });

  it('indexes sessions by expiry in sharded partitions, projecting no ciphertext and no URL', () => {
    expect(template.toJSON().Resources[sessionTableId()].Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'expiry',
        KeySchema: [
          { AttributeName: 'expiryShard', KeyType: 'HASH' },
          { AttributeName: 'expiresAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['appUserId', 'company', 'createdAt'] },
      },
    ]);
  });

  it('uses two customer-managed keys with rotation on', () => {
    template.resourceCountIs('AWS::KMS::Key', 2);
    for (const [, key] of resources('AWS::KMS::Key')) expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('lets CloudWatch Logs use the data key only for log groups of this account and region', () => {
    const statements = template.toJSON().Resources[dataKeyId()].Properties.KeyPolicy.Statement as Statement[];
    const forLogs = statements.filter((s) => JSON.stringify(s).includes('logs.'));

    expect(forLogs).toHaveLength(1);
    expect(forLogs[0]!.Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']],
        },
      },
    });
  });

  it('gives the password key to no service principal: only the account (administration) and roles of this stack', () => {
    const statements = template.toJSON().Resources[passwordKeyId()].Properties.KeyPolicy.Statement as (Statement & { Principal: { AWS: unknown } })[];

    for (const statement of statements) expect(Object.keys(statement.Principal)).toEqual(['AWS']);
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: 'kms:*',
      Resource: '*',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
    });
  });

  it('destroys table, keys and secrets with a dev stack', () => {
    for (const id of [tableId(), sessionTableId(), dataKeyId(), passwordKeyId()]) {
      expect(template.toJSON().Resources[id]).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('keeps stateful resources at the top of the stack so their logical ids never move', () => {
    expect(dataKeyId()).toMatch(/^DataKey[0-9A-F]{8}$/);
    expect(passwordKeyId()).toMatch(/^PasswordKey[0-9A-F]{8}$/);
    expect(tableId()).toMatch(/^GuidanceTable[0-9A-F]{8}$/);
    expect(sessionTableId()).toMatch(/^SessionTable[0-9A-F]{8}$/);
  });

  it('creates both secrets with generated placeholder values, never a value in the template', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: Match.absent(),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: Match.absent(),
      GenerateSecretString: { SecretStringTemplate: '{"clientId":"change-me"}', GenerateStringKey: 'clientSecret' },
    });
    for (const [, secret] of resources('AWS::SecretsManager::Secret')) expect(secret.Properties.SecretString).toBeUndefined();
  });
});

describe('HTTP API', () => {
  function route(routeKey: string): Resource['Properties'] {
    const found = resources('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey);
    expect(found).toHaveLength(1);
    return found[0]![1].Properties;
  }

  function integratedFunction(routeKey: string): string {
    const integrationId = (route(routeKey).Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
    const integration = template.toJSON().Resources[integrationId.Ref];
    return integration.Properties.IntegrationUri['Fn::GetAtt'][0];
  }

  it('routes the Bridge webhook without an API Gateway authorizer (HMAC and source IP are checked in code)', () => {
    expect(route('POST /webhooks/bridge').AuthorizationType).toBe('NONE');
    expect(integratedFunction('POST /webhooks/bridge')).toBe(fn('bridge-webhook')[0]);
  });

  it.each(['PUT /internal/users/{bridge_user_uuid}', 'DELETE /internal/users/{bridge_user_uuid}'])('protects %s with IAM (SigV4)', (key) => {
    expect(route(key).AuthorizationType).toBe('AWS_IAM');
    expect(integratedFunction(key)).toBe(fn('internal-users')[0]);
  });

  it.each([
    'GET /guidance',
    'POST /guidance/{company_identification_number}/reveal',
    'DELETE /guidance/{company_identification_number}/session',
    'POST /guidance/{company_identification_number}/rotate',
  ])('protects %s with the JWT authorizer', (key) => {
    const properties = route(key);

    expect(properties.AuthorizationType).toBe('JWT');
    expect(properties.AuthorizerId).toEqual({ Ref: logicalId('AWS::ApiGatewayV2::Authorizer', () => true) });
    expect(integratedFunction(key)).toBe(fn('reveal-api')[0]);
  });

  it('has exactly the routes of the contract', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', API_ROUTES.length + 1); // and Bridge's webhook
  });

  it('checks JWTs issued by the created Cognito user pool for its app client', () => {
    const poolId = logicalId('AWS::Cognito::UserPool', () => true);
    const clientId = logicalId('AWS::Cognito::UserPoolClient', () => true);

    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: poolId }]] },
      },
    });
  });

  it('throttles the API, and the routes that hand out passwords by their own (context) settings', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: {
        'POST /guidance/{company_identification_number}/reveal': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        'POST /guidance/{company_identification_number}/rotate': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      },
    });
  });

  it('deploys the stage after the throttled routes exist', () => {
    const [[, stage]] = resources('AWS::ApiGatewayV2::Stage').filter(([, r]) => r.Properties.RouteSettings) as [[string, Resource & { DependsOn: string[] }]];
    const throttledRoutes = resources('AWS::ApiGatewayV2::Route')
      .filter(([, r]) => /reveal|rotate/.test(r.Properties.RouteKey))
      .map(([id]) => id);

    expect(stage.DependsOn).toEqual(expect.arrayContaining(throttledRoutes));
  });

  it('writes JSON access logs with request id, IP, route, status and latency, never headers or body', () => {
    const stage = resources('AWS::ApiGatewayV2::Stage')[0]![1];
    const settings = stage.Properties.AccessLogSettings;
    const format = JSON.parse(settings.Format) as Record<string, string>;

    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(settings.Format).not.toMatch(/header|body|requestOverride|querystring|\$context\.path/i);
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringContaining('AccessLogs'), 'Arn'] });
    const accessLogs = template.toJSON().Resources[settings.DestinationArn['Fn::GetAtt'][0]];
    expect(accessLogs.Properties).toMatchObject({ RetentionInDays: 7, KmsKeyId: { 'Fn::GetAtt': [dataKeyId(), 'Arn'] } });
  });
});

describe('identity', () => {
  it('creates a Cognito user pool without self sign-up, with strong passwords and required MFA', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
      },
      MfaConfiguration: 'ON',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('gives the apps a public client (no secret) that signs in with SRP', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});

describe('IAM', () => {
  it('lets the webhook only send to the queue, read its secret, write its logs and traces', () => {
    expect(allActions('bridge-webhook')).toEqual(
      [...ACCESS_LOG_STATEMENTS, ...XRAY, 'secretsmanager:GetSecretValue', 'sqs:SendMessage'].sort(),
    );
    const statements = statementsOf('bridge-webhook');
    expect(statements.find((s) => actionsOf(s).includes('sqs:SendMessage'))!.Resource).toEqual({ 'Fn::GetAtt': [queueId(), 'Arn'] });
    expect(statements.find((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))!.Resource).toEqual({
      Ref: expect.stringContaining('BridgeWebhookSecret'),
    });
  });

  it('lets the worker consume the queue, use the table, encrypt passwords, publish, dead-letter and read Bridge credentials', () => {
    expect(allActions('session-worker')).toEqual(
      [
        ...ACCESS_LOG_STATEMENTS,
        ...XRAY,
        ...VPC_ENI,
        ...TABLE_ITEMS,
        ...TABLE_KEY,
        'secretsmanager:GetSecretValue',
        'sns:Publish',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ].sort(),
    );
    // The DLQ (dead letters with a reason) and its own queue (delayed copies of rate-limited events), nothing else.
    const sends = statementsOf('session-worker').filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(sends.map((s) => s.Resource)).toEqual(
      expect.arrayContaining([{ 'Fn::GetAtt': [dlqId(), 'Arn'] }, { 'Fn::GetAtt': [queueId(), 'Arn'] }]),
    );
    expect(sends).toHaveLength(2);
  });

  it('lets the worker encrypt with the password key, never decrypt, and only with the owner context', () => {
    const onPasswordKey = statementsOf('session-worker').filter((s) => JSON.stringify(s.Resource).includes(passwordKeyId()));

    expect(onPasswordKey).toEqual([{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: { 'Fn::GetAtt': [passwordKeyId(), 'Arn'] }, Condition: PASSWORD_CONTEXT }]);
  });

  it('lets the reveal API decrypt and encrypt with the password key only with the owner context', () => {
    const onPasswordKey = statementsOf('reveal-api').filter((s) => JSON.stringify(s.Resource).includes(passwordKeyId()));

    expect(onPasswordKey).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: { 'Fn::GetAtt': [passwordKeyId(), 'Arn'] }, Condition: PASSWORD_CONTEXT },
    ]);
    expect(allActions('reveal-api')).toEqual(
      [...ACCESS_LOG_STATEMENTS, ...XRAY, ...VPC_ENI, ...TABLE_ITEMS, ...TABLE_KEY, 'secretsmanager:GetSecretValue'].sort(),
    );
  });

  it('gives the internal users API its items and nothing of the password key', () => {
    expect(allActions('internal-users')).toEqual(
      [...ACCESS_LOG_STATEMENTS, ...XRAY, 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', ...TABLE_KEY].sort(),
    );
    expect(JSON.stringify(statementsOf('internal-users'))).not.toContain(passwordKeyId());
  });

  it('uses the data key only through DynamoDB and SNS', () => {
    for (const service of SERVICES) {
      for (const statement of statementsOf(service).filter((s) => JSON.stringify(s.Resource).includes(dataKeyId()))) {
        expect(statement.Condition).toEqual({ StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [expect.stringMatching(/^(dynamodb|sns)\.$/), { Ref: 'AWS::Region' }, '.amazonaws.com']] } } });
      }
    }
  });

  it('grants no wildcard action and uses Resource "*" only for X-Ray and the network interfaces of VPC functions', () => {
    const attached = resources('AWS::IAM::Policy').flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
    for (const statement of [...attached, ...SERVICES.flatMap(inlineStatementsOf)]) {
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/\*/);
      if (statement.Resource === '*') expect([XRAY, VPC_ENI]).toContainEqual(actionsOf(statement).sort());
    }
  });

  it('attaches no AWS managed policy to the function roles', () => {
    for (const service of SERVICES) {
      const role = template.toJSON().Resources[roleId(service)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('egress network (Bridge allow-lists our calling addresses)', () => {
  it('runs the worker and the reveal API in private subnets with an HTTPS-only security group, and nothing else', () => {
    const [sg] = resources('AWS::EC2::SecurityGroup');
    expect(sg![1].Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg![1].Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS to Bridge and AWS APIs', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    for (const service of ['session-worker', 'reveal-api'] as const) {
      const vpcConfig = fn(service)[1].Properties.VpcConfig;
      expect(vpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sg![0], 'GroupId'] }]);
      expect(vpcConfig.SubnetIds).toHaveLength(2);
      for (const subnet of vpcConfig.SubnetIds) expect(subnet.Ref).toMatch(/FunctionsSubnet/);
    }
    for (const service of ['bridge-webhook', 'internal-users'] as const) expect(fn(service)[1].Properties.VpcConfig).toBeUndefined();
  });

  it('routes the private subnets through a NAT gateway on a fixed Elastic IP, output for registration at Bridge', () => {
    const eips = resources('AWS::EC2::EIP');
    expect(eips).toHaveLength(1);
    template.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: { 'Fn::GetAtt': [eips[0]![0], 'AllocationId'] } });
    template.hasOutput('BridgeEgressIps', { Value: { 'Fn::GetAtt': [eips[0]![0], 'PublicIp'] } });
    for (const [, subnet] of resources('AWS::EC2::Subnet')) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  it('reaches DynamoDB through a gateway endpoint and logs rejected traffic', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
    });
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs' });
  });

  it('lets Lambda manage the network interfaces of the VPC functions only', () => {
    const eniStatements = (service: Service) => statementsOf(service).filter((s) => actionsOf(s).includes('ec2:CreateNetworkInterface'));
    expect(eniStatements('session-worker')).toHaveLength(1);
    expect(eniStatements('reveal-api')).toHaveLength(1);
    expect(eniStatements('bridge-webhook')).toHaveLength(0);
    expect(eniStatements('internal-users')).toHaveLength(0);
  });

  it('puts the network-interface permissions in the role itself, which exists before the function, not in a policy attached just before it', () => {
    for (const service of ['session-worker', 'reveal-api'] as const) {
      const [, created] = fn(service);
      const eni = (statements: Statement[]) => statements.filter((s) => actionsOf(s).includes('ec2:CreateNetworkInterface'));

      expect(eni(inlineStatementsOf(service))).toEqual([{ Effect: 'Allow', Action: VPC_ENI, Resource: '*' }]);
      expect(eni(attachedStatementsOf(service))).toEqual([]);
      expect(created.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId(service), 'Arn'] });
    }
  });
});

// Alarms, the alarm topic and the dashboard: monitoring.test.ts.

describe('outputs', () => {
  it.each([
    'ApiUrl',
    'RevealApiUrl',
    'WebhookUrl',
    'TableName',
    'SessionTableName',
    'QueueUrl',
    'DeadLetterQueueUrl',
    'TopicArn',
    'AlarmTopicArn',
    'DashboardUrl',
    'WebhookSecretArn',
    'BridgeCredentialsSecretArn',
    'UserPoolId',
    'UserPoolClientId',
  ])('outputs %s', (name) => {
    expect(template.toJSON().Outputs[name]).toBeDefined();
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  it('reports nothing unacknowledged for the stack', () => {
    const report = JSON.parse(readFileSync(path.join(assemblyDir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { summary?: { status?: string }; violations?: unknown[] }[];
    };

    for (const pluginReport of report.pluginReports) expect(pluginReport.violations ?? []).toEqual([]);
  });

  it('does fail the synth on an unacknowledged finding (the checks really run)', () => {
    // Same app, plus a queue without DLQ, TLS policy or acknowledgement.
    const { app, stack } = buildApp({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
    new Queue(Stack.of(stack), 'PlantedQueue', { enforceSSL: false });

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
