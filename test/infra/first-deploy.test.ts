import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { readConfig } from '../../infra/config';
import { cdkJsonFeatureFlags } from '../../infra/feature-flags';

// What a first real deploy needs, read from the synthesised templates. Bundling is skipped (the
// bundles are stack.test.ts's concern); cdk-nag stays on for every variant.
function build(context: Record<string, unknown>, env: Record<string, string | undefined> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return buildApp({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  } finally {
    process.env = saved;
  }
}
const synth = (context: Record<string, unknown>, env?: Record<string, string | undefined>) => Template.fromStack(build(context, env).stack);

const OPERATIONS = readFileSync(path.join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
const PROD = { stage: 'prod', region: 'eu-west-3', notificationQueueArn: 'arn:aws:sqs:eu-west-3:123456789012:push-service' } as const;

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';
const IDENTITY_ARN = 'arn:aws:ses:eu-west-1:123456789012:identity/bank.example';
const WIKI = 'https://wiki.example.com/guidance-relay';

/** Synthesised once each and shared: synths are the slow part of these tests. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
/** What CI builds: dev, no region in context, while the CLI has defaulted one. */
const dev = once(() => build({}, { CDK_DEFAULT_REGION: 'us-east-1', CDK_DEFAULT_ACCOUNT: '123456789012' }));
const devTemplate = once(() => Template.fromStack(dev().stack));
/** prod with every address: account, custom domain in a hosted zone, SES sender. */
const prodFull = once(() =>
  build({ ...PROD, account: '111111111111', domainName: 'guidance.bank.example', certificateArn: CERTIFICATE_ARN, hostedZoneId: 'Z0123456789ABCDEFGHIJ', userPoolSesEmail: 'no-reply@bank.example' }),
);
const prodTemplate = once(() => Template.fromStack(prodFull().stack));
/** dev placed by AZ id, sending through an SES identity elsewhere, linking its alarms to a wiki. */
const devCustom = once(() => synth({ availabilityZoneIds: 'euw3-az3,euw3-az1', userPoolSesEmail: 'no-reply@bank.example', userPoolSesIdentityArn: IDENTITY_ARN, runbookBaseUrl: WIKI }));

// CloudFormation JSON is untyped: the tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CfnJson = any;
const REGION_LITERAL = /\b(us|eu|ap|sa|ca|me|af|il|mx)-(east|west|north|south|central|northeast|southeast|northwest|southwest)-\d\b/;

function alarms(template: Template): Record<string, CfnJson> {
  return Object.fromEntries(Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((r: CfnJson) => [r.Properties.AlarmName, r.Properties]));
}

describe('region', () => {
  it('keeps the assembly CI builds (dev, no region given) free of any region, even when the CLI defaulted one', () => {
    const template = devTemplate();
    // The one table of regions is AWS's extension layer by region, looked up with AWS::Region at deploy time.
    const { Mappings: { ParamsandsecretslayerMap: layerByRegion, ...otherMappings } = {}, ...rest } = template.toJSON() as CfnJson;
    const json = JSON.stringify({ ...rest, Mappings: otherMappings });

    expect(Object.keys(layerByRegion).length).toBeGreaterThan(10);
    expect(json).toContain('{"Fn::FindInMap":["ParamsandsecretslayerMap",{"Ref":"AWS::Region"},"1x0x103xarm64"]}');
    expect(json).not.toMatch(REGION_LITERAL);
    expect(json).not.toContain('123456789012');
    // The places that were frozen before: Lambda permissions' source ARNs (built from the region, or
    // the ARN of a resource of this stack), the alarm topic policy, the data key policy.
    for (const permission of Object.values(template.findResources('AWS::Lambda::Permission')) as CfnJson[]) {
      expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/\{"Ref":"AWS::Region"\}|^\{"Fn::GetAtt":\["\w+","Arn"\]\}$/);
    }
    expect(JSON.stringify(template.findResources('AWS::SNS::TopicPolicy'))).toContain('{"Ref":"AWS::Region"}');
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).toContain('{"Ref":"AWS::Region"}');
  });

  it('takes AWS’s extension layer of the stack’s region, or the one named by secretsExtensionLayerArn where CDK has none', () => {
    const layers = (template: Template) => new Set(Object.values(template.findResources('AWS::Lambda::Function')).flatMap((f: CfnJson) => f.Properties.Layers ?? []));
    expect([...layers(prodTemplate())]).toEqual([expect.stringMatching(/^arn:aws:lambda:eu-west-3:\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/)]);

    expect(() => build({ stage: 'dev', region: 'eu-central-2' })).toThrow(/Parameters and Secrets Extension is not supported in region eu-central-2/);
    const own = 'arn:aws:lambda:eu-central-2:111122223333:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:2';
    expect([...layers(synth({ stage: 'dev', region: 'eu-central-2', secretsExtensionLayerArn: own }))]).toEqual([own]);
    expect(() => build({ stage: 'dev', secretsExtensionLayerArn: 'extension' })).toThrow(/Invalid CDK context "secretsExtensionLayerArn": .*layer version ARN/);
    expect(() => build({ stage: 'dev', region: 'eu-central-2', secretsExtensionLayerArn: own.replace(/eu-central-2/g, 'eu-west-3') })).toThrow(
      /"secretsExtensionLayerArn": is in eu-west-3; the functions need the layer of the stack's region eu-central-2\./,
    );
    expect(() => build({ stage: 'dev', region: 'eu-central-2', secretsExtensionLayerArn: own.replace('-Arm64', '') })).toThrow(/needs? the -Arm64 layer/);
  });

  it('refuses a prod synth without an explicit region, in one line naming what to set', () => {
    expect(() => build({ stage: 'prod', notifications: 'none' }, { CDK_DEFAULT_REGION: 'us-east-1' })).toThrow(
      /^Invalid CDK context "region": prod needs an explicit region: add -c region=<aws-region> \(e\.g\. -c region=eu-west-3\) or "region" in cdk\.json\.$/,
    );
  });

  it('deploys prod to the region and account it is given', () => {
    const { stack } = prodFull();

    expect([stack.region, stack.account]).toEqual(['eu-west-3', '111111111111']);
  });
});

describe('who is told when a guidance is ready', () => {
  it('refuses a prod synth without a guidance.ready subscriber', () => {
    expect(() => build({ stage: 'prod', region: 'eu-west-3' })).toThrow(/^Invalid CDK context "notifications": prod needs a guidance\.ready subscriber: .*notifications=none.*$/);
  });

  it('accepts notifications=none, says in the topic output that apps poll GET /guidance, and does not alarm on undelivered messages', () => {
    const template = synth({ stage: 'prod', region: 'eu-west-3', notifications: 'none' });

    expect(template.toJSON().Outputs.TopicArn.Description).toMatch(/notifications=none: nobody is told; apps .*GET \/guidance/);
    expect(alarms(template)['GuidanceRelay-prod-notifications-undelivered']).toBeUndefined();
    expect(() => readConfig({ notifications: 'nobody' })).not.toThrow(); // read by deployment-config, not config
    expect(() => build({ notifications: 'nobody' })).toThrow(/"notifications": may only be "none"/);
  });

  it('alarms when SNS fails a delivery and when messages were published but delivered to no one', () => {
    const template = prodTemplate();
    const topicRef = Object.keys(template.findResources('AWS::SNS::Topic')).find((id) => id.includes('GuidanceReadyTopic'));
    const found = alarms(template);

    expect(found['GuidanceRelay-prod-notifications-failed']).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [topicRef, 'TopicName'] } }],
      Threshold: 1,
    });
    const undelivered = found['GuidanceRelay-prod-notifications-undelivered'];
    expect(undelivered.Metrics[0].Expression).toBe('IF(FILL(published, 0) > 0 AND FILL(delivered, 0) == 0, 1, 0)');
    expect(undelivered.Metrics.slice(1).map((m: CfnJson) => m.MetricStat.Metric.MetricName).sort()).toEqual(['NumberOfMessagesPublished', 'NumberOfNotificationsDelivered']);
  });

  it('refuses a FIFO queue as subscriber and warns that a queue of another account must confirm', () => {
    expect(() => readConfig({ notificationQueueArn: 'arn:aws:sqs:eu-west-3:123456789012:push.fifo' })).toThrow(/is a FIFO queue/);
    const { stack } = prodFull();
    const infos = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => String(m.data)));

    expect(infos.some((info) => /account 123456789012 is not the stack's \(111111111111\).*until the queue's owner confirms/.test(info))).toBe(true);
  });
});

describe('Availability Zones', () => {
  function subnetPlacement(template: Template): { az?: unknown; azId?: unknown }[] {
    return Object.values(template.findResources('AWS::EC2::Subnet')).map((s: CfnJson) => ({ az: s.Properties.AvailabilityZone, azId: s.Properties.AvailabilityZoneId }));
  }

  it('places the subnets by AZ id in us-east-1, never in use1-az3 where Lambda cannot run', () => {
    const placement = subnetPlacement(synth({ ...PROD, region: 'us-east-1', notificationQueueArn: 'arn:aws:sqs:us-east-1:123456789012:push' }));

    expect(placement).toHaveLength(4);
    for (const subnet of placement) expect(subnet.az).toBeUndefined();
    expect(placement.map((s) => s.azId).sort()).toEqual(['use1-az1', 'use1-az1', 'use1-az2', 'use1-az2']);
  });

  it('takes the AZ ids given in context, and refuses use1-az3 or fewer zones than NAT gateways', () => {
    const placement = subnetPlacement(devCustom());

    expect(placement.map((s) => s.azId).sort()).toEqual(['euw3-az1', 'euw3-az1', 'euw3-az3', 'euw3-az3']);
    expect(() => build({ availabilityZoneIds: 'use1-az3,use1-az1' })).toThrow(/"availabilityZoneIds": use1-az3 is a zone where Lambda cannot/);
    expect(() => build({ natGateways: 3, availabilityZoneIds: 'euw3-az1,euw3-az2' })).toThrow(/natGateways 3 needs at least 3/);
  });

  it('uses the region’s first zones by name in a region-agnostic stack', () => {
    const placement = subnetPlacement(devTemplate());

    for (const subnet of placement) expect(JSON.stringify(subnet.az)).toContain('Fn::GetAZs');
  });
});

describe('names and addresses', () => {
  it('names the stack, alarms, alarm topic and dashboard after instanceName, so two stacks share an account', () => {
    const a = build({ instanceName: 'team-a' });
    const b = Template.fromStack(build({ instanceName: 'team-b' }).stack);
    const aTemplate = Template.fromStack(a.stack);
    const names = (t: Template) => [
      ...Object.keys(alarms(t)),
      ...Object.values(t.findResources('AWS::CloudWatch::Dashboard')).map((d: CfnJson) => d.Properties.DashboardName),
      ...Object.values(t.findResources('AWS::SNS::Topic')).map((d: CfnJson) => d.Properties.TopicName).filter(Boolean),
    ];

    expect(a.stack.stackName).toBe('GuidanceRelay-dev-team-a');
    for (const name of names(aTemplate)) expect(name).toMatch(/^GuidanceRelay-dev-team-a(-|$)/);
    expect(names(aTemplate).filter((name) => names(b).includes(name))).toEqual([]);
    expect(JSON.stringify(aTemplate.findResources('AWS::SecretsManager::Secret'))).not.toContain('"Name"');
    // Custom metrics too: the functions emit, and the alarms and dashboard read, the instance's own namespace.
    for (const fn of Object.values(aTemplate.findResources('AWS::Lambda::Function')) as CfnJson[]) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('GuidanceRelay/team-a');
    }
    const json = JSON.stringify(aTemplate.toJSON());
    expect(json).toContain('"Namespace":"GuidanceRelay/team-a"');
    expect(json).not.toMatch(/"Namespace":"GuidanceRelay"|\\"GuidanceRelay\\"/);
    expect(() => build({ instanceName: 'Team A' })).toThrow(/"instanceName": must be 1 to 20 lower-case/);
  });

  it('links every alarm to its runbook entry by a full URL, on the project docs/operations.md by default or under runbookBaseUrl', () => {
    for (const [template, base] of [
      [devTemplate(), 'https://github.com/guidance-relay/guidance-relay/blob/main/docs/operations.md'],
      [devCustom(), WIKI],
    ] as const) {
      const found = alarms(template);
      expect(Object.keys(found).length).toBeGreaterThanOrEqual(11);
      for (const [name, alarm] of Object.entries(found)) {
        const slug = name.replace(/^GuidanceRelay-dev-/, '');
        expect(alarm.AlarmDescription.endsWith(` Runbook: ${base}#runbook-${slug}`)).toBe(true);
        expect(OPERATIONS).toContain(`<a id="runbook-${slug}"></a>`); // the default link lands on an entry
      }
    }
  });

  it('serves the API on a custom domain with its certificate, aliases it in the hosted zone and gives Bridge that webhook URL', () => {
    const certificateArn = CERTIFICATE_ARN;
    const template = prodTemplate();

    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'guidance.bank.example',
      DomainNameConfigurations: [{ CertificateArn: certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'guidance.bank.example.', Type: 'A', HostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    const outputs = template.toJSON().Outputs;
    expect(outputs.ApiDomainUrl.Value).toBe('https://guidance.bank.example');
    expect(outputs.WebhookUrl.Value).toBe('https://guidance.bank.example/webhooks/bridge');
    expect(() => build({ domainName: 'guidance.bank.example' })).toThrow(/"certificateArn": is required when domainName is set/);
    expect(() => build({ ...PROD, domainName: 'a.example.com', certificateArn: certificateArn.replace('eu-west-3', 'us-east-1') })).toThrow(/certificate in the stack's region eu-west-3/);
  });
});

describe('the created user pool', () => {
  it("sends through SES when userPoolSesEmail is set, and through Cognito's own sender otherwise", () => {
    prodTemplate().hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', From: 'no-reply@bank.example', SourceArn: 'arn:aws:ses:eu-west-3:111111111111:identity/no-reply@bank.example' },
    });
    devCustom().hasResourceProperties('AWS::Cognito::UserPool', { EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn: IDENTITY_ARN } });
    expect(JSON.stringify(devTemplate().findResources('AWS::Cognito::UserPool'))).not.toContain('DEVELOPER');
  });
});

describe('CDK feature flags', () => {
  it('sets every flag CDK recommends in cdk.json, to the recommended value', () => {
    const flags = cdkJsonFeatureFlags();

    for (const [flag, recommended] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) expect([flag, flags[flag]]).toEqual([flag, recommended]);
  });

  it('leaves no flag that the CLI would report as "not configured" (unset, and its default differs from the recommendation)', () => {
    const manifest = dev().app.synth().manifest as CfnJson;
    const report = Object.values(manifest.artifacts as Record<string, CfnJson>).find((artifact) => artifact.type === 'cdk:feature-flag-report');
    const flags = Object.entries(report.properties.flags as Record<string, CfnJson>);
    const needsAttention = flags.filter(([, flag]) => flag.userValue === undefined && (flag.unconfiguredBehavesLike?.v2 ?? false) !== flag.recommendedValue);

    expect(flags.length).toBeGreaterThan(80);
    expect(needsAttention.map(([name]) => name)).toEqual([]);
  });
});
