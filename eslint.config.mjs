// Lint for the whole workspace. The module-boundary rule is what keeps the relay transparent:
// it may import crypto, protocol and security-file and nothing else (see docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

export default [
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/coverage', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'lib:crypto', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'lib:atomic-file', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'lib:protocol', onlyDependOnLibsWithTags: ['lib:crypto'] },
            { sourceTag: 'lib:security-file', onlyDependOnLibsWithTags: ['lib:crypto', 'lib:atomic-file'] },
            { sourceTag: 'lib:context', onlyDependOnLibsWithTags: ['lib:protocol'] },
            { sourceTag: 'lib:cron', onlyDependOnLibsWithTags: ['lib:protocol', 'lib:atomic-file'] },
            { sourceTag: 'lib:file-protocol', onlyDependOnLibsWithTags: ['lib:protocol'] },
            { sourceTag: 'lib:llm', onlyDependOnLibsWithTags: ['lib:protocol'] },
            { sourceTag: 'app:relay', onlyDependOnLibsWithTags: ['lib:crypto', 'lib:protocol', 'lib:security-file', 'lib:atomic-file'] },
            {
              sourceTag: 'app:llm-server',
              onlyDependOnLibsWithTags: ['lib:crypto', 'lib:protocol', 'lib:context', 'lib:cron', 'lib:file-protocol', 'lib:llm', 'lib:atomic-file'],
            },
            { sourceTag: 'app:client', onlyDependOnLibsWithTags: ['lib:crypto', 'lib:protocol', 'lib:security-file', 'lib:atomic-file'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
