// Lint: the recommended rules of ESLint and typescript-eslint, nothing stylistic (tsc and
// review cover the rest), and the import rules between layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of docs/ARCHITECTURE.md ("Layers and imports"), as no-restricted-imports patterns
// (gitignore-style, matched against the import as written, so relative paths count). ESLint
// does not merge one rule's options across blocks: a file two blocks match gets the later
// block's list only, so each block below names every pattern its files must not import.
const rule = 'docs/ARCHITECTURE.md, "Layers and imports"';
const web = { group: ['**/web/**'], message: `Nothing under cluster/ imports web/ (${rule}).` };
const webFromScripts = {
  group: ['**/web/**', '!**/web/build.ts'],
  message: `scripts/ uses the web app only through its build, web/build.ts; shared code lives in cluster/model/ or scripts/lib/ (${rule}).`,
};
const scripts = { group: ['**/scripts/**'], message: `Nothing under cluster/ imports scripts/ (${rule}).` };
const tests = { group: ['**/tests/**'], message: `Only tests import tests/; shared harness lives in scripts/lib/ (${rule}).` };
const servicesFromCommon = {
  group: ['**/kvs/**', '**/coordinator/**', '**/lb/**', '**/smtp/**', '**/model/**'],
  message: `cluster/common/ is the bottom layer: it imports nothing else from cluster/ (${rule}).`,
};
const servicesFromModel = {
  group: ['**/kvs/**', '!**/kvs/cluster-client.ts', '**/coordinator/**', '**/lb/**', '**/smtp/**'],
  message: `cluster/model/ imports only cluster/common/ and the cluster client, cluster/kvs/cluster-client.ts (${rule}).`,
};
const servicesFromSmtp = {
  group: ['**/kvs/**', '!**/kvs/cluster-client.ts', '!**/kvs/client.ts', '**/coordinator/**', '!**/coordinator/client.ts', '**/lb/**', '!**/lb/client.ts'],
  message: `The mail daemon reaches the other services only through their clients (${rule}).`,
};
const clusterFromWeb = {
  group: [
    '**/cluster/*/**',
    '!**/cluster/common/**',
    '!**/cluster/model/**',
    '!**/cluster/*/client.ts',
    '!**/cluster/kvs/cluster-client.ts',
  ],
  message: `web/ reaches the cluster only through cluster/common/, cluster/model/ and the public clients (cluster/*/client.ts, cluster/kvs/cluster-client.ts), never a service's internals (${rule}).`,
};

const tsFiles = (dir) => [`${dir}/**/*.ts`, `${dir}/**/*.tsx`];
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
/**
 * One layer of cluster/: its code must not import the patterns. A test beside the code is no
 * part of the layer (nothing imports it): it may also use the harness in tests/lib/ and other
 * layers' code, and still never web/ or scripts/.
 */
const layer = (dir, patterns) => [
  { files: tsFiles(dir), rules: restrict([web, scripts]) },
  { files: tsFiles(dir), ignores: ['**/*.test.ts'], rules: restrict([web, scripts, tests, ...patterns]) },
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tmp/', 'data/', 'build/', 'web/.next/', 'test-results/', 'playwright-report/', 'cluster/common/proto-types/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layer('cluster', []),
  ...layer('cluster/common', [servicesFromCommon]),
  ...layer('cluster/model', [servicesFromModel]),
  ...layer('cluster/smtp', [servicesFromSmtp]),
  // The Playwright specs under web/e2e/ start clusters with the harness in scripts/lib/.
  { files: tsFiles('web'), rules: restrict([clusterFromWeb]) },
  { files: tsFiles('scripts'), rules: restrict([webFromScripts, tests]) },
);
