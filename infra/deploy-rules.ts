import type { Environment } from 'aws-cdk-lib';
import { ContextError, type RelayConfig } from './config';
import type { DeploymentConfig } from './deployment-config';

/**
 * Rules a stack must meet before it is synthesised, each failing with one line that names what to set.
 * - prod needs an explicit region: the CLI falls back to us-east-1 when none is configured, and a
 *   template frozen to the wrong region answers 500 on every route and drops every alarm.
 * - prod needs someone to tell: at least one `guidance.ready` subscriber, or `notifications=none`.
 */
export function assertDeployable(config: Pick<RelayConfig, 'stage' | 'notifications'>, deployment: Pick<DeploymentConfig, 'region' | 'noNotifications'>): void {
  if (config.stage !== 'prod') return;
  if (deployment.region === undefined) {
    throw new ContextError('region', 'prod needs an explicit region: add -c region=<aws-region> (e.g. -c region=eu-west-3) or "region" in cdk.json.');
  }
  const { email, httpsUrl, queueArn } = config.notifications;
  if (email === undefined && httpsUrl === undefined && queueArn === undefined && !deployment.noNotifications) {
    throw new ContextError(
      'notifications',
      'prod needs a guidance.ready subscriber: set notificationQueueArn, notificationHttpsUrl or notificationEmail, or -c notifications=none if your apps poll GET /guidance instead.',
    );
  }
}

/**
 * The stack's environment. The region comes only from context: without one (dev) the template is
 * region-agnostic (`AWS::Region` everywhere) and deploys wherever the CLI points. The account is the
 * context's, else the CLI's when a region is set, else left to CloudFormation (`AWS::AccountId`).
 */
export function stackEnvironment(deployment: Pick<DeploymentConfig, 'region' | 'account'>, cliEnv: NodeJS.ProcessEnv = process.env): Environment {
  const account = deployment.account ?? (deployment.region !== undefined ? cliEnv.CDK_DEFAULT_ACCOUNT : undefined);
  return {
    ...(account !== undefined ? { account } : {}),
    ...(deployment.region !== undefined ? { region: deployment.region } : {}),
  };
}
