import { Aws, type Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_BRIDGE_MAX_RPS } from '../../shared/domain/limits';
import { grantSecretValue } from './bridge-secrets';
import { grantPasswordKey } from './data';
import type { FunctionNetwork } from './egress-network';
import { ServiceFunction, type LogSettings } from './service-function';
import { ERASE_ITEMS, grantItems, grantTableKey, ITEM_PREFIXES, READ_ITEMS, WRITE_ITEMS } from './table-access';
import { VISIBILITY_TIMEOUT_FACTOR } from './webhook-ingress';
import type { ParamsAndSecretsLayerVersion } from 'aws-cdk-lib/aws-lambda';

export interface SessionWorkerProps {
  /** Through which the function reads its secrets (service-function.ts `secretsExtension`). */
  readonly secretsExtension: ParamsAndSecretsLayerVersion;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly table: Table;
  /** Stored sessions (encrypted passwords), without backups. */
  readonly sessionTable: Table;
  readonly dataKey: IKey;
  readonly passwordKey: IKey;
  readonly topic: ITopic;
  readonly bridgeCredentialsSecret: ISecret;
  readonly bridgeApiUrl: string;
  readonly passwordTtlSeconds: number;
  readonly maxReceiveCount: number;
  readonly timeout: Duration;
  /** 1 to 10 messages per invocation. */
  readonly batchSize: number;
  /** 2 to 1000 concurrent invocations: the ceiling on our call rate to Bridge. */
  readonly maxConcurrency: number;
  readonly logging: LogSettings;
  /** Private subnets with a fixed egress address, for Bridge's allow-list. @default Lambda's own network */
  readonly network?: FunctionNetwork;
  /** Hosts a Bridge session url may point to. @default the function's default (guidance.bridgeapi.io) */
  readonly bridgeSessionHosts?: readonly string[];
  /** The fleet-wide Bridge request rate. @default DEFAULT_BRIDGE_MAX_RPS */
  readonly bridgeMaxRequestsPerSecond?: number;
}

/**
 * Guidance events from the queue → a Bridge session → encrypted password in the table → one
 * notification. Partial batch failures are reported, so one bad event never redelivers its
 * neighbours. The worker can encrypt passwords but never decrypt them.
 */
export class SessionWorker extends Construct {
  readonly handler: ServiceFunction;

  constructor(scope: Construct, id: string, props: SessionWorkerProps) {
    super(scope, id);
    if (!Number.isInteger(props.batchSize) || props.batchSize < 1 || props.batchSize > 10) {
      throw new Error(`SessionWorker: batchSize must be an integer from 1 to 10, got ${props.batchSize}.`);
    }
    if (!Number.isInteger(props.maxConcurrency) || props.maxConcurrency < 2 || props.maxConcurrency > 1000) {
      throw new Error(`SessionWorker: maxConcurrency must be an integer from 2 to 1000, got ${props.maxConcurrency}.`);
    }

    this.handler = new ServiceFunction(this, 'SessionWorker', {
      name: 'session-worker',
      secretsExtension: props.secretsExtension,
      description: 'Creates Bridge guidance sessions, stores the encrypted password and notifies the app',
      timeout: props.timeout,
      environment: {
        TABLE_NAME: props.table.tableName,
        SESSION_TABLE_NAME: props.sessionTable.tableName,
        PASSWORD_KEY_ARN: props.passwordKey.keyArn,
        TOPIC_ARN: props.topic.topicArn,
        DEAD_LETTER_QUEUE_URL: props.deadLetterQueue.queueUrl,
        BRIDGE_API_URL: props.bridgeApiUrl,
        BRIDGE_CREDENTIALS_SECRET_ID: props.bridgeCredentialsSecret.secretArn,
        PASSWORD_TTL_SECONDS: String(props.passwordTtlSeconds),
        MAX_RECEIVE_COUNT: String(props.maxReceiveCount),
        QUEUE_VISIBILITY_TIMEOUT_SECONDS: String(props.timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
        ...(props.bridgeSessionHosts ? { BRIDGE_SESSION_HOSTS: props.bridgeSessionHosts.join(',') } : {}),
        BRIDGE_MAX_RPS: String(props.bridgeMaxRequestsPerSecond ?? DEFAULT_BRIDGE_MAX_RPS),
      },
      ...props.logging,
      ...(props.network ? { network: props.network } : {}),
    });
    const role = this.handler.role;

    this.handler.function.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: props.batchSize,
        maxConcurrency: props.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    // Profiles: read only. Guidance records: record, claim, list, erase. Idempotency: its own partition.
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.profiles], actions: ['dynamodb:GetItem'] });
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.appUser], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...ERASE_ITEMS] });
    // Fleet-wide Bridge pacing: read and take tickets on the shared request lines.
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.requestLines], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] });
    grantItems(role, { table: props.sessionTable, prefixes: [ITEM_PREFIXES.appUser], actions: [...READ_ITEMS, ...WRITE_ITEMS, ...ERASE_ITEMS] });
    grantTableKey(props.dataKey, role);
    grantPasswordKey(props.passwordKey, role, ['kms:Encrypt']);
    // Not grantPublish: it would add kms:GenerateDataKey* on the key without the ViaService condition.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    // The topic is encrypted with the data key: SNS uses it on the publisher's behalf.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.dataKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    // Permanent failures are dead-lettered by the worker itself, with the reason as an attribute.
    props.deadLetterQueue.grant(role, 'sqs:SendMessage');
    // An event waiting for Bridge's capacity goes back to its own queue as a delayed copy (no receive used).
    props.queue.grant(role, 'sqs:SendMessage');
    grantSecretValue(props.bridgeCredentialsSecret, role);
  }
}
