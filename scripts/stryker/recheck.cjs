#!/usr/bin/env node
/**
 * Checks the mutants of a Stryker JSON report by hand: applies each mutant of the statuses asked
 * (default `Timeout`) to the source, one at a time, runs jest with `--bail` on the test files given,
 * and prints whether a test failed (KILLED), none did (SURVIVED), or the run outlived the limit (HANG).
 * The source mutated is the one the report holds, so the working tree may have moved on since the run;
 * each file is written back as it was after each mutant, also when the script is interrupted.
 *
 *   node scripts/stryker/recheck.cjs reports/mutation/mutation.json [--status Timeout,Survived]
 *     [--limit 150] -- __tests__/X.test.ts __tests__/Y.test.ts ...
 *
 * Used for the timeouts of static mutants, which on a loaded machine are not always kills (see
 * docs/testing.md "Mutation testing"). It changes files under `src/`: run it in a worktree of its own,
 * not beside a mutation run or an editor.
 */
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const usage = 'usage: recheck.cjs REPORT [--status S[,S]] [--limit SECONDS] -- TESTFILE...'
const args = process.argv.slice(2)
const dashes = args.indexOf('--')
if (args.length === 0 || dashes < 1 || dashes === args.length - 1) {
  console.error(usage)
  process.exit(2)
}
const [report, ...options] = args.slice(0, dashes)
const tests = args.slice(dashes + 1)
const option = (name, fallback) => {
  const i = options.indexOf(name)
  return i === -1 ? fallback : options[i + 1]
}
const statuses = option('--status', 'Timeout').split(',')
const limit = Number(option('--limit', '150'))
if (!Number.isFinite(limit) || limit <= 0) {
  console.error(`--limit: expected a number of seconds > 0, got ${option('--limit')}`)
  process.exit(2)
}

const root = process.cwd()
const jest = require.resolve('jest/bin/jest', { paths: [root] })
const files = JSON.parse(fs.readFileSync(report, 'utf8')).files
let restore
process.on('SIGINT', () => {
  restore?.()
  process.exit(130)
})

for (const [file, { source, mutants }] of Object.entries(files)) {
  const target = path.join(root, file)
  const original = fs.readFileSync(target, 'utf8')
  restore = () => fs.writeFileSync(target, original)
  // offsets of the lines of the source the run mutated (1-based lines and columns in the report)
  const lines = source.split('\n')
  const starts = [0]
  for (const line of lines) starts.push(starts[starts.length - 1] + line.length + 1)
  const at = ({ line, column }) => starts[line - 1] + column - 1
  for (const m of mutants.filter((m) => statuses.includes(m.status))) {
    const { start, end } = m.location
    fs.writeFileSync(target, source.slice(0, at(start)) + m.replacement + source.slice(at(end)))
    const began = performance.now()
    // jest in band, in this process's child only, so that the limit's kill stops every test
    const run = spawnSync(process.execPath, [jest, '--bail', '--ci', '--silent', '--runInBand', ...tests], {
      cwd: root,
      encoding: 'utf8',
      timeout: limit * 1_000,
      killSignal: 'SIGKILL'
    })
    restore()
    const failed = `${run.stdout}${run.stderr}`.split('\n').find((l) => l.trim().startsWith('●'))
    const verdict = run.error?.code === 'ETIMEDOUT' ? 'HANG' : run.status === 0 ? 'SURVIVED' : 'KILLED'
    const line = lines[start.line - 1].trim().slice(0, 90)
    const why = verdict === 'KILLED' && failed !== undefined ? ` | ${failed.trim().slice(0, 110)}` : ''
    const took = Math.round((performance.now() - began) / 1_000)
    console.log(
      `${verdict} ${file}:${start.line}:${start.column} ${m.mutatorName} ${JSON.stringify(m.replacement.slice(0, 60))} | ${line}${why} (${took} s)`
    )
  }
}
