/** RFC 9562 UUIDs (versions 1–8) plus the nil and max UUIDs: one rule for every Bridge user id we take in. */
export const BRIDGE_USER_UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

/** French company number (SIREN). */
export const SIREN = /^\d{9}$/;

/** What an `app_user_id` may be: it becomes part of DynamoDB keys and KMS encryption contexts. */
export const APP_USER_ID = /^[\w.@:+-]{1,128}$/;

export const isAppUserId = (value: string): boolean => APP_USER_ID.test(value);

/** A guidance event's or renewal's deterministic key: a SHA-256 in hex. */
export const EVENT_KEY = /^[0-9a-f]{64}$/;
