// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import boundaries: protocol is shared; client and server never import each other; web and tui only the client. */
const restrict = (/** @type {string[]} */ patterns, /** @type {string} */ message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/protocol/**'],
    rules: restrict(
      ['**/server/**', '**/client/**', 'ws', 'better-sqlite3', 'pino'],
      'src/protocol imports nothing from server or client.',
    ),
  },
  { files: ['src/client/**'], rules: restrict(['**/server/**', '**/web/**'], 'src/client imports only src/protocol.') },
  {
    files: ['src/tui/**'],
    rules: restrict(
      ['**/server/**', '**/protocol/**', '**/web/**'],
      'src/tui (parley chat) imports only the client SDK (src/client), ws and node builtins.',
    ),
  },
  { files: ['src/server/**'], rules: restrict(['**/client/**', '**/web/**'], 'src/server imports only src/protocol.') },
  {
    files: ['web/**'],
    rules: restrict(['**/server/**', '**/protocol/**', 'ws'], 'web/ imports only the client SDK (src/client).'),
  },
);
