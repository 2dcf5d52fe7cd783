import { ConfigError, integer, list, optional, readBridgeMaxRps, readMaxAgeSeconds, readUserLimits } from '../shared/config';
import type { UserLimits } from '../shared/domain/user-limits';
import { passwordTtlBounds } from '../shared/domain/password-ttl';

const LAPTOP_TTL = passwordTtlBounds('laptop');
import { DEFAULT_BRIDGE_SESSION_HOSTS } from '../shared/adapters/bridge-session-answer';
import { parseCorsOrigins } from '../shared/http/cors';

type Env = Record<string, string | undefined>;

/** The laptop stack's settings (docs/contract.md, "Local stack"); a bad value stops the start with its name. */
export interface LocalConfig {
  readonly port: number;
  readonly webhookSecrets: readonly string[];
  readonly bridgeApiUrl: string | undefined;
  readonly bridgeSessionsPath: string | undefined;
  /** Hosts (https) a session link may point to when BRIDGE_API_URL is set; the simulator's own origin is always allowed. */
  readonly bridgeSessionHosts: readonly string[];
  readonly bridgeClientId: string;
  readonly bridgeClientSecret: string;
  readonly jwtSecret: string;
  readonly adminToken: string;
  readonly passwordTtlSeconds: number;
  readonly webhookMaxAgeSeconds: number;
  /** Origins whose pages may call the reveal routes (`CORS_ALLOWED_ORIGINS`); empty: no CORS. */
  readonly corsAllowedOrigins: readonly string[];
  /** `USER_SESSIONS_PER_HOUR`, `USER_REQUESTS_PER_MINUTE`: the deployed defaults unless set. */
  readonly userLimits: UserLimits;
  /** BRIDGE_MAX_RPS: the simulator's rate limit and the handlers' pacing; undefined = neither. */
  readonly bridgeMaxRps: number | undefined;
}

export function readLocalConfig(env: Env = process.env): LocalConfig {
  const secrets = list(env, 'BRIDGE_WEBHOOK_SECRETS');
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    webhookSecrets: secrets.length > 0 ? secrets : ['local-webhook-secret'],
    bridgeApiUrl: env.BRIDGE_API_URL?.trim() || undefined,
    bridgeSessionsPath: env.BRIDGE_GUIDANCE_SESSIONS_PATH?.trim() || undefined,
    bridgeSessionHosts: list(env, 'BRIDGE_SESSION_HOSTS').length > 0 ? list(env, 'BRIDGE_SESSION_HOSTS') : DEFAULT_BRIDGE_SESSION_HOSTS,
    bridgeClientId: optional(env, 'BRIDGE_CLIENT_ID', 'local-client-id'),
    bridgeClientSecret: optional(env, 'BRIDGE_CLIENT_SECRET', 'local-client-secret'),
    jwtSecret: optional(env, 'LOCAL_JWT_SECRET', 'local-jwt-secret'),
    adminToken: optional(env, 'LOCAL_ADMIN_TOKEN', 'local-admin-token'),
    passwordTtlSeconds: integer(env, 'PASSWORD_TTL_SECONDS', LAPTOP_TTL.defaultSeconds, LAPTOP_TTL.minSeconds, LAPTOP_TTL.maxSeconds),
    webhookMaxAgeSeconds: readMaxAgeSeconds(env),
    // A laptop's web app usually runs on a dev server: http://localhost:<port> is accepted here.
    corsAllowedOrigins: parseCorsOrigins(env.CORS_ALLOWED_ORIGINS, 'allow-loopback', (message) => new ConfigError(`Environment variable CORS_ALLOWED_ORIGINS: ${message}`)),
    userLimits: readUserLimits(env),
    bridgeMaxRps: readBridgeMaxRps(env),
  };
}

/** The contract's two demo users, known to the simulator and registered at start. */
export const DEMO_USERS = [
  { bridgeUserUuid: 'ecc4eaee-0554-4b4f-8937-3c5b816617f6', appUserId: 'demo-user', countryCode: 'FR', company: '529196313' },
  { bridgeUserUuid: '9a06895a-7a97-48fd-92d5-eaebf4fdf2b1', appUserId: 'demo-user-2', countryCode: 'FR', company: '529196313' },
] as const;
