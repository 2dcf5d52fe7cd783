import type { Config } from 'jest';
import full from './jest.stryker.config';

/**
 * The critical mutation run's tests: unit tests only (in-memory fakes proven equal to DynamoDB,
 * aws-sdk-client-mock). Milliseconds a test, so hundreds of mutants fit in CI's budget; the
 * dynalite integration tests run in the full run.
 */
const config: Config = {
  ...full,
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
};

export default config;
