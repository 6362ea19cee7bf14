// Lint: TypeScript rules, and the layers of ../shared/STYLE.md enforced by eslint-plugin-boundaries
// (chosen because one rule covers both the direction between our folders and the purity of the
// pure ones: a `node:*` import is a dependency like any other). docs/architecture.md draws them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * The layers, lowest first. A layer may import itself, the layers listed in `uses` (or, with
 * 'below', every layer listed before it), packages, and (unless it is pure) Node's own modules. Pure layers hold schemas, decisions and compilers: no system access,
 * so they can be reasoned about, fuzzed, and loaded by the renderer.
 */
const layers = [
  { type: 'policy', pattern: 'app/policy', pure: true, uses: [] },
  { type: 'protocol', pattern: 'app/protocol', pure: true, uses: ['policy'] },
  { type: 'consent', pattern: 'app/consent', pure: true, uses: ['policy'] },
  // The audit event's schema, its query filter and its export formats (contracts §5).
  { type: 'audit-event', pattern: 'app/audit-event', pure: true, uses: [] },
  // Extension package formats: the strict tar and zip readers, entry names, versions.
  { type: 'package', pattern: 'app/package', pure: true, uses: ['policy'] },
  // The UI contract: what the renderer, the preload and the host agree on.
  {
    type: 'contract',
    pattern: 'app/contract',
    pure: true,
    uses: ['policy', 'consent', 'audit-event'],
  },
  { type: 'platform', pattern: 'app/platform', uses: ['policy'] },
  { type: 'audit', pattern: 'app/audit', uses: ['audit-event', 'policy', 'platform'] },
  {
    type: 'sandbox',
    pattern: 'app/sandbox',
    uses: ['policy', 'platform', 'audit-event', 'audit'],
  },
  { type: 'net', pattern: 'app/net', uses: ['policy', 'platform', 'audit-event', 'audit'] },
  {
    type: 'metrics',
    pattern: 'app/metrics',
    uses: ['policy', 'platform', 'audit-event', 'audit'],
  },
  // The person's terminal: the filter for what sandboxed programs print, and Corral's own ptys.
  { type: 'terminal', pattern: 'app/terminal', uses: [] },
  {
    type: 'runtime',
    pattern: 'app/runtime',
    uses: ['policy', 'protocol', 'platform', 'audit-event', 'audit', 'sandbox', 'net', 'metrics'],
  },
  {
    type: 'manager',
    pattern: 'app/manager',
    uses: ['package', 'policy', 'consent', 'platform', 'audit-event', 'audit', 'runtime'],
  },
  // The extension author's tools: scaffolding, reproducible packages, signatures, keys.
  {
    type: 'author',
    pattern: 'app/author',
    uses: ['package', 'policy', 'consent', 'platform', 'manager', 'runtime', 'protocol'],
  },
  // The long-lived host service and the command line compose everything beneath them.
  { type: 'service', pattern: 'app/service', uses: 'below' },
  { type: 'cli', pattern: 'app/cli', uses: 'below' },
  // The Electron side: main adapts the host service to the window; the preload and the renderer
  // know only the contract (the renderer reaches the host through window.corral).
  { type: 'main', pattern: 'main', uses: ['contract', 'service', 'platform', 'policy'] },
  // A sandboxed preload has no Node modules to import: pure, like the renderer.
  { type: 'preload', pattern: 'preload', pure: true, uses: ['contract'] },
  { type: 'renderer', pattern: 'renderer', pure: true, uses: ['contract'] },
  // The Node SDK shares the protocol's schemas (one source of truth for both ends).
  { type: 'sdk', pattern: 'sdk/node', uses: ['protocol', 'policy'] },
];

/** The layer types a layer may import: its own `uses`, or with 'below' every layer above it here. */
const usesOf = (layer, at) =>
  layer.uses === 'below' ? layers.slice(0, at).map((l) => l.type) : layer.uses;

/** Everything a layer may import; the rest is refused by `default: 'disallow'`. */
const policies = layers.map((layer, at) => ({
  from: { element: { type: layer.type } },
  allow: {
    to: [
      { element: { type: [layer.type, ...usesOf(layer, at)] } },
      { origin: 'external' },
      ...(layer.pure ? [] : [{ origin: 'core' }]),
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'examples/*/dist/',
      'sdk/node/dist/',
      'node_modules/',
      'sandbox-helper/build/',
      'renderer/dist/',
      'out/',
    ],
  },
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
    files: [
      'app/**/*.ts',
      'main/**/*.ts',
      'preload/**/*.ts',
      'renderer/**/*.{ts,tsx}',
      'sdk/node/src/**/*.ts',
    ],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': layers.map(({ type, pattern }) => ({ type, pattern })),
      'boundaries/include': ['app/**', 'main/**', 'preload/**', 'renderer/**', 'sdk/node/src/**'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', checkAllOrigins: true, policies },
      ],
      // Every file of ours belongs to a layer: a new folder is placed on purpose.
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    // A command touches the process only through the CliIO it is passed (issue 15), so that
    // tests drive it in-process; run-cli.ts is the one place that wires the real process in.
    files: ['app/cli/**/*.ts'],
    ignores: ['app/cli/run-cli.ts', 'app/cli/entry.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...[
          'stdin',
          'stdout',
          'stderr',
          'on',
          'once',
          'off',
          'emit',
          'exit',
          'exitCode',
          'cwd',
          'env',
        ].map((property) => ({
          object: 'process',
          property,
          message: 'use the CliIO the command is passed (io.stdin, io.onSignal, io.env…).',
        })),
      ],
    },
  },
  {
    // zod's `{ z }` is one object holding all of zod (its 40 locales too): the bundler cannot drop
    // what is unused, which cost `corral exec` a third of its start-up (docs/architecture.md).
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind='value'] > ImportSpecifier[imported.name='z'][importKind='value']",
          message: "import * as z from 'zod': the bundle then keeps only the parts in use.",
        },
      ],
    },
  },
  {
    // Electron is main/'s and preload/'s business only.
    files: ['app/**/*.ts', 'renderer/**/*.{ts,tsx}', 'sdk/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'only main/ and preload/ import electron.' }] },
      ],
    },
  },
  {
    // The renderer: the rules of hooks (and the React Compiler's checks), exhaustive effect
    // dependencies as errors, and no raw HTML: extension-supplied text is rendered as text only.
    files: ['renderer/**/*.{ts,tsx}', 'test/unit/renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      ...reactHooks.configs.flat['recommended-latest'].rules,
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message:
            'Render text, never HTML: extension-supplied strings go through <ExtensionText> (visibleText).',
        },
        {
          selector:
            "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/], CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/][callee.object.name='document']",
          message: 'Build DOM with React, never from HTML strings.',
        },
      ],
    },
  },
);
