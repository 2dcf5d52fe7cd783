/**
 * Single-table design. Access patterns and their keys:
 * - profile of a Bridge user ............ pk USER#<bridgeUuid>  sk PROFILE
 * - guidance of an app user and company .. pk APP#<appUserId>   sk GUIDANCE#<siren>   (appUserId escaped: encodeKeyPart)
 * - stored session (encrypted password) .. pk APP#<appUserId>   sk SESSION#<siren>   (ttl)
 * - everything of an app user ............ Query pk APP#<appUserId>
 * - worker idempotency (Powertools) ...... pk IDEMPOTENCY#session-worker  sk <hash> (ttl)
 */
export const keys = {
  profile: (bridgeUserUuid: string) => ({ pk: `USER#${bridgeUserUuid}`, sk: 'PROFILE' }),
  guidance: (appUserId: string, company: string) => ({ pk: appPartition(appUserId), sk: `GUIDANCE#${company}` }),
  session: (appUserId: string, company: string) => ({ pk: appPartition(appUserId), sk: `SESSION#${company}` }),
  appUserPartition: (appUserId: string) => appPartition(appUserId),
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
export const IDEMPOTENCY_PARTITION = 'IDEMPOTENCY#session-worker';
