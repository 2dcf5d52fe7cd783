import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AlarmTopic } from '../../infra/constructs/alarm-topic';
import { Monitoring, type AlarmThresholds } from '../../infra/constructs/monitoring';
import { ALARM_THRESHOLDS } from '../../infra/guidance-relay-stack';
import { RelayHttpApi } from '../../infra/constructs/http-api';
import { Notifications } from '../../infra/constructs/notifications';
import { secretsExtension, ServiceFunction, type ServiceFunctionProps } from '../../infra/constructs/service-function';
import { WebhookIngress } from '../../infra/constructs/webhook-ingress';

// Each construct refuses props that would deploy something unsafe or broken. No bundling needed.
function newStack(): Stack {
  return new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'ConstructTest');
}

const logging = { logRetention: RetentionDays.ONE_DAY, logRemovalPolicy: RemovalPolicy.DESTROY };
const fnProps: ServiceFunctionProps = { name: 'internal-users', description: 'test', ...logging };

describe('ServiceFunction', () => {
  it('refuses an environment variable that looks like a secret value', () => {
    expect(() => new ServiceFunction(newStack(), 'Fn', { ...fnProps, environment: { BRIDGE_CLIENT_SECRET: 'x' } })).toThrow(
      /BRIDGE_CLIENT_SECRET looks like a secret/,
    );
  });

  it('accepts a secret id', () => {
    expect(() => new ServiceFunction(newStack(), 'Fn', { ...fnProps, environment: { WEBHOOK_SECRET_ID: 'arn' } })).not.toThrow();
  });

  it.each([
    [{ memorySize: 64 }, /memorySize/],
    [{ timeout: Duration.minutes(16) }, /timeout/],
  ])('refuses %o', (override, message) => {
    expect(() => new ServiceFunction(newStack(), 'Fn', { ...fnProps, ...override })).toThrow(message);
  });
});

describe('RelayHttpApi', () => {
  it('refuses the same route twice', () => {
    const stack = newStack();
    const api = new RelayHttpApi(stack, 'Api', logging);
    const handler = new ServiceFunction(stack, 'Fn', fnProps).function;
    const route = { method: HttpMethod.GET, path: '/x', integration: new HttpLambdaIntegration('I', handler), authorizer: new HttpNoneAuthorizer() };
    api.addRoute(route);

    expect(() => api.addRoute(route)).toThrow(/GET \/x is defined twice/);
  });

  it('refuses a throttle without a positive rate', () => {
    expect(() => new RelayHttpApi(newStack(), 'Api', { ...logging, throttle: { rateLimit: 0, burstLimit: 10 } })).toThrow(/rateLimit/);
  });
});

describe('WebhookIngress', () => {
  function ingress(overrides: { maxReceiveCount?: number; workerTimeout?: Duration }) {
    const stack = newStack();
    return new WebhookIngress(stack, 'Ingress', {
      api: new RelayHttpApi(stack, 'Api', logging),
      webhookSecret: new Secret(stack, 'Secret'),
      webhookMaxAgeSeconds: 3600,
      bridgeSourceIps: [],
      workerTimeout: Duration.seconds(30),
      maxReceiveCount: 5,
      logging,
      secretsExtension: secretsExtension(),
      ...overrides,
    });
  }

  it('refuses a maxReceiveCount SQS cannot take', () => {
    expect(() => ingress({ maxReceiveCount: 0 })).toThrow(/maxReceiveCount/);
  });

  it('refuses a worker timeout whose visibility timeout would pass 12 hours', () => {
    expect(() => ingress({ workerTimeout: Duration.hours(3) })).toThrow(/12-hour/);
  });
});

describe('Notifications', () => {
  it('refuses a plain-HTTP subscription', () => {
    const stack = newStack();

    expect(() => new Notifications(stack, 'N', { key: new Key(stack, 'K'), subscriptions: { httpsUrl: 'http://example.com' } })).toThrow(/https/);
  });
});

describe('AlarmTopic', () => {
  it('refuses an e-mail address that is not one', () => {
    const stack = newStack();

    expect(() => new AlarmTopic(stack, 'T', { key: new Key(stack, 'K'), topicName: 'alarms', alarmNamePattern: 'x-*', email: 'oncall' })).toThrow(
      /"oncall" is not an e-mail address/,
    );
  });
});

describe('Monitoring', () => {
  function monitoring(thresholds: Partial<AlarmThresholds>): Monitoring {
    const stack = newStack();
    const fn = (id: string) => new ServiceFunction(stack, id, fnProps).function;
    return new Monitoring(stack, 'Monitoring', {
      thresholds: { ...ALARM_THRESHOLDS.prod, ...thresholds },
      key: new Key(stack, 'Key'),
      queue: new Queue(stack, 'Queue'),
      deadLetterQueue: new Queue(stack, 'Dlq'),
      apiStage: new RelayHttpApi(stack, 'Api', logging).stage,
      functions: { webhook: fn('Webhook'), worker: fn('Worker'), revealApi: fn('Reveal'), internalUsers: fn('Users') },
    });
  }

  it('builds one alarm per runbook entry with the prod thresholds', () => {
    expect(Object.keys(monitoring({}).alarms)).toHaveLength(10);
  });

  it.each([
    [{ queueAgeSeconds: 30 }, /queueAgeSeconds/],
    [{ queueAgeSeconds: 1_209_601 }, /queueAgeSeconds/],
    [{ webhookServerErrors: 0 }, /webhookServerErrors/],
    [{ revealServerErrors: 2.5 }, /revealServerErrors/],
    [{ bridgeMinCalls: 0 }, /bridgeMinCalls/],
    [{ bridgeFailurePercent: 0 }, /bridgeFailurePercent/],
    [{ bridgeFailurePercent: 100 }, /bridgeFailurePercent/],
  ])('refuses thresholds %o', (thresholds, message) => {
    expect(() => monitoring(thresholds)).toThrow(message);
  });
});
