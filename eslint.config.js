import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import seatdesk from './.eslint/layer-boundaries.js';

const root = import.meta.dirname;

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'coverage/**', 'test/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { seatdesk },
    rules: {
      'seatdesk/layer-boundaries': ['error', { root }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['.eslint/**', '*.config.{js,ts}', 'scripts/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: { 'seatdesk/layer-boundaries': 'off' },
  },
);
