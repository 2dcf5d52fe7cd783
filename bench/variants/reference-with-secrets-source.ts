import { SecretsExtensionSource } from '../../shared/adapters/secrets-extension-source';
import { client } from './reference';

/** Reference + the webhook's secret source: node:http to the Parameters and Secrets extension, no SDK client. */
export const secrets = new SecretsExtensionSource({ webhookSecretId: 'guidance-relay/webhook' });
export { client };
