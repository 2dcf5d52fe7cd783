/**
 * Where and as what a stack is deployed: its environment, its name, its addresses, and the rules a
 * first production deploy must meet. Read from CDK context next to the settings in config.ts.
 *
 * Each key is described in the README's context table (held equal to CONTEXT_KEYS by a test).
 */
import { Token } from 'aws-cdk-lib';
import { ContextError, type ContextReader, type Stage } from './config';

export { DEPLOYMENT_CONTEXT_KEYS } from './deployment-keys';

/** Where the project lives; the default runbook links point at docs/operations.md, where every alarm has an entry. */
export const PROJECT_REPOSITORY_URL = 'https://github.com/guidance-relay/guidance-relay';
export const DEFAULT_RUNBOOK_BASE_URL = `${PROJECT_REPOSITORY_URL}/blob/main/docs/operations.md`;

/**
 * Availability Zones (by id, the same in every account) where Lambda cannot place a function's
 * network interfaces ("The provided subnets contain availability zone Lambda doesn't support").
 */
export const LAMBDA_UNSUPPORTED_AZ_IDS: Readonly<Record<string, readonly string[]>> = { 'us-east-1': ['use1-az3'] };
/** Defaults by AZ id where the first zones by name might be one of those. */
export const DEFAULT_AZ_IDS: Readonly<Record<string, readonly string[]>> = { 'us-east-1': ['use1-az1', 'use1-az2', 'use1-az4'] };

export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
  readonly hostedZoneId?: string;
}

export interface UserPoolSes {
  readonly fromEmail: string;
  readonly identityArn?: string;
}

export interface DeploymentConfig {
  readonly region?: string;
  readonly account?: string;
  readonly instanceName?: string;
  /** `true` when context says `notifications=none`. */
  readonly noNotifications: boolean;
  readonly availabilityZoneIds?: readonly string[];
  readonly customDomain?: CustomDomain;
  readonly runbookBaseUrl: string;
  readonly userPoolSes?: UserPoolSes;
  readonly deletionProtection: boolean;
  /** AWS's Parameters and Secrets extension layer for a region CDK's table lacks. @default the table's, by region */
  readonly secretsExtensionLayerArn?: string;
}


const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;
const INSTANCE_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const AZ_ID = /^[a-z]{2,6}\d-az\d{1,2}$/;
const DOMAIN_NAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SES_IDENTITY_ARN = /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/[^\s/]+$/;
const LAYER_VERSION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:layer:([A-Za-z0-9_-]+):\d+$/;

/** Reads the keys above; throws a `ContextError` naming the first bad one. */
export function readDeploymentConfig(get: ContextReader): DeploymentConfig {
  const region = match('region', get('region'), REGION, 'an AWS region such as eu-west-3');
  const customDomain = readCustomDomain(get, region);
  const sesEmail = match('userPoolSesEmail', get('userPoolSesEmail'), EMAIL, 'an e-mail address verified in SES');
  const sesIdentityArn = match('userPoolSesIdentityArn', get('userPoolSesIdentityArn'), SES_IDENTITY_ARN, 'an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<address or domain>)');
  if (sesIdentityArn !== undefined && sesEmail === undefined) throw new ContextError('userPoolSesIdentityArn', 'needs userPoolSesEmail (the From address).');
  const account = match('account', get('account'), ACCOUNT, 'a 12-digit AWS account id');
  const instanceName = match('instanceName', get('instanceName'), INSTANCE_NAME, '1 to 20 lower-case letters, digits and "-", starting with a letter');
  const availabilityZoneIds = readAzIds(get('availabilityZoneIds'));
  const secretsExtensionLayerArn = match(
    'secretsExtensionLayerArn',
    get('secretsExtensionLayerArn'),
    LAYER_VERSION_ARN,
    "a Lambda layer version ARN (AWS's AWS-Parameters-and-Secrets-Lambda-Extension-Arm64 layer of your region)",
  );
  if (secretsExtensionLayerArn !== undefined) checkSecretsExtensionLayer(secretsExtensionLayerArn, region);
  return {
    ...(region !== undefined ? { region } : {}),
    ...(account !== undefined ? { account } : {}),
    ...(instanceName !== undefined ? { instanceName } : {}),
    noNotifications: readNotificationsSwitch(get('notifications')),
    ...(availabilityZoneIds !== undefined ? { availabilityZoneIds } : {}),
    ...(customDomain !== undefined ? { customDomain } : {}),
    runbookBaseUrl: readRunbookBaseUrl(get('runbookBaseUrl')),
    ...(sesEmail !== undefined ? { userPoolSes: { fromEmail: sesEmail, ...(sesIdentityArn !== undefined ? { identityArn: sesIdentityArn } : {}) } } : {}),
    deletionProtection: readBoolean('deletionProtection', get('deletionProtection')),
    ...(secretsExtensionLayerArn !== undefined ? { secretsExtensionLayerArn } : {}),
  };
}

/** The CloudFormation stack name: `GuidanceRelay-<stage>[-<instanceName>]`. */
export function stackName(stage: Stage, instanceName?: string): string {
  return instanceName === undefined ? `GuidanceRelay-${stage}` : `GuidanceRelay-${stage}-${instanceName}`;
}

/** The AZ ids the functions' subnets use, or undefined: the region's first zones by name. */
export function availabilityZoneIdsFor(config: Pick<DeploymentConfig, 'availabilityZoneIds' | 'region'>, natGateways: number): readonly string[] | undefined {
  const wanted = Math.max(2, natGateways);
  if (config.availabilityZoneIds !== undefined) {
    if (config.availabilityZoneIds.length < wanted) {
      throw new ContextError('availabilityZoneIds', `lists ${config.availabilityZoneIds.length} zones; natGateways ${natGateways} needs at least ${wanted}.`);
    }
    const unsupported = config.availabilityZoneIds.filter((id) => Object.values(LAMBDA_UNSUPPORTED_AZ_IDS).flat().includes(id));
    if (unsupported.length > 0) throw new ContextError('availabilityZoneIds', `${unsupported.join(', ')} is a zone where Lambda cannot run functions in a VPC.`);
    return config.availabilityZoneIds.slice(0, wanted);
  }
  const region = config.region;
  if (region === undefined || Token.isUnresolved(region)) return undefined;
  return DEFAULT_AZ_IDS[region]?.slice(0, wanted);
}

function readString(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') throw new ContextError(key, `must be a string, got ${JSON.stringify(value)}.`);
  return value.trim();
}

function match(key: string, value: unknown, pattern: RegExp, what: string): string | undefined {
  const raw = readString(key, value);
  if (raw !== undefined && !pattern.test(raw)) throw new ContextError(key, `must be ${what}, got ${JSON.stringify(raw)}.`);
  return raw;
}

function readBoolean(key: string, value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ContextError(key, `must be true or false, got ${JSON.stringify(value)}.`);
}

function readNotificationsSwitch(value: unknown): boolean {
  const raw = readString('notifications', value);
  if (raw === undefined) return false;
  if (raw === 'none') return true;
  throw new ContextError('notifications', `may only be "none" (no guidance.ready subscriber: apps poll GET /guidance), got ${JSON.stringify(raw)}.`);
}

function readAzIds(value: unknown): readonly string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const entries = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (entries === undefined) throw new ContextError('availabilityZoneIds', `must be a list of AZ ids such as use1-az1,use1-az2, got ${JSON.stringify(value)}.`);
  const ids = entries.map((entry) => (typeof entry === 'string' ? entry.trim() : entry)).filter((entry) => entry !== '');
  for (const id of ids) {
    if (typeof id !== 'string' || !AZ_ID.test(id)) throw new ContextError('availabilityZoneIds', `${JSON.stringify(id)} is not an AZ id such as use1-az1.`);
  }
  const unique = [...new Set(ids as string[])];
  if (unique.length > 3) throw new ContextError('availabilityZoneIds', `lists ${unique.length} zones; at most 3.`);
  return unique;
}

function readCustomDomain(get: ContextReader, region: string | undefined): CustomDomain | undefined {
  const domainName = match('domainName', get('domainName'), DOMAIN_NAME, 'a lower-case DNS name such as api.example.com');
  const certificateArn = match('certificateArn', get('certificateArn'), ACM_ARN, 'an ACM certificate ARN');
  const hostedZoneId = match('hostedZoneId', get('hostedZoneId'), HOSTED_ZONE_ID, 'a Route 53 hosted zone id such as Z0123456789ABC');
  if (domainName === undefined && certificateArn === undefined) {
    if (hostedZoneId !== undefined) throw new ContextError('hostedZoneId', 'needs domainName and certificateArn.');
    return undefined;
  }
  if (domainName === undefined) throw new ContextError('domainName', 'is required when certificateArn is set (give both or neither).');
  if (certificateArn === undefined) throw new ContextError('certificateArn', 'is required when domainName is set (give both or neither).');
  const certificateRegion = ACM_ARN.exec(certificateArn)?.[1];
  if (region !== undefined && certificateRegion !== region) {
    throw new ContextError('certificateArn', `is in ${certificateRegion}; a regional API domain needs a certificate in the stack's region ${region}.`);
  }
  return { domainName, certificateArn, ...(hostedZoneId !== undefined ? { hostedZoneId } : {}) };
}

/** A layer of another region fails the deploy; an x86_64 layer on the arm64 functions would fail every call. */
function checkSecretsExtensionLayer(arn: string, region: string | undefined): void {
  const [, layerRegion, name] = LAYER_VERSION_ARN.exec(arn) ?? [];
  if (region !== undefined && layerRegion !== region) {
    throw new ContextError('secretsExtensionLayerArn', `is in ${layerRegion}; the functions need the layer of the stack's region ${region}.`);
  }
  if (!name?.endsWith('-Arm64')) {
    throw new ContextError('secretsExtensionLayerArn', `names the layer ${name}; the functions run on arm64 and need the -Arm64 layer (AWS-Parameters-and-Secrets-Lambda-Extension-Arm64).`);
  }
}

function readRunbookBaseUrl(value: unknown): string {
  const raw = readString('runbookBaseUrl', value);
  if (raw === undefined) return DEFAULT_RUNBOOK_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ContextError('runbookBaseUrl', `must be an absolute https:// URL, got ${JSON.stringify(raw)}.`);
  }
  if (url.protocol !== 'https:' || url.hash !== '') throw new ContextError('runbookBaseUrl', `must be an https:// URL without a #fragment, got ${JSON.stringify(raw)}.`);
  return raw;
}
