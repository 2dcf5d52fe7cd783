import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { PASSWORD_KEY_USE } from '../../infra/constructs/password-key-policy';
import { SESSION_COPY_ACTIONS, SESSION_ITEM_ACTIONS } from '../../infra/constructs/session-table-policy';
import { REVEAL_ROUTES } from '../../shared/http/routes';
import { defaultTemplate } from '../fixtures/default-template';

// The default (dev) app, without bundling, cdk-nag on: the template the infra tests share (fixtures/default-template.ts).
// What IAM evaluation shows (who may do what) is in access-matrix.test.ts; here: the shape of the
// statements the evaluator cannot see through (colon-pattern context keys) and of resource policies.
let resources: Record<string, Resource>;

beforeAll(() => {
  resources = defaultTemplate().Resources;
});

// CloudFormation JSON is untyped: the tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CfnJson = any;
type Resource = { Type: string; Properties: Record<string, CfnJson> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: CfnJson; Principal?: CfnJson; Condition?: Record<string, CfnJson> };

const of = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const idOf = (type: string, prefix: string) => {
  const ids = of(type).map(([id]) => id).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
// Sorted: CDK's policy minimisation (a recommended feature flag) reorders actions within a statement.
const actions = (statement: Statement) => (Array.isArray(statement.Action) ? [...statement.Action] : [statement.Action]).sort();
const functionId = (service: string) => of('AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service)![0];
const roleOf = (service: string): string => resources[functionId(service)]!.Properties.Role['Fn::GetAtt'][0];
const statementsOf = (service: string): Statement[] =>
  of('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleOf(service)))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
const passwordKeyPolicy = (): Statement[] => resources[idOf('AWS::KMS::Key', 'PasswordKey')]!.Properties.KeyPolicy.Statement;
const roleArn = (service: string) => ({ 'Fn::GetAtt': [roleOf(service), 'Arn'] });
const PASSWORD_CONTEXT = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['app_user_id', 'company_identification_number', 'session_id'] },
  Null: { 'kms:EncryptionContext:session_id': 'false' },
};

describe('the password key policy', () => {
  it("keeps CDK's account statement, so administrators and CloudFormation can still change the key", () => {
    expect(passwordKeyPolicy()[0]).toMatchObject({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });
  });

  it('denies only the use of the key, never an administrative action, so no policy update can lock the account out', () => {
    const denied = passwordKeyPolicy()
      .filter((statement) => statement.Effect === 'Deny')
      .flatMap(actions);

    expect([...new Set(denied)].sort()).toEqual([...PASSWORD_KEY_USE].sort());
  });

  it('allows Decrypt to the reveal API and Encrypt to the worker and the reveal API, each only with a session_id in the context', () => {
    // The evaluator of the access matrix ignores kms:EncryptionContext:<key>: this checks the condition is there.
    const allows = passwordKeyPolicy().filter((statement) => statement.Effect === 'Allow' && statement.Sid);

    expect(allows).toEqual([
      expect.objectContaining({ Action: 'kms:Decrypt', Principal: { AWS: roleArn('reveal-api') }, Condition: PASSWORD_CONTEXT }),
      expect.objectContaining({ Action: 'kms:Encrypt', Principal: { AWS: expect.arrayContaining([roleArn('session-worker'), roleArn('reveal-api')]) }, Condition: PASSWORD_CONTEXT }),
    ]);
  });

  it('carries the same context conditions on every IAM grant of the key', () => {
    const passwordKey = idOf('AWS::KMS::Key', 'PasswordKey');
    const grants = ['session-worker', 'reveal-api'].flatMap((service) =>
      statementsOf(service).filter((statement) => JSON.stringify(statement.Resource).includes(passwordKey)),
    );

    expect(grants).toHaveLength(2);
    for (const grant of grants) expect(grant.Condition).toEqual(PASSWORD_CONTEXT);
  });
});

describe('the session table policy', () => {
  it('denies item access to all but the four functions that need it, and copies to everyone, never table administration', () => {
    const statements: Statement[] = resources[idOf('AWS::DynamoDB::Table', 'SessionTable')]!.Properties.ResourcePolicy.PolicyDocument.Statement;

    expect(statements).toEqual([
      {
        Sid: 'DenyItemAccessToAllButTheFunctions',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: expect.arrayContaining([...SESSION_ITEM_ACTIONS]),
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': expect.arrayContaining(['session-worker', 'reveal-api', 'internal-users', 'session-sweeper'].map(roleArn)) } },
      },
      { Sid: 'DenyBackupsAndExports', Effect: 'Deny', Principal: { AWS: '*' }, Action: expect.arrayContaining([...SESSION_COPY_ACTIONS]), Resource: '*' },
    ]);
    // Exactly those actions and principals, in whatever order CDK's policy minimisation writes them.
    expect(actions(statements[0]!)).toEqual([...SESSION_ITEM_ACTIONS].sort());
    expect(actions(statements[1]!)).toEqual([...SESSION_COPY_ACTIONS].sort());
    expect(statements[0]!.Condition!.ArnNotEquals['aws:PrincipalArn']).toHaveLength(4);
    expect(statements.flatMap(actions).filter((action) => /Table$|TimeToLive|ResourcePolicy|Tag|ContinuousBackups/.test(action))).toEqual([]);
  });
});

describe('who may invoke the functions', () => {
  it('lets only API Gateway, from this API, invoke the reveal function (no other permission, no function URL)', () => {
    const apiId = idOf('AWS::ApiGatewayV2::Api', 'RevealHttpApi'); // the reveal routes' own API (CORS is per API)
    const permissions = of('AWS::Lambda::Permission').filter(([, p]) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === functionId('reveal-api'));

    expect(permissions).toHaveLength(REVEAL_ROUTES.length);
    for (const [, permission] of permissions) {
      expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`{"Ref":"${apiId}"}`);
    }
    expect(of('AWS::Lambda::Url')).toEqual([]);
  });

  it('runs the sweeper from its one-minute schedule only', () => {
    const rules = of('AWS::Events::Rule');
    const permissions = of('AWS::Lambda::Permission').filter(([, p]) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === functionId('session-sweeper'));

    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    expect(permissions.map(([, p]) => p.Properties)).toEqual([
      { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [functionId('session-sweeper'), 'Arn'] }, Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [rules[0]![0], 'Arn'] } },
    ]);
  });
});

describe('DynamoDB rights per key prefix', () => {
  const SERVICES = ['bridge-webhook', 'session-worker', 'reveal-api', 'internal-users', 'session-sweeper'];
  const dynamoStatements = (service: string) => statementsOf(service).filter((statement) => actions(statement).some((action) => action.startsWith('dynamodb:')));

  it.each(SERVICES)('%s names one table or index and the partition keys it may touch in every DynamoDB statement', (service) => {
    for (const statement of dynamoStatements(service)) {
      expect(Array.isArray(statement.Resource)).toBe(false);
      expect(statement.Condition).toMatchObject({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': expect.any(Array) }, Null: { 'dynamodb:LeadingKeys': 'false' } });
      expect(actions(statement)).not.toContain('dynamodb:Scan');
    }
  });

  it('lets the internal users function only list keys of and delete session items, never read one', () => {
    const sessionTable = idOf('AWS::DynamoDB::Table', 'SessionTable');
    const onSessions = dynamoStatements('internal-users').filter((statement) => JSON.stringify(statement.Resource).includes(sessionTable));

    expect(onSessions.map((statement) => [statement.Action, statement.Condition])).toEqual([
      [
        'dynamodb:Query',
        {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APP#*'] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk'] },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      ],
      ['dynamodb:BatchWriteItem', { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APP#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' }, 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk'] } }],
    ]);
  });

  it('gives the sweeper the expiry index and session deletes only: no other table, no read of an item, no KMS key but the tables’ through DynamoDB', () => {
    const sessionTable = idOf('AWS::DynamoDB::Table', 'SessionTable');
    const statements = statementsOf('session-sweeper').filter((statement) => !actions(statement).some((action) => /^(logs|xray):/.test(action)));

    expect(statements.map((statement) => [actions(statement), JSON.stringify(statement.Resource)])).toEqual([
      [['dynamodb:Query'], expect.stringMatching(new RegExp(`${sessionTable}.*/index/expiry`))],
      [['dynamodb:DeleteItem'], JSON.stringify({ 'Fn::GetAtt': [sessionTable, 'Arn'] })],
      [['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], JSON.stringify({ 'Fn::GetAtt': [idOf('AWS::KMS::Key', 'DataKey'), 'Arn'] })],
    ]);
    expect(statements[2]!.Condition).toEqual({ StringEquals: { 'kms:ViaService': expect.anything() } });
  });
});

describe('session operators', () => {
  it('lets the principals named in context reach session items too, and no one else', () => {
    const operator = 'arn:aws:iam::123456789012:role/incident-response';
    const { stack } = buildApp({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], sessionOperatorPrincipals: operator } });
    const withOperator = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
    const tableId = Object.keys(withOperator).find((id) => id.startsWith('SessionTable') && withOperator[id]!.Type === 'AWS::DynamoDB::Table')!;
    const [itemDeny] = withOperator[tableId]!.Properties.ResourcePolicy.PolicyDocument.Statement as Statement[];

    expect(itemDeny!.Condition!.ArnNotEquals['aws:PrincipalArn']).toHaveLength(5);
    expect(itemDeny!.Condition!.ArnNotEquals['aws:PrincipalArn'][4]).toBe(operator);
  });
});
