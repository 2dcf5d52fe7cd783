import { ConfigError, readRevealConfig, readWorkerConfig } from '../../shared/config';
import { PASSWORD_MAX_TTL_SECONDS } from '../../shared/domain/limits';

// The functions' own check of the password TTL, independent of the CDK one: an environment edited
// by hand (console, a drifted stack) must stop the cold start, not store passwords for longer.
const ENV = {
  TABLE_NAME: 'table',
  SESSION_TABLE_NAME: 'sessions',
  JWT_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool',
  JWT_AUDIENCE: 'client',
  PASSWORD_KEY_ARN: 'arn:aws:kms:eu-west-1:000000000000:key/k',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:t',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/dlq',
  BRIDGE_API_URL: 'https://api.bridgeapi.io',
  BRIDGE_CREDENTIALS_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:creds',
};
const readers = { worker: readWorkerConfig, reveal: readRevealConfig };

describe.each(Object.entries(readers))('the %s function’s password TTL', (_name, read) => {
  it('is 30 minutes when not set', () => {
    expect(read(ENV).passwordTtlSeconds).toBe(1800);
    expect(PASSWORD_MAX_TTL_SECONDS).toBe(1800);
  });

  it.each(['60', '900', '1800'])('accepts %s seconds', (ttl) => {
    expect(read({ ...ENV, PASSWORD_TTL_SECONDS: ttl }).passwordTtlSeconds).toBe(Number(ttl));
  });

  it.each(['1801', '3600', '59', '0', '-1', '900.5', 'thirty'])('stops the cold start for %s seconds, naming the variable', (ttl) => {
    expect(() => read({ ...ENV, PASSWORD_TTL_SECONDS: ttl })).toThrow(ConfigError);
    expect(() => read({ ...ENV, PASSWORD_TTL_SECONDS: ttl })).toThrow(/PASSWORD_TTL_SECONDS/);
  });
});
