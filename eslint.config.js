import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

/**
 * The layer rules (docs/architecture.md, "Layers"): which folder of `src/` may import which at run time.
 * A wrong import fails `npm run lint`, and so `npm test`. Tests may import across layers.
 */
const UI = ['components', 'apps', 'desktop', 'embed'];
const PAGE = ['kernel', 'storage', 'models', 'knowledge', 'api', 'locales', ...UI];
/** One restriction: these folders may not be imported (at run time, or at all). */
const no = (folders, why, allowTypeImports = false) => ({
  regex: `(^|/)(${folders.join('|')})/|^(\\.\\./)+(${folders.join('|')})$`, message: why, allowTypeImports,
});
const noEngines = no(['engines'], 'Page code may not import engines/ (worker-only); shared types and checks live in protocol/.', true);
/** Folder (glob) → what it may not import. One entry per file set: ESLint replaces, not merges, a rule's options. */
const LAYERS = [
  [['src/protocol/**', 'src/constraints/**', 'src/errors.ts'], [no(['engines', ...PAGE],
    'protocol/ and constraints/ are the shared vocabulary: they import nothing but each other and errors.')]],
  [['src/engines/**', 'workers/engine.worker.ts', 'workers/constraint.worker.ts'], [no(['kernel', 'knowledge', 'api', 'locales', ...UI],
    'engines/ runs in workers: it speaks protocol/ and may read models/ and storage/, never page code.')]],
  [['src/kernel/**'], [noEngines, no(['api', 'knowledge', ...UI], 'kernel/ imports no API surface and no UI.')]],
  [['src/storage/**'], [noEngines, no(['kernel', 'api', 'knowledge', ...UI], 'storage/ is below everything but protocol/.'),
    no(['models'], 'storage/ may name model types, never run models/ code.', true)]],
  [['src/models/**'], [noEngines, no(['api', 'knowledge', ...UI], 'models/ imports no API surface and no UI.')]],
  [['src/knowledge/**'], [noEngines, no(['api', ...UI], 'knowledge/ imports no API surface and no UI.')]],
  [['src/api/**'], [noEngines, no(UI, 'api/ is for any page: it imports no UI.')]],
  [['src/components/**', 'src/embed/**'], [noEngines, no(['apps', 'desktop'], 'components/ are embeddable elements: no desktop or app code.')]],
  [['src/apps/**'], [noEngines, no(['desktop'], 'AI apps may name desktop types (DesktopServices), never import desktop code.', true)]],
  [['src/desktop/**', 'src/locales/**', 'src/index.ts'], [noEngines]],
];
const layerRules = LAYERS.map(([files, patterns]) => ({
  files,
  ignores: ['**/*.test.ts'],
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'dist-*/**', 'dist-lib/**', 'node_modules/**', 'test/fixtures/.generated/**', 'test-results/**', 'playwright-report/**', 'docs/**', 'src/locales/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.worker, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(skip|only|todo)$/]", message: 'No skipped tests.' }],
    },
  },
  ...layerRules,
  {
    // No import circles between modules (type-only imports are erased and do not count).
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
);
