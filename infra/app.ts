import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { cdkJsonFeatureFlags } from './feature-flags';
import { assertKnownContextKeys, ContextError, readConfig, type RelayConfig } from './config';
import { GuidanceRelayStack } from './guidance-relay-stack';
import { assertDeployable, stackEnvironment } from './deploy-rules';
import { readDeploymentConfig, stackName, type DeploymentConfig } from './deployment-config';
import { namespaceFor, withMetricsNamespace } from './metrics-namespace';

export interface BuiltApp {
  readonly app: App;
  readonly stack: GuidanceRelayStack;
  readonly config: RelayConfig;
  readonly deployment: DeploymentConfig;
}

export interface BuildAppOptions extends AppProps {
  /** Run cdk-nag's AWS Solutions checks on synth. @default true */
  readonly nag?: boolean;
}

/**
 * The whole CDK app: context (unknown keys refused) → validated config → `GuidanceRelay-<stage>`
 * with cdk-nag. The stack's environment and the prod rules: deploy-rules.ts. The CLI entry below and the infrastructure tests build the app through this one function.
 */
export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const { nag = true, ...appProps } = options;
  const app = new App({ ...appProps, context: { ...cdkJsonFeatureFlags(), ...appProps.context } });
  assertKnownContextKeys(Object.keys(app.node.getAllContext() as Record<string, unknown>));
  const config = readConfig((key) => app.node.tryGetContext(key));
  const deployment = readDeploymentConfig((key) => app.node.tryGetContext(key));
  assertDeployable(config, deployment);
  const stack = withMetricsNamespace(namespaceFor(deployment.instanceName), () =>
    new GuidanceRelayStack(app, stackName(config.stage, deployment.instanceName), {
      config,
      deployment,
      description: `guidance-relay (${config.stage}): Bridge guidance webhook relay and password reveal API`,
      env: stackEnvironment(deployment),
    }),
  );
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, config, deployment };
}

if (require.main === module) {
  try {
    buildApp();
  } catch (error) {
    if (!(error instanceof ContextError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
