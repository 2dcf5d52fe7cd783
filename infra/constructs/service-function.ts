import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, ParamsAndSecretsLayerVersion, ParamsAndSecretsLogLevel, ParamsAndSecretsVersions, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { SECRETS_EXTENSION_DEFAULT_PORT, SECRETS_EXTENSION_TTL_SECONDS } from '../../shared/adapters/secrets-extension-source';
import { METRICS_NAMESPACE } from '../../shared/ports/metrics';
import { metricsNamespace } from '../metrics-namespace';
import type { FunctionNetwork } from './egress-network';

/** Repository root: entries, the lock file and the credentials shim are resolved from here, whatever the cwd. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Replaces the SDK's default credential chain in Lambda bundles (see the file for why). */
export const LAMBDA_CREDENTIALS_SHIM = path.join(PROJECT_ROOT, 'shared', 'aws', 'lambda-credentials.ts');

const CREATE_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The one set of esbuild options of every function: local esbuild (never Docker), ESM with the
 * AWS SDK bundled (smaller and faster to load than an external SDK, measured on this toolchain), a
 * `createRequire` banner for the CommonJS parts of the SDK, and source maps without sources.
 */
export const FUNCTION_BUNDLING = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  externalModules: [],
  banner: CREATE_REQUIRE_BANNER,
  esbuildArgs: { '--alias': [`@aws-sdk/credential-provider-node=${LAMBDA_CREDENTIALS_SHIM}`] },
} as const satisfies BundlingOptions;

/** The same options for esbuild's JS API (`esbuild.build({ ...FUNCTION_ESBUILD_OPTIONS, entryPoints, outfile })`), e.g. for the benchmark. */
export const FUNCTION_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: FUNCTION_BUNDLING.target,
  mainFields: [...FUNCTION_BUNDLING.mainFields],
  minify: FUNCTION_BUNDLING.minify,
  sourcemap: FUNCTION_BUNDLING.sourceMap,
  sourcesContent: FUNCTION_BUNDLING.sourcesContent,
  external: [...FUNCTION_BUNDLING.externalModules],
  banner: { js: CREATE_REQUIRE_BANNER },
  alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS_SHIM },
} as const satisfies BuildOptions;

export const FUNCTION_NAMES = ['bridge-webhook', 'session-worker', 'reveal-api', 'internal-users', 'session-sweeper'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** `functions/<name>/handler.ts`, exporting `handler`. */
export function functionEntry(name: FunctionName): string {
  return path.join(PROJECT_ROOT, 'functions', name, 'handler.ts');
}

export { METRICS_NAMESPACE };
/** Pinned, not NODEJS_LATEST: the bundle targets node22 and a runtime change must be a tested change. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

// Secret values travel through Secrets Manager ids, never through the environment.
const SECRET_LOOKING_NAME = /(SECRET|PASSWORD|TOKEN|PRIVATE_KEY|CLIENT_SECRET)$/;

export interface ServiceFunctionProps {
  /** Folder under `functions/`; also the Powertools service name. */
  readonly name: FunctionName;
  readonly description: string;
  /** Settings the handler reads at cold start (ids and numbers only). */
  readonly environment?: Record<string, string>;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  readonly logRetention: RetentionDays;
  /** What happens to the log group when the stack goes. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** Encrypts the log group (its key policy must let CloudWatch Logs use it). @default AWS-owned key */
  readonly logEncryptionKey?: IKey;
  /** Runs the function in these private subnets (for a fixed egress address). @default Lambda's own network */
  readonly network?: FunctionNetwork;
  /** The Parameters and Secrets extension, for a function that reads secrets (`secretsExtension()`). @default none */
  readonly secretsExtension?: ParamsAndSecretsLayerVersion;
}

/**
 * AWS's Parameters and Secrets Lambda extension (a layer AWS publishes per region and architecture),
 * configured so that a secret change reaches the function within SECRET_MAX_STALENESS_SECONDS:
 * the extension caches SECRETS_EXTENSION_TTL_SECONDS, the function the rest.
 */
export function secretsExtension(layerVersionArn?: string): ParamsAndSecretsLayerVersion {
  const options = {
    cacheEnabled: true,
    cacheSize: 10,
    httpPort: SECRETS_EXTENSION_DEFAULT_PORT,
    secretsManagerTtl: Duration.seconds(SECRETS_EXTENSION_TTL_SECONDS),
    logLevel: ParamsAndSecretsLogLevel.WARN,
  };
  // The context key `secretsExtensionLayerArn`: a region or partition CDK's table of AWS's layer ARNs lacks.
  return layerVersionArn
    ? ParamsAndSecretsLayerVersion.fromVersionArn(layerVersionArn, options)
    : ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, options);
}

/** The log settings every construct passes through to its functions. */
export type LogSettings = Pick<ServiceFunctionProps, 'logRetention' | 'logRemovalPolicy' | 'logEncryptionKey'>;

/**
 * A Lambda function with the house defaults: Node.js 22 on arm64, X-Ray active tracing, JSON logs in
 * its own log group with a retention, its own role that can write only to that log group (no AWS
 * managed policy), and the shared esbuild options. Other permissions are granted to `role` by the
 * construct that owns the concern.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(10);
    const memorySize = props.memorySize ?? 256;
    validate(props, timeout, memorySize);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
      ...(props.logEncryptionKey ? { encryptionKey: props.logEncryptionKey } : {}),
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function`,
      // Part of the role itself, not of its default policy: Lambda checks these permissions when the
      // function is created, and a policy attached just before can still be propagating in IAM.
      ...(props.network ? { inlinePolicies: { NetworkInterfaces: new PolicyDocument({ statements: [networkInterfaceStatement()] }) } } : {}),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: functionEntry(props.name),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize,
      timeout,
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      awsSdkConnectionReuse: false,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(),
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: FUNCTION_BUNDLING,
      ...(props.secretsExtension ? { paramsAndSecrets: props.secretsExtension } : {}),
      ...(props.network
        ? { vpc: props.network.vpc, vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS }, securityGroups: [props.network.securityGroup] }
        : {}),
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason:
          'Pinned to nodejs22.x on purpose: the bundle is built for node22 (esbuild target) and tested on it; moving to Node 24 is a deliberate, tested change rather than a side effect of a CDK upgrade (NODEJS_LATEST).',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by tracing: ACTIVE) and, for a function in the VPC, the ec2 network-interface actions Lambda needs (those of AWSLambdaVPCAccessExecutionRole) use "*": neither supports resource-level permissions for these calls. Every other action of this role is scoped to a resource ARN (asserted by the infra tests).',
      },
    );
  }
}

/** What AWSLambdaVPCAccessExecutionRole grants, without the managed policy (the role has none). */
function networkInterfaceStatement(): PolicyStatement {
  return new PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}

function validate(props: ServiceFunctionProps, timeout: Duration, memorySize: number): void {
  const entry = functionEntry(props.name);
  if (!existsSync(entry)) throw new Error(`ServiceFunction ${props.name}: entry ${entry} does not exist.`);
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
    throw new Error(`ServiceFunction ${props.name}: memorySize must be an integer from 128 to 10240 MB, got ${memorySize}.`);
  }
  const seconds = timeout.toSeconds();
  if (seconds < 1 || seconds > 900) throw new Error(`ServiceFunction ${props.name}: timeout must be 1 to 900 seconds, got ${seconds}.`);
  for (const name of Object.keys(props.environment ?? {})) {
    if (SECRET_LOOKING_NAME.test(name)) {
      throw new Error(`ServiceFunction ${props.name}: environment variable ${name} looks like a secret; pass a Secrets Manager id (…_SECRET_ID) instead.`);
    }
  }
}
