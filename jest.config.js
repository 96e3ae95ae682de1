// Three projects: unit (pure logic beside the code), medium (services against a real database),
// e2e (the real app over HTTP). One embedded PostgreSQL serves them all unless DATABASE_URL is set.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const common = {
  transform: { '^.+\\.(t|j)s$': swc },
  // pglite and a few MCP packages ship ESM; let swc turn them into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@electric-sql|pkce-challenge|oidc-provider|jose|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit)/)'],
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  // Jest's default is one worker per core but one, so a single worker on a two-core machine. The
  // suite mostly waits (Chromium, the database, timers), and two workers take 10.7 minutes there
  // where one takes 15.
  maxWorkers: Math.max(2, require('node:os').availableParallelism() - 1),
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/meta/**/*.spec.ts'] },
    { ...common, displayName: 'medium', testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/test/meta/**/*.meta-spec.ts'] },
  ],
};
