/**
 * Jest's node test environment for mutation runs only (stryker.config.json): once a test has failed
 * under a mutant, the tests after it in that mutant's run are skipped (see `bail.cjs`).
 *
 * Stryker's jest runner cannot ask jest to bail, so every test that covers a mutant ran even after the
 * first one had killed it, though a kill needs only one failing test. The status of every mutant is the
 * same as without this: a mutant is killed by its first failing test, and a surviving one runs every
 * test that covers it. Only the report's "killed by" lists one test per killed mutant.
 */
const { TestEnvironment } = require('jest-environment-node')
const bail = require('./bail.cjs')

class BailingEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if (event.name === 'test_done' && event.test.errors.length > 0) bail.recordFailure()
    else if (event.name === 'test_start' && bail.isKilled()) event.test.mode = 'skip'
  }
}

module.exports = BailingEnvironment
