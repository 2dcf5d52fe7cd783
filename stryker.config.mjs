// Mutation testing (StrykerJS + its jest runner): `npm run mutate` for the full set,
// `npm run mutate:critical` (stryker.critical.config.mjs) for the security-critical set CI gates on.
// What the score means and which mutants survive: docs/mutation-testing.md.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.stryker.config.ts', enableFindRelatedTests: true },
  // Only the tests that cover a mutant run against it: what keeps a run affordable.
  coverageAnalysis: 'perTest',
  // 2 cores, shared: one worker; a loaded machine gets a generous timeout before a mutant counts as "timeout".
  concurrency: 1,
  timeoutMS: 20_000,
  timeoutFactor: 2.5,
  // Module-level constants run once at import: a mutant there would need every test re-run for nothing.
  ignoreStatic: true,
  mutate: [
    'shared/domain/**/*.ts',
    'shared/config.ts',
    'shared/adapters/dynamo-guidance-store.ts',
    'shared/adapters/dynamo-items.ts',
    'shared/adapters/dynamo-user-directory.ts',
    'shared/adapters/fetch-bridge-client.ts',
    'shared/adapters/kms-password-cipher.ts',
    'shared/adapters/local-aes-cipher.ts',
    'shared/adapters/secrets-extension-source.ts',
    'shared/adapters/sns-notifier.ts',
    'functions/*/app.ts',
    'infra/constructs/data.ts',
    'infra/constructs/reveal-api.ts',
    'infra/constructs/session-worker.ts',
    'infra/constructs/webhook-ingress.ts',
    'infra/constructs/bridge-secrets.ts',
  ],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/full/index.html' },
  jsonReporter: { fileName: 'reports/mutation/full/mutation.json' },
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox: build output, reports, other runs' sandboxes.
  ignorePatterns: ['/.stryker-tmp*', '/reports', '/cdk.out', '/bench/out', '/coverage'],
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};

export default config;
