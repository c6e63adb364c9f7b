/**
 * Per-call cost of the windowed strategies, side by side: count windows of 10, 1,000 and 100,000 calls
 * and time windows of 1 s, 1 min and 1 h, each measured as `Circuit.step` on a recorded outcome of a
 * closed circuit (the window records the call, the strategy is asked whether it trips).
 *
 * Run it alone with `npx tsx bench/windows.ts`; `npm run bench` calls `runWindowBench()` on the compiled
 * output. Under tsx every figure is higher (its module interop reads each namespace import through a
 * getter), but the cases stay side by side; the published figures are those of the compiled output
 * (`npx tsc -p bench/tsconfig.json && node node_modules/.cache/tripswitch-bench/bench/windows.js`).
 *
 * Method: every circuit is first driven through many times its window (so rings are full, have wrapped
 * and time windows have rotated), then measured in `reps` rounds; in each round every case runs one
 * batch of `batch` steps, in a freshly shuffled order, timed with `process.hrtime.bigint()`. A case's
 * figure is the median over the rounds of its nanoseconds per step. The outcomes are a fixed pseudo-
 * random sequence with 10 % failures and 10 % slow calls; the threshold is a rate of 1, so no circuit opens;
 * the clock advances 0.25 ms per call (4,000 calls per second), so a 1 s window moves to a new bucket
 * every 400 calls. Each case asserts that its circuit stayed closed and that its window is full.
 */
import * as Circuit from '../src/Circuit'
import * as D from '../src/Decision'
import * as Ev from '../src/Event'
import type * as S from '../src/State'
import * as Strategy from '../src/Strategy'
import * as W from '../src/Window'

// -------------------------------------------------------------------------------------
// cases
// -------------------------------------------------------------------------------------

interface Case {
  readonly name: string
  readonly strategy: Strategy.Strategy
  /** Calls that fill the window (for the warm-up). */
  readonly fill: number
}

// A threshold of 1: the window records and the rate is computed on every call, but it never trips.
const rate = (window: W.Window): Strategy.Strategy => Strategy.failureRate({ window, threshold: 1 })

const perSecond = 4_000
const dt = 1_000 / perSecond

const cases: ReadonlyArray<Case> = [
  { name: 'count window, 10 calls', strategy: rate(W.count(10)), fill: 10 },
  { name: 'count window, 1,000 calls', strategy: rate(W.count(1_000)), fill: 1_000 },
  { name: 'count window, 100,000 calls', strategy: rate(W.count(100_000)), fill: 100_000 },
  { name: 'time window, 1 s in 10 buckets', strategy: rate(W.time(1_000, 10)), fill: perSecond },
  { name: 'time window, 1 min in 60 buckets', strategy: rate(W.time(60_000, 60)), fill: 60 * perSecond },
  { name: 'time window, 1 h in 60 buckets', strategy: rate(W.time(3_600_000, 60)), fill: 3_600 * perSecond }
]

// -------------------------------------------------------------------------------------
// driving
// -------------------------------------------------------------------------------------

/** 1,024 outcome events of generation 0: 10 % failures, 10 % slow, in a fixed pseudo-random order. */
const events = (): ReadonlyArray<Ev.Outcome> => {
  const permit = D.permit(0)
  let seed = 0x2545f491
  return Array.from({ length: 1_024 }, () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    const r = (seed >>> 8) % 10
    return r === 0 ? Ev.failure(permit, 40) : Ev.success(permit, r === 1 ? 2_500 : 40)
  })
}

interface Runner {
  readonly name: string
  /** Runs `n` steps; the nanoseconds they took. */
  readonly run: (n: number) => number
  /** Throws unless the circuit is closed with a full window. */
  readonly check: () => void
}

const runner = (c: Case, outcomes: ReadonlyArray<Ev.Outcome>): Runner => {
  const circuit = Circuit.make({ strategy: c.strategy })
  let state: S.State = circuit.initial(0)
  let t = 0
  let i = 0
  const step = (n: number): void => {
    const step = circuit.step
    let s = state
    let now = t
    let k = i
    for (let j = 0; j < n; j++) {
      now += dt
      s = step(s, outcomes[k & 1023] as Ev.Outcome, now)
      k++
    }
    state = s
    t = now
    i = k
  }
  return {
    name: c.name,
    run: (n) => {
      const start = process.hrtime.bigint()
      step(n)
      return Number(process.hrtime.bigint() - start)
    },
    check: () => {
      if (state._tag !== 'Closed') throw new Error(`${c.name}: expected a closed circuit, got ${state._tag}`)
      const window = (c.strategy as Strategy.FailureRate).window
      const held = W.totals(window, state.tally as W.WindowState, t).calls
      const full =
        window._tag === 'CountWindow' ? window.size : (c.fill * (window.buckets - 1)) / window.buckets
      if (held < full) throw new Error(`${c.name}: expected a full window (${full} calls), got ${held}`)
    }
  }
}

const warmUp = (c: Case): number => {
  const window = (c.strategy as Strategy.FailureRate).window
  return window._tag === 'CountWindow' ? 3 * c.fill : c.fill + (2 * c.fill) / window.buckets
}

const shuffle = <A>(xs: ReadonlyArray<A>, seed: number): ReadonlyArray<A> => {
  const out = [...xs]
  let a = seed >>> 0
  for (let i = out.length - 1; i > 0; i--) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0
    const j = a % (i + 1)
    const tmp = out[i] as A
    out[i] = out[j] as A
    out[j] = tmp
  }
  return out
}

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

// -------------------------------------------------------------------------------------
// the benchmark
// -------------------------------------------------------------------------------------

/** Options of `runWindowBench`: repetitions, steps per batch, and the shuffle's seed. */
export interface WindowBenchOptions {
  readonly reps?: number
  readonly batch?: number
  readonly seed?: number
}

/**
 * Nanoseconds per `step` on a recorded outcome, per window, as medians over shuffled repetitions.
 */
export const runWindowBench = async (
  options: WindowBenchOptions = {}
): Promise<ReadonlyArray<{ readonly name: string; readonly nsPerOp: number }>> => {
  const reps = options.reps ?? 21
  const batch = options.batch ?? 200_000
  const seed = options.seed ?? 42
  const outcomes = events()
  const runners = cases.map((c) => runner(c, outcomes))
  // warm-up: fill every window over (count rings wrap three times, time windows rotate through all their
  // buckets), and let the JIT settle
  cases.forEach((c, k) => runners[k]?.run(Math.max(warmUp(c), 4 * batch)))
  for (const r of shuffle(runners, seed)) r.run(batch)
  runners.forEach((r) => r.check())
  const samples = new Map<string, Array<number>>(runners.map((r) => [r.name, []]))
  for (let rep = 0; rep < reps; rep++) {
    for (const r of shuffle(runners, seed + rep + 1)) samples.get(r.name)?.push(r.run(batch) / batch)
    // let the event loop breathe between rounds, as the main bench does
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  runners.forEach((r) => r.check())
  return runners.map((r) => ({ name: r.name, nsPerOp: median(samples.get(r.name) ?? []) }))
}

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

const main = async (): Promise<void> => {
  const figures = await runWindowBench()
  const fastest = Math.min(...figures.map((f) => f.nsPerOp))
  const width = Math.max(...figures.map((f) => f.name.length))
  console.log(`Circuit.step on a recorded outcome, closed circuit, node ${process.version}`)
  console.log(`${'window'.padEnd(width)}  ns/call  vs fastest`)
  for (const f of figures) {
    console.log(
      `${f.name.padEnd(width)}  ${f.nsPerOp.toFixed(1).padStart(7)}  ${(f.nsPerOp / fastest).toFixed(2)}x`
    )
  }
  const slowest = Math.max(...figures.map((f) => f.nsPerOp))
  console.log(`slowest / fastest: ${(slowest / fastest).toFixed(2)}x (target: at most 1.20x)`)
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
