import { closestKey, editDistance } from '../../infra/closest-key';
import { assertKnownContextKeys, CONTEXT_KEYS, ContextError, readConfig } from '../../infra/config';

function errorOf(action: () => unknown): ContextError {
  try {
    action();
  } catch (error) {
    if (error instanceof ContextError) return error;
    throw error;
  }
  throw new Error('Expected a ContextError.');
}

describe('context errors an operator reads', () => {
  it.each([
    [{ natGateways: 7 }, 'natGateways', 'from 0 to 3'],
    [{ passwordTtlSeconds: 3600 }, 'passwordTtlSeconds', 'from 60 to 1800'],
    [{ workerBatchSize: 'ten' }, 'workerBatchSize', 'from 1 to 10'],
    [{ maxReceiveCount: 0 }, 'maxReceiveCount', 'from 1 to 1000'],
    [{ stage: 'staging' }, 'stage', '"dev" or "prod"'],
    [{ bridgeApiUrl: 'http://api.example.com' }, 'bridgeApiUrl', 'https://'],
    [{ bridgeSourceIps: '10.0.0.0/8' }, 'bridgeSourceIps', 'no CIDR ranges'],
    [{ webhookSecretName: 'has spaces' }, 'webhookSecretName', 'letters, digits and /_+=.@-'],
    [{ internalApiPrincipals: 'arn:aws:iam::123:role/x' }, 'internalApiPrincipals', 'arn:aws:iam::<12-digit account>:role/<name>'],
    [{ internalApiPrincipals: 42 }, 'internalApiPrincipals', 'IAM role or user ARNs'],
  ])('%j is refused in one line naming the key and what is allowed', (context, key, allowed) => {
    const error = errorOf(() => readConfig(context));

    expect(error.key).toBe(key);
    expect(error.message).toMatch(new RegExp(`^Invalid CDK context "${key}": `));
    expect(error.message).toContain(allowed);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['alarmEmial', 'alarmEmail'],
    ['natGateway', 'natGateways'],
    ['NATGATEWAYS', 'natGateways'],
    ['workerbatchsize', 'workerBatchSize'],
    ['internalApiPrincipal', 'internalApiPrincipals'],
    ['jwtIssuers', 'jwtIssuer'],
  ])('a misspelt %s gets "did you mean %s"', (typed, meant) => {
    expect(errorOf(() => assertKnownContextKeys([typed])).message).toBe(`Invalid CDK context "${typed}": is not a setting of this app. Did you mean "${meant}"?`);
  });

  it('lists the known keys when nothing is close', () => {
    const message = errorOf(() => assertKnownContextKeys(['colour'])).message;

    expect(message).toMatch(/^Invalid CDK context "colour": is not a setting of this app\. Known keys: stage, /);
    expect(message).not.toContain('\n');
  });

  it('reads internalApiPrincipals from a comma-separated string or an array, without duplicates', () => {
    const role = 'arn:aws:iam::123456789012:role/platform/backend';
    const user = 'arn:aws:iam::123456789012:user/ops-bot';

    expect(readConfig({ internalApiPrincipals: ` ${role},${user},${role} ` }).internalApiPrincipals).toEqual([role, user]);
    expect(readConfig({ internalApiPrincipals: [role] }).internalApiPrincipals).toEqual([role]);
    expect(readConfig({ internalApiPrincipals: '' })).not.toHaveProperty('internalApiPrincipals');
  });

  it('measures edit distance case-insensitively and suggests nothing far off', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('Stage', 'stage')).toBe(0);
    expect(closestKey('banana', CONTEXT_KEYS)).toBeUndefined();
  });
});
