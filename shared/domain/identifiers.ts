/** RFC 9562 UUIDs (versions 1–8) plus the nil and max UUIDs: one rule for every Bridge user id we take in. */
export const BRIDGE_USER_UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

/** French company number (SIREN). */
export const SIREN = /^\d{9}$/;

/**
 * What an `app_user_id` may be: the `sub` of the apps' JWTs as real issuers write it — `auth0|65f…`,
 * `google-oauth2|1043…`, UUIDs (Cognito, Keycloak, Azure AD object ids), Okta's `00u…`, e-mail
 * addresses, Azure AD's pairwise base64url, Apple's `001234.ab…`, even URLs. OpenID Connect bounds
 * `sub` to 255 ASCII characters; we take 1 to 255 printable ASCII characters without spaces, so
 * nothing that could break a log line, a header or a terminal gets in. Inside DynamoDB keys it is
 * escaped (shared/adapters/dynamo-keys.ts), so `#` or `%` in an id can never reach another user's keys.
 */
export const APP_USER_ID_MAX_LENGTH = 255;
export const APP_USER_ID = /^[\x21-\x7E]{1,255}$/;

export const isAppUserId = (value: string): boolean => APP_USER_ID.test(value);

/** A guidance event's or renewal's deterministic key: a SHA-256 in hex. */
export const EVENT_KEY = /^[0-9a-f]{64}$/;
