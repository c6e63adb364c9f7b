/**
 * Replay and tuning throughput (tripswitch/replay): a 1,000,000-call trace replayed through one config
 * with its parsing included (target: under 2 s), a sweep of 100 configs over that trace on 1 worker
 * thread and on every core, and the recorder's cost per call on a live breaker.
 *
 * Run it alone with `npx tsc -p bench/tsconfig.json && node node_modules/.cache/tripswitch-bench/bench/replay.js`
 * (`--quick` for a smaller smoke run); `npm run bench -- --only=replay` runs it within the bench.
 *
 * Method: the trace is a canonical `flapping` trace at 1,000 calls a second for 1,000 s (1,000,000
 * calls, 20 s down in every 40 s), as text (about 40 MB). Replay: `Trace.parse` of the text, then
 * `Replay.prepare` and `Replay.replay` through `{ failureThreshold: 5, openFor: '10s' }`; the median
 * of 5 runs (3 with `--quick`), each timed with `process.hrtime.bigint()`. Sweep: 100 configs (5
 * thresholds x 4 open durations x 5 half-open probe counts), each worker parsing its own copy of the
 * text; one run per worker count. Recorder: `wrapSync` around `() => 1` on a closed breaker, 1,000,000
 * calls, with no listener, with an empty listener subscribed (the runtime's cost of listening: every
 * call timed, its event made) and with a recorder whose sink drops the text (the cost of recording,
 * not of a disk); the median of 5 rounds.
 */
import * as os from 'node:os'
import * as E from 'fp-ts/Either'
import * as Breaker from '../src/Breaker'
import { wrapSync } from '../src/Wrap'
import * as Generate from '../src/replay/Generate'
import * as Recorder from '../src/replay/Recorder'
import * as Replay from '../src/replay/Replay'
import * as Sweep from '../src/replay/Sweep'
import * as Trace from '../src/replay/Trace'

/** What the replay bench found. */
export interface ReplayFigures {
  readonly calls: number
  readonly bytes: number
  /** Median ms for parse + prepare + replay, and each part. */
  readonly totalMs: number
  /** The fastest run's ms for parse + prepare + replay (on a busy machine, nearer the uncontended cost). */
  readonly bestMs: number
  readonly parseMs: number
  readonly prepareMs: number
  readonly replayMs: number
  readonly callsPerSecond: number
  /** Sweep wall-clock ms by worker count. */
  readonly sweep: ReadonlyArray<{ readonly workers: number; readonly configs: number; readonly ms: number }>
  /** ns per call of `wrapSync` without a listener, with an empty one, and with a recorder. */
  readonly recorder: { readonly none: number; readonly empty: number; readonly recording: number }
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const nsPerCall = (f: () => number, calls: number): number => {
  const start = process.hrtime.bigint()
  let sum = 0
  for (let i = 0; i < calls; i++) sum += f()
  if (sum !== calls) throw new Error('the guarded function did not run')
  return Number(process.hrtime.bigint() - start) / calls
}

const recorderCost = (calls: number, rounds: number): ReplayFigures['recorder'] => {
  const make = (listen: 'none' | 'empty' | 'recording') => {
    const b = Breaker.unsafeMake({}, { name: 'bench' })
    if (listen === 'empty') b.subscribe(() => undefined)
    if (listen === 'recording')
      b.subscribe(Recorder.make({ maxLines: Infinity, maxBytes: Infinity, write: () => undefined }).listener)
    return wrapSync(b)(() => 1)
  }
  const cases = { none: make('none'), empty: make('empty'), recording: make('recording') }
  const figures: Record<keyof typeof cases, Array<number>> = { none: [], empty: [], recording: [] }
  for (let r = 0; r < rounds + 1; r++) {
    for (const key of Object.keys(cases) as ReadonlyArray<keyof typeof cases>) {
      const ns = nsPerCall(cases[key], calls)
      if (r > 0) figures[key].push(ns) // the first round warms up
    }
  }
  return { none: median(figures.none), empty: median(figures.empty), recording: median(figures.recording) }
}

/** Runs the replay bench; `quick` for a smoke run on a smaller trace. */
export const runReplayBench = async (
  options: { readonly quick?: boolean; readonly progress?: (s: string) => void } = {}
): Promise<ReplayFigures> => {
  const quick = options.quick === true
  const progress = options.progress ?? ((s: string) => process.stderr.write(`${s}\n`))
  const duration = quick ? 100_000 : 1_000_000
  const g = Generate.trace('flapping', { rate: 1_000, duration })
  const text = Trace.format(g.header, g.lines)
  progress(`replay: a ${g.lines.length}-call trace (${(text.length / 1e6).toFixed(0)} MB)`)
  const config = { failureThreshold: 5, openFor: 10_000 }
  const runs: Array<{ parse: number; prepare: number; replay: number }> = []
  for (let r = 0; r < (quick ? 3 : 5); r++) {
    let start = process.hrtime.bigint()
    const parsed = Trace.parse(text)
    const parse = ms(start)
    if (E.isLeft(parsed) || parsed.right.errors.length > 0)
      throw new Error('replay bench: the trace did not parse')
    start = process.hrtime.bigint()
    const prepared = Replay.prepare(parsed.right.trace)
    const prepare = ms(start)
    start = process.hrtime.bigint()
    const result = Replay.replay(prepared, config)
    const replay = ms(start)
    if (result.figures.calls !== g.lines.length || result.figures.trips === 0) {
      throw new Error('replay bench: the replay did not see every call trip the circuit')
    }
    runs.push({ parse, prepare, replay })
  }
  const totals = runs.map((r) => r.parse + r.prepare + r.replay)
  const totalMs = median(totals)

  const points = Sweep.grid({
    vary: {
      failureThreshold: [2, 3, 5, 10, 20],
      openFor: ['5s', '10s', '20s', '30s'],
      halfOpenProbes: quick ? [1] : [1, 2, 3, 4, 5]
    }
  })
  if (E.isLeft(points)) throw points.left
  const sweep: Array<{ workers: number; configs: number; ms: number }> = []
  const cores = os.availableParallelism()
  for (const workers of [...new Set([1, cores])]) {
    progress(`replay: a sweep of ${points.right.length} configs on ${workers} worker thread(s)`)
    const start = process.hrtime.bigint()
    const { outcomes } = await Sweep.run(text, points.right, { workers })
    sweep.push({ workers, configs: outcomes.length, ms: ms(start) })
  }

  progress('replay: the recorder on a live breaker')
  const recorder = recorderCost(quick ? 200_000 : 1_000_000, 5)

  return {
    calls: g.lines.length,
    bytes: text.length,
    totalMs,
    bestMs: Math.min(...totals),
    parseMs: median(runs.map((r) => r.parse)),
    prepareMs: median(runs.map((r) => r.prepare)),
    replayMs: median(runs.map((r) => r.replay)),
    callsPerSecond: g.lines.length / (totalMs / 1_000),
    sweep,
    recorder
  }
}

/** The figures as the bench prints them. */
export const describe = (f: ReplayFigures): string => {
  const one = f.sweep[0]
  return [
    `replay: ${f.calls} calls (${(f.bytes / 1e6).toFixed(0)} MB of trace), parse + prepare + replay in ${f.totalMs.toFixed(0)} ms (median; best ${f.bestMs.toFixed(0)} ms; target < 2000 ms): ${(f.callsPerSecond / 1e6).toFixed(2)} M calls/s`,
    `  parse ${f.parseMs.toFixed(0)} ms, prepare ${f.prepareMs.toFixed(0)} ms, replay ${f.replayMs.toFixed(0)} ms`,
    ...f.sweep.map(
      (s) =>
        `sweep: ${s.configs} configs on ${s.workers} worker thread(s): ${(s.ms / 1_000).toFixed(1)} s${one === undefined || s === one ? '' : ` (${(one.ms / s.ms).toFixed(2)}x of 1 thread)`}`
    ),
    `recorder: wrapSync per call ${f.recorder.none.toFixed(0)} ns without a listener, ${f.recorder.empty.toFixed(0)} ns with an empty one, ${f.recorder.recording.toFixed(0)} ns recording (${(f.recorder.recording - f.recorder.empty).toFixed(0)} ns for the recorder itself)`
  ].join('\n')
}

if (require.main === module) {
  runReplayBench({ quick: process.argv.includes('--quick') }).then(
    (f) => process.stdout.write(`${describe(f)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exitCode = 1
    }
  )
}
