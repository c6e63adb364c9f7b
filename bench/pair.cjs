// Two builds of tripswitch in one process, measured interleaved, for a before/after comparison that
// the noise between runs cannot blur (see docs/performance.md, "The runtime rebuilt around the cell").
// Expects the current build in node_modules/.cache/tripswitch-bench (npx tsc -p bench/tsconfig.json)
// and an earlier one in node_modules/.cache/old-dist (npx tsc -p tsconfig.build.json --outDir ... in a
// worktree of the earlier commit). Usage: node bench/pair.cjs
'use strict'
const { join } = require('node:path')
const cache = join(__dirname, '..', 'node_modules', '.cache')
const NEW = require(join(cache, 'tripswitch-bench', 'src', 'index.js'))
const OLD = require(join(cache, 'old-dist', 'index.js'))
const TE = require('fp-ts/TaskEither')
const { circuitBreaker, ConsecutiveBreaker, handleAll } = require('cockatiel')

const succeed = async () => 1
const task = TE.tryCatch(succeed, String)
const forms = (L) => ({
  wrap: L.wrap(L.Breaker.make({ failureThreshold: 5, openFor: 30000 }, { name: 'x' })())(succeed),
  te: L.withBreaker(L.Breaker.make({ failureThreshold: 5, openFor: 30000 }, { name: 'y' })())(task)
})
const n = forms(NEW)
const o = forms(OLD)
const cb = circuitBreaker(handleAll, { halfOpenAfter: 30000, breaker: new ConsecutiveBreaker(5) })
const fns = {
  cockatiel: () => cb.execute(succeed),
  raw: succeed,
  rawTE: task,
  newWrap: n.wrap,
  oldWrap: o.wrap,
  newTE: n.te,
  oldTE: o.te
}
const N = 200_000
const time = async (f) => {
  const t0 = performance.now()
  for (let i = 0; i < N; i++) await f()
  return ((performance.now() - t0) * 1e6) / N
}
const main = async () => {
  const all = {}
  for (let r = 0; r < 15; r++) for (const [k, f] of Object.entries(fns)) (all[k] ??= []).push(await time(f))
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1]
  const m = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, med(v)]))
  const c = m.cockatiel - m.raw
  const ratio = (x, base) => ((x - base) / c).toFixed(2)
  console.log(
    Object.entries(m)
      .map(([k, v]) => `${k} ${v.toFixed(1)} ns`)
      .join('  ')
  )
  console.log(
    `overhead ratio to cockatiel's (${c.toFixed(1)} ns): wrap after ${ratio(m.newWrap, m.raw)} before ${ratio(m.oldWrap, m.raw)}; withBreaker after ${ratio(m.newTE, m.rawTE)} before ${ratio(m.oldTE, m.rawTE)}`
  )
}
main()
