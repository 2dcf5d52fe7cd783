import { client } from './reference';

/** Reference + the webhook's schemas (valibot) (shared/domain/guidance-event.ts). */
export { guidanceWebhookSchema, queuedGuidanceEventSchema } from '../../shared/domain/guidance-event';
export { client };
