/**
 * Two tables. The guidance table (point-in-time recovery on) holds what must survive a restore;
 * the session table (no backups) holds the encrypted passwords, so none outlives its 30 minutes.
 * Access patterns and their keys:
 * - profile of a Bridge user ............ guidance table  pk USER#<bridgeUuid>  sk PROFILE
 * - guidance of an app user and company .. guidance table  pk APP#<appUserId>   sk GUIDANCE#<siren>   (appUserId escaped: encodeKeyPart)
 * - fleet-wide Bridge request lines ...... guidance table  pk PACE#<line>        sk LINE (see bridge-pacing.ts)
 * - stored session (encrypted password) .. session table   pk APP#<appUserId>   sk SESSION#<siren>   (ttl)
 * - everything of an app user ............ Query pk APP#<appUserId> in both tables
 * - sessions by expiry (the sweeper) ..... session table, index `expiry`: pk expiryShard (EXPIRY#0..3), sk expiresAt
 * - per-user rate-limit window ........... guidance table  pk LIMIT#<sha256 of kind#appUserId>  sk WINDOW#<epoch s> (ttl)
 * The key prefixes are also what each function's IAM rights are limited to (dynamodb:LeadingKeys).
 */
export const keys = {
  profile: (bridgeUserUuid: string) => ({ pk: `USER#${bridgeUserUuid}`, sk: 'PROFILE' }),
  guidance: (appUserId: string, company: string) => ({ pk: appPartition(appUserId), sk: `GUIDANCE#${company}` }),
  session: (appUserId: string, company: string) => ({ pk: appPartition(appUserId), sk: `SESSION#${company}` }),
  appUserPartition: (appUserId: string) => appPartition(appUserId),
  limitWindow: (limitKey: string, windowStartSeconds: number) => ({ pk: `${LIMIT_PREFIX}${limitKey}`, sk: `WINDOW#${windowStartSeconds}` }),
  requestLine: (line: string) => ({ pk: `${PACE_PREFIX}${line}`, sk: 'LINE' }),
} as const;

/**
 * An app user id as it appears inside a key: every character outside `[A-Za-z0-9_.@:+-]` becomes
 * `%XX` (so `#`, the key separator, and `%`, the escape itself). One-to-one, so no id can produce
 * another id's key or a key with an extra `#` section; ids made only of those characters (the only
 * ones accepted before) keep the key they always had.
 */
export function encodeKeyPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_.@:+-]/g, (char) => {
    const code = char.charCodeAt(0);
    if (code > 0x7e) throw new RangeError('A key part must be ASCII.');
    return `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
  });
}

const appPartition = (appUserId: string) => `APP#${encodeKeyPart(appUserId)}`;

export const GUIDANCE_PREFIX = 'GUIDANCE#';
export const SESSION_PREFIX = 'SESSION#';
export const TTL_ATTRIBUTE = 'ttl';

/** Partition-key prefixes, as the IAM conditions name them (infra/constructs/table-access.ts). */
export const PROFILE_PREFIX = 'USER#';
export const APP_PREFIX = 'APP#';
/** Fleet-wide Bridge request lines (the pacing tickets of the worker and the reveal API). */
export const PACE_PREFIX = 'PACE#';
/** Per-user rate-limit windows (the reveal API's counters). */
export const LIMIT_PREFIX = 'LIMIT#';

/** The sparse index of session expiries: only session items carry its keys; it projects no secret. */
export const EXPIRY_INDEX = 'expiry';
export const EXPIRY_SHARD_ATTRIBUTE = 'expiryShard';
export const EXPIRY_SORT_ATTRIBUTE = 'expiresAt';
export const EXPIRY_SHARD_PREFIX = 'EXPIRY#';
/** What the index projects besides the keys: nothing secret (no ciphertext, no URL). */
export const EXPIRY_INDEX_ATTRIBUTES = ['appUserId', 'company', 'createdAt'] as const;
/**
 * Sessions are spread over this many index partitions, so one busy minute of writes never lands on
 * one partition; the sweeper queries each (4 small queries a minute).
 */
export const EXPIRY_SHARDS = 4;

/** The shard of a session: a stable hash of its table key, so a rewrite lands on the same shard. */
export function expiryShardOf(pk: string, sk: string): string {
  let hash = 0;
  for (const char of `${pk}|${sk}`) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${EXPIRY_SHARD_PREFIX}${hash % EXPIRY_SHARDS}`;
}

export const expiryShards = (): string[] => Array.from({ length: EXPIRY_SHARDS }, (_, shard) => `${EXPIRY_SHARD_PREFIX}${shard}`);
