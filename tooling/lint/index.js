import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The flat config every package re-exports from its eslint.config.js. */
export default tseslint.config(
  { ignores: ['dist/**', 'bundle/**', 'coverage/**', '.test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**', 'scripts/**', 'src/testing.ts', 'src/testing/**'],
    rules: { 'no-console': 'off' },
  },
);
