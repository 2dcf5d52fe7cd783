import { Duration, Validations } from 'aws-cdk-lib';
import { HttpMethod, HttpNoneAuthorizer, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantSecretValue } from './bridge-secrets';
import type { RelayHttpApi } from './http-api';
import { ServiceFunction, type LogSettings } from './service-function';
import type { ParamsAndSecretsLayerVersion } from 'aws-cdk-lib/aws-lambda';

/** Longest SQS retention: a failing worker has two weeks before an event is lost. */
export const QUEUE_RETENTION = Duration.days(14);
/** AWS's guidance for an SQS event source: at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
export const WEBHOOK_PATH = '/webhooks/bridge';

export interface WebhookIngressProps {
  /** Through which the function reads its secrets (service-function.ts `secretsExtension`). */
  readonly secretsExtension: ParamsAndSecretsLayerVersion;
  readonly api: RelayHttpApi;
  readonly webhookSecret: ISecret;
  readonly webhookMaxAgeSeconds: number;
  /** Empty: no source-IP check. */
  readonly bridgeSourceIps: readonly string[];
  /** The queue's visibility timeout is derived from it. */
  readonly workerTimeout: Duration;
  readonly maxReceiveCount: number;
  readonly logging: LogSettings;
}

/**
 * `POST /webhooks/bridge` → bridge-webhook → `GuidanceEventsQueue` (+ `GuidanceEventsDlq`).
 * Secure defaults: both queues encrypted (SQS-managed SSE) and TLS-only, 14-day retention; the
 * function may only send to the queue and read the webhook secret. The route has no API Gateway
 * authorizer: Bridge signs the body (HMAC) and the function checks it and the source IP.
 */
export class WebhookIngress extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly handler: ServiceFunction;
  readonly route: HttpRoute;

  constructor(scope: Construct, id: string, props: WebhookIngressProps) {
    super(scope, id);
    if (!Number.isInteger(props.maxReceiveCount) || props.maxReceiveCount < 1 || props.maxReceiveCount > 1000) {
      throw new Error(`WebhookIngress: maxReceiveCount must be an integer from 1 to 1000, got ${props.maxReceiveCount}.`);
    }
    const visibilityTimeout = Duration.seconds(props.workerTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR);
    if (visibilityTimeout.toSeconds() > 43_200) {
      throw new Error(`WebhookIngress: workerTimeout × ${VISIBILITY_TIMEOUT_FACTOR} exceeds SQS's 12-hour visibility timeout.`);
    }

    this.deadLetterQueue = new Queue(this, 'GuidanceEventsDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: QUEUE_RETENTION,
    });
    this.queue = new Queue(this, 'GuidanceEventsQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: QUEUE_RETENTION,
      visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });

    this.handler = new ServiceFunction(this, 'BridgeWebhook', {
      name: 'bridge-webhook',
      secretsExtension: props.secretsExtension,
      description: 'Verifies Bridge webhook signatures and queues guidance events',
      // Normally tens of milliseconds; the margin lets the SQS client's three attempts of at most 3 s
      // (shared/aws/client-config.ts) end in a JSON 503 rather than in Lambda's timeout.
      timeout: Duration.seconds(10),
      environment: {
        QUEUE_URL: this.queue.queueUrl,
        WEBHOOK_SECRET_ID: props.webhookSecret.secretArn,
        WEBHOOK_MAX_AGE_SECONDS: String(props.webhookMaxAgeSeconds),
        BRIDGE_SOURCE_IPS: props.bridgeSourceIps.join(','),
      },
      ...props.logging,
    });
    // grantSendMessages would add GetQueueAttributes and GetQueueUrl, which the function never calls.
    this.queue.grant(this.handler.role, 'sqs:SendMessage');
    grantSecretValue(props.webhookSecret, this.handler.role);

    this.route = props.api.addRoute({
      method: HttpMethod.POST,
      path: WEBHOOK_PATH,
      integration: new HttpLambdaIntegration('BridgeWebhookIntegration', this.handler.function),
      authorizer: new HttpNoneAuthorizer(),
    });
    Validations.of(this.route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Bridge cannot present AWS or JWT credentials. Every request is authenticated in the function: HMAC-SHA256 signature of the raw body with the webhook secret (constant-time compare), Bridge source-IP allow-list from requestContext, and a timestamp replay window.',
    });
  }
}
