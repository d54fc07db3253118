import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', '**/cdk.out/'] },
  js.configs.recommended,
  // Type-aware: each file is checked with the types of the tsconfig.json nearest to it (the
  // gallery's client with src/web/tsconfig.json, everything else with the root one).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A promise nobody awaits loses its rejection; one handed where a void callback is
      // expected (an Express handler, an event listener) does too. Both are in the preset;
      // named here because they are the reason it is on.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: the ports are async, and a synchronous adapter (SQLite, the local queue) or a test
      // harness implements them with `async` and no await on purpose: a throw then becomes a
      // rejection, as callers expect. Dropping `async` to please the rule would change that.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'error',
    },
  },
  // The architecture, kept by the linter (README "Code layout"). Dynamic import() is not
  // checked: only the composition root and the adapter descriptors use it, to load adapters lazily.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only src/config.ts reads the environment: take the value from Config.',
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message: 'src/domain is the vocabulary every layer imports: it imports nothing else.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/imaging/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!domain/)',
              message:
                'src/imaging reads image bytes for every caller: it imports only src/domain.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/tagging/**/*.ts',
      'src/storage/**/*.ts',
      'src/catalog/**/*.ts',
      'src/identity/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(images|http)/',
              message:
                'Adapters know their outside system and the domain, never the use cases or HTTP: throw a domain error (src/domain/errors.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // JavaScript files (this config, the build scripts, the thread loader) have no types to use.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read HTTP bodies, events and templates typed `any` (supertest's body, JSON.parse)
      // and check their shape with expect: asserting a type on each read would add casts and
      // check nothing more. The other type-aware rules stay on for tests.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // A committed `.only` silently skips the rest of the suite: describe.only, it.only,
      // test.only and every chain with `.only` in it (it.concurrent.only, test.only.each, …).
      // npm test also runs vitest with --allowOnly=false.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[property.name="only"], MemberExpression[property.value="only"]',
          message: 'Focused test (.only): remove it before committing; it skips every other test.',
        },
      ],
    },
  },
  {
    // The gallery's client runs in a browser: its globals, and none of Node's.
    files: ['src/web/**'],
    languageOptions: {
      globals: {
        ...Object.fromEntries(Object.keys(globals.node).map((name) => [name, 'off'])),
        ...globals.browser,
      },
    },
  },
  {
    files: ['scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
