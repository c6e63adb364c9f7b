/**
 * Jest's test runner for mutation runs only (stryker.config.json): in band, as Stryker runs jest, it
 * runs the test files one after the other, and runs no further file once a test has failed under the
 * mutant in play (see `bail.cjs`). Loading a test file loads the library and its dependencies afresh,
 * so the files that would only have skipped their tests are not loaded at all. Outside a mutant run
 * (Stryker's initial run) and when jest runs in parallel it is jest's own runner.
 */
const TestRunner = require('jest-runner').default
const bail = require('./bail.cjs')

class BailingRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (!options.serial || bail.activeMutant() === undefined) return super.runTests(tests, watcher, options)
    for (const test of tests) {
      if (bail.isKilled()) return
      await super.runTests([test], watcher, options)
    }
  }
}

module.exports = BailingRunner
