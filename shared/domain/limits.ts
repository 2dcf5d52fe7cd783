/** Limits and windows of the product, in one place, units in the names. */
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024;
export const WEBHOOK_DEFAULT_MAX_AGE_SECONDS = 259_200; // 3 days
/** The replay window may be widened up to 7 days, still well inside the deduplication memory below. */
export const WEBHOOK_MAX_MAX_AGE_SECONDS = 7 * 24 * 3600;
export const WEBHOOK_MAX_FUTURE_SKEW_SECONDS = 300;
export const PASSWORD_MAX_TTL_SECONDS = 1800; // Bridge's rule: at most 30 minutes
/** Deployed, a password lives at least a minute: shorter would expire before a person can read it. */
export const PASSWORD_MIN_TTL_SECONDS = 60;
/** The laptop stack accepts seconds, so that expiry can be watched and tested. */
export const PASSWORD_MIN_LOCAL_TTL_SECONDS = 1;
/** Deduplication outlives the replay window and the DLQ retention (14 days), so a redrive is still a duplicate. */
export const EVENT_DEDUP_RETENTION_SECONDS = 15 * 24 * 3600;
/**
 * How long an event may keep waiting for Bridge's capacity (its 429s and our pacing) before it is
 * dead-lettered as `rate_limited_too_long`: inside the queue's 14-day retention, and a guidance a
 * day old is still worth showing.
 */
export const RATE_LIMITED_MAX_EVENT_AGE_SECONDS = 24 * 3600;
/** Bridge requests per second the whole fleet may make, unless configured (`bridgeMaxRequestsPerSecond`). */
export const DEFAULT_BRIDGE_MAX_RPS = 10;
export const MIN_BRIDGE_MAX_RPS = 2;
export const MAX_BRIDGE_MAX_RPS = 10_000;
