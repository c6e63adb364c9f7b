/** @jest-config-loader-options {"transpileOnly": true, "compilerOptions": {"module": "commonjs", "moduleResolution": "node10", "ignoreDeprecations": "6.0"}} */
import type { Config } from 'jest'

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }]
  },
  moduleNameMapper: {
    '^tripswitch$': '<rootDir>/src/index.ts',
    '^tripswitch/(.*)$': '<rootDir>/src/$1/index.ts'
  },
  // every fast-check property runs from a fixed seed; FC_SEED=<seed> or FC_SEED=random to vary it
  setupFiles: ['<rootDir>/__tests__/_support/seed.ts'],
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  testTimeout: 30000
}

export default config
