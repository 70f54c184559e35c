// Lint for the whole workspace: ESLint's and typescript-eslint's recommended rules, and the package
// dependency rule of docs/architecture.md checked on imports through nx project tags (package.json "nx").
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const specFiles = ['**/*.spec.ts', '**/test-utils/**', '**/vitest.*.ts'];

/** `@nx/enforce-module-boundaries` with the given constraints (core: `scope:core`; plugins: `type:plugin`). */
const boundaries = (depConstraints) => ({
  '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
});

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/dist-test/**', '**/node_modules/**', '.nx/**', 'docs/api/**', 'coverage/**', 'runs/**', 'benchmarks/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // The plugin registries hold descriptors of many option types; `any` there is deliberate.
      '@typescript-eslint/no-explicit-any': 'off',
      // ANSI colour codes and the control characters JSON forbids are matched on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    // Library code: core imports no plugin; a plugin imports core only (the CLI composes plugins).
    rules: boundaries([
      { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:core'] },
      { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['scope:core'] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['*'] },
    ]),
  },
  {
    files: specFiles,
    // Specs may also use the shared test helpers and, for end-to-end checks, other plugins; that they are
    // declared in package.json is checked by tools/scripts/check-package-imports.mjs.
    rules: boundaries([
      { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:core', 'type:testing'] },
      { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['scope:core', 'type:plugin', 'type:testing'] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['*'] },
    ]),
  },
);
