import { assertKnownContextKeys, CONTEXT_KEYS, ContextError, DEFAULT_BRIDGE_SOURCE_IPS, readConfig } from '../../infra/config';

describe('readConfig', () => {
  it('applies the documented defaults to an empty context', () => {
    const config = readConfig({});

    expect(config).toEqual({
      stage: 'dev',
      bridgeSourceIps: DEFAULT_BRIDGE_SOURCE_IPS,
      bridgeApiUrl: 'https://api.bridgeapi.io',
      passwordTtlSeconds: 1800,
      webhookMaxAgeSeconds: 259_200,
      workerTimeoutSeconds: 30,
      workerBatchSize: 10,
      workerMaxConcurrency: 5,
      maxReceiveCount: 5,
      natGateways: 1,
      notifications: {},
      sessionOperatorPrincipals: [],
      bridgeSessionHosts: ['guidance.bridgeapi.io'],
      userLimits: { sessionsPerHour: 10, requestsPerMinute: 60 },
      revealRouteThrottle: { rateLimit: 50, burstLimit: 100 },
      bridgeMaxRequestsPerSecond: 10,
    });
    expect(DEFAULT_BRIDGE_SOURCE_IPS).toEqual(['63.32.31.5', '52.215.247.62', '34.249.92.209']);
  });

  it('reads the per-user limits, the reveal routes’ throttle and the Bridge session hosts, and refuses bad ones naming the key', () => {
    const config = readConfig({
      userSessionsPerHour: '3',
      userRequestsPerMinute: 120,
      revealRouteRateLimit: '20',
      revealRouteBurstLimit: '40',
      bridgeSessionHosts: 'guidance.bridgeapi.io, sandbox.guidance.example:8443',
    });

    expect(config.userLimits).toEqual({ sessionsPerHour: 3, requestsPerMinute: 120 });
    expect(config.revealRouteThrottle).toEqual({ rateLimit: 20, burstLimit: 40 });
    expect(config.bridgeSessionHosts).toEqual(['guidance.bridgeapi.io', 'sandbox.guidance.example:8443']);
    expect(() => readConfig({ userSessionsPerHour: 0 })).toThrow('"userSessionsPerHour"');
    expect(() => readConfig({ userRequestsPerMinute: '1.5' })).toThrow('"userRequestsPerMinute"');
    expect(() => readConfig({ revealRouteBurstLimit: -1 })).toThrow('"revealRouteBurstLimit"');
    for (const host of ['https://guidance.bridgeapi.io', 'guidance.bridgeapi.io/session', 'user@evil.example']) {
      expect(() => readConfig({ bridgeSessionHosts: [host] })).toThrow('"bridgeSessionHosts"');
    }
  });

  it('reads the session operators as IAM role or user ARNs, from a list or a comma-separated string', () => {
    const role = 'arn:aws:iam::123456789012:role/incident-response';
    const user = 'arn:aws:iam::123456789012:user/oncall';

    expect(readConfig({ sessionOperatorPrincipals: [role, user] }).sessionOperatorPrincipals).toEqual([role, user]);
    expect(readConfig({ sessionOperatorPrincipals: ` ${role} , ${user}` }).sessionOperatorPrincipals).toEqual([role, user]);
  });

  it('leaves the secret names to CloudFormation unless given (a fixed name blocks re-creating a stack that retained its secrets)', () => {
    expect(readConfig({ stage: 'prod' })).not.toHaveProperty('webhookSecretName');
    expect(readConfig({ stage: 'prod' })).not.toHaveProperty('bridgeCredentialsSecretName');
    expect(readConfig({ webhookSecretName: 'team/webhook' }).webhookSecretName).toBe('team/webhook');
  });

  it('reads numbers and lists given as strings on the command line (-c key=value)', () => {
    const config = readConfig({
      passwordTtlSeconds: '900',
      workerBatchSize: '3',
      workerMaxConcurrency: '20',
      workerTimeoutSeconds: '45',
      maxReceiveCount: '8',
      webhookMaxAgeSeconds: '3600',
      bridgeSourceIps: ' 10.0.0.1 , 192.168.1.20 ',
    });

    expect(config).toMatchObject({
      passwordTtlSeconds: 900,
      workerBatchSize: 3,
      workerMaxConcurrency: 20,
      workerTimeoutSeconds: 45,
      maxReceiveCount: 8,
      webhookMaxAgeSeconds: 3600,
      bridgeSourceIps: ['10.0.0.1', '192.168.1.20'],
    });
  });

  it('defaults to one NAT gateway in dev and two in prod, and accepts 0 (no VPC) to 3', () => {
    expect(readConfig({}).natGateways).toBe(1);
    expect(readConfig({ stage: 'prod' }).natGateways).toBe(2);
    expect(readConfig({ natGateways: '0' }).natGateways).toBe(0);
    expect(readConfig({ stage: 'prod', natGateways: 3 }).natGateways).toBe(3);
    expect(() => readConfig({ natGateways: 4 })).toThrow('Invalid CDK context "natGateways": must be an integer from 0 to 3, got 4.');
    expect(() => readConfig({ natGateways: 'two' })).toThrow(/natGateways/);
  });

  it('turns the source-IP check off with an empty list or an empty string', () => {
    expect(readConfig({ bridgeSourceIps: [] }).bridgeSourceIps).toEqual([]);
    expect(readConfig({ bridgeSourceIps: '' }).bridgeSourceIps).toEqual([]);
  });

  it('accepts a JSON array of addresses from cdk.json', () => {
    expect(readConfig({ bridgeSourceIps: ['1.2.3.4', '1.2.3.4', '5.6.7.8'] }).bridgeSourceIps).toEqual(['1.2.3.4', '5.6.7.8']);
  });

  it('reads context through a function, as the app does with tryGetContext', () => {
    const context: Record<string, unknown> = { stage: 'prod', workerBatchSize: 4 };

    expect(readConfig((key) => context[key])).toMatchObject({ stage: 'prod', workerBatchSize: 4 });
  });

  it('takes a given JWT issuer and audience instead of creating a user pool', () => {
    const config = readConfig({ jwtIssuer: 'https://login.example.com/', jwtAudience: 'guidance-app' });

    expect(config.jwt).toEqual({ issuer: 'https://login.example.com/', audience: 'guidance-app' });
  });

  it('drops a trailing slash from the Bridge API URL', () => {
    expect(readConfig({ bridgeApiUrl: 'https://sandbox.bridgeapi.io/' }).bridgeApiUrl).toBe('https://sandbox.bridgeapi.io');
  });

  it('keeps the optional notification subscriptions', () => {
    const config = readConfig({
      notificationEmail: 'ops@example.com',
      notificationHttpsUrl: 'https://hooks.example.com/guidance',
      notificationQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:guidance-ready',
    });

    expect(config.notifications).toEqual({
      email: 'ops@example.com',
      httpsUrl: 'https://hooks.example.com/guidance',
      queueArn: 'arn:aws:sqs:eu-west-1:123456789012:guidance-ready',
    });
  });

  it('keeps the e-mail address subscribed to the alarm topic', () => {
    expect(readConfig({ alarmEmail: ' oncall@example.com ' }).alarmEmail).toBe('oncall@example.com');
    expect(readConfig({ alarmEmail: '' })).not.toHaveProperty('alarmEmail');
  });

  it.each([
    ['stage', { stage: 'staging' }],
    ['workerBatchSize', { workerBatchSize: 11 }],
    ['workerBatchSize', { workerBatchSize: 0 }],
    ['workerBatchSize', { workerBatchSize: 2.5 }],
    ['passwordTtlSeconds', { passwordTtlSeconds: 3600 }],
    ['passwordTtlSeconds', { passwordTtlSeconds: 59 }],
    ['passwordTtlSeconds', { passwordTtlSeconds: 'thirty minutes' }],
    ['webhookMaxAgeSeconds', { webhookMaxAgeSeconds: 10 }],
    ['webhookMaxAgeSeconds', { webhookMaxAgeSeconds: 8 * 24 * 3600 }],
    ['workerTimeoutSeconds', { workerTimeoutSeconds: 901 }],
    ['workerTimeoutSeconds', { workerTimeoutSeconds: 20 }],
    ['workerMaxConcurrency', { workerMaxConcurrency: 1 }],
    ['workerMaxConcurrency', { workerMaxConcurrency: 1001 }],
    ['maxReceiveCount', { maxReceiveCount: 0 }],
    ['bridgeMaxRequestsPerSecond', { bridgeMaxRequestsPerSecond: 1 }],
    ['bridgeMaxRequestsPerSecond', { bridgeMaxRequestsPerSecond: 'fast' }],
    ['bridgeSourceIps', { bridgeSourceIps: '63.32.31.5,not-an-ip' }],
    ['bridgeSourceIps', { bridgeSourceIps: ['256.1.1.1'] }],
    ['bridgeSourceIps', { bridgeSourceIps: ['10.0.0.0/8'] }],
    ['bridgeSourceIps', { bridgeSourceIps: 42 }],
    ['bridgeApiUrl', { bridgeApiUrl: 'http://api.bridgeapi.io' }],
    ['bridgeApiUrl', { bridgeApiUrl: 'api.bridgeapi.io' }],
    ['jwtAudience', { jwtIssuer: 'https://login.example.com' }],
    ['jwtIssuer', { jwtAudience: 'guidance-app' }],
    ['jwtIssuer', { jwtIssuer: 'http://login.example.com', jwtAudience: 'guidance-app' }],
    ['webhookSecretName', { webhookSecretName: 'has spaces in it' }],
    ['notificationEmail', { notificationEmail: 'not-an-address' }],
    ['notificationHttpsUrl', { notificationHttpsUrl: 'http://hooks.example.com' }],
    ['notificationQueueArn', { notificationQueueArn: 'arn:aws:sns:eu-west-1:123456789012:topic' }],
    ['alarmEmail', { alarmEmail: 'oncall' }],
    ['alarmEmail', { alarmEmail: 'oncall@example' }],
    ['alarmEmail', { alarmEmail: 'a@example.com,b@example.com' }],
    ['alarmEmail', { alarmEmail: 42 }],
    ['sessionOperatorPrincipals', { sessionOperatorPrincipals: 'arn:aws:iam::123456789012:root' }],
    ['sessionOperatorPrincipals', { sessionOperatorPrincipals: ['arn:aws:iam::123456789012:role/ok', '*'] }],
  ])('refuses a bad %s with an error naming the key', (key, context) => {
    let thrown: unknown;
    try {
      readConfig(context);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ContextError);
    expect((thrown as ContextError).key).toBe(key);
    expect((thrown as Error).message).toContain(`"${key}"`);
  });
});

describe('assertKnownContextKeys', () => {
  it('accepts every documented key, CDK feature flags, namespaced keys and the CLI’s own', () => {
    expect(() =>
      assertKnownContextKeys([...CONTEXT_KEYS, '@aws-cdk/core:checkSecretUsage', 'aws:cdk:bundling-stacks', 'availability-zones:account=1:region=x', 'cli-telemetry']),
    ).not.toThrow();
  });

  it('refuses a misspelt key, naming it', () => {
    expect(() => assertKnownContextKeys(['stage', 'alarmEmial'])).toThrow(ContextError);
    expect(() => assertKnownContextKeys(['alarmEmial'])).toThrow('Invalid CDK context "alarmEmial": is not a setting of this app.');
  });
});
