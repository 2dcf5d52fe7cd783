import type { SQSRecord } from 'aws-lambda';

/** Makes a received message invisible for a while, so its next delivery honours a Retry-After. */
export interface MessageDeferrer {
  defer(record: SQSRecord, delaySeconds: number): Promise<void>;
}
