import { DEFAULT_BRIDGE_SESSION_HOSTS } from './adapters/bridge-session-answer';
import { SECRETS_EXTENSION_DEFAULT_PORT } from './adapters/secrets-extension-source';
import { DEFAULT_USER_REQUESTS_PER_MINUTE, DEFAULT_USER_SESSIONS_PER_HOUR, type UserLimits } from './domain/user-limits';
import {
  DEFAULT_BRIDGE_MAX_RPS,
  MAX_BRIDGE_MAX_RPS,
  MIN_BRIDGE_MAX_RPS,
  WEBHOOK_DEFAULT_MAX_AGE_SECONDS,
  WEBHOOK_MAX_MAX_AGE_SECONDS,
} from './domain/limits';
import { passwordTtlBounds } from './domain/password-ttl';

type Env = Record<string, string | undefined>;

/** A missing or malformed setting stops the cold start with a message naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`Environment variable ${name} is required.`);
  return value;
}

export function optional(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`Environment variable ${name} must be an integer from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

export function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

export interface WebhookConfig {
  readonly queueUrl: string;
  readonly webhookSecretId: string;
  readonly secretsExtensionPort: number;
  readonly maxAgeSeconds: number;
  /** Empty: no source-IP check. */
  readonly allowedSourceIps: readonly string[];
}

export function readWebhookConfig(env: Env = process.env): WebhookConfig {
  return {
    queueUrl: required(env, 'QUEUE_URL'),
    webhookSecretId: required(env, 'WEBHOOK_SECRET_ID'),
    secretsExtensionPort: readSecretsExtensionPort(env),
    maxAgeSeconds: readMaxAgeSeconds(env),
    allowedSourceIps: list(env, 'BRIDGE_SOURCE_IPS'),
  };
}

/** Set by the Parameters and Secrets extension's layer configuration (infra/constructs/service-function.ts). */
export function readSecretsExtensionPort(env: Env): number {
  return integer(env, 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', SECRETS_EXTENSION_DEFAULT_PORT, 1, 65_535);
}

export function readMaxAgeSeconds(env: Env): number {
  return integer(env, 'WEBHOOK_MAX_AGE_SECONDS', WEBHOOK_DEFAULT_MAX_AGE_SECONDS, 60, WEBHOOK_MAX_MAX_AGE_SECONDS);
}

export function readPasswordTtlSeconds(env: Env): number {
  const { defaultSeconds, minSeconds, maxSeconds } = passwordTtlBounds('deployed');
  return integer(env, 'PASSWORD_TTL_SECONDS', defaultSeconds, minSeconds, maxSeconds);
}

/** BRIDGE_MAX_RPS, or undefined when unset. */
export function readBridgeMaxRps(env: Env): number | undefined {
  if (!env.BRIDGE_MAX_RPS?.trim()) return undefined;
  return integer(env, 'BRIDGE_MAX_RPS', DEFAULT_BRIDGE_MAX_RPS, MIN_BRIDGE_MAX_RPS, MAX_BRIDGE_MAX_RPS);
}

export interface BridgeApiConfig {
  readonly bridgeApiUrl: string;
  readonly sessionsPath?: string;
  readonly credentialsSecretId: string;
  readonly secretsExtensionPort: number;
  /** Hosts a session `url` may point to (`BRIDGE_SESSION_HOSTS`, comma-separated); https only. */
  readonly sessionHosts: readonly string[];
  /** The fleet-wide Bridge request rate every caller keeps (BRIDGE_MAX_RPS). */
  readonly maxRequestsPerSecond: number;
}

export function readBridgeApiConfig(env: Env): BridgeApiConfig {
  const sessionsPath = env.BRIDGE_GUIDANCE_SESSIONS_PATH?.trim();
  return {
    bridgeApiUrl: required(env, 'BRIDGE_API_URL'),
    ...(sessionsPath ? { sessionsPath } : {}),
    credentialsSecretId: required(env, 'BRIDGE_CREDENTIALS_SECRET_ID'),
    secretsExtensionPort: readSecretsExtensionPort(env),
    sessionHosts: readSessionHosts(env),
    maxRequestsPerSecond: readBridgeMaxRps(env) ?? DEFAULT_BRIDGE_MAX_RPS,
  };
}

export interface WorkerConfig {
  readonly tableName: string;
  readonly sessionTableName: string;
  readonly passwordKeyArn: string;
  readonly topicArn: string;
  readonly deadLetterQueueUrl: string;
  readonly bridge: BridgeApiConfig;
  readonly passwordTtlSeconds: number;
  readonly maxReceiveCount: number;
  /** The queue's visibility timeout: a Retry-After longer than this defers the message. */
  readonly queueVisibilityTimeoutSeconds: number;
}

export function readWorkerConfig(env: Env = process.env): WorkerConfig {
  return {
    tableName: required(env, 'TABLE_NAME'),
    sessionTableName: required(env, 'SESSION_TABLE_NAME'),
    passwordKeyArn: required(env, 'PASSWORD_KEY_ARN'),
    topicArn: required(env, 'TOPIC_ARN'),
    deadLetterQueueUrl: required(env, 'DEAD_LETTER_QUEUE_URL'),
    bridge: readBridgeApiConfig(env),
    passwordTtlSeconds: readPasswordTtlSeconds(env),
    maxReceiveCount: integer(env, 'MAX_RECEIVE_COUNT', 5, 1, 1000),
    queueVisibilityTimeoutSeconds: integer(env, 'QUEUE_VISIBILITY_TIMEOUT_SECONDS', 180, 1, 43_200),
  };
}

export interface RevealConfig {
  readonly tableName: string;
  readonly sessionTableName: string;
  readonly userLimits: UserLimits;
  /** The issuer and audience the function checks bearer tokens against (as API Gateway's authorizer does). */
  readonly jwt: { readonly issuer: string; readonly audience: string };
  readonly passwordKeyArn: string;
  readonly bridge: BridgeApiConfig;
  readonly passwordTtlSeconds: number;
}

export function readRevealConfig(env: Env = process.env): RevealConfig {
  return {
    tableName: required(env, 'TABLE_NAME'),
    sessionTableName: required(env, 'SESSION_TABLE_NAME'),
    userLimits: readUserLimits(env),
    jwt: { issuer: required(env, 'JWT_ISSUER'), audience: required(env, 'JWT_AUDIENCE') },
    passwordKeyArn: required(env, 'PASSWORD_KEY_ARN'),
    bridge: readBridgeApiConfig(env),
    passwordTtlSeconds: readPasswordTtlSeconds(env),
  };
}

/** `USER_SESSIONS_PER_HOUR` and `USER_REQUESTS_PER_MINUTE` (docs/security-application.md). */
export function readUserLimits(env: Env): UserLimits {
  return {
    sessionsPerHour: integer(env, 'USER_SESSIONS_PER_HOUR', DEFAULT_USER_SESSIONS_PER_HOUR, 1, 1000),
    requestsPerMinute: integer(env, 'USER_REQUESTS_PER_MINUTE', DEFAULT_USER_REQUESTS_PER_MINUTE, 1, 10_000),
  };
}

function readSessionHosts(env: Env): readonly string[] {
  const hosts = list(env, 'BRIDGE_SESSION_HOSTS');
  for (const host of hosts) {
    if (!isBareHost(host)) throw new ConfigError(`Environment variable BRIDGE_SESSION_HOSTS: "${host}" is not a host name.`);
  }
  return hosts.length > 0 ? hosts : DEFAULT_BRIDGE_SESSION_HOSTS;
}

/** `host` or `host:port`, nothing else (no scheme, path or credentials). */
export function isBareHost(value: string): boolean {
  try {
    const url = new URL(`https://${value}`);
    return url.host === value.toLowerCase() && url.pathname === '/' && !url.username && !url.password;
  } catch {
    return false;
  }
}
