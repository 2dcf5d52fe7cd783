import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSource } from '../../shared/adapters/secrets-manager-source';
import { client } from './reference';

/** Reference + the webhook's secret source: the Secrets Manager client and Powertools parameters. */
export const secrets = new SecretsManagerSource(new SecretsManagerClient({ cacheMiddleware: true }), { webhookSecretId: 'guidance-relay/webhook' });
export { client };
