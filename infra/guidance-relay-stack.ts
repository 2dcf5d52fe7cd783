import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { RelayConfig, Stage } from './config';
import { AppUserPool } from './constructs/app-user-pool';
import { EgressNetwork } from './constructs/egress-network';
import { createBridgeSecrets } from './constructs/bridge-secrets';
import { createGuidanceTable, createKeys } from './constructs/data';
import { RelayHttpApi } from './constructs/http-api';
import { InternalUsers } from './constructs/internal-users';
import { Monitoring, type AlarmThresholds } from './constructs/monitoring';
import { Notifications } from './constructs/notifications';
import { RevealApi } from './constructs/reveal-api';
import { SessionWorker } from './constructs/session-worker';
import { WebhookIngress } from './constructs/webhook-ingress';

/** What a stage changes: prod keeps its data and logs and pages sooner, dev cleans up after itself. */
export interface StagePolicy {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly alarmThresholds: AlarmThresholds;
}

/**
 * Alarm thresholds per stage. prod: an event older than 5 minutes, any webhook 5xx (Bridge retries,
 * but traffic is low, so an outage shows as a trickle) and 3 reveal 5xx in 5 minutes (one refused
 * renewal is one user's problem) page someone. dev: 15 minutes and 5 answers, to spare experiments.
 */
export const ALARM_THRESHOLDS: Readonly<Record<Stage, AlarmThresholds>> = {
  prod: { queueAgeSeconds: 300, webhookServerErrors: 1, revealServerErrors: 3, bridgeFailurePercent: 20, bridgeMinCalls: 10 },
  dev: { queueAgeSeconds: 900, webhookServerErrors: 5, revealServerErrors: 5, bridgeFailurePercent: 20, bridgeMinCalls: 10 },
};

export function stagePolicy(stage: Stage): StagePolicy {
  const kept = stage === 'prod';
  return {
    removalPolicy: kept ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    deletionProtection: kept,
    logRetention: kept ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_WEEK,
    logRemovalPolicy: kept ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    alarmThresholds: ALARM_THRESHOLDS[stage],
  };
}

export interface GuidanceRelayStackProps extends StackProps {
  readonly config: RelayConfig;
}

/**
 * guidance-relay: Bridge webhook → queue → session worker → encrypted password → notification,
 * and the apps' reveal API. Stateful resources (keys, table, secrets) are created here, at the
 * stack's top level, so their logical ids stay stable; each concern is one construct.
 */
export class GuidanceRelayStack extends Stack {
  readonly config: RelayConfig;
  readonly api: RelayHttpApi;
  readonly ingress: WebhookIngress;
  readonly worker: SessionWorker;
  readonly revealApi: RevealApi;
  readonly internalUsers: InternalUsers;
  readonly notifications: Notifications;
  readonly userPool?: AppUserPool;
  /** Absent when `natGateways` is 0. */
  readonly network?: EgressNetwork;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: GuidanceRelayStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const policy = stagePolicy(config.stage);
    const { dataKey, passwordKey } = createKeys(this, policy);
    const logging = { logRetention: policy.logRetention, logRemovalPolicy: policy.logRemovalPolicy, logEncryptionKey: dataKey };
    const table = createGuidanceTable(this, dataKey, policy);
    const secrets = createBridgeSecrets(this, { ...config, removalPolicy: policy.removalPolicy });

    if (config.natGateways > 0) this.network = new EgressNetwork(this, 'EgressNetwork', { natGateways: config.natGateways, removalPolicy: policy.removalPolicy, logging });
    const network = this.network ? { network: this.network } : {};

    this.api = new RelayHttpApi(this, 'HttpApi', logging);
    this.notifications = new Notifications(this, 'Notifications', { key: dataKey, subscriptions: config.notifications });
    this.ingress = new WebhookIngress(this, 'WebhookIngress', {
      api: this.api,
      webhookSecret: secrets.webhookSecret,
      webhookMaxAgeSeconds: config.webhookMaxAgeSeconds,
      bridgeSourceIps: config.bridgeSourceIps,
      workerTimeout: Duration.seconds(config.workerTimeoutSeconds),
      maxReceiveCount: config.maxReceiveCount,
      logging,
    });
    this.worker = new SessionWorker(this, 'SessionWorker', {
      queue: this.ingress.queue,
      deadLetterQueue: this.ingress.deadLetterQueue,
      table,
      dataKey,
      passwordKey,
      topic: this.notifications.topic,
      bridgeCredentialsSecret: secrets.credentialsSecret,
      bridgeApiUrl: config.bridgeApiUrl,
      passwordTtlSeconds: config.passwordTtlSeconds,
      maxReceiveCount: config.maxReceiveCount,
      timeout: Duration.seconds(config.workerTimeoutSeconds),
      batchSize: config.workerBatchSize,
      maxConcurrency: config.workerMaxConcurrency,
      logging,
      ...network,
      bridgeMaxRequestsPerSecond: config.bridgeMaxRequestsPerSecond,
    });

    let jwt = config.jwt;
    if (!jwt) {
      this.userPool = new AppUserPool(this, 'AppUserPool', {
        removalPolicy: policy.removalPolicy,
        deletionProtection: policy.deletionProtection,
      });
      jwt = this.userPool.jwt;
    }
    this.revealApi = new RevealApi(this, 'RevealApi', {
      api: this.api,
      jwt,
      table,
      dataKey,
      passwordKey,
      bridgeCredentialsSecret: secrets.credentialsSecret,
      bridgeApiUrl: config.bridgeApiUrl,
      passwordTtlSeconds: config.passwordTtlSeconds,
      logging,
      ...network,
      bridgeMaxRequestsPerSecond: config.bridgeMaxRequestsPerSecond,
    });
    this.internalUsers = new InternalUsers(this, 'InternalUsers', { api: this.api, table, dataKey, logging });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      thresholds: policy.alarmThresholds,
      key: dataKey,
      ...(config.alarmEmail !== undefined ? { alarmEmail: config.alarmEmail } : {}),
      queue: this.ingress.queue,
      deadLetterQueue: this.ingress.deadLetterQueue,
      apiStage: this.api.stage,
      functions: {
        webhook: this.ingress.handler.function,
        worker: this.worker.handler.function,
        revealApi: this.revealApi.handler.function,
        internalUsers: this.internalUsers.handler.function,
      },
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'WebhookUrl', { value: `${this.api.endpoint}/webhooks/bridge`, description: 'Give this URL to Bridge' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: this.ingress.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.ingress.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'TopicArn', { value: this.notifications.topic.topicArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'Subscribe the on-call pager or e-mail here' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.monitoring.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'WebhookSecretArn', { value: secrets.webhookSecret.secretArn, description: "Put Bridge's webhook secret here" });
    new CfnOutput(this, 'BridgeCredentialsSecretArn', { value: secrets.credentialsSecret.secretArn, description: 'Put {"clientId","clientSecret"} here' });
    new CfnOutput(this, 'JwtIssuer', { value: jwt.issuer });
    if (this.network) {
      new CfnOutput(this, 'BridgeEgressIps', {
        value: this.network.egressIps,
        description: 'Register these addresses with Bridge: the worker and the reveal API call Bridge from them',
      });
    }
    if (this.userPool) {
      new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.userPool.client.userPoolClientId });
    }
  }
}
