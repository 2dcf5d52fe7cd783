import { integer, list, optional, readBridgeMaxRps, readMaxAgeSeconds } from '../shared/config';
import { PASSWORD_MAX_TTL_SECONDS } from '../shared/domain/limits';

type Env = Record<string, string | undefined>;

/** The laptop stack's settings (CONTRACT.md, "Local stack"); a bad value stops the start with its name. */
export interface LocalConfig {
  readonly port: number;
  readonly webhookSecrets: readonly string[];
  readonly bridgeApiUrl: string | undefined;
  readonly bridgeSessionsPath: string | undefined;
  readonly bridgeClientId: string;
  readonly bridgeClientSecret: string;
  readonly jwtSecret: string;
  readonly adminToken: string;
  readonly passwordTtlSeconds: number;
  readonly webhookMaxAgeSeconds: number;
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
    bridgeClientId: optional(env, 'BRIDGE_CLIENT_ID', 'local-client-id'),
    bridgeClientSecret: optional(env, 'BRIDGE_CLIENT_SECRET', 'local-client-secret'),
    jwtSecret: optional(env, 'LOCAL_JWT_SECRET', 'local-jwt-secret'),
    adminToken: optional(env, 'LOCAL_ADMIN_TOKEN', 'local-admin-token'),
    passwordTtlSeconds: integer(env, 'PASSWORD_TTL_SECONDS', PASSWORD_MAX_TTL_SECONDS, 1, PASSWORD_MAX_TTL_SECONDS),
    webhookMaxAgeSeconds: readMaxAgeSeconds(env),
    bridgeMaxRps: readBridgeMaxRps(env),
  };
}

/** The contract's two demo users, known to the simulator and registered at start. */
export const DEMO_USERS = [
  { bridgeUserUuid: 'ecc4eaee-0554-4b4f-8937-3c5b816617f6', appUserId: 'demo-user', countryCode: 'FR', company: '529196313' },
  { bridgeUserUuid: '9a06895a-7a97-48fd-92d5-eaebf4fdf2b1', appUserId: 'demo-user-2', countryCode: 'FR', company: '529196313' },
] as const;
