// The security-critical set: webhook signatures, password issue/reveal/notify, ownership checks
// and the ciphers. CI fails below 90 % (`npm run mutate:critical`). The Bridge client (175 mutants,
// HTTP tests) is in the full run only, to keep this one within CI's budget.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...base,
  jest: { ...base.jest, configFile: 'jest.stryker.fast.config.ts' },
  // Few module-level constants here (signature scheme, hex check, KMS error names, rounds): run them
  // against every related test rather than leave them unmeasured.
  ignoreStatic: false,
  // Measured at 17 min with two workers on the shared 2-core machine; one worker would exceed the budget.
  concurrency: 2,
  // Unit tests answer in milliseconds: a mutant still running after 5 s (plus the usual factor) is
  // stuck in a loop it made endless. A longer wait only makes each such mutant cost more.
  timeoutMS: 5_000,
  mutate: [
    'shared/domain/webhook-signature.ts',
    'shared/domain/reveal-guidance.ts',
    'shared/domain/issue-session.ts',
    'shared/domain/notify-once.ts',
    'shared/domain/guidance-session.ts',
    'shared/domain/manage-users.ts',
    'shared/adapters/kms-password-cipher.ts',
    'shared/adapters/local-aes-cipher.ts',
  ],
  htmlReporter: { fileName: 'reports/mutation/critical/index.html' },
  jsonReporter: { fileName: 'reports/mutation/critical/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
};

export default config;
