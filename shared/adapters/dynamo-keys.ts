/**
 * Single-table design. Access patterns and their keys:
 * - profile of a Bridge user ............ pk USER#<bridgeUuid>  sk PROFILE
 * - guidance of an app user and company .. pk APP#<appUserId>   sk GUIDANCE#<siren>
 * - stored session (encrypted password) .. pk APP#<appUserId>   sk SESSION#<siren>   (ttl)
 * - everything of an app user ............ Query pk APP#<appUserId>
 * - fleet-wide Bridge request lines ...... pk PACE#<line>       sk LINE (see bridge-pacing.ts)
 */
export const keys = {
  profile: (bridgeUserUuid: string) => ({ pk: `USER#${bridgeUserUuid}`, sk: 'PROFILE' }),
  guidance: (appUserId: string, company: string) => ({ pk: `APP#${appUserId}`, sk: `GUIDANCE#${company}` }),
  session: (appUserId: string, company: string) => ({ pk: `APP#${appUserId}`, sk: `SESSION#${company}` }),
  appUserPartition: (appUserId: string) => `APP#${appUserId}`,
  requestLine: (line: string) => ({ pk: `PACE#${line}`, sk: 'LINE' }),
} as const;

export const GUIDANCE_PREFIX = 'GUIDANCE#';
export const SESSION_PREFIX = 'SESSION#';
export const TTL_ATTRIBUTE = 'ttl';
