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
  // It requires the handlers inside its tests: Stryker would then credit module-level code (the
  // signature scheme, the hex check) to those two tests alone and run only them against its mutants.
  testPathIgnorePatterns: [...(full.testPathIgnorePatterns ?? []), '/test/unit/handler-init\\.test\\.ts$'],
};

export default config;
