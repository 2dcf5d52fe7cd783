import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'bench/out/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // CLIs and the local stack talk to a person on a terminal; tests print measured figures.
    files: ['local/**/*.ts', 'ops/**/*.ts', 'bench/**/*.ts', 'infra/app.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
