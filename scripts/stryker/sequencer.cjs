/**
 * Jest's test sequencer for mutation runs only (stryker.config.json): it runs the same tests as jest's
 * default sequencer, but leaves out the test files that hold none of them, and orders the rest for an
 * early kill.
 *
 * Stryker runs each mutant with `testNamePattern` set to the tests that cover it (per-test coverage);
 * jest would still load every test file of the suite, with the whole library and its dependencies, to
 * find out that most of them hold no matching test. That load was most of the time of each mutant.
 * Here, every run records the full names of the tests of each file it ran (`cacheResults`, in a file
 * of the sandbox, so that a restarted test runner keeps it); a run with a `testNamePattern` then keeps
 * only the files that hold a test the pattern matches (as jest-circus matches it: case-insensitive,
 * on the full name). A file the record does not know yet is kept, so no test is ever left out: the
 * tests that run, and so the mutants they kill, are exactly those of a run without this sequencer.
 *
 * Order: a file that failed in the previous run first (it killed the previous mutant, most often one
 * of the same code), then the quickest first (jest's own order is the slowest first, to keep parallel
 * workers busy); with `runner.cjs`, a run stops at its first kill.
 *
 * `MUTATE_TESTS=<regular expression>` keeps only the test files whose path relative to the root
 * matches it, in every run, the initial one included: a run of one module of the pure core against the
 * files that test it, so that a static mutant (one only a reload of every file can test) costs seconds
 * rather than minutes. Leaving files out can only lower a score: a mutant that only those files would
 * kill counts as surviving, or as not covered.
 */
const fs = require('node:fs')
const path = require('node:path')
const Sequencer = require('@jest/test-sequencer').default

/** test file path → the full names of its tests, in memory and in `<rootDir>/.stryker-test-names.json` */
const indexFile = (rootDir) => path.join(rootDir, '.stryker-test-names.json')
let index

const readIndex = (rootDir) => {
  if (index !== undefined) return index
  try {
    index = JSON.parse(fs.readFileSync(indexFile(rootDir), 'utf8'))
  } catch {
    index = {}
  }
  return index
}

/** the test files `MUTATE_TESTS` selects (all when it is unset); an invalid expression is an error */
const selected = (tests, rootDir) => {
  const source = process.env.MUTATE_TESTS
  if (source === undefined || source === '') return tests
  let only
  try {
    only = new RegExp(source)
  } catch (e) {
    throw new Error(`MUTATE_TESTS is not a regular expression (${JSON.stringify(source)}): ${e.message}`)
  }
  const kept = tests.filter((t) => only.test(path.relative(rootDir, t.path).split(path.sep).join('/')))
  if (kept.length === 0) throw new Error(`MUTATE_TESTS=${JSON.stringify(source)} matches no test file`)
  return kept
}

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options)
    this.pattern = options.globalConfig.testNamePattern
    this.rootDir = options.globalConfig.rootDir
  }

  sort(all) {
    const tests = selected(all, this.rootDir)
    if (this.pattern === undefined || this.pattern === null || this.pattern === '') return super.sort(tests)
    const names = readIndex(this.rootDir)
    const pattern = new RegExp(this.pattern, 'i')
    const kept = tests.filter(
      (t) => names[t.path] === undefined || names[t.path].some((n) => pattern.test(n))
    )
    for (const t of kept) t.duration = this.time(t)
    const rank = (t) => (this.hasFailed(t) ? 0 : 1)
    return kept.sort((a, b) => rank(a) - rank(b) || (a.duration ?? Infinity) - (b.duration ?? Infinity))
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results)
    const names = readIndex(this.rootDir)
    let changed = false
    for (const file of results.testResults) {
      // a file that failed to load reports no tests: keep it unknown, so it is never left out
      if (file.testExecError !== undefined || file.testResults.length === 0) continue
      const known = new Set(names[file.testFilePath] ?? [])
      for (const t of file.testResults) {
        if (!known.has(t.fullName)) {
          known.add(t.fullName)
          changed = true
        }
      }
      names[file.testFilePath] = [...known]
    }
    if (changed) fs.writeFileSync(indexFile(this.rootDir), JSON.stringify(names))
  }
}

module.exports = MutationSequencer
