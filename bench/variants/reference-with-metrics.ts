import { Metrics } from '@aws-lambda-powertools/metrics';
import { client } from './reference';

/** Reference + Powertools metrics. */
export const metrics = new Metrics({ namespace: 'GuidanceRelay', serviceName: 'bench' });
export { client };
