/**
 * The published package, as a user gets it: `npm pack` of a clean copy of the sources (no dist/; the
 * `prepare` script builds it, as on a git-dependency install), installed into a scratch consumer with
 * the project's fp-ts, io-ts, retry-ts and prom-client as its peers. Then Node imports and requires
 * every entry, TypeScript type-checks consumers under each `moduleResolution`, esbuild bundles
 * `withBreaker`, and a stack trace resolves through the shipped source maps.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = join(__dirname, '..')
interface Conditions {
  readonly types: string
  readonly default: string
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  readonly exports: Record<string, string | { readonly import: Conditions; readonly require: Conditions }>
  readonly typesVersions: Record<string, Record<string, ReadonlyArray<string>>>
  readonly sideEffects: boolean
  readonly peerDependencies: Record<string, string>
  readonly bin: Readonly<Record<string, string>>
}
const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json')
const specifiers = subpaths.map((key) => (key === '.' ? 'tripswitch' : `tripswitch/${key.slice(2)}`))

const run = (command: string, args: ReadonlyArray<string>, cwd: string): string => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`
    )
  }
  return result.stdout
}
const node = (args: ReadonlyArray<string>, cwd: string): string => run(process.execPath, args, cwd)

describe('Package', () => {
  let scratch = ''
  let app = ''
  let packed: ReadonlyArray<string> = []

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'tripswitch-package-'))
    // a clean checkout: what git tracks (and new files it would), without dist/ or node_modules/
    const clone = join(scratch, 'clone')
    const tracked = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], root)
    for (const file of tracked.split('\0').filter((f) => f !== '' && existsSync(join(root, f)))) {
      mkdirSync(dirname(join(clone, file)), { recursive: true })
      copyFileSync(join(root, file), join(clone, file))
    }
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir')
    expect(existsSync(join(clone, 'dist'))).toBe(false)
    const [report] = JSON.parse(
      run('npm', ['pack', '--json', '--pack-destination', scratch, '--no-fund', '--no-audit'], clone)
    ) as ReadonlyArray<{
      readonly filename: string
      readonly files: ReadonlyArray<{ readonly path: string }>
    }>
    packed = report!.files.map((f) => f.path)
    // the consumer: its peers are the project's, one directory up, as a hoisted install has them
    mkdirSync(join(scratch, 'node_modules', '@types'), { recursive: true })
    for (const peer of ['fp-ts', 'io-ts', 'retry-ts', 'prom-client', 'typescript', '@types/node']) {
      symlinkSync(join(root, 'node_modules', peer), join(scratch, 'node_modules', peer), 'dir')
    }
    app = join(scratch, 'app')
    mkdirSync(app)
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
    run(
      'npm',
      [
        'install',
        '--offline',
        '--ignore-scripts',
        '--legacy-peer-deps',
        '--no-audit',
        '--no-fund',
        join(scratch, report!.filename)
      ],
      app
    )
  }, 120_000)
  afterAll(() => {
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true })
  })

  const installed = (path: string): string => join(app, 'node_modules', 'tripswitch', path)

  it('packs a clean checkout with both builds of every entry, their types, and the sources', () => {
    for (const key of subpaths) {
      const target = pkg.exports[key]!
      if (typeof target === 'string') throw new Error(`${key}: expected { import, require }`)
      for (const file of [
        target.import.types,
        target.import.default,
        target.require.types,
        target.require.default
      ]) {
        expect(packed).toContain(file.replace(/^\.\//, ''))
      }
    }
    expect(packed).toContain('src/index.ts')
    expect(packed).toContain('dist/esm/package.json')
    expect(packed.filter((f) => f.startsWith('node_modules/') || f.startsWith('__tests__/'))).toEqual([])
  })

  it('imports every entry as ES modules and requires every entry as CommonJS', () => {
    const esm = specifiers.map((s, i) => `import * as m${i} from '${s}'`).join('\n')
    writeFileSync(
      join(app, 'entries.mjs'),
      `${esm}\nconsole.log(JSON.stringify([${specifiers.map((_, i) => `Object.keys(m${i}).length`).join(', ')}]))\n`
    )
    writeFileSync(
      join(app, 'entries.cjs'),
      `console.log(JSON.stringify([${specifiers.map((s) => `Object.keys(require('${s}')).length`).join(', ')}]))\n`
    )
    const imported = JSON.parse(node(['entries.mjs'], app)) as ReadonlyArray<number>
    const required = JSON.parse(node(['entries.cjs'], app)) as ReadonlyArray<number>
    expect(imported.every((n) => n > 0)).toBe(true)
    expect(imported).toEqual(required)
  })

  it('runs a breaker from an ES module: withBreaker opens it, and the test clock lets a probe through', () => {
    writeFileSync(
      join(app, 'run.mjs'),
      `import { Breaker, withBreaker, isCircuitOpenError } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
const clock = testClock()
const breaker = Breaker.make({ failureThreshold: 1, openFor: 1000 }, { name: 'esm', clock: clock.now })()
const guard = withBreaker(breaker)
const failed = await guard(async () => ({ _tag: 'Left', left: 'down' }))()
const rejected = await guard(async () => ({ _tag: 'Right', right: 1 }))()
clock.advance(1000)
const probed = await guard(async () => ({ _tag: 'Right', right: 2 }))()
console.log(JSON.stringify([failed.left, isCircuitOpenError(rejected.left), probed.right, breaker.state()._tag]))
`
    )
    expect(JSON.parse(node(['run.mjs'], app))).toEqual(['down', true, 2, 'Closed'])
  })

  it('lets a breaker made through require be used by the ES build (the dual-package hazard)', () => {
    writeFileSync(
      join(app, 'dual.mjs'),
      `import { createRequire } from 'node:module'
import { Breaker, wrap, isCircuitOpenError } from 'tripswitch'
const required = createRequire(import.meta.url)('tripswitch')
const breaker = required.Breaker.make({ failureThreshold: 1 }, { name: 'cjs-made' })()
const call = wrap(breaker)(async () => { throw new Error('down') })
await call().catch(() => undefined)
const rejection = await call().catch((e) => e)
console.log(JSON.stringify([Breaker.isBreaker(breaker), isCircuitOpenError(rejection), required.isCircuitOpenError(rejection), breaker.state()._tag]))
`
    )
    expect(JSON.parse(node(['dual.mjs'], app))).toEqual([true, true, true, 'Open'])
  })

  // One consumer, type-checked as CommonJS and as an ES module under every moduleResolution. The
  // `@ts-expect-error` lines fail the check if the declarations resolved to `any`.
  const consumer = (
    fpTs: string
  ): string => `import { Breaker, type CircuitOpenError, withBreaker, wrap } from 'tripswitch'
import { testClock, type TestClock } from 'tripswitch/testing'
import { exporter, type Exporter } from 'tripswitch/prometheus'
import { RedisStore } from 'tripswitch/redis'
import type { TaskEither } from '${fpTs}'
import type { IO } from '${fpTs.replace('TaskEither', 'IO')}'

declare const call: TaskEither<string, number>
const clock: TestClock = testClock()
export const breaker: Breaker.Breaker = Breaker.make({ failureThreshold: 1 }, { name: 'ts', clock: clock.now })()
export const guarded: TaskEither<string | CircuitOpenError, number> = withBreaker(breaker)(call)
// @ts-expect-error the guarded call may be rejected with a CircuitOpenError
export const unguarded: TaskEither<string, number> = withBreaker(breaker)(call)
export const get: (id: string) => Promise<number> = wrap(breaker)(async (id: string) => id.length)
// @ts-expect-error wrap keeps the parameters
export const bad: (id: number) => Promise<number> = wrap(breaker)(async (id: string) => id.length)
export const metrics: IO<Exporter> = exporter(breaker)
// @ts-expect-error a test clock's time is a number
export const time: string = clock.now()
export const fleet: (options: RedisStore.Options) => RedisStore.RedisStore = RedisStore.make
// @ts-expect-error a store needs a client
export const noClient: RedisStore.RedisStore = RedisStore.make({})
`
  const modes: ReadonlyArray<{
    readonly name: string
    readonly options: Record<string, unknown>
    readonly files: Record<string, string>
  }> = [
    {
      name: 'node16',
      options: { module: 'node16', moduleResolution: 'node16' },
      files: { 'esm.mts': 'fp-ts/lib/TaskEither.js', 'cjs.cts': 'fp-ts/TaskEither' }
    },
    {
      name: 'nodenext',
      options: { module: 'nodenext', moduleResolution: 'nodenext' },
      files: { 'esm.mts': 'fp-ts/lib/TaskEither.js', 'cjs.cts': 'fp-ts/TaskEither' }
    },
    {
      name: 'bundler',
      options: { module: 'esnext', moduleResolution: 'bundler' },
      files: { 'bundled.ts': 'fp-ts/TaskEither' }
    },
    {
      name: 'node10',
      options: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' },
      files: { 'legacy.ts': 'fp-ts/TaskEither' }
    }
  ]

  // Each mode is a compiler process of its own; they run side by side.
  const typeCheck = ({ name, options, files }: (typeof modes)[number]): Promise<string> => {
    const dir = join(app, `ts-${name}`)
    mkdirSync(dir)
    for (const [file, fpTs] of Object.entries(files)) writeFileSync(join(dir, file), consumer(fpTs))
    const compilerOptions = {
      ...options,
      target: 'ES2022',
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      types: ['node'],
      // a declaration that resolves to nothing under a mode turns its types into `any`, which the
      // `@ts-expect-error` lines catch; checking all of @types/node four times would cost ~30 s
      skipLibCheck: true
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: Object.keys(files) }))
    return new Promise((done) => {
      execFile(
        process.execPath,
        [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'],
        { cwd: dir, encoding: 'utf8' },
        (error, stdout, stderr) => done(error === null ? 'ok' : `${String(error.code)}: ${stdout}${stderr}`)
      )
    })
  }

  it('type-checks a TypeScript consumer with moduleResolution node16, nodenext, bundler and node10', async () => {
    const results = await Promise.all(modes.map(typeCheck))
    expect(Object.fromEntries(modes.map(({ name }, i) => [name, results[i]]))).toEqual({
      node16: 'ok',
      nodenext: 'ok',
      bundler: 'ok',
      node10: 'ok'
    })
  }, 60_000)

  it('maps a stack trace into a shipped source file', () => {
    writeFileSync(
      join(app, 'trace.cjs'),
      `const { Breaker } = require('tripswitch')
try { Breaker.make({ failureThreshold: -1 })() } catch (e) { console.log(e.stack) }
`
    )
    const stack = node(['--enable-source-maps', 'trace.cjs'], app)
    const frames = [...stack.matchAll(/node_modules\/tripswitch\/(src\/[\w/]+\.ts):\d+/g)].map((m) => m[1]!)
    expect(frames.length).toBeGreaterThan(0)
    for (const file of frames) expect(existsSync(installed(file))).toBe(true)
  })

  it('names in every source map only files that are shipped', () => {
    const maps = packed.filter((f) => f.endsWith('.map'))
    expect(maps.length).toBeGreaterThan(0)
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(installed(map), 'utf8')) as {
        readonly sources: ReadonlyArray<string>
      }
      for (const source of sources) expect(existsSync(join(dirname(installed(map)), source))).toBe(true)
    }
  })

  it('resolves the subpaths under node10 through typesVersions', () => {
    for (const key of subpaths.filter((k) => k !== '.')) {
      const [target] = pkg.typesVersions['*']![key.slice(2)]!
      expect(packed).toContain(target!.replace(/^\.\//, ''))
    }
  })

  /** An esbuild bundle (minified ES module) of `code` in the consumer: its sizes, and the modules in it. */
  const bundle = async (
    code: string
  ): Promise<{ readonly inputs: ReadonlyArray<string>; readonly min: number; readonly gzip: number }> => {
    writeFileSync(join(app, 'bundle.mjs'), code)
    const result = await build({
      absWorkingDir: app,
      entryPoints: ['bundle.mjs'],
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent'
    })
    // the modules of which something is in the bundle (metafile.inputs also lists those shaken off)
    const inputs = Object.values(result.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path)
    )
    const [out] = result.outputFiles
    return { inputs, min: out!.contents.length, gzip: gzipSync(out!.contents).length }
  }

  // what the runtime never reaches: the io-ts codecs (src/codecs/, ConfigCodec) and io-ts itself
  const codecs = ['node_modules/io-ts/', '/codecs/', 'ConfigCodec.js']

  it.each([
    // the figures of docs/performance.md (62.2 KB and 72.5 KB minified), held to a budget with headroom
    ['withBreaker', 'TaskEither.js', ['Decorator.js', 'Wrap.js', 'retry-ts'], 68_000, 23_000],
    ['wrap', 'Wrap.js', ['Decorator.js'], 79_000, 26_000]
  ])(
    'bundles %s alone without io-ts, into a few kilobytes (esbuild, minified ES module)',
    async (name, module, unreached, maxMin, maxGzip) => {
      const { inputs, min, gzip } = await bundle(
        `import { ${name} } from 'tripswitch'\nexport const g = ${name}\n`
      )
      // the ES build, with fp-ts's ES build (through #fp-ts/*); nothing of the CommonJS one
      expect(inputs.some((i) => i.includes(`tripswitch/dist/esm/${module}`))).toBe(true)
      expect(inputs.filter((i) => i.includes('/dist/cjs/') || i.includes('fp-ts/lib/'))).toEqual([])
      expect(inputs.some((i) => i.includes('fp-ts/es6/'))).toBe(true)
      // what it does not reach stays out: the registry, the subpaths, and every codec with io-ts
      for (const unused of [...codecs, ...unreached, 'Registry.js', 'prometheus/', 'testing/']) {
        expect(inputs.filter((i) => i.includes(unused))).toEqual([])
      }
      expect(min).toBeLessThan(maxMin)
      expect(gzip).toBeLessThan(maxGzip)
    }
  )

  it('bundles io-ts only with a codec: decodeConfig carries none, Strategy.Strategy does', async () => {
    const decoder = await bundle(`import { decodeConfig } from 'tripswitch'\nexport const d = decodeConfig\n`)
    expect(decoder.inputs.some((i) => i.includes('tripswitch/dist/esm/ConfigCodec.js'))).toBe(true)
    expect(decoder.inputs.filter((i) => i.includes('node_modules/io-ts/'))).toEqual([])
    const codec = await bundle(`import { Strategy } from 'tripswitch'\nexport const c = Strategy.Strategy\n`)
    expect(codec.inputs.some((i) => i.includes('node_modules/io-ts/'))).toBe(true)
    expect(codec.inputs.some((i) => i.includes('tripswitch/dist/esm/codecs/Strategy.js'))).toBe(true)
  })

  it('runs the tripswitch bin from the build: generate, replay, and a sweep on worker threads', () => {
    const bin = installed(pkg.bin['tripswitch']!.replace(/^\.\//, ''))
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
    const run = (args: ReadonlyArray<string>): string =>
      execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
    const trace = join(app, 'outage.jsonl')
    writeFileSync(join(app, 'five.json'), '{"failureThreshold": 5, "openFor": "5s"}')
    writeFileSync(join(app, 'grid.json'), '{"vary": {"failureThreshold": [3, 5], "openFor": ["5s", "30s"]}}')
    run(['generate', 'hard-outage', '--duration', '60000', '--out', trace])
    expect(run(['replay', trace, '--config', join(app, 'five.json')])).toMatch(/^ +five\ncalls +1200\n/)
    expect(run(['sweep', trace, '--grid', join(app, 'grid.json'), '--workers', '2', '--all'])).toMatch(
      /^4 configs, \d on the Pareto front/
    )
  }, 60_000)

  it('has a lock file that npm ci accepts as it is (package.json and package-lock.json agree)', () => {
    // --offline: the check reads only the two files and the cache, never the registry; npm exits
    // non-zero with "not in sync" when a dependency is missing from the lock or pinned differently.
    const result = spawnSync('npm', ['ci', '--dry-run', '--offline', '--no-audit', '--no-fund'], {
      cwd: root,
      encoding: 'utf8'
    })
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
      status: 0,
      stderr: ''
    })
  }, 60_000)

  it('declares fp-ts and io-ts as peers and has no side effects', () => {
    expect(Object.keys(pkg.peerDependencies)).toEqual(expect.arrayContaining(['fp-ts', 'io-ts']))
    expect(pkg.sideEffects).toBe(false)
  })
})
