import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ContextError, type RelayConfig, type Stage } from './config';
import { AppUserPool } from './constructs/app-user-pool';
import { EgressNetwork } from './constructs/egress-network';
import { createBridgeSecrets } from './constructs/bridge-secrets';
import { createGuidanceTable, createKeys, createSessionTable } from './constructs/data';
import { RelayHttpApi } from './constructs/http-api';
import { InternalUsers } from './constructs/internal-users';
import { InternalApiAccess } from './constructs/internal-api-access';
import { Monitoring, type AlarmThresholds } from './constructs/monitoring';
import { Notifications } from './constructs/notifications';
import { RevealApi } from './constructs/reveal-api';
import { SessionWorker } from './constructs/session-worker';
import { SessionSweeper } from './constructs/session-sweeper';
import { reservePasswordKey } from './constructs/password-key-policy';
import { reserveSessionTable } from './constructs/session-table-policy';
import { WebhookIngress } from './constructs/webhook-ingress';
import { ApiCustomDomain } from './constructs/custom-domain';
import { availabilityZoneIdsFor, readDeploymentConfig, type DeploymentConfig } from './deployment-config';
import { secretsExtension } from './constructs/service-function';
import { WebApp } from './constructs/web-app';
import { identityProviderOriginsAtSynth, webAppSignIn } from './constructs/web-app-sign-in';

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
    // Kept on delete and replacement, but removed when the create that made them rolls back: a
    // failed first deploy leaves nothing behind to block a retry or strand Elastic IPs.
    removalPolicy: kept ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    // Off by default: a table or user pool under deletion protection cannot be rolled back (context `deletionProtection`).
    deletionProtection: false,
    logRetention: kept ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_WEEK,
    logRemovalPolicy: kept ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    alarmThresholds: ALARM_THRESHOLDS[stage],
  };
}

export interface GuidanceRelayStackProps extends StackProps {
  readonly config: RelayConfig;
  /** Environment, names and addresses. @default every deployment key unset */
  readonly deployment?: DeploymentConfig;
}

/**
 * guidance-relay: Bridge webhook → queue → session worker → encrypted password → notification,
 * and the apps' reveal API. Stateful resources (keys, table, secrets) are created here, at the
 * stack's top level, so their logical ids stay stable; each concern is one construct.
 */
export class GuidanceRelayStack extends Stack {
  readonly config: RelayConfig;
  readonly api: RelayHttpApi;
  /** The apps' API, apart from `api` so that its CORS never extends to the webhook or `/internal`. */
  readonly revealHttpApi: RelayHttpApi;
  readonly ingress: WebhookIngress;
  readonly worker: SessionWorker;
  readonly revealApi: RevealApi;
  readonly internalUsers: InternalUsers;
  readonly notifications: Notifications;
  readonly userPool?: AppUserPool;
  /** Absent when `natGateways` is 0. */
  readonly network?: EgressNetwork;
  readonly monitoring: Monitoring;
  readonly deployment: DeploymentConfig;
  /** Present with context `domainName` + `certificateArn`. */
  readonly customDomain?: ApiCustomDomain;
  readonly sessionSweeper: SessionSweeper;
  /** Present with context `webApp=true`. */
  readonly webApp?: WebApp;

  constructor(scope: Construct, id: string, props: GuidanceRelayStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const deployment = props.deployment ?? readDeploymentConfig(() => undefined);
    this.deployment = deployment;
    const policy = { ...stagePolicy(config.stage), deletionProtection: deployment.deletionProtection };
    const { dataKey, passwordKey } = createKeys(this, policy);
    const logging = { logRetention: policy.logRetention, logRemovalPolicy: policy.logRemovalPolicy, logEncryptionKey: dataKey };
    const secretsExtensionLayer = secretsExtension(deployment.secretsExtensionLayerArn);
    const table = createGuidanceTable(this, dataKey, policy);
    const sessionTable = createSessionTable(this, dataKey, policy);
    const secrets = createBridgeSecrets(this, { ...config, removalPolicy: policy.removalPolicy });

    const availabilityZoneIds = availabilityZoneIdsFor({ ...deployment, region: this.region }, config.natGateways);
    const zones = availabilityZoneIds?.length ?? this.availabilityZones.length;
    if (config.natGateways > zones) {
      throw new ContextError(
        'natGateways',
        `must be an integer from 0 to ${zones} (one NAT gateway per Availability Zone; this stack sees ${zones}, as does any stack deployed without an account and region), got ${config.natGateways}.`,
      );
    }
    if (config.natGateways > 0) this.network = new EgressNetwork(this, 'EgressNetwork', { natGateways: config.natGateways, removalPolicy: policy.removalPolicy, logging, ...(availabilityZoneIds ? { availabilityZoneIds } : {}) });
    const network = this.network ? { network: this.network } : {};

    this.api = new RelayHttpApi(this, 'HttpApi', logging);
    // The web app's hosting comes first: the reveal API's CORS names its origin.
    if (config.webApp) {
      const webAppProps = { identityProviderOrigins: identityProviderOriginsAtSynth(config.jwt), removalPolicy: policy.removalPolicy, accessLogDays: config.stage === 'prod' ? 90 : 7 };
      this.webApp = new WebApp(this, 'WebApp', webAppProps);
    }
    const corsAllowedOrigins = [...(config.corsAllowedOrigins ?? []), ...(this.webApp ? [this.webApp.origin] : [])];
    this.revealHttpApi = new RelayHttpApi(this, 'RevealHttpApi', {
      ...logging,
      description: 'guidance-relay: reveal API (the mobile and web apps)',
      ...(corsAllowedOrigins.length > 0 ? { corsAllowedOrigins } : {}),
    });
    this.notifications = new Notifications(this, 'Notifications', { key: dataKey, subscriptions: config.notifications });
    this.ingress = new WebhookIngress(this, 'WebhookIngress', {
      secretsExtension: secretsExtensionLayer,
      api: this.api,
      webhookSecret: secrets.webhookSecret,
      webhookMaxAgeSeconds: config.webhookMaxAgeSeconds,
      bridgeSourceIps: config.bridgeSourceIps,
      workerTimeout: Duration.seconds(config.workerTimeoutSeconds),
      maxReceiveCount: config.maxReceiveCount,
      logging,
    });
    this.worker = new SessionWorker(this, 'SessionWorker', {
      secretsExtension: secretsExtensionLayer,
      queue: this.ingress.queue,
      deadLetterQueue: this.ingress.deadLetterQueue,
      table,
      sessionTable,
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
      bridgeSessionHosts: config.bridgeSessionHosts,
      bridgeMaxRequestsPerSecond: config.bridgeMaxRequestsPerSecond,
    });

    let jwt = config.jwt;
    if (!jwt) {
      this.userPool = new AppUserPool(this, 'AppUserPool', {
        removalPolicy: policy.removalPolicy,
        deletionProtection: policy.deletionProtection,
        ...(deployment.userPoolSes ? { ses: deployment.userPoolSes } : {}),
      });
      jwt = this.userPool.jwt;
    }
    this.revealApi = new RevealApi(this, 'RevealApi', {
      secretsExtension: secretsExtensionLayer,
      api: this.revealHttpApi,
      jwt,
      table,
      sessionTable,
      dataKey,
      passwordKey,
      bridgeCredentialsSecret: secrets.credentialsSecret,
      bridgeApiUrl: config.bridgeApiUrl,
      passwordTtlSeconds: config.passwordTtlSeconds,
      logging,
      ...network,
      bridgeSessionHosts: config.bridgeSessionHosts,
      userLimits: config.userLimits,
      passwordRouteThrottle: config.revealRouteThrottle,
      bridgeMaxRequestsPerSecond: config.bridgeMaxRequestsPerSecond,
    });
    this.internalUsers = new InternalUsers(this, 'InternalUsers', { api: this.api, table, sessionTable, dataKey, logging });
    const internalAccess = new InternalApiAccess(this, 'InternalApiAccess', {
      api: this.api,
      routes: this.internalUsers.routes,
      principalArns: config.internalApiPrincipals ?? [],
    });
    this.sessionSweeper = new SessionSweeper(this, 'SessionSweeper', { sessionTable, dataKey, logging });
    reservePasswordKey(passwordKey, { decrypters: [this.revealApi.handler.role], encrypters: [this.worker.handler.role, this.revealApi.handler.role] });
    reserveSessionTable(
      sessionTable,
      [this.worker, this.revealApi, this.internalUsers, this.sessionSweeper].map((owner) => owner.handler.role),
      config.sessionOperatorPrincipals,
    );
    this.monitoring = new Monitoring(this, 'Monitoring', {
      thresholds: policy.alarmThresholds,
      key: dataKey,
      ...(config.alarmEmail !== undefined ? { alarmEmail: config.alarmEmail } : {}),
      queue: this.ingress.queue,
      deadLetterQueue: this.ingress.deadLetterQueue,
      apiStage: this.api.stage,
      runbookBaseUrl: deployment.runbookBaseUrl,
      notifications: { topic: this.notifications.topic, expectSubscribers: !deployment.noNotifications },
      functions: {
        webhook: this.ingress.handler.function,
        worker: this.worker.handler.function,
        revealApi: this.revealApi.handler.function,
        internalUsers: this.internalUsers.handler.function,
      },
    });

    if (deployment.customDomain) this.customDomain = new ApiCustomDomain(this, 'CustomDomain', { ...deployment.customDomain, api: this.api.api, stage: this.api.stage });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'RevealApiUrl', { value: this.revealHttpApi.stage.url, description: 'Base URL of the reveal API: give it to the apps' });
    new CfnOutput(this, 'WebhookUrl', { value: `${this.customDomain?.url ?? this.api.endpoint}/webhooks/bridge`, description: 'Give this URL to Bridge' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'SessionTableName', { value: sessionTable.tableName, description: 'Stored session passwords (no backups)' });
    new CfnOutput(this, 'QueueUrl', { value: this.ingress.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.ingress.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'TopicArn', {
      value: this.notifications.topic.topicArn,
      description: deployment.noNotifications
        ? 'guidance.ready topic, deployed with notifications=none: nobody is told; apps learn of a ready guidance by calling GET /guidance'
        : 'guidance.ready topic: subscribe the service that tells users (push, e-mail, queue)',
    });
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
    new CfnOutput(this, 'InternalApiArn', {
      value: internalAccess.internalRoutesArn,
      description: 'Allow execute-api:Invoke on this ARN to call /internal/users (SigV4); context internalApiPrincipals does it for you',
    });
    if (internalAccess.policy) new CfnOutput(this, 'InternalApiPolicyArn', { value: internalAccess.policy.managedPolicyArn });
    if (this.userPool) {
      new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.userPool.client.userPoolClientId });
    }

    if (this.webApp) {
      const signIn = webAppSignIn(this.userPool, jwt, config.stage);
      this.webApp.deploy({ apiUrl: this.revealHttpApi.endpoint, signIn: signIn.config, identityProviderOrigins: signIn.origins });
      signIn.allowRedirectTo(this.webApp.url);
      new CfnOutput(this, 'WebAppUrl', { value: this.webApp.url, description: 'The reference web app (sign in, reveal, delete, rotate)' });
    }
  }
}
