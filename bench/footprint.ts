/**
 * The footprint of what a user holds: not the breaker alone, but the whole callable (a breaker and the
 * function `wrap` returns, or a breaker and the guarded `TaskEither` of `withBreaker`), idle and after
 * one call, against cockatiel's policy and the function that calls `policy.execute`.
 *
 * `measureFootprint` starts one child process per contender and phase (`node --expose-gc footprint.js
 * <contender> <phase> <count>`); the child makes `count` callables, each with a breaker of its own
 * name (in the `called` phase, awaits one call of each), collects garbage and reports the heap's growth
 * per callable, with the state of the last one checked (closed).
 *
 * Run it alone: `node node_modules/.cache/tripswitch-bench/bench/index.js --only=footprint`.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll, SamplingBreaker } from 'cockatiel'
import { childReport, collect } from './harness'
import { Breaker, withBreaker, wrap } from '../src/index'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What one child reports. */
export interface Footprint {
  readonly contender: string
  readonly phase: Phase
  readonly count: number
  readonly bytesPerCallable: number
  /** The state the last callable's breaker reports at the end: `closed` (checked). */
  readonly state: string
}

/** Idle (never called), or after one call. */
export type Phase = 'idle' | 'called'

interface Callable {
  readonly call: () => Promise<unknown>
  readonly state: () => string
}

const work = async (): Promise<number> => 1

const breaker = (i: number): Breaker.Breaker =>
  Breaker.make({ failureThreshold: 5, openFor: 30_000 }, { name: `b${i}` })()

const closed = (b: Breaker.Breaker) => (): string => b.state()._tag.toLowerCase()

const cockatiel = (sampling: boolean): Callable => {
  const policy = circuitBreaker(handleAll, {
    halfOpenAfter: 30_000,
    breaker: sampling
      ? new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 1 })
      : new ConsecutiveBreaker(5)
  })
  return {
    call: () => policy.execute(work),
    state: () => (policy.state === CircuitState.Closed ? 'closed' : String(policy.state))
  }
}

/** The contenders, by the name a child is given: each makes the callable a user holds. */
export const footprintContenders = {
  'tripswitch breaker + wrap(fn)': (i: number): Callable => {
    const b = breaker(i)
    return { call: wrap(b)(work), state: closed(b) }
  },
  'tripswitch breaker + withBreaker(TE)': (i: number): Callable => {
    const b = breaker(i)
    return { call: pipe(TE.tryCatch(work, String), withBreaker(b)), state: closed(b) }
  },
  'cockatiel consecutive policy + execute': (): Callable => cockatiel(false),
  'cockatiel sampling policy + execute': (): Callable => cockatiel(true)
} as const

/** @internal A contender's name. */
export type FootprintContender = keyof typeof footprintContenders

// -------------------------------------------------------------------------------------
// child
// -------------------------------------------------------------------------------------

const held: Array<() => Promise<unknown>> = []

const child = async (contender: FootprintContender, phase: Phase, count: number): Promise<void> => {
  const make = footprintContenders[contender]
  // the code of every path is loaded and compiled before the heap is read
  for (let i = 0; i < 100; i++) await make(-i - 1).call()
  collect('footprint', 3)
  const heap0 = process.memoryUsage().heapUsed
  let last: Callable | undefined
  // only what the user holds is kept: the callable (which holds its breaker)
  for (let i = 0; i < count; i++) {
    last = make(i)
    held.push(last.call)
  }
  if (phase === 'called') for (const call of held) await call()
  collect('footprint', 3)
  const heap1 = process.memoryUsage().heapUsed
  const report: Footprint = {
    contender,
    phase,
    count,
    bytesPerCallable: (heap1 - heap0) / count,
    state: last?.state() ?? 'none'
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
}

// -------------------------------------------------------------------------------------
// parent
// -------------------------------------------------------------------------------------

/** Runs the child for one contender and phase and returns its report. */
export const measureFootprint = (
  contender: FootprintContender,
  phase: Phase,
  count: number
): Promise<Footprint> =>
  childReport(
    __filename,
    ['--expose-gc', '--max-old-space-size=4096'],
    [contender, phase, String(count)],
    `footprint child for ${contender}`
  )

if (require.main === module) {
  const [contender, phase, count] = process.argv.slice(2)
  if (
    contender === undefined ||
    !(contender in footprintContenders) ||
    (phase !== 'idle' && phase !== 'called')
  ) {
    throw new Error(
      `footprint: expected a contender (${Object.keys(footprintContenders).join(', ')}) and a phase (idle, called), got ${contender} ${phase}`
    )
  }
  void child(contender as FootprintContender, phase, Number(count ?? 20_000))
}
