/**
 * Sweep: replay a trace through every config of a grid, on the machine's cores, and keep the Pareto
 * front of "calls into failure" against "false rejections" and "recovery delay".
 *
 * A grid document is `{ "base": {config}, "vary": { "<config key>": [value, ...], ... } }`: every
 * combination of the listed values (the cartesian product, in the order written), each merged over
 * `base`, is one config document, decoded by `ConfigCodec.decodeConfig` (so durations may be strings
 * such as `"10s"`, and strategies and backoffs are data). A grid has at most `maxPoints` configs; a
 * config that does not decode is an error naming the point and the problem.
 *
 * The replays run in worker threads (`node:worker_threads`), each replaying its share of the
 * configs over its own copy of the parsed trace; with `workers: 0` they run on the caller's thread.
 * The front keeps each config that no other config beats on all three figures at once (at most
 * equal on each and lower on one).
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as os from 'node:os'
import * as path from 'node:path'
import { Worker } from 'node:worker_threads'
import { array, nonEmpty, record, report, struct, unknown } from '../codec'
import { ConfigError } from '../Config'
import { decodeConfig } from '../ConfigCodec'
import * as Replay from './Replay'
import * as Trace from './Trace'
import type * as Truth from './Truth'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One config of a grid: its name (`key=value` pairs of what varies) and its document.
 *
 * @category model
 * @since 0.1.0
 */
export interface Point {
  readonly name: string
  readonly config: Readonly<Record<string, unknown>>
}

/**
 * A config's figures in a sweep, and whether it is on the Pareto front.
 *
 * @category model
 * @since 0.1.0
 */
export interface Outcome {
  readonly point: Point
  readonly figures: Replay.Figures
  readonly front: boolean
}

/**
 * What a sweep found: each config's outcome, in the grid's order, and the problems of the trace's
 * lines that were left out (see `Trace.parse`).
 *
 * @category model
 * @since 0.1.0
 */
export interface Result {
  readonly outcomes: ReadonlyArray<Outcome>
  readonly errors: ReadonlyArray<string>
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Options extends Truth.Options {
  /** Worker threads (default: the machine's cores, at most the number of configs); `0` runs inline. */
  readonly workers?: number
}

/**
 * The most configs a grid may have.
 *
 * @category model
 * @since 0.1.0
 */
export const maxPoints = 10_000

// -------------------------------------------------------------------------------------
// grids
// -------------------------------------------------------------------------------------

const GridDocument = struct(
  'a sweep grid',
  {
    vary: record(
      'an object of config keys to lists of values',
      nonEmpty('a non-empty list of values', array(unknown))
    )
  },
  { base: record('a config document', unknown) },
  []
)

const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/**
 * The configs of a grid document, each checked by the config codec.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Sweep } from 'tripswitch/replay'
 * const points = Sweep.grid({ base: { openFor: '10s' }, vary: { failureThreshold: [3, 5], halfOpenProbes: [1, 2] } })
 * assert.ok(E.isRight(points))
 * assert.deepStrictEqual(points.right.map((p) => p.name), [
 *   'failureThreshold=3 halfOpenProbes=1',
 *   'failureThreshold=3 halfOpenProbes=2',
 *   'failureThreshold=5 halfOpenProbes=1',
 *   'failureThreshold=5 halfOpenProbes=2'
 * ])
 *
 * @category grids
 * @since 0.1.0
 */
export const grid = (input: unknown): E.Either<ConfigError, ReadonlyArray<Point>> => {
  const doc = GridDocument.decode(input)
  if (E.isLeft(doc)) return E.left(new ConfigError(report(doc.left, 'grid')))
  const { vary } = doc.right
  const base = doc.right.base ?? {}
  const keys = Object.keys(vary)
  const size = keys.reduce((n, k) => n * vary[k]!.length, 1)
  if (size > maxPoints) {
    return E.left(new ConfigError([`grid: ${size} configs, expected at most ${maxPoints}`]))
  }
  const points: Array<Point> = []
  const problems: Array<string> = []
  for (let index = 0; index < size; index++) {
    const config: Record<string, unknown> = { ...base }
    const name: Array<string> = []
    let rest = index
    for (let j = keys.length - 1; j >= 0; j--) {
      const values = vary[keys[j]!]!
      const v = values[rest % values.length]
      rest = Math.floor(rest / values.length)
      config[keys[j]!] = v
      name.unshift(`${keys[j]}=${shown(v)}`)
    }
    const point = { name: name.join(' '), config }
    const decoded = decodeConfig(config)
    if (E.isLeft(decoded)) {
      problems.push(...decoded.left.problems.map((p) => `grid point ${index + 1} (${point.name}): ${p}`))
    } else points.push(point)
  }
  return problems.length > 0 ? E.left(new ConfigError(problems)) : E.right(points)
}

// -------------------------------------------------------------------------------------
// the front
// -------------------------------------------------------------------------------------

const dominates = (a: Replay.Figures, b: Replay.Figures): boolean =>
  a.callsIntoFailure <= b.callsIntoFailure &&
  a.falseRejections <= b.falseRejections &&
  a.recoveryDelay <= b.recoveryDelay &&
  (a.callsIntoFailure < b.callsIntoFailure ||
    a.falseRejections < b.falseRejections ||
    a.recoveryDelay < b.recoveryDelay)

/**
 * Which of `figures` are on the Pareto front (minimizing calls into failure, false rejections and
 * recovery delay): those that no other one dominates.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Sweep } from 'tripswitch/replay'
 * const f = (callsIntoFailure: number, falseRejections: number, recoveryDelay: number) =>
 *   ({ callsIntoFailure, falseRejections, recoveryDelay }) as Parameters<typeof Sweep.front>[0][number]
 * assert.deepStrictEqual(Sweep.front([f(1, 5, 0), f(5, 1, 0), f(5, 5, 0)]), [true, true, false])
 *
 * @category front
 * @since 0.1.0
 */
export const front = (figures: ReadonlyArray<Replay.Figures>): ReadonlyArray<boolean> =>
  figures.map((a) => !figures.some((b) => b !== a && dominates(b, a)))

// -------------------------------------------------------------------------------------
// running
// -------------------------------------------------------------------------------------

/** @internal What a worker is given, and what it answers. */
export interface Job {
  readonly text: string
  readonly points: ReadonlyArray<Point>
  readonly truth: Truth.Options
}

/** @internal Replays `job` on this thread (its trace parsed already, or from its text): the figures of each point, in order. */
export const runJob = (
  job: Job,
  parsed: Trace.Parsed = Trace.unsafeParse(job.text)
): ReadonlyArray<Replay.Figures> => {
  const prepared = Replay.prepare(parsed.trace, job.truth)
  return job.points.map((p) => {
    const config = decodeConfig(p.config)
    if (E.isLeft(config)) throw config.left
    return Replay.replay(prepared, config.right, p.name).figures
  })
}

const workerFile = (): { readonly file: string; readonly execArgv: ReadonlyArray<string> } =>
  __filename.endsWith('.ts')
    ? // from the sources (tests, tsx): the worker runs through tsx, a dev dependency
      { file: path.join(__dirname, 'worker.ts'), execArgv: ['--require', require.resolve('tsx/cjs')] }
    : { file: path.join(__dirname, 'worker.js'), execArgv: [] }

const inWorker = (job: Job): Promise<ReadonlyArray<Replay.Figures>> =>
  new Promise((resolve, reject) => {
    const { file, execArgv } = workerFile()
    const worker = new Worker(file, { workerData: job, execArgv: [...execArgv] })
    let settled = false
    worker.once(
      'message',
      (m: { readonly figures?: ReadonlyArray<Replay.Figures>; readonly error?: string }) => {
        settled = true
        if (m.error !== undefined) reject(new Error(m.error))
        else resolve(m.figures ?? [])
      }
    )
    worker.once('error', (e) => {
      settled = true
      reject(e)
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`sweep: a worker exited with code ${code} before answering`))
    })
  })

/**
 * Replays the trace `text` through every point, on `workers` threads, and marks the Pareto front.
 * Rejects with the `TraceError` of a trace that cannot be read; the problems of lines left out are in
 * the result's `errors`. The trace is parsed once here (and once in each worker).
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Generate, Sweep, Trace } from 'tripswitch/replay'
 * const g = Generate.trace('hard-outage', { duration: 60_000 })
 * const points = Sweep.grid({ vary: { failureThreshold: [2, 20] } })
 * assert.ok(E.isRight(points))
 * const { outcomes } = await Sweep.run(Trace.format(g.header, g.lines), points.right, { workers: 0 })
 * assert.strictEqual(outcomes.length, 2)
 *
 * @category running
 * @since 0.1.0
 */
export const run = async (
  text: string,
  points: ReadonlyArray<Point>,
  options: Options = {}
): Promise<Result> => {
  const { workers: asked, ...truth } = options
  const parsed = Trace.parse(text)
  if (E.isLeft(parsed)) throw parsed.left
  const workers = Math.min(asked ?? os.availableParallelism(), points.length)
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 0) {
    throw new RangeError(`sweep: workers: expected an integer >= 0, got ${String(asked)}`)
  }
  let figures: ReadonlyArray<Replay.Figures>
  if (workers === 0) figures = runJob({ text, points, truth }, parsed.right)
  else {
    const shares = Array.from({ length: workers }, (_, w) => points.filter((_, i) => i % workers === w))
    const answers = await Promise.all(shares.map((share) => inWorker({ text, points: share, truth })))
    figures = points.map((_, i) => answers[i % workers]![Math.floor(i / workers)]!)
  }
  const onFront = front(figures)
  return {
    outcomes: points.map((point, i) => ({ point, figures: figures[i]!, front: onFront[i]! })),
    errors: parsed.right.errors
  }
}
