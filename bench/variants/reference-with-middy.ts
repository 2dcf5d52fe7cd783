import middy from '@middy/core';
import { client } from './reference';

/** Reference + middy: what the framework of the HTTP handlers costs at import. */
export const handler = middy().handler(async () => ({ statusCode: 200, region: client.config.region }));
