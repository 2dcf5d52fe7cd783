import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { ContextError } from '../../infra/config';
import { INTERNAL_ROUTES, REVEAL_ROUTES, routeKeyOf } from '../../shared/http/routes';
import { defaultTemplate } from '../fixtures/default-template';

// Only the context differs between these apps: bundling is skipped; cdk-nag stays on.
function synth(context: Record<string, unknown>): Template {
  const { stack } = buildApp({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(stack);
}

// CloudFormation JSON is untyped: the tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CfnJson = any;

// The route table's reveal routes on one API; its /internal routes and Bridge's webhook on the other.
const REVEAL_ROUTE_KEYS = REVEAL_ROUTES.map(routeKeyOf).sort();
const OTHER_ROUTE_KEYS = [...INTERNAL_ROUTES.map(routeKeyOf), 'POST /webhooks/bridge'].sort();

/** Each HTTP API of the template with its CORS configuration and its route keys. */
function apis(template: Template): { cors: CfnJson; routes: string[] }[] {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as CfnJson[];
  return Object.entries(template.findResources('AWS::ApiGatewayV2::Api')).map(([id, api]: [string, CfnJson]) => ({
    cors: api.Properties.CorsConfiguration,
    routes: routes
      .filter((route) => route.Properties.ApiId.Ref === id)
      .map((route) => route.Properties.RouteKey as string)
      .sort(),
  }));
}

describe('CORS of the reveal API', () => {
  it('answers browsers from the context origins on the reveal routes only: methods, headers, exposed headers, no credentials, a max-age', () => {
    const template = synth({ corsAllowedOrigins: 'https://app.example.com,https://admin.example.com:8443' });

    const [reveal, others] = [apis(template).find((api) => api.routes.includes('GET /guidance')), apis(template).find((api) => api.routes.includes('POST /webhooks/bridge'))];
    expect(reveal?.routes).toEqual(REVEAL_ROUTE_KEYS);
    expect(reveal?.cors).toEqual({
      AllowOrigins: ['https://app.example.com', 'https://admin.example.com:8443'],
      AllowMethods: ['GET', 'POST', 'DELETE'],
      AllowHeaders: ['authorization', 'content-type'],
      ExposeHeaders: ['date', 'retry-after'],
      AllowCredentials: false,
      MaxAge: 3600,
    });
    // API Gateway's CORS is API-wide: the webhook and /internal live on an API that has none.
    expect(others?.routes).toEqual(OTHER_ROUTE_KEYS);
    expect(others?.cors).toBeUndefined();
  });

  it('configures no CORS anywhere without the context key', () => {
    const template = Template.fromJSON(defaultTemplate());

    expect(apis(template).map((api) => api.cors)).toEqual([undefined, undefined]);
    expect(apis(template).map((api) => api.routes).sort()).toEqual([OTHER_ROUTE_KEYS, REVEAL_ROUTE_KEYS].sort());
  });

  it('gives the apps the reveal API base URL as an output', () => {
    const outputs = defaultTemplate().Outputs as Record<string, CfnJson>;

    expect(outputs.RevealApiUrl).toBeDefined();
    expect(JSON.stringify(outputs.RevealApiUrl.Value)).toContain('RevealHttpApi');
  });

  it('accepts http://localhost:<port> on the dev stage only, for a developer web server', () => {
    expect(() => synth({ corsAllowedOrigins: ['http://localhost:5173'] })).not.toThrow();
    expect(() => buildApp({ context: { stage: 'prod', corsAllowedOrigins: ['http://localhost:5173'] }, nag: false })).toThrow(ContextError);
  });

  it.each([
    ['a wildcard', '*'],
    ['an http origin', 'http://app.example.com'],
    ['a path', 'https://app.example.com/app'],
    ['a trailing slash', 'https://app.example.com/'],
    ['upper case', 'https://App.example.com'],
    ['a wildcard subdomain', 'https://*.example.com'],
    ['not a list of strings', 42],
  ])('stops the synth on %s', (_case, value) => {
    expect(() => buildApp({ context: { corsAllowedOrigins: value }, nag: false })).toThrow('Invalid CDK context "corsAllowedOrigins"');
  });
});
