import type { Config } from 'jest';

/** Maps the workspace packages to their sources so tests need no build first. */
const moduleNameMapper = {
  '^@cachet/core$': '<rootDir>/packages/core/src/index.ts',
  '^@cachet/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
  '^@cachet/redis$': '<rootDir>/packages/redis/src/index.ts',
  '^@cachet/postgres$': '<rootDir>/packages/postgres/src/index.ts',
  '^@cachet/nats$': '<rootDir>/packages/nats/src/index.ts',
  '^@cachet/azure-service-bus$': '<rootDir>/packages/azure-service-bus/src/index.ts',
  '^@cachet/opentelemetry$': '<rootDir>/packages/opentelemetry/src/index.ts',
};

function project(displayName: string, testMatch: string[], tsconfig = 'tsconfig.json', testPathIgnorePatterns: string[] = []): Config {
  return {
    displayName,
    rootDir: __dirname,
    testEnvironment: 'node',
    testMatch,
    testPathIgnorePatterns: ['/node_modules/', '/dist/', ...testPathIgnorePatterns],
    moduleNameMapper,
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: `<rootDir>/${tsconfig}` }] },
  };
}

const config: Config = {
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  projects: [
    // Every core unit test runs twice: compiled with TC39 decorators and with experimentalDecorators.
    project('core-standard', ['<rootDir>/packages/core/test/unit/**/*.test.ts'], 'tsconfig.json', ['\\.legacy\\.test\\.ts$']),
    project('core-legacy', ['<rootDir>/packages/core/test/unit/**/*.test.ts'], 'tsconfig.legacy.json', ['\\.standard\\.test\\.ts$']),
    project('redis', ['<rootDir>/packages/redis/test/**/*.test.ts']),
    project('postgres', ['<rootDir>/packages/postgres/test/**/*.test.ts']),
    project('nats', ['<rootDir>/packages/nats/test/**/*.test.ts']),
    project('azure-service-bus', ['<rootDir>/packages/azure-service-bus/test/**/*.test.ts']),
    project('opentelemetry', ['<rootDir>/packages/opentelemetry/test/**/*.test.ts']),
  ],
};

export default config;
