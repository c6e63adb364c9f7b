/**
 * The published shape: `tsc -p tsconfig.build.json` emits, for every entry of the "exports" map, a
 * CommonJS module and its type declarations, and Node can load each of them.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  readonly exports: Record<string, string | { readonly types: string; readonly default: string }>
  readonly sideEffects: boolean
  readonly peerDependencies: Record<string, string>
  readonly bin: Readonly<Record<string, string>>
}

describe('Package', () => {
  // inside the project, so the emitted modules resolve fp-ts and io-ts from its node_modules
  const out = join(root, 'node_modules', '.cache', 'tripswitch-build')
  beforeAll(() => {
    rmSync(out, { recursive: true, force: true })
    mkdirSync(out, { recursive: true })
  })
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('builds every export with its type declarations, loadable by Node', () => {
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out],
      {
        cwd: root,
        stdio: 'pipe'
      }
    )
    const entries = Object.entries(pkg.exports).filter(([key]) => key !== './package.json')
    expect(entries.map(([key]) => key)).toContain('.')
    expect(entries.map(([key]) => key)).toContain('./testing')
    for (const [key, target] of entries) {
      if (typeof target === 'string') throw new Error(`${key}: expected { types, default }`)
      const js = join(out, target.default.replace(/^\.\/dist\//, ''))
      const dts = join(out, target.types.replace(/^\.\/dist\//, ''))
      expect(existsSync(dts)).toBe(true)
      const loaded = execFileSync(
        process.execPath,
        ['-e', `console.log(Object.keys(require(${JSON.stringify(js)})).length)`],
        {
          cwd: root
        }
      )
      expect(Number(loaded.toString())).toBeGreaterThan(0)
    }
  }, 60_000)

  it('runs the tripswitch bin from the build: generate, replay, and a sweep on worker threads', () => {
    const bin = join(out, pkg.bin['tripswitch']!.replace(/^\.\/dist\//, ''))
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
    const run = (args: ReadonlyArray<string>): string =>
      execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
    const trace = join(out, 'outage.jsonl')
    writeFileSync(join(out, 'five.json'), '{"failureThreshold": 5, "openFor": "5s"}')
    writeFileSync(join(out, 'grid.json'), '{"vary": {"failureThreshold": [3, 5], "openFor": ["5s", "30s"]}}')
    run(['generate', 'hard-outage', '--duration', '60000', '--out', trace])
    expect(run(['replay', trace, '--config', join(out, 'five.json')])).toMatch(/^ +five\ncalls +1200\n/)
    expect(run(['sweep', trace, '--grid', join(out, 'grid.json'), '--workers', '2', '--all'])).toMatch(
      /^4 configs, \d on the Pareto front/
    )
  }, 60_000)

  it('has a lock file that npm ci accepts as it is (package.json and package-lock.json agree)', () => {
    // --offline: the check reads only the two files and the cache, never the registry; npm exits
    // non-zero with "not in sync" when a dependency is missing from the lock or pinned differently.
    const run = spawnSync('npm', ['ci', '--dry-run', '--offline', '--no-audit', '--no-fund'], {
      cwd: root,
      encoding: 'utf8'
    })
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({
      status: 0,
      stderr: ''
    })
  }, 60_000)

  it('declares fp-ts and io-ts as peers and has no side effects', () => {
    expect(Object.keys(pkg.peerDependencies)).toEqual(expect.arrayContaining(['fp-ts', 'io-ts']))
    expect(pkg.sideEffects).toBe(false)
  })
})
