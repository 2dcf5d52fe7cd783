/** @jest-config-loader-options {"transpileOnly": true, "compilerOptions": {"moduleResolution": "node10"}} */
import { availableParallelism } from 'node:os';
import type { Config } from 'jest';

// ESM-only dependencies (middy, jose) are transformed like our own TypeScript.
const transform: Config['transform'] = {
  '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!(@middy|jose)/)'];

const project = (name: string, extra: Partial<Config> = {}): Config => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  // A mutation run's sandbox holds a copy of the tests: never collect it.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp'],
  ...extra,
});

const config: Config = {
  // One worker more than cores (jest's default, cores - 1, is one worker on the 2-core CI machine).
  // The files are independent (free ports, their own temp dirs), and many spend much of their time
  // waiting (queue visibility timeouts, Bridge hangs, a slowloris timeout, Chromium, child
  // processes): a third worker on 2 cores fills those waits. Measured with the unit, infra,
  // integration and e2e projects on an idle 2-core machine: 83 s with 2 workers, 71 s with 3.
  maxWorkers: availableParallelism() + 1,
  // Per-project testTimeout is not honoured by jest 30; this one applies to every project.
  testTimeout: 60_000,
  projects: [
    project('unit'),
    // One run-scoped directory where the infra files share the default template (fixtures/default-template.ts).
    project('infra', { testTimeout: 120_000, globalSetup: '<rootDir>/test/fixtures/infra-setup.ts', globalTeardown: '<rootDir>/test/fixtures/infra-teardown.ts' }),
    project('integration', { testTimeout: 30_000 }),
    project('e2e', { testTimeout: 60_000 }),
    // Minutes-long runs (real expiry waits, bursts): `npm run test:slow`, run by CI after `npm test`.
    project('slow', { testTimeout: 300_000 }),
  ],
};

export default config;
