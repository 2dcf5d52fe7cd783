import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { ContextError } from '../../infra/config';

// These apps differ only in context, so bundling is skipped (`aws:cdk:bundling-stacks: []`); the
// bundles themselves are checked in stack.test.ts. cdk-nag stays on for every variant.
function synth(context: Record<string, unknown>): Template {
  const { stack } = buildApp({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(stack);
}

// CloudFormation JSON is untyped: the tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CfnJson = any;
type Resource = { Type: string; Properties: Record<string, CfnJson>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

function alarmsOf(template: Template): Record<string, Resource['Properties']> {
  return Object.fromEntries(resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, r]) => [r.Properties.AlarmName as string, r.Properties]));
}

function topicId(template: Template, name: string): string {
  const [found] = resourcesOf(template, 'AWS::SNS::Topic').filter(([, r]) => r.Properties.TopicName === name);
  return found![0];
}

function envOf(template: Template, service: string): Record<string, unknown> {
  const [found] = resourcesOf(template, 'AWS::Lambda::Function').filter(
    ([, r]) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service,
  );
  return found![1].Properties.Environment.Variables;
}

/** What a prod synth needs: an explicit region and someone to tell (deploy-rules.ts). */
const PROD = { stage: 'prod', region: 'eu-west-3', notificationEmail: 'guidance-ready@example.com' } as const;

describe('prod stage', () => {
  let template: Template;
  beforeAll(() => {
    template = synth(PROD);
  });

  it('is named after its stage', () => {
    expect(buildApp({ context: { ...PROD, 'aws:cdk:bundling-stacks': [] }, nag: false }).stack.stackName).toBe('GuidanceRelay-prod');
  });

  it.each(['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Cognito::UserPool', 'AWS::EC2::EIP'])(
    'retains every %s on delete and replacement, but not when its first create rolls back',
    (type) => {
      const found = resourcesOf(template, type);

      expect(found.length).toBeGreaterThan(0);
      for (const [, resource] of found) {
        expect(resource.DeletionPolicy).toBe('RetainExceptOnCreate');
        expect(resource.UpdateReplacePolicy).toBe('Retain');
      }
    },
  );

  it('leaves deletion protection off unless asked: a protected table or user pool could not be rolled back', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });

    const asked = synth({ ...PROD, deletionProtection: 'true' });
    asked.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    asked.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });

  it('keeps every log group for three months and retains it', () => {
    const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');

    expect(logGroups).toHaveLength(8); // five functions, access logs of the two APIs, VPC flow logs
    for (const [, logGroup] of logGroups) {
      expect(logGroup.Properties.RetentionInDays).toBe(90);
      expect(logGroup.DeletionPolicy).toBe('RetainExceptOnCreate');
    }
  });

  it('gives no retained resource a fixed physical name, so a re-created stack never collides with what the last one kept', () => {
    const NAME_PROPERTIES = ['Name', 'TableName', 'UserPoolName', 'AliasName', 'LogGroupName', 'KeyName'];
    const retained = Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.DeletionPolicy !== 'Delete' && r.DeletionPolicy !== undefined);

    expect(retained.length).toBeGreaterThan(10);
    for (const [id, resource] of retained) {
      for (const property of NAME_PROPERTIES) expect([id, property, resource.Properties?.[property]]).toEqual([id, property, undefined]);
    }
  });

  it('pages on an event older than 5 minutes, on any webhook 5xx and on 3 reveal 5xx in 5 minutes', () => {
    const alarms = alarmsOf(template);

    expect(alarms['GuidanceRelay-prod-queue-age']).toMatchObject({ Threshold: 300, ComparisonOperator: 'GreaterThanThreshold', Period: 300 });
    expect(alarms['GuidanceRelay-prod-webhook-5xx']).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarms['GuidanceRelay-prod-reveal-5xx']).toMatchObject({ Threshold: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarms['GuidanceRelay-prod-bridge-errors']).toMatchObject({ Threshold: 20 });
    expect(alarms['GuidanceRelay-prod-queue-age']!.AlarmDescription).toContain('more than 300 s');
  });

  it('names its alarms, alarm topic and dashboard after the stage, and every alarm notifies that topic', () => {
    const topic = topicId(template, 'GuidanceRelay-prod-alarms');
    const alarms = alarmsOf(template);

    expect(Object.keys(alarms)).toHaveLength(12); // one per runbook entry, and the two on notification delivery
    for (const [name, alarm] of Object.entries(alarms)) {
      expect(name).toMatch(/^GuidanceRelay-prod-/);
      expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.OKActions).toEqual([{ Ref: topic }]);
    }
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'GuidanceRelay-prod' });
  });
});

describe('dev stage', () => {
  let template: Template;
  beforeAll(() => {
    template = synth({ stage: 'dev' });
  });

  it('destroys the stateful resources with the stack and keeps logs a week', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Cognito::UserPool', 'AWS::Logs::LogGroup']) {
      const found = resourcesOf(template, type);
      expect(found.length).toBeGreaterThan(0);
      for (const [, resource] of found) expect(resource.DeletionPolicy).toBe('Delete');
    }
    for (const [, logGroup] of resourcesOf(template, 'AWS::Logs::LogGroup')) expect(logGroup.Properties.RetentionInDays).toBe(7);
  });

  it('alarms on an event older than 15 minutes and on 5 webhook or reveal 5xx in 5 minutes', () => {
    const alarms = alarmsOf(template);

    expect(alarms['GuidanceRelay-dev-queue-age']).toMatchObject({ Threshold: 900, ComparisonOperator: 'GreaterThanThreshold' });
    expect(alarms['GuidanceRelay-dev-webhook-5xx']).toMatchObject({ Threshold: 5 });
    expect(alarms['GuidanceRelay-dev-reveal-5xx']).toMatchObject({ Threshold: 5 });
  });
});

describe('context', () => {
  let template: Template;
  beforeAll(() => {
    template = synth({
      jwtIssuer: 'https://login.example.com/',
      jwtAudience: 'guidance-app',
      bridgeSourceIps: '',
      bridgeApiUrl: 'https://sandbox.bridgeapi.io',
      webhookSecretName: 'custom/webhook',
      bridgeCredentialsSecretName: 'custom/credentials',
      passwordTtlSeconds: 600,
      webhookMaxAgeSeconds: 3600,
      workerTimeoutSeconds: 60,
      workerBatchSize: 2,
      workerMaxConcurrency: 3,
      maxReceiveCount: 7,
      notificationEmail: 'ops@example.com',
      notificationHttpsUrl: 'https://hooks.example.com/guidance',
      notificationQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:guidance-ready',
      alarmEmail: 'oncall@example.com',
    });
  });

  it('uses the given issuer and audience and creates no user pool', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://login.example.com/', Audience: ['guidance-app'] },
    });
    expect(template.toJSON().Outputs.UserPoolId).toBeUndefined();
  });

  it('turns the source-IP check off with an empty list', () => {
    expect(envOf(template, 'bridge-webhook').BRIDGE_SOURCE_IPS).toBe('');
  });

  it('passes the limits to the functions', () => {
    expect(envOf(template, 'bridge-webhook')).toMatchObject({ WEBHOOK_MAX_AGE_SECONDS: '3600' });
    expect(envOf(template, 'session-worker')).toMatchObject({
      PASSWORD_TTL_SECONDS: '600',
      MAX_RECEIVE_COUNT: '7',
      BRIDGE_API_URL: 'https://sandbox.bridgeapi.io',
    });
    expect(envOf(template, 'reveal-api')).toMatchObject({ PASSWORD_TTL_SECONDS: '600', BRIDGE_API_URL: 'https://sandbox.bridgeapi.io' });
  });

  it('sizes the worker, its event source and the queue from the context', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 60, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'session-worker' } } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 2, ScalingConfig: { MaximumConcurrency: 3 } });
    const [, queue] = resourcesOf(template, 'AWS::SQS::Queue').find(([id]) => id.includes('GuidanceEventsQueue'))!;
    expect(queue.Properties.VisibilityTimeout).toBe(360);
    expect(envOf(template, 'session-worker').QUEUE_VISIBILITY_TIMEOUT_SECONDS).toBe('360'); // what the worker compares a Retry-After with
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(7);
  });

  it('names the secrets as asked', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'custom/webhook' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'custom/credentials' });
  });

  it('subscribes alarmEmail to the alarm topic only', () => {
    const alarmEmails = resourcesOf(template, 'AWS::SNS::Subscription').filter(([, r]) => r.Properties.Endpoint === 'oncall@example.com');

    expect(alarmEmails).toHaveLength(1);
    expect(alarmEmails[0]![1].Properties).toMatchObject({ Protocol: 'email', TopicArn: { Ref: topicId(template, 'GuidanceRelay-dev-alarms') } });
  });

  it('subscribes the e-mail, HTTPS and SQS endpoints (raw delivery for SQS)', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: Match.stringLikeRegexp('GuidanceReadyTopic') } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://hooks.example.com/guidance' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:eu-west-1:123456789012:guidance-ready',
      RawMessageDelivery: true,
    });
  });
});

describe('bad context', () => {
  it.each([
    ['workerBatchSize', { workerBatchSize: 11 }],
    ['passwordTtlSeconds', { passwordTtlSeconds: 3600 }],
    ['bridgeSourceIps', { bridgeSourceIps: '63.32.31.5,300.1.1.1' }],
    ['jwtAudience', { jwtIssuer: 'https://login.example.com' }],
    ['jwtIssuer', { jwtAudience: 'guidance-app' }],
    ['bridgeApiUrl', { bridgeApiUrl: 'http://api.bridgeapi.io' }],
    ['stage', { stage: 'production' }],
    ['alarmEmail', { alarmEmail: 'oncall' }],
    ['alarmEmail', { alarmEmail: 'oncall@example.com,ops@example.com' }],
  ])('stops the app before any resource is built when %s is invalid', (key, context) => {
    expect(() => buildApp({ context, nag: false })).toThrow(ContextError);
    expect(() => buildApp({ context, nag: false })).toThrow(`Invalid CDK context "${key}"`);
  });

  it('says what is wrong with alarmEmail', () => {
    expect(() => buildApp({ context: { alarmEmail: 'oncall' }, nag: false })).toThrow('Invalid CDK context "alarmEmail": "oncall" is not an e-mail address.');
  });

  it('refuses a misspelt key instead of deploying without it, naming the key it resembles', () => {
    expect(() => buildApp({ context: { alarmEmial: 'oncall@example.com' }, nag: false })).toThrow(
      /^Invalid CDK context "alarmEmial": is not a setting of this app\. Did you mean "alarmEmail"\?$/,
    );
  });

  it('lists the known keys for a key that resembles none', () => {
    expect(() => buildApp({ context: { pagerTarget: 'x' }, nag: false })).toThrow(/^Invalid CDK context "pagerTarget": is not a setting of this app\. Known keys: stage, .*alarmEmail(, .*)?\.$/);
  });
});

describe('egress network by stage and context', () => {
  it('gives prod two NAT gateways, each on a retained Elastic IP, and outputs both addresses', () => {
    const template = synth(PROD);
    const eips = resourcesOf(template, 'AWS::EC2::EIP');

    expect(eips).toHaveLength(2);
    for (const [, eip] of eips) expect(eip.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(resourcesOf(template, 'AWS::EC2::NatGateway')).toHaveLength(2);
    template.hasOutput('BridgeEgressIps', { Value: { 'Fn::Join': [',', eips.map(([id]) => ({ 'Fn::GetAtt': [id, 'PublicIp'] }))] } });
  });

  it('refuses more NAT gateways than the stack has Availability Zones (an address no gateway uses)', () => {
    expect(() => synth({ natGateways: 3 })).toThrow('Invalid CDK context "natGateways": must be an integer from 0 to 2');
  });

  it('builds no VPC with natGateways 0: every function uses Lambda network, and no egress output', () => {
    const template = synth({ natGateways: '0' });

    expect(resourcesOf(template, 'AWS::EC2::VPC')).toHaveLength(0);
    for (const [, fn] of resourcesOf(template, 'AWS::Lambda::Function')) expect(fn.Properties.VpcConfig).toBeUndefined();
    expect(Object.keys(template.findOutputs('BridgeEgressIps'))).toHaveLength(0);
    expect(JSON.stringify(template.toJSON())).not.toContain('ec2:CreateNetworkInterface');
  });
});
