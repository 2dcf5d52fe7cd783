import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { ContextError } from '../../infra/config';

// Context-only variants: no bundling (stack.test.ts checks bundles); cdk-nag stays on.
function synth(context: Record<string, unknown>): Template {
  const { stack } = buildApp({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(stack);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CfnJson = any;

const PLATFORM_ROLE = 'arn:aws:iam::123456789012:role/platform/backend-api';
const OPS_USER = 'arn:aws:iam::123456789012:user/ops-bot';

function invokeStatements(template: Template): { policy: CfnJson; statement: CfnJson }[] {
  return [...Object.values(template.findResources('AWS::IAM::ManagedPolicy')), ...Object.values(template.findResources('AWS::IAM::Policy'))].flatMap(
    (policy: CfnJson) =>
      (policy.Properties.PolicyDocument.Statement as CfnJson[])
        .filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('execute-api:')))
        .map((statement) => ({ policy, statement })),
  );
}

/** `PUT /internal/users/{…}` → the route's logical id, for matching a policy's ARN against the API's routes. */
function routeKeys(template: Template): string[] {
  return Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route: CfnJson) => route.Properties.RouteKey as string);
}

/** The method and path an execute-api ARN (an Fn::Join) allows, e.g. `PUT /internal/users/*`. */
function methodAndPath(arn: CfnJson): string {
  const parts = arn['Fn::Join'][1] as CfnJson[];
  const tail = parts[parts.length - 1] as string; // "/*/PUT/internal/users/*"
  const [, , method, ...rest] = tail.split('/');
  return `${method} /${rest.join('/')}`;
}

describe('internalApiPrincipals', () => {
  let template: Template;
  beforeAll(() => {
    template = synth({ internalApiPrincipals: `${PLATFORM_ROLE}, ${OPS_USER}` });
  });

  it('grants execute-api:Invoke on exactly the /internal routes, to exactly the given role and user', () => {
    const grants = invokeStatements(template);

    expect(grants).toHaveLength(1);
    const [{ policy, statement }] = grants as [{ policy: CfnJson; statement: CfnJson }];
    expect(statement.Effect).toBe('Allow');
    expect(statement.Action).toBe('execute-api:Invoke');
    const allowed = [statement.Resource].flat().map(methodAndPath).sort();
    const internalRoutes = routeKeys(template).filter((key) => / \/internal\//.test(key)).map((key) => key.replace(/\{[^}]+\}/g, '*')).sort();
    expect(allowed).toEqual(internalRoutes);
    expect(allowed).toEqual(['DELETE /internal/users/*', 'PUT /internal/users/*']);
    expect(policy.Properties.Roles).toEqual(['backend-api']);
    expect(policy.Properties.Users).toEqual(['ops-bot']);
  });

  it('keeps every /internal route behind IAM auth, and outputs the routes’ ARN and the policy', () => {
    for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as CfnJson[]) {
      if (/ \/internal\//.test(route.Properties.RouteKey)) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
    }
    const outputs = template.toJSON().Outputs as Record<string, CfnJson>;
    expect(JSON.stringify(outputs.InternalApiArn.Value)).toContain('/*/*/internal/*');
    expect(outputs.InternalApiPolicyArn).toBeDefined();
  });

  it('grants nobody by default, but still outputs the API URL, the routes’ ARN and the user pool ids', () => {
    const plain = synth({});
    const outputs = plain.toJSON().Outputs as Record<string, unknown>;

    expect(invokeStatements(plain)).toEqual([]);
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'InternalApiArn', 'UserPoolId', 'UserPoolClientId', 'JwtIssuer']));
    expect(outputs).not.toHaveProperty('InternalApiPolicyArn');
  });

  it.each([
    ['an assumed-role session', 'arn:aws:sts::123456789012:assumed-role/backend/session'],
    ['an account root', 'arn:aws:iam::123456789012:root'],
    ['a bare role name', 'backend-api'],
  ])('refuses %s in one line naming the key and the form expected', (_case, arn) => {
    expect(() => synth({ internalApiPrincipals: arn })).toThrow(ContextError);
    expect(() => synth({ internalApiPrincipals: arn })).toThrow(/^Invalid CDK context "internalApiPrincipals": .*arn:aws:iam::<12-digit account>:role\/<name>[^\n]*$/);
  });
});

describe('internalApiPrincipals in a stack with a known account', () => {
  it('refuses a principal of another account, saying to list a role of this one', () => {
    expect(() => synth({ account: '111111111111', region: 'eu-west-3', internalApiPrincipals: PLATFORM_ROLE })).toThrow(
      `Invalid CDK context "internalApiPrincipals": ${PLATFORM_ROLE} is not in this stack's account 111111111111: create a role here that the other account may assume, and list that role.`,
    );
  });
});

describe('context errors from the command line', () => {
  // Its own output directory: another jest run on the machine (another checkout) may run this file too.
  let outdir: string;
  beforeAll(() => (outdir = mkdtempSync(path.join(tmpdir(), 'guidance-relay-context-test-'))));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  // What `npx cdk synth -c key=value` runs: the app, with the context in CDK_CONTEXT_JSON.
  function app(context: Record<string, unknown>) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      encoding: 'utf8',
    });
    return { status: result.status, stderr: result.stderr.trim() };
  }

  it('-c natGateways=3 ends in one line naming the key and the allowed range, no stack trace', () => {
    expect(app({ natGateways: '3' })).toEqual({
      status: 1,
      stderr:
        'Invalid CDK context "natGateways": must be an integer from 0 to 2 (one NAT gateway per Availability Zone; this stack sees 2, as does any stack deployed without an account and region), got 3.',
    });
  });

  it('a misspelt key gets "did you mean"', () => {
    expect(app({ internalApiPrincipal: PLATFORM_ROLE })).toEqual({
      status: 1,
      stderr: 'Invalid CDK context "internalApiPrincipal": is not a setting of this app. Did you mean "internalApiPrincipals"?',
    });
  });
});
