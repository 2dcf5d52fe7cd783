import { SQSClient } from '@aws-sdk/client-sqs';

/** The reference bundle of the import ratios: a bare SQS client and nothing else. */
export const client = new SQSClient({});
