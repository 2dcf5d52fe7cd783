import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { readConfig } from '../../infra/config';
import { defaultTemplate } from '../fixtures/default-template';

// Context webApp=true: S3 + CloudFront hosting of the reference web app. Bundling is skipped; cdk-nag
// runs (an unacknowledged finding makes synth throw).
function synth(context: Record<string, unknown>) {
  const { app, stack } = buildApp({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const assembly = app.synth();
  return { template: Template.fromStack(stack), dir: assembly.directory };
}

// CloudFormation JSON is untyped: the tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CfnJson = any;
const only = (template: Template, type: string): CfnJson => {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
};
const logicalId = (template: Template, type: string) => Object.keys(template.findResources(type))[0]!;
/** The apps' HTTP API (the other one serves the webhook and /internal). */
const revealApiId = (template: Template) =>
  Object.entries(template.findResources('AWS::ApiGatewayV2::Api')).find(([, api]: [string, CfnJson]) => /^guidance-relay: reveal API/.test(api.Properties.Description))![0];

/** A file the deployment writes (Source.data / jsonData), with each deploy-time marker replaced by the reference it stands for. */
function deployedFile(dir: string, template: Template, name: string): string {
  const deployment = only(template, 'Custom::CDKBucketDeployment').Properties;
  const index = (deployment.SourceObjectKeys as string[]).findIndex((key) => readdirSync(path.join(dir, `asset.${key.replace(/\.zip$/, '')}`)).includes(name));
  let text = readFileSync(path.join(dir, `asset.${deployment.SourceObjectKeys[index].replace(/\.zip$/, '')}`, name), 'utf8');
  for (const [marker, value] of Object.entries(deployment.SourceMarkers[index] as Record<string, CfnJson>)) text = text.split(marker).join(reference(value));
  return text;
}

/** `{Ref:X}` or `{GetAtt:X.Attr}`: JSON-safe stand-ins for what CloudFormation fills in. */
function reference(value: CfnJson): string {
  if (value.Ref) return `{Ref:${value.Ref}}`;
  if (value['Fn::GetAtt']) return `{GetAtt:${value['Fn::GetAtt'].join('.')}}`;
  return '{?}';
}

describe('context webApp', () => {
  it('is off by default and refuses anything but true or false', () => {
    expect(readConfig({}).webApp).toBeUndefined();
    expect(readConfig({ webApp: 'true' }).webApp).toBe(true);
    expect(readConfig({ webApp: false }).webApp).toBeUndefined();
    expect(() => readConfig({ webApp: 'yes' })).toThrow('Invalid CDK context "webApp": must be true or false, got "yes".');
  });

  it('adds no hosting, and keeps OAuth off on the app client, when not set', () => {
    const template = Template.fromJSON(defaultTemplate());

    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    expect(only(template, 'AWS::Cognito::UserPoolClient').Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
  });
});

describe('the web app hosting (webApp=true, Cognito)', () => {
  let template: Template;
  let dir: string;
  beforeAll(() => ({ template, dir } = synth({ webApp: 'true' })));

  it('serves a private bucket only through CloudFront with origin access control', () => {
    const distribution = only(template, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
    const siteId = distribution.Origins[0].DomainName['Fn::GetAtt'][0];
    const site = template.findResources('AWS::S3::Bucket')[siteId]!;
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p: CfnJson) => p.Properties.Bucket.Ref === siteId) as CfnJson;
    const allows = policy.Properties.PolicyDocument.Statement.filter((s: CfnJson) => s.Effect === 'Allow');

    expect(site.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(distribution.Origins[0].OriginAccessControlId).toBeDefined();
    expect(allows).toEqual([expect.objectContaining({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' }, Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } } })]);
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution.Logging).toBeDefined();
  });

  it('answers with a strict CSP, HSTS, no referrer and no framing', () => {
    const headers = only(template, 'AWS::CloudFront::ResponseHeadersPolicy').Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    const distribution = only(template, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;

    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: logicalId(template, 'AWS::CloudFront::ResponseHeadersPolicy') });
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-|\*;|connect-src \*/);
    expect(csp).toMatch(/connect-src 'self' https:\/\/\*\.execute-api\./);
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(headers.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
  });

  it("writes the app's config at deploy: this stack's API, Cognito issuer, app client and sign-in endpoints", () => {
    const config = JSON.parse(deployedFile(dir, template, 'config.json'));
    const api = revealApiId(template);
    const client = logicalId(template, 'AWS::Cognito::UserPoolClient');
    const domain = logicalId(template, 'AWS::Cognito::UserPoolDomain');

    expect(config.apiUrl).toBe(`{GetAtt:${api}.ApiEndpoint}`);
    expect(config.signIn.kind).toBe('oidc');
    expect(config.signIn.clientId).toBe(`{Ref:${client}}`);
    expect(config.signIn.authority).toMatch(/^https:\/\/cognito-idp\./);
    expect(config.signIn.metadata.token_endpoint).toContain(`{Ref:${domain}}`);
    expect(config.signIn.metadata.token_endpoint).toMatch(/\/oauth2\/token$/);
  });

  it("narrows connect-src to the API's exact origin in the deployed index.html", () => {
    const html = deployedFile(dir, template, 'index.html');
    const api = revealApiId(template);

    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="connect-src 'self' {GetAtt:${api}.ApiEndpoint} https://{Ref:`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("adds the app's origin to the reveal API's CORS, and to no other API", () => {
    const distribution = logicalId(template, 'AWS::CloudFront::Distribution');
    const apis = template.findResources('AWS::ApiGatewayV2::Api') as Record<string, CfnJson>;
    const revealId = revealApiId(template);

    expect(apis[revealId].Properties.CorsConfiguration.AllowOrigins).toEqual([{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] }]);
    expect(apis[revealId].Properties.CorsConfiguration.ExposeHeaders).toEqual(expect.arrayContaining(['date', 'retry-after'].map((h) => expect.stringMatching(new RegExp(`^${h}$`, 'i')))));
    for (const [id, api] of Object.entries(apis)) if (id !== revealId) expect(api.Properties.CorsConfiguration).toBeUndefined();
  });

  it('lets the app client sign in with the code flow only, back to the app only', () => {
    const client = only(template, 'AWS::Cognito::UserPoolClient').Properties;
    const distribution = logicalId(template, 'AWS::CloudFront::Distribution');
    const appUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] };

    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.GenerateSecret).toBe(false);
    expect(client.CallbackURLs).toEqual([appUrl]);
    expect(client.LogoutURLs).toEqual([appUrl]);
    template.hasOutput('WebAppUrl', { Value: appUrl });
  });
});

describe('the web app hosting beside origins of your own', () => {
  it('keeps the corsAllowedOrigins and adds the app', () => {
    const { template } = synth({ webApp: 'true', corsAllowedOrigins: 'https://bank.example.com' });
    const api = (template.findResources('AWS::ApiGatewayV2::Api') as Record<string, CfnJson>)[revealApiId(template)];

    expect(api.Properties.CorsConfiguration.AllowOrigins).toEqual(['https://bank.example.com', expect.objectContaining({ 'Fn::Join': expect.anything() })]);
  });
});

describe('the web app hosting in a known environment', () => {
  it('stays cdk-nag clean when account and region are known at synth (the CLI with credentials)', () => {
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    Object.assign(process.env, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-3' });
    try {
      expect(() => synth({ webApp: 'true' })).not.toThrow();
    } finally {
      for (const [key, value] of [['CDK_DEFAULT_ACCOUNT', saved.account], ['CDK_DEFAULT_REGION', saved.region]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('the web app hosting with your own issuer', () => {
  it('discovers the issuer, uses the audience as client id, and allows only its origin besides the API', () => {
    const { template, dir } = synth({ webApp: true, jwtIssuer: 'https://login.example.com/realms/bank', jwtAudience: 'guidance-web' });
    const config = JSON.parse(deployedFile(dir, template, 'config.json'));
    const csp = JSON.stringify(only(template, 'AWS::CloudFront::ResponseHeadersPolicy').Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy);

    expect(config.signIn).toEqual({ kind: 'oidc', authority: 'https://login.example.com/realms/bank', clientId: 'guidance-web', scope: 'openid email' });
    expect(csp).toContain('https://login.example.com;');
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
  });
});
