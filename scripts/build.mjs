// Builds the published package: dist/cjs (CommonJS) and dist/esm (ES modules), each with its type
// declarations, declaration maps and source maps (which name the files of src/, shipped beside dist/).
//
// Two builds from one source, not an ES wrapper around the CommonJS build: a bundler can drop what an
// ES module does not use (io-ts, when the codecs are not imported), which it cannot do with CommonJS.
// The cost is the dual-package hazard: a program that loads tripswitch both through `require` and
// through `import` gets two copies of the modules. The guards (`isBreaker`, `isRegistry`,
// `isCircuitOpenError`, ...) recognize values of the other copy, so a breaker made by one copy works
// with the other's combinators; two copies never share a breaker, and nothing else is module state.
//
// tsc writes the relative imports of the ES build as they are in src (`'./Breaker'`); Node's ES loader
// needs them fully specified, so they are rewritten here to `'./Breaker.js'` (or `'./dir/index.js'`),
// in the modules and in their declarations. A specifier that names no emitted file fails the build.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = resolve(root, process.argv[2] ?? 'dist')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

rmSync(out, { recursive: true, force: true })
for (const [project, dir] of [
  ['tsconfig.build.json', 'cjs'],
  ['tsconfig.esm.json', 'esm']
]) {
  execFileSync(process.execPath, [tsc, '-p', project, '--outDir', join(out, dir)], {
    cwd: root,
    stdio: 'inherit'
  })
}
// Each build's own package scope, which tools read instead of the root package.json: its module
// format, `"sideEffects": false` (so that a bundler drops the modules an import does not use), and for
// the ES build `#fp-ts/*` (see below).
writeFileSync(
  join(out, 'cjs', 'package.json'),
  `${JSON.stringify({ type: 'commonjs', sideEffects: false }, null, 2)}\n`
)
const esm = {
  type: 'module',
  sideEffects: false,
  imports: { '#fp-ts/*': { module: 'fp-ts/*', default: 'fp-ts/lib/*.js' } }
}
writeFileSync(join(out, 'esm', 'package.json'), `${JSON.stringify(esm, null, 2)}\n`)

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })

const specifier = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?(?:\/[^'"]*)?)\2/g

for (const file of files(join(out, 'esm'))) {
  const declaration = file.endsWith('.d.ts')
  if (!declaration && !file.endsWith('.js')) continue
  const text = readFileSync(file, 'utf8')
  const fixed = text.replace(specifier, (match, keyword, quote, spec) => {
    if (/\.(c|m)?js$|\.json$/.test(spec)) return match
    const base = resolve(dirname(file), spec)
    const ext = declaration ? '.d.ts' : '.js'
    const full = existsSync(base + ext)
      ? `${spec}.js`
      : existsSync(join(base, `index${ext}`))
        ? `${spec.replace(/\/$/, '')}/index.js`
        : undefined
    if (full === undefined) throw new Error(`${file}: ${spec} names no emitted module`)
    return `${keyword}${quote}${full}${quote}`
  })
  // fp-ts has no "exports" map: Node's ES loader cannot import `fp-ts/Either` (a directory), while a
  // bundler resolves it to fp-ts's ES build. `#fp-ts/*` (dist/esm/package.json "imports") is `fp-ts/*` under
  // the "module" condition that bundlers set, and `fp-ts/lib/*.js` for Node.
  const mapped = declaration
    ? fixed
    : fixed.replace(/(\bfrom\s*|\bimport\s*\(\s*)(['"])fp-ts\//g, '$1$2#fp-ts/')
  if (mapped !== text) writeFileSync(file, mapped)
}
