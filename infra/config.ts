/**
 * Deployment configuration, read once from CDK context and validated before any construct is built.
 *
 * Pass keys with `npx cdk deploy -c key=value` or put them under `context` in `cdk.json`.
 * Lists may be given as a JSON array (cdk.json) or a comma-separated string (`-c`).
 *
 * | context key                   | default                                              | allowed values / meaning |
 * | ----------------------------- | ---------------------------------------------------- | ------------------------ |
 * | `stage`                       | `dev`                                                | `dev` or `prod`. prod: table, KMS keys, secrets, user pool and logs are RETAINed, table deletion protection on, logs kept 3 months. dev: everything is destroyed with the stack, logs kept 1 week |
 * | `bridgeSourceIps`             | `63.32.31.5,52.215.247.62,34.249.92.209`             | IPv4 addresses allowed to call `POST /webhooks/bridge`; an empty list turns the check off |
 * | `webhookSecretName`           | `guidance-relay/<stage>/bridge-webhook`              | name of the Secrets Manager secret the stack creates for the webhook signing secret(s), comma-separated during a rotation |
 * | `bridgeCredentialsSecretName` | `guidance-relay/<stage>/bridge-credentials`          | name of the secret the stack creates for Bridge's `{"clientId","clientSecret"}` |
 * | `bridgeApiUrl`                | `https://api.bridgeapi.io`                           | Bridge API base URL; must be `https://` |
 * | `passwordTtlSeconds`          | `1800`                                               | 60 to 1800: how long a stored session password lives |
 * | `webhookMaxAgeSeconds`        | `259200` (3 days)                                    | 60 to 604800 (7 days, well inside the 15-day deduplication memory): older signed events are answered `stale` and not queued |
 * | `workerTimeoutSeconds`        | `30`                                                 | 25 to 900: session-worker timeout (its Bridge retries take at most 21 s); the queue's visibility timeout is 6 times this |
 * | `workerBatchSize`             | `10`                                                 | 1 to 10: SQS messages per worker invocation |
 * | `workerMaxConcurrency`        | `5`                                                  | 2 to 1000: most concurrent worker invocations (protects Bridge's rate limits) |
 * | `maxReceiveCount`             | `5`                                                  | 1 to 1000: deliveries of an event before it moves to the dead-letter queue |
 * | `jwtIssuer`, `jwtAudience`    | unset: a Cognito user pool and app client are created | both or neither: the OIDC issuer URL (`https://`) and the audience (client id) the reveal API's JWT authorizer accepts |
 * | `notificationEmail`           | unset                                                | e-mail address subscribed to the `guidance.ready` topic |
 * | `notificationHttpsUrl`        | unset                                                | `https://` endpoint subscribed to the topic |
 * | `notificationQueueArn`        | unset                                                | SQS queue ARN subscribed to the topic with raw message delivery |
 * | `natGateways`                 | `1` (dev), `2` (prod)                                | 0 to 3: NAT gateways, each with a fixed Elastic IP, for the functions that call Bridge (worker, reveal API); register the `BridgeEgressIps` output at Bridge. 0: no VPC, Lambda's changing addresses, only if Bridge does not restrict your client by IP |
 * | `bridgeMaxRequestsPerSecond`  | `10`                                                 | 2 to 10000: Bridge requests per second all functions together keep (worker and reveal API, paced through the table; 5 % of it, at least 1, is kept for people waiting on a renewal or rotation; the worker leaves another 5 % as headroom) |
 * | `alarmEmail`                  | unset                                                | e-mail address subscribed to the alarm topic (every alarm's ALARM and OK notifications); confirm the subscription from the e-mail AWS sends. Subscribe a pager to the `AlarmTopicArn` output the same way |
 *
 * Any other key of your own (not a CDK feature flag `@aws-cdk/…`, nor a `prefix:key` the CLI adds) stops
 * synth: a misspelt `-c alarmEmial=…` would otherwise deploy a stack that pages nobody.
 */
import { PASSWORD_MAX_TTL_SECONDS, WEBHOOK_DEFAULT_MAX_AGE_SECONDS, WEBHOOK_MAX_MAX_AGE_SECONDS } from '../shared/domain/limits';
import { DEFAULT_BRIDGE_MAX_RPS, MAX_BRIDGE_MAX_RPS, MIN_BRIDGE_MAX_RPS } from '../shared/domain/limits';

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
  readonly webhookSecretName: string;
  readonly bridgeCredentialsSecretName: string;
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
    webhookSecretName: readSecretName('webhookSecretName', get('webhookSecretName'), `guidance-relay/${stage}/bridge-webhook`),
    bridgeCredentialsSecretName: readSecretName(
      'bridgeCredentialsSecretName',
      get('bridgeCredentialsSecretName'),
      `guidance-relay/${stage}/bridge-credentials`,
    ),
    // No trailing slash: the functions append their own paths.
    bridgeApiUrl: (readHttpsUrl('bridgeApiUrl', get('bridgeApiUrl')) ?? DEFAULT_BRIDGE_API_URL).replace(/\/+$/, ''),
    passwordTtlSeconds: readInteger('passwordTtlSeconds', get('passwordTtlSeconds'), PASSWORD_MAX_TTL_SECONDS, 60, PASSWORD_MAX_TTL_SECONDS),
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
    bridgeMaxRequestsPerSecond: readInteger('bridgeMaxRequestsPerSecond', get('bridgeMaxRequestsPerSecond'), DEFAULT_BRIDGE_MAX_RPS, MIN_BRIDGE_MAX_RPS, MAX_BRIDGE_MAX_RPS),
  };
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

function readSecretName(key: string, value: unknown, fallback: string): string {
  const name = readString(key, value) ?? fallback;
  if (!SECRET_NAME.test(name)) {
    throw new ContextError(key, `must be a Secrets Manager name (letters, digits and /_+=.@-), got ${JSON.stringify(name)}.`);
  }
  return name;
}

function readIpList(key: string, value: unknown): readonly string[] {
  if (value === undefined || value === null) return DEFAULT_BRIDGE_SOURCE_IPS;
  let entries: unknown[];
  if (Array.isArray(value)) entries = value;
  else if (typeof value === 'string') entries = value.split(',');
  else throw new ContextError(key, `must be an array or a comma-separated string of IPv4 addresses, got ${JSON.stringify(value)}.`);
  const ips = entries.map((entry) => (typeof entry === 'string' ? entry.trim() : entry)).filter((entry) => entry !== '');
  for (const ip of ips) {
    if (typeof ip !== 'string' || !IPV4.test(ip)) throw new ContextError(key, `${JSON.stringify(ip)} is not an IPv4 address.`);
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

function readNotifications(get: ContextReader): NotificationSettings {
  const email = readEmail('notificationEmail', get('notificationEmail'));
  const httpsUrl = readHttpsUrl('notificationHttpsUrl', get('notificationHttpsUrl'));
  const queueArn = readString('notificationQueueArn', get('notificationQueueArn'));
  if (queueArn !== undefined && !SQS_ARN.test(queueArn)) {
    throw new ContextError('notificationQueueArn', `${JSON.stringify(queueArn)} is not an SQS queue ARN.`);
  }
  return {
    ...(email !== undefined ? { email } : {}),
    ...(httpsUrl !== undefined ? { httpsUrl } : {}),
    ...(queueArn !== undefined ? { queueArn } : {}),
  };
}
