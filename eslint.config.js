/**
 * ESLint keeps the house style's shape (k6 enforces the same in its .golangci.yml): functions of
 * at most ~80 lines, imports that only point down the pipeline, `@actions/*` and `process.env`
 * only at the front doors. Only syntactic rules: typescript-eslint's type-aware configs would
 * make every run type-check the project, which `npm run typecheck` already does.
 *
 * Unused exports are not checked here: eslint-plugin-import(-x)'s no-unused-modules only works
 * with the legacy eslintrc config, not with this flat config (import-js/eslint-plugin-import#3079,
 * un-ts/eslint-plugin-import-x#358). `npm run lint:exports` runs knip (knip.json) for them.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Node's globals, for the .mjs files (TypeScript files get theirs from the type checker).
const nodeGlobals = Object.fromEntries(
  `process console Buffer URL URLSearchParams AbortController AbortSignal fetch performance setTimeout clearTimeout
   setInterval clearInterval setImmediate clearImmediate queueMicrotask structuredClone TextEncoder TextDecoder globalThis`
    .split(/\s+/)
    .map((name) => [name, 'readonly']),
);

// Import boundaries, as `no-restricted-imports` patterns on the import specifier.
const ACTIONS = {
  group: ['@actions/*'],
  message: 'only src/action/ and src/publish/ talk to GitHub Actions; inject what you need',
};
const DOORS = {
  regex: '(^|/)(commands|action)/|(^|/)cli\\.js$',
  message: 'the front doors (src/cli.ts, src/commands/, src/action/) import the pipeline, never the other way round',
};
const RUN = {
  regex: '(^|/)run/',
  message: 'a pipeline stage does not import src/run/ (the composition of the stages); take what it needs as arguments',
};
const restrictImports = (...patterns) => ['error', { patterns }];

// Entry points may read process.env and import the doors; lower layers may not import src/run/ either.
// test/ and bench/ get the recommended rules only: a describe() is one long function by design.
const ENTRY_POINTS = ['src/index.ts', 'src/cli.ts', 'src/commands/**'];
const LOWER_LAYERS = 'load proc model config sut stress monitor analyze compare report export baseline'
  .split(' ')
  .map((dir) => `src/${dir}/**`);

export default defineConfig(
  {
    ignores: [
      'dist/',
      'schema/',
      'src/report/vendor/',
      'node_modules/',
      'test/fixtures/',
      'coverage/',
      'perfgate-report/',
      'test-artifacts/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { globals: nodeGlobals },
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': restrictImports(ACTIONS, DOORS),
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'settle the environment at the front door (src/cli.ts, src/commands/, src/action/) or in src/run/, and pass it down',
        },
      ],
    },
  },
  { files: ['src/action/**', 'src/publish/**'], rules: { 'no-restricted-imports': restrictImports(DOORS) } },
  { files: LOWER_LAYERS, rules: { 'no-restricted-imports': restrictImports(ACTIONS, DOORS, RUN) } },
  { files: ENTRY_POINTS, rules: { 'no-restricted-imports': restrictImports(ACTIONS) } },
  { files: [...ENTRY_POINTS, 'src/action/**', 'src/run/**'], rules: { 'no-restricted-properties': 'off' } },
);
