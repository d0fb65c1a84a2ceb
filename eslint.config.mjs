// ESLint flat config: type-aware typescript-eslint rules over the TypeScript tree, with the rules that
// catch what the compiler does not — promises nobody awaits and `any` leaking out of JSON, pg and
// untyped libraries. Formatting is Prettier's job (.prettierrc.json); no stylistic rule lives here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'eslint/config';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import tseslint from 'typescript-eslint';

// eslint:recommended, taken from the rules' own metadata: @eslint/js (which ships it as a config) is
// not among the installed packages, and ESLint marks the same set with `docs.recommended`.
const eslintRecommended = {
  name: 'shinchoku/eslint-recommended',
  rules: Object.fromEntries([...builtinRules].filter(([, rule]) => rule.meta?.docs?.recommended).map(([name]) => [name, 'error'])),
};

// apps/web (Vite + React) is linted by the same rules once it has its own tsconfig.json, which the
// project service then finds for its files; until then it is left alone.
const webApp = existsSync(join(import.meta.dirname, 'apps/web/tsconfig.json'));

const typescriptFiles = ['apps/**/*.ts', 'libs/**/*.ts', 'db/**/*.ts', 'test/**/*.ts', ...(webApp ? ['apps/web/**/*.tsx'] : [])];
const testFiles = ['**/*.test.ts'];

const nodeCommonJsGlobals = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console'].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    name: 'shinchoku/ignores',
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '**/.shinchoku/**', ...(webApp ? [] : ['apps/web/**'])],
  },
  {
    name: 'shinchoku/lint-options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  eslintRecommended,
  {
    name: 'shinchoku/typescript',
    files: typescriptFiles,
    extends: [tseslint.configs.eslintRecommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The reason this config exists: spelled out so that a change of preset cannot drop them.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // `_name` marks a parameter an interface or a framework callback requires but this code does not
      // use; a caught error may go unused (`catch (error)` and `catch {}` say the same).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `async` on a method that does not await keeps the Promise contract of the interface it
      // implements (a channel's send, a resource's close, a fake in a test): a throw becomes a
      // rejection. Removing `async` to please this rule would turn those into synchronous throws.
      '@typescript-eslint/require-await': 'off',
      // Static methods here are plain functions kept under their class's name (`ShadowTables.shadowOf`),
      // passed to `map` as such; instance methods detached from their object are still caught.
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
      // A `let` declared before the closures that read it and assigned once later (start.ts's resources,
      // which a signal may find still unset) cannot be `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Japanese text is spaced with the ideographic space (U+3000), and tests spell it on purpose
      // ('東\u3000区'); it is skipped in strings already, and in template literals and JSX text too.
      'no-irregular-whitespace': ['error', { skipTemplates: true, skipJSXText: true }],
    },
  },
  {
    name: 'shinchoku/tests',
    files: testFiles,
    rules: {
      // A test reads the server's JSON answer (`Json`, declared `any` once in test/support/api.ts)
      // and hands it to `expect`: a wrong shape fails the assertion instead of flowing on unnoticed,
      // which is what these rules guard against in program code. Typing every body would repeat the
      // API's types in each test; test/support and test/bench (program code) keep the rules.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    name: 'shinchoku/commonjs',
    // The few plain CommonJS files (jest config and reporter, the swc-compiling worker loader) are
    // outside tsconfig, so they get the untyped rules only.
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs', globals: nodeCommonJsGlobals },
  },
  {
    name: 'shinchoku/config-files',
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
