import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { client } from './reference';

/** Reference + a second SDK client (Secrets Manager) alone. */
export const secrets = new SecretsManagerClient({ cacheMiddleware: true });
export { client };
