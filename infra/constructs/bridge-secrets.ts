import { Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

export interface BridgeSecretsOptions {
  /** @default a name CloudFormation generates (nothing blocks re-creating the stack while a retained secret exists) */
  readonly webhookSecretName?: string;
  readonly bridgeCredentialsSecretName?: string;
  readonly removalPolicy: RemovalPolicy;
}

export interface BridgeSecrets {
  /** Webhook signing secret(s), comma-separated while Bridge rotates them. */
  readonly webhookSecret: Secret;
  /** `{"clientId","clientSecret"}` of our Bridge application. */
  readonly credentialsSecret: Secret;
}

const ROTATION_REASON =
  'Bridge issues this value in its dashboard; it cannot be rotated by a Secrets Manager rotation Lambda. It is rotated by hand (runbook in the README): both old and new values are accepted while Bridge switches.';

/**
 * The two secrets the functions read. Created in `scope` (the stack) with generated placeholder
 * values, so no secret value ever appears in the template, the environment or the code; an
 * operator puts Bridge's real values in after the first deployment.
 */
export function createBridgeSecrets(scope: Construct, options: BridgeSecretsOptions): BridgeSecrets {
  const webhookSecret = new Secret(scope, 'BridgeWebhookSecret', {
    ...(options.webhookSecretName !== undefined ? { secretName: options.webhookSecretName } : {}),
    description: "guidance-relay: Bridge webhook signing secret(s), comma-separated during a rotation",
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy: options.removalPolicy,
  });
  const credentialsSecret = new Secret(scope, 'BridgeCredentialsSecret', {
    ...(options.bridgeCredentialsSecretName !== undefined ? { secretName: options.bridgeCredentialsSecretName } : {}),
    description: 'guidance-relay: Bridge API client id and client secret (JSON)',
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ clientId: 'change-me' }),
      generateStringKey: 'clientSecret',
      excludePunctuation: true,
      passwordLength: 48,
    },
    removalPolicy: options.removalPolicy,
  });
  for (const secret of [webhookSecret, credentialsSecret]) {
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: ROTATION_REASON });
  }
  return { webhookSecret, credentialsSecret };
}

/** Only `secretsmanager:GetSecretValue` on that one secret (grantRead would add DescribeSecret). */
export function grantSecretValue(secret: ISecret, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}
