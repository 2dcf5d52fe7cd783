import { Logger } from '@aws-lambda-powertools/logger';
import { client } from './reference';

/** Reference + the Powertools logger. */
export const logger = new Logger({ serviceName: 'bench' });
export { client };
