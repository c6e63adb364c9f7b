/**
 * The `tripswitch` command as the package ships it: built into dist/ by the build's compiler options,
 * run by plain Node from the `bin` of package.json, its sweep's worker threads loaded from the build.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pkg from '../package.json'

const root = join(__dirname, '..')
// inside the project, so the built modules resolve fp-ts and io-ts from its node_modules
const out = join(root, 'node_modules', '.cache', 'tripswitch-bin')

describe('the tripswitch bin', () => {
  beforeAll(() => {
    rmSync(out, { recursive: true, force: true })
    mkdirSync(join(out, 'files'), { recursive: true })
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(out, 'dist')],
      {
        cwd: root,
        stdio: 'pipe'
      }
    )
  }, 120_000)
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  const bin = (): string => join(out, pkg.bin.tripswitch.replace(/^\.\//, ''))
  const run = (args: ReadonlyArray<string>): string =>
    execFileSync(process.execPath, [bin(), ...args], { encoding: 'utf8' })

  it('is a node script in the build', () => {
    expect(readFileSync(bin(), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  })

  it('generates, replays and sweeps on worker threads from the build', () => {
    const trace = join(out, 'files', 'outage.jsonl')
    const config = join(out, 'files', 'five.json')
    const grid = join(out, 'files', 'grid.json')
    writeFileSync(config, '{"failureThreshold": 5, "openFor": "5s"}')
    writeFileSync(grid, '{"vary": {"failureThreshold": [3, 5], "openFor": ["5s", "30s"]}}')
    run(['generate', 'hard-outage', '--duration', '60000', '--out', trace])
    expect(run(['replay', trace, '--config', config])).toMatch(/^ +five\ncalls +1200\n/)
    expect(run(['sweep', trace, '--grid', grid, '--workers', '2', '--all'])).toMatch(
      /^4 configs, \d on the Pareto front/
    )
  }, 60_000)
})
