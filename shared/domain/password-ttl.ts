import { PASSWORD_MAX_TTL_SECONDS, PASSWORD_MIN_LOCAL_TTL_SECONDS, PASSWORD_MIN_TTL_SECONDS } from './limits';

export interface TtlBounds {
  readonly defaultSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

/**
 * How long a stored password may live, the one rule every reader of the setting applies (the
 * `passwordTtlSeconds` context key, the functions' and the laptop's `PASSWORD_TTL_SECONDS`): never
 * past Bridge's 30 minutes; deployed, at least a minute; on a laptop, seconds, so expiry can be watched.
 */
export function passwordTtlBounds(where: 'deployed' | 'laptop'): TtlBounds {
  return {
    defaultSeconds: PASSWORD_MAX_TTL_SECONDS,
    minSeconds: where === 'deployed' ? PASSWORD_MIN_TTL_SECONDS : PASSWORD_MIN_LOCAL_TTL_SECONDS,
    maxSeconds: PASSWORD_MAX_TTL_SECONDS,
  };
}
