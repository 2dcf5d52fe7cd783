/**
 * Each Lambda's composition root must build at cold start with the environment the stack gives it:
 * a constructor that throws there (as lib-dynamodb does for an incompatible client option) would
 * fail every invocation. No AWS call is made at init.
 */
const ENV = {
  AWS_REGION: 'eu-west-1',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/q',
  WEBHOOK_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:webhook',
  TABLE_NAME: 'table',
  SESSION_TABLE_NAME: 'sessions',
  PASSWORD_KEY_ARN: 'arn:aws:kms:eu-west-1:000000000000:key/k',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:t',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/dlq',
  BRIDGE_API_URL: 'https://api.bridgeapi.io',
  BRIDGE_CREDENTIALS_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:creds',
  JWT_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool',
  JWT_AUDIENCE: 'client',
};

describe('Lambda composition roots', () => {
  const saved = { ...process.env };
  beforeEach(() => Object.assign(process.env, ENV));
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each(['bridge-webhook', 'session-worker', 'reveal-api', 'internal-users', 'session-sweeper'])('%s initialises and exports a handler', (name) => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(`../../functions/${name}/handler`) as { handler: unknown };
      expect(typeof module.handler).toBe('function');
    });
  });

  it('stops the cold start with the name of a missing variable', () => {
    delete process.env.QUEUE_URL;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(() => require('../../functions/bridge-webhook/handler')).toThrow('Environment variable QUEUE_URL is required.');
    });
  });
});
