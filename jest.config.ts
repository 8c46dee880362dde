import type { Config } from 'jest';

/** Maps the workspace packages to their sources so tests need no build first. */
const moduleNameMapper = {
  '^@cachet/core$': '<rootDir>/packages/core/src/index.ts',
  '^@cachet/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
  '^@cachet/redis$': '<rootDir>/packages/redis/src/index.ts',
  '^@cachet/postgres$': '<rootDir>/packages/postgres/src/index.ts',
  '^@cachet/nats$': '<rootDir>/packages/nats/src/index.ts',
  '^@cachet/azure-service-bus$': '<rootDir>/packages/azure-service-bus/src/index.ts',
  '^@cachet/nestjs$': '<rootDir>/packages/nestjs/src/index.ts',
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

/**
 * Nest's tests compile under the `nest new` tsconfig (experimentalDecorators, emitDecoratorMetadata). Nest 12
 * ships ES modules only, which Jest's runtime cannot require() on Node < 24.9: they are compiled to CommonJS.
 */
function nestProject(): Config {
  const base = project('nestjs', ['<rootDir>/packages/nestjs/test/**/*.test.ts'], 'tsconfig.legacy.json');
  return {
    ...base,
    transformIgnorePatterns: ['/node_modules/(?!@nestjs/|\\.pnpm/)'],
    transform: { ...base.transform, '/node_modules/@nestjs/.+\\.js$': '<rootDir>/packages/nestjs/test/support/esm-to-commonjs.cjs' },
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
    nestProject(),
    project('opentelemetry', ['<rootDir>/packages/opentelemetry/test/**/*.test.ts']),
  ],
};

export default config;
