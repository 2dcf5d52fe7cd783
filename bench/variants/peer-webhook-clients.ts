import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AWS_CLIENT_CONFIG } from '../../shared/aws/client-config';

/**
 * The webhook's cold-import peer: the same two AWS clients (SQS to queue, Secrets Manager for the
 * signing secret), configured as the webhook configures them, and nothing else. What the webhook
 * imports beyond this is its own cost (middy, logger, metrics, validation, the secret source).
 */
export const sqs = new SQSClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true });
export const secrets = new SecretsManagerClient({ ...AWS_CLIENT_CONFIG, cacheMiddleware: true });
