import type { Config } from 'jest';

/**
 * The tests a mutation run executes: the fast unit and integration tests (in-memory fakes,
 * dynalite, aws-sdk-client-mock, CDK template assertions for the grants). The property-based fuzz
 * runs and the laptop-stack end-to-end runs are left out: each would cost seconds per mutant and
 * guards nothing the faster tests do not. So are tests that measure wall-clock time.
 */
const config: Config = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: [
    '<rootDir>/test/unit/**/*.test.ts',
    '<rootDir>/test/integration/**/*.test.ts',
    '<rootDir>/test/infra/grants*.test.ts',
    '<rootDir>/test/infra/constructs.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '-fuzz\\.test\\.ts$', '/test/integration/ops-aws\\.test\\.ts$'],
  // Wall-clock measurements mean nothing under instrumentation on a shared machine.
  testNamePattern: '^(?!.*(Bridge latency is paid)).*$',
  testTimeout: 60_000,
};

export default config;
