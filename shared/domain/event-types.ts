/** The type of Bridge's webhook event this product relays; any other type is acknowledged and ignored. */
export const GUIDANCE_EVENT_TYPE = 'guidance.health.ready';

/** The type of our own notification (SNS message and attribute) that a guidance is ready. */
export const GUIDANCE_READY_NOTIFICATION = 'guidance.ready';
