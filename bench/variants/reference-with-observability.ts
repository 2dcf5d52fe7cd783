import { client } from './reference';

/** Reference + shared/observability.ts as it is (logger, metrics and whatever else it creates). */
export * from '../../shared/observability';
export { client };
