/**
 * Deployment configuration, read once from CDK context and validated before any construct is built.
 *
 * Pass keys with `npx cdk deploy -c key=value` or put them under `context` in `cdk.json`.
 * Lists may be given as a JSON array (cdk.json) or a comma-separated string (`-c`).
 *
 * Every key, its default and its range are in the README's context table, which a test holds equal to
 * CONTEXT_KEYS below: one declaration, one description.
 *
 * Any other key of your own (not a CDK feature flag `@aws-cdk/…`, nor a `prefix:key` the CLI adds) stops
 * synth: a misspelt `-c alarmEmial=…` would otherwise deploy a stack that pages nobody.
 */
import { DEPLOYMENT_CONTEXT_KEYS } from './deployment-keys';
import { closestKey } from './closest-key';
import { WEBHOOK_DEFAULT_MAX_AGE_SECONDS, WEBHOOK_MAX_MAX_AGE_SECONDS } from '../shared/domain/limits';
import { passwordTtlBounds } from '../shared/domain/password-ttl';
import { parseCorsOrigins } from '../shared/http/cors';
import { DEFAULT_BRIDGE_SESSION_HOSTS } from '../shared/adapters/bridge-session-answer';
import { isBareHost } from '../shared/config';
import { DEFAULT_USER_REQUESTS_PER_MINUTE, DEFAULT_USER_SESSIONS_PER_HOUR, type UserLimits } from '../shared/domain/user-limits';
import { DEFAULT_BRIDGE_MAX_RPS, MAX_BRIDGE_MAX_RPS, MIN_BRIDGE_MAX_RPS } from '../shared/domain/limits';

const DEPLOYED_TTL = passwordTtlBounds('deployed');

export type Stage = 'dev' | 'prod';

/** The worker's Bridge retries (3 attempts of at most 5 s, waits of at most 3 s) must fit in its timeout. */
const WORKER_MIN_TIMEOUT_SECONDS = 25;

/** Bridge's documented webhook egress addresses. */
export const DEFAULT_BRIDGE_SOURCE_IPS: readonly string[] = ['63.32.31.5', '52.215.247.62', '34.249.92.209'];
export const DEFAULT_BRIDGE_API_URL = 'https://api.bridgeapi.io';

export interface JwtSettings {
  readonly issuer: string;
  readonly audience: string;
}

export interface NotificationSettings {
  readonly email?: string;
  readonly httpsUrl?: string;
  readonly queueArn?: string;
}

/** Everything the stack needs from context, validated and with defaults applied. */
export interface RelayConfig {
  readonly stage: Stage;
  readonly bridgeSourceIps: readonly string[];
  /** Unset: CloudFormation generates the name (nothing blocks re-creating the stack). */
  readonly webhookSecretName?: string;
  readonly bridgeCredentialsSecretName?: string;
  readonly bridgeApiUrl: string;
  readonly passwordTtlSeconds: number;
  readonly webhookMaxAgeSeconds: number;
  readonly workerTimeoutSeconds: number;
  readonly workerBatchSize: number;
  readonly workerMaxConcurrency: number;
  readonly maxReceiveCount: number;
  /** 0: the Bridge callers run outside a VPC; otherwise this many NAT gateways with fixed Elastic IPs. */
  readonly natGateways: number;
  /** Unset: the stack creates a Cognito user pool and uses it as issuer. */
  readonly jwt?: JwtSettings;
  readonly notifications: NotificationSettings;
  /** Unset: the alarm topic has no subscriber until someone subscribes to it. */
  readonly alarmEmail?: string;
  /** IAM roles and users allowed to call `/internal/*`; unset: nobody until a policy grants it. */
  readonly internalApiPrincipals?: readonly string[];
  /** Hosts the reference web app on S3 + CloudFront; absent = false. */
  readonly webApp?: boolean;
  /** Principals besides the functions that the session table's policy lets reach session items (incident response). */
  readonly sessionOperatorPrincipals: readonly string[];
  /** Origins whose pages may call the reveal API; unset: no CORS. */
  readonly corsAllowedOrigins?: readonly string[];
  readonly bridgeSessionHosts: readonly string[];
  readonly userLimits: UserLimits;
  readonly revealRouteThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** The fleet-wide Bridge request rate (BRIDGE_MAX_RPS of the worker and the reveal API). */
  readonly bridgeMaxRequestsPerSecond: number;
}

/** A context value the stack cannot be built with; the message names the key. */
export class ContextError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`Invalid CDK context "${key}": ${message}`);
    this.name = 'ContextError';
  }
}

/** Reads one context key: `app.node.tryGetContext` or a plain object in tests. */
export type ContextReader = (key: string) => unknown;

const IPV4_OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const FIFO_QUEUE_ARN = /\.fifo$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** Validates the context and applies defaults; throws a `ContextError` naming the first bad key. */
export function readConfig(context: ContextReader | Record<string, unknown>): RelayConfig {
  const get: ContextReader = typeof context === 'function' ? context : (key) => context[key];
  const stage = readStage(get('stage'));
  const jwt = readJwt(get('jwtIssuer'), get('jwtAudience'));
  const alarmEmail = readEmail('alarmEmail', get('alarmEmail'));
  return {
    stage,
    bridgeSourceIps: readIpList('bridgeSourceIps', get('bridgeSourceIps')),
    ...optionalSecretName('webhookSecretName', get('webhookSecretName')),
    ...optionalSecretName('bridgeCredentialsSecretName', get('bridgeCredentialsSecretName')),
    // No trailing slash: the functions append their own paths.
    bridgeApiUrl: (readHttpsUrl('bridgeApiUrl', get('bridgeApiUrl')) ?? DEFAULT_BRIDGE_API_URL).replace(/\/+$/, ''),
    passwordTtlSeconds: readInteger('passwordTtlSeconds', get('passwordTtlSeconds'), DEPLOYED_TTL.defaultSeconds, DEPLOYED_TTL.minSeconds, DEPLOYED_TTL.maxSeconds),
    webhookMaxAgeSeconds: readInteger('webhookMaxAgeSeconds', get('webhookMaxAgeSeconds'), WEBHOOK_DEFAULT_MAX_AGE_SECONDS, 60, WEBHOOK_MAX_MAX_AGE_SECONDS),
    workerTimeoutSeconds: readInteger('workerTimeoutSeconds', get('workerTimeoutSeconds'), 30, WORKER_MIN_TIMEOUT_SECONDS, 900),
    workerBatchSize: readInteger('workerBatchSize', get('workerBatchSize'), 10, 1, 10),
    workerMaxConcurrency: readInteger('workerMaxConcurrency', get('workerMaxConcurrency'), 5, 2, 1000),
    maxReceiveCount: readInteger('maxReceiveCount', get('maxReceiveCount'), 5, 1, 1000),
    // prod: one per AZ of two, so losing an AZ keeps a registered address working.
    natGateways: readInteger('natGateways', get('natGateways'), stage === 'prod' ? 2 : 1, 0, 3),
    ...(jwt ? { jwt } : {}),
    notifications: readNotifications(get),
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    ...readInternalApiPrincipals(get('internalApiPrincipals')),
    ...(readBoolean('webApp', get('webApp')) ? { webApp: true } : {}),
    sessionOperatorPrincipals: readPrincipalArns('sessionOperatorPrincipals', get('sessionOperatorPrincipals')),
    ...readCorsAllowedOrigins(get('corsAllowedOrigins'), stage),
    bridgeSessionHosts: readHostList('bridgeSessionHosts', get('bridgeSessionHosts')),
    userLimits: {
      sessionsPerHour: readInteger('userSessionsPerHour', get('userSessionsPerHour'), DEFAULT_USER_SESSIONS_PER_HOUR, 1, 1000),
      requestsPerMinute: readInteger('userRequestsPerMinute', get('userRequestsPerMinute'), DEFAULT_USER_REQUESTS_PER_MINUTE, 1, 10_000),
    },
    revealRouteThrottle: {
      rateLimit: readInteger('revealRouteRateLimit', get('revealRouteRateLimit'), DEFAULT_REVEAL_ROUTE_THROTTLE.rateLimit, 1, 10_000),
      burstLimit: readInteger('revealRouteBurstLimit', get('revealRouteBurstLimit'), DEFAULT_REVEAL_ROUTE_THROTTLE.burstLimit, 1, 10_000),
    },
    bridgeMaxRequestsPerSecond: readInteger('bridgeMaxRequestsPerSecond', get('bridgeMaxRequestsPerSecond'), DEFAULT_BRIDGE_MAX_RPS, MIN_BRIDGE_MAX_RPS, MAX_BRIDGE_MAX_RPS),
  };
}

/** Stage-wide, for all users together: sized for capacity; one user is held back by the per-user limits. */
export const DEFAULT_REVEAL_ROUTE_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

function readHostList(key: string, value: unknown): readonly string[] {
  if (isUnset(value)) return DEFAULT_BRIDGE_SESSION_HOSTS;
  const entries = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!entries) throw new ContextError(key, `must be an array or a comma-separated string of host names, got ${JSON.stringify(value)}.`);
  const hosts = entries.map((entry) => (typeof entry === 'string' ? entry.trim() : entry)).filter((entry) => entry !== '');
  for (const host of hosts) {
    if (typeof host !== 'string' || !isBareHost(host)) throw new ContextError(key, `${JSON.stringify(host)} is not a host name (no scheme or path).`);
  }
  if (hosts.length === 0) throw new ContextError(key, 'must name at least one host.');
  return [...new Set(hosts as string[])];
}

/** Context keys this app reads; see the table above. */
export const CONTEXT_KEYS = [
  'stage',
  'bridgeSourceIps',
  'webhookSecretName',
  'bridgeCredentialsSecretName',
  'bridgeApiUrl',
  'passwordTtlSeconds',
  'webhookMaxAgeSeconds',
  'workerTimeoutSeconds',
  'workerBatchSize',
  'workerMaxConcurrency',
  'maxReceiveCount',
  'natGateways',
  'jwtIssuer',
  'jwtAudience',
  'notificationEmail',
  'notificationHttpsUrl',
  'notificationQueueArn',
  'alarmEmail',
  ...DEPLOYMENT_CONTEXT_KEYS,
  'internalApiPrincipals',
  'webApp',
  'sessionOperatorPrincipals',
  'corsAllowedOrigins',
  'bridgeSessionHosts',
  'userSessionsPerHour',
  'userRequestsPerMinute',
  'revealRouteRateLimit',
  'revealRouteBurstLimit',
  'bridgeMaxRequestsPerSecond',
] as const;

// Plain keys the CDK CLI itself reads from cdk.json / cdk.context.json.
const CLI_CONTEXT_KEYS = new Set(['cli-telemetry', 'acknowledged-issue-numbers']);

/**
 * Refuses a context key that is none of ours, so a typo fails synth instead of silently falling back
 * to a default. Feature flags (`@aws-cdk/…`) and namespaced keys (`aws:cdk:…`, lookup caches) pass.
 */
export function assertKnownContextKeys(keys: Iterable<string>): void {
  const known = new Set<string>(CONTEXT_KEYS);
  for (const key of keys) {
    if (key.startsWith('@') || key.includes(':') || known.has(key) || CLI_CONTEXT_KEYS.has(key)) continue;
    const suggestion = closestKey(key, CONTEXT_KEYS);
    if (suggestion) throw new ContextError(key, `is not a setting of this app. Did you mean "${suggestion}"?`);
    throw new ContextError(key, `is not a setting of this app. Known keys: ${CONTEXT_KEYS.join(', ')}.`);
  }
}

function isUnset(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function readStage(value: unknown): Stage {
  if (isUnset(value)) return 'dev';
  if (value === 'dev' || value === 'prod') return value;
  throw new ContextError('stage', `must be "dev" or "prod", got ${JSON.stringify(value)}.`);
}

function readInteger(key: string, value: unknown, fallback: number, min: number, max: number): number {
  if (isUnset(value)) return fallback;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ContextError(key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  }
  return parsed;
}

function readBoolean(key: string, value: unknown): boolean {
  if (isUnset(value) || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ContextError(key, `must be true or false, got ${JSON.stringify(value)}.`);
}

function readString(key: string, value: unknown): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') throw new ContextError(key, `must be a string, got ${JSON.stringify(value)}.`);
  return value.trim();
}

function readHttpsUrl(key: string, value: unknown): string | undefined {
  const raw = readString(key, value);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ContextError(key, `must be an absolute https:// URL, got ${JSON.stringify(raw)}.`);
  }
  if (url.protocol !== 'https:') throw new ContextError(key, `must use https://, got ${JSON.stringify(raw)}.`);
  return raw;
}

function optionalSecretName(key: 'webhookSecretName' | 'bridgeCredentialsSecretName', value: unknown): Partial<Record<typeof key, string>> {
  const name = readString(key, value);
  if (name === undefined) return {};
  if (!SECRET_NAME.test(name)) {
    throw new ContextError(key, `must be a Secrets Manager name (letters, digits and /_+=.@-), got ${JSON.stringify(name)}.`);
  }
  return { [key]: name };
}

function readIpList(key: string, value: unknown): readonly string[] {
  if (value === undefined || value === null) return DEFAULT_BRIDGE_SOURCE_IPS;
  let entries: unknown[];
  if (Array.isArray(value)) entries = value;
  else if (typeof value === 'string') entries = value.split(',');
  else throw new ContextError(key, `must be an array or a comma-separated string of IPv4 addresses, got ${JSON.stringify(value)}.`);
  const ips = entries.map((entry) => (typeof entry === 'string' ? entry.trim() : entry)).filter((entry) => entry !== '');
  for (const ip of ips) {
    if (typeof ip !== 'string' || !IPV4.test(ip)) throw new ContextError(key, `${JSON.stringify(ip)} is not an IPv4 address (single addresses such as 63.32.31.5, no CIDR ranges).`);
  }
  return [...new Set(ips as string[])];
}

function readJwt(issuerValue: unknown, audienceValue: unknown): JwtSettings | undefined {
  const issuer = readHttpsUrl('jwtIssuer', issuerValue);
  const audience = readString('jwtAudience', audienceValue);
  if (issuer === undefined && audience === undefined) return undefined;
  if (issuer === undefined) throw new ContextError('jwtIssuer', 'is required when jwtAudience is set (give both or neither).');
  if (audience === undefined) throw new ContextError('jwtAudience', 'is required when jwtIssuer is set (give both or neither).');
  return { issuer, audience };
}

function readEmail(key: string, value: unknown): string | undefined {
  const email = readString(key, value);
  if (email !== undefined && !EMAIL.test(email)) throw new ContextError(key, `${JSON.stringify(email)} is not an e-mail address.`);
  return email;
}

function readCorsAllowedOrigins(value: unknown, stage: Stage): Pick<RelayConfig, 'corsAllowedOrigins'> {
  // A loopback origin lets any page on a developer's port call with a user's token: dev stacks only.
  const loopback = stage === 'dev' ? 'allow-loopback' : 'refuse-loopback';
  const origins = parseCorsOrigins(value, loopback, (message) => new ContextError('corsAllowedOrigins', message));
  return origins.length > 0 ? { corsAllowedOrigins: origins } : {};
}

function readNotifications(get: ContextReader): NotificationSettings {
  const email = readEmail('notificationEmail', get('notificationEmail'));
  const httpsUrl = readHttpsUrl('notificationHttpsUrl', get('notificationHttpsUrl'));
  const queueArn = readString('notificationQueueArn', get('notificationQueueArn'));
  if (queueArn !== undefined && !SQS_ARN.test(queueArn)) {
    throw new ContextError('notificationQueueArn', `${JSON.stringify(queueArn)} is not an SQS queue ARN.`);
  }
  if (queueArn !== undefined && FIFO_QUEUE_ARN.test(queueArn)) {
    throw new ContextError('notificationQueueArn', `${JSON.stringify(queueArn)} is a FIFO queue; SNS delivers a standard topic only to standard queues.`);
  }
  return {
    ...(email !== undefined ? { email } : {}),
    ...(httpsUrl !== undefined ? { httpsUrl } : {}),
    ...(queueArn !== undefined ? { queueArn } : {}),
  };
}

const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

/** IAM role or user ARNs; an assumed-role session or an account root is refused with the form to use instead. */
function readInternalApiPrincipals(value: unknown): { internalApiPrincipals?: readonly string[] } {
  if (isUnset(value)) return {};
  const key = 'internalApiPrincipals';
  const entries = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!entries) throw new ContextError(key, `must be a comma-separated string or an array of IAM role or user ARNs, got ${JSON.stringify(value)}.`);
  const arns = entries.map((entry) => (typeof entry === 'string' ? entry.trim() : entry)).filter((entry) => entry !== '');
  for (const arn of arns) {
    if (typeof arn === 'string' && IAM_PRINCIPAL_ARN.test(arn)) continue;
    throw new ContextError(
      key,
      `${JSON.stringify(arn)} is not an IAM role or user ARN of the form arn:aws:iam::<12-digit account>:role/<name> (or :user/<name>); ` +
        'for an assumed-role session give its role ARN, and grant a role rather than an account root.',
    );
  }
  return arns.length > 0 ? { internalApiPrincipals: [...new Set(arns as string[])] } : {};
}

/** IAM role or user ARNs (no account roots, no assumed-role sessions). */
function readPrincipalArns(key: string, value: unknown): readonly string[] {
  if (value === undefined || value === null || value === '') return [];
  const entries = Array.isArray(value) ? value : String(value).split(',');
  return entries.map((entry) => {
    const arn = String(entry).trim();
    if (!IAM_PRINCIPAL_ARN.test(arn)) throw new ContextError(key, `"${arn}" is not an IAM role or user ARN.`);
    return arn;
  });
}
