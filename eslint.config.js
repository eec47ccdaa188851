// Lint: typescript-eslint's type-checked recommendations, and the import direction of the architecture
// (cli → app → ari → core ← channels → sip, rtp, media; dialplan → core; config and util are leaves).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/** The wire models (src/ari/models/wire.ts) are the vocabulary core and drivers publish in: types only. */
const WIRE = '**/ari/models/wire.js';
const restrictWithWireTypes = (patterns) => ({
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: patterns.flatMap((p) => (p === '**/ari/**' ? [p, `!${WIRE}`] : [p])) },
        { group: [WIRE], allowTypeImports: true, message: 'core and drivers may import the wire models as types only' },
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'scripts/*.mjs', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/core/**'],
    rules: restrictWithWireTypes([
      '**/ari/**',
      '**/channels/**',
      '**/plane/**',
      '**/dialplan/**',
      '**/sip/**',
      '**/cli/**',
      'node:http',
      'ws',
    ]),
  },
  {
    files: ['src/config/**', 'src/util/**'],
    rules: restrict(['**/core/**', '**/ari/**', '**/channels/**', '**/dialplan/**', '**/cli/**']),
  },
  {
    files: ['src/channels/**'],
    rules: restrictWithWireTypes(['**/ari/**', '**/dialplan/**', '**/cli/**', '**/plane/**']),
  },
  { files: ['src/dialplan/**'], rules: restrict(['**/ari/**', '**/channels/**', '**/cli/**']) },
  {
    files: ['src/sip/**'],
    rules: restrict(['**/core/**', '**/ari/**', '**/channels/**', '**/dialplan/**', '**/cli/**']),
  },
  {
    files: ['src/rtp/**'],
    rules: restrict(['**/core/**', '**/ari/**', '**/channels/**', '**/dialplan/**', '**/cli/**', '**/media/**']),
  },
  // Network client helpers (outbound WebSockets) used by the media plane and the ARI server alike: Node and `ws` only.
  {
    files: ['src/net/**'],
    rules: restrict([
      '**/core/**',
      '**/ari/**',
      '**/channels/**',
      '**/dialplan/**',
      '**/cli/**',
      '**/media/**',
      '**/plane/**',
      '**/sip/**',
      '**/rtp/**',
      '**/config/**',
    ]),
  },
  {
    files: ['src/media/**'],
    rules: restrict(['**/core/**', '**/ari/**', '**/channels/**', '**/dialplan/**', '**/cli/**', '**/rtp/**']),
  },
  { files: ['src/ari/**'], rules: restrict(['**/channels/**', '**/dialplan/**', '**/cli/**', '**/plane/**']) },
  // The typed client is for applications: it knows the operation tables and the wire models, nothing of the server.
  {
    files: ['src/client/**'],
    rules: restrict([
      '**/core/**',
      '**/channels/**',
      '**/dialplan/**',
      '**/sip/**',
      '**/rtp/**',
      '**/media/**',
      '**/plane/**',
      '**/cli/**',
      '**/config/**',
      '**/ari/server/**',
      '**/ari/handlers/**',
      '**/ari/contract/**',
      'node:http',
    ]),
  },
  // The media plane implements a core port (like a driver) and runs in workers: no HTTP, SIP, dialplan or drivers.
  {
    files: ['src/plane/**'],
    rules: restrictWithWireTypes([
      '**/ari/**',
      '**/channels/**',
      '**/dialplan/**',
      '**/sip/**',
      '**/cli/**',
      'node:http',
      'ws',
    ]),
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
