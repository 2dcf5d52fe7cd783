export { createRevealClient } from './reveal-client';
export type { GuidanceItem, GuidanceList, RevealCallRecord, RevealClient, RevealClientOptions, RevealOperation, RevealResult, RevealedSession } from './reveal-client';
export { RevealApiError } from './errors';
export type { RevealErrorCode, RevealErrorSource, ServiceErrorCode } from './errors';
export { expiresInMs, ServerClock } from './server-clock';
export { retryAfterSeconds } from './retry-after';
export type { components, paths, webhooks } from './schema';
