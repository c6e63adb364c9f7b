/**
 * Bytes allocated per call: deterministic where timings are not (a shared, loaded machine moves
 * nanoseconds, not bytes).
 *
 * `measureAlloc` starts one child process per contender (`node --expose-gc --min-semi-space-size=64
 * --max-semi-space-size=64 alloc.js <scenario> <contender>`), so that no contender's feedback or
 * garbage reaches another. The child warms the contender up (its code is optimized by then), then in
 * each of `rounds` rounds collects garbage, makes `calls` awaited calls and reads the heap again: with a
 * young generation larger than what the calls allocate, no collection runs in between, and the growth
 * of the heap is what they allocated. A round during which a collection did run (seen by a `gc`
 * performance observer) is discarded. The figure is the smallest clean round's bytes per call (the
 * rounds differ by a few bytes of the engine's own, never by the contender's work). The loop that
 * awaits each call allocates too: the raw call's figure includes it, so "over raw" is what a breaker adds.
 *
 * Run one scenario alone: `node node_modules/.cache/tripswitch-bench/bench/index.js --only=alloc`.
 */
import { PerformanceObserver } from 'node:perf_hooks'
import { childReport, collect } from './harness'
import { closedSuccess, closedTenPercent, rateScenario, type Scenario } from './contenders'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The scenarios whose contenders are measured, by the key a child is given. */
export const allocScenarios = {
  closed: closedSuccess,
  tenPercent: closedTenPercent,
  rate: () => rateScenario(false),
  rateTenPercent: () => rateScenario(true)
} as const satisfies Readonly<Record<string, () => Scenario>>

/** @internal A scenario's key. */
export type AllocScenario = keyof typeof allocScenarios

/** What one child reports. */
export interface Alloc {
  readonly scenario: string
  readonly contender: string
  /** Bytes allocated per call: the smallest clean round's. */
  readonly bytesPerCall: number
  /** Every round's figure (`NaN` where a collection ran during the round). */
  readonly rounds: ReadonlyArray<number>
  readonly state: { readonly before: string; readonly after: string }
}

// -------------------------------------------------------------------------------------
// child
// -------------------------------------------------------------------------------------

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const child = async (key: AllocScenario, name: string, calls: number, rounds: number): Promise<void> => {
  const scenario = allocScenarios[key]()
  const c = scenario.contenders.find((x) => x.name === name)
  if (c === undefined) {
    throw new Error(
      `alloc: expected a contender of ${key} (${scenario.contenders.map((x) => x.name).join(', ')}), got ${name}`
    )
  }
  // when each collection started (entries arrive later, so each round is judged once they are in)
  const collections: Array<number> = []
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) collections.push(e.startTime)
  })
  observer.observe({ entryTypes: ['gc'] })
  const before = c.state()
  for (let i = 0; i < 200_000; i++) await c.call()
  const spans: Array<readonly [number, number, number]> = []
  for (let r = 0; r < rounds; r++) {
    collect('alloc')
    await tick()
    const t0 = performance.now()
    const heap0 = process.memoryUsage().heapUsed
    for (let i = 0; i < calls; i++) await c.call()
    const heap1 = process.memoryUsage().heapUsed
    spans.push([t0, performance.now(), (heap1 - heap0) / calls])
  }
  await tick()
  await tick()
  const figures = spans.map(([t0, t1, bytes]) => (collections.some((t) => t >= t0 && t <= t1) ? NaN : bytes))
  observer.disconnect()
  const clean = figures.filter((f) => !Number.isNaN(f))
  const report: Alloc = {
    scenario: scenario.name,
    contender: name,
    bytesPerCall: clean.length === 0 ? NaN : Math.min(...clean),
    rounds: figures,
    state: { before, after: c.state() }
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
}

// -------------------------------------------------------------------------------------
// parent
// -------------------------------------------------------------------------------------

/** Runs the child for one contender of a scenario and returns its report. */
export const measureAlloc = (
  key: AllocScenario,
  contender: string,
  calls = 20_000,
  rounds = 7
): Promise<Alloc> =>
  childReport(
    __filename,
    ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'],
    [key, contender, String(calls), String(rounds)],
    `alloc child for ${key} / ${contender}`
  )

/** Every contender of every scenario, one child each. */
export const measureAllocs = async (progress: (line: string) => void): Promise<ReadonlyArray<Alloc>> => {
  const out: Array<Alloc> = []
  for (const key of Object.keys(allocScenarios) as ReadonlyArray<AllocScenario>) {
    for (const c of allocScenarios[key]().contenders) {
      progress(`alloc: ${key} / ${c.name}`)
      out.push(await measureAlloc(key, c.name))
    }
  }
  return out
}

if (require.main === module) {
  const [key, contender, calls, rounds] = process.argv.slice(2)
  if (key === undefined || !(key in allocScenarios) || contender === undefined) {
    throw new Error(
      `alloc: expected a scenario (${Object.keys(allocScenarios).join(', ')}) and a contender, got ${key} ${contender}`
    )
  }
  void child(key as AllocScenario, contender, Number(calls ?? 20_000), Number(rounds ?? 7))
}
