// Lint: TypeScript rules, plus the layering rules of ../shared/STYLE.md (app/ never touches Electron).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'examples/*/dist/', 'node_modules/', 'sandbox-helper/build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The core is runtime-agnostic: Electron is main/'s business only.
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'app/ never imports electron (DEVELOPERS.md).' }] },
      ],
    },
  },
  {
    // Pure policy code: no system access, so it can be reasoned about and fuzzed in isolation.
    files: ['app/policy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'child_process', 'net'],
              message: 'app/policy is pure: no system access.',
            },
          ],
          paths: [{ name: 'electron', message: 'app/ never imports electron.' }],
        },
      ],
    },
  },
);
