/**
 * Trip strategies: when does a closed circuit open?
 *
 * A `Strategy` is plain configuration data; its running state is a `Tally`, also plain
 * JSON-serializable data, kept inside the `Closed` (and `MetricsOnly`) state. Both are driven by pure
 * functions: `initial` makes a fresh tally, `record` folds one recorded outcome into it, `isTripped`
 * says whether the circuit should open now.
 *
 * | strategy              | trips when                                                             | tally               |
 * | --------------------- | ---------------------------------------------------------------------- | ------------------- |
 * | `consecutiveFailures` | `threshold` recorded failures in a row                                 | a counter           |
 * | `failureCount`        | at least `threshold` failures are in the window                        | a window            |
 * | `failureRate`         | failures / calls `>= threshold`, with at least `minimumCalls` in it    | a window            |
 * | `slowCallRate`        | slow calls / calls `>= threshold`, with at least `minimumCalls` in it  | a window            |
 * | `any(a, b, ...)`      | any of its strategies trips                                            | one tally for each  |
 *
 * A call is slow when its measured duration is at least `slowCallDuration` ms, whether it succeeded or
 * failed; a call of unknown duration (`NaN`) is not slow. Windows are described in `Window.ts`.
 *
 * Invariants:
 * - `record` costs O(1) amortized per strategy, whatever the window's size or length, and keeps memory
 *   bounded by the window's size or bucket count.
 * - A tally only ever sees outcomes of the generation it belongs to: the reducer drops late outcomes
 *   and ignored ones before they reach it.
 * - `record` returns its input tally when nothing changed, so a caller can skip an allocation.
 *
 * @since 0.1.0
 */
import type { Semigroup as Sg } from 'fp-ts/Semigroup'
import * as W from './Window'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Open after `threshold` consecutive recorded failures; a recorded success resets the count.
 *
 * @category model
 * @since 0.1.0
 */
export interface ConsecutiveFailures {
  readonly _tag: 'ConsecutiveFailures'
  readonly threshold: number
}

/**
 * Open when at least `threshold` of the calls in `window` failed.
 *
 * @category model
 * @since 0.1.0
 */
export interface FailureCount {
  readonly _tag: 'FailureCount'
  readonly window: W.Window
  readonly threshold: number
}

/**
 * Open when `failures / calls >= threshold` over `window`, once at least `minimumCalls` are in it.
 *
 * @category model
 * @since 0.1.0
 */
export interface FailureRate {
  readonly _tag: 'FailureRate'
  readonly window: W.Window
  /** A rate in `(0, 1]`. */
  readonly threshold: number
  readonly minimumCalls: number
}

/**
 * Open when `slow calls / calls >= threshold` over `window`, once at least `minimumCalls` are in it.
 * A call is slow when it took at least `slowCallDuration` ms.
 *
 * @category model
 * @since 0.1.0
 */
export interface SlowCallRate {
  readonly _tag: 'SlowCallRate'
  readonly window: W.Window
  /** A rate in `(0, 1]`. */
  readonly threshold: number
  readonly minimumCalls: number
  readonly slowCallDuration: number
}

/**
 * Open when any of `strategies` trips. Each keeps its own tally.
 *
 * @category model
 * @since 0.1.0
 */
export interface Any {
  readonly _tag: 'Any'
  readonly strategies: ReadonlyArray<Strategy>
}

/**
 * How a closed circuit decides to open.
 *
 * @category model
 * @since 0.1.0
 */
export type Strategy = ConsecutiveFailures | FailureCount | FailureRate | SlowCallRate | Any

/**
 * The running state of a `ConsecutiveFailures` strategy.
 *
 * @category model
 * @since 0.1.0
 */
export interface ConsecutiveTally {
  readonly _tag: 'ConsecutiveFailures'
  readonly failures: number
}

/**
 * The running state of an `Any` strategy: one tally per strategy, in order.
 *
 * @category model
 * @since 0.1.0
 */
export interface AnyTally {
  readonly _tag: 'Any'
  readonly tallies: ReadonlyArray<Tally>
}

/**
 * The running state of a strategy: plain data, safe to serialize. A windowed strategy's tally is its
 * window's state (`Window.WindowState`), whose marks are failures or slow calls.
 *
 * @category model
 * @since 0.1.0
 */
export type Tally = ConsecutiveTally | W.WindowState | AnyTally

/**
 * An outcome that a strategy counts. Ignored outcomes never reach a strategy.
 *
 * @category model
 * @since 0.1.0
 */
export interface Sample {
  readonly failure: boolean
  /** Measured duration in milliseconds, `NaN` when unknown. */
  readonly duration: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * @example
 * import { consecutiveFailures } from 'tripswitch'
 * const strategy = consecutiveFailures(5)
 *
 * @category constructors
 * @since 0.1.0
 */
export const consecutiveFailures = (threshold: number): ConsecutiveFailures => ({
  _tag: 'ConsecutiveFailures',
  threshold
})

/**
 * Open when at least `threshold` of the calls in `window` failed: "5 failures among the last 20 calls"
 * or "5 failures within 10 s", whatever succeeded in between.
 *
 * @example
 * import { Strategy, Window } from 'tripswitch'
 * const strategy = Strategy.failureCount({ window: Window.count(20), threshold: 5 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const failureCount = (options: {
  readonly window: W.Window
  readonly threshold: number
}): FailureCount => ({
  _tag: 'FailureCount',
  window: options.window,
  threshold: options.threshold
})

const defaultMinimumCalls = (window: W.Window): number => (window._tag === 'CountWindow' ? window.size : 100)

/**
 * Open when the failure rate over `window` reaches `threshold` (`>=`), once the window holds at least
 * `minimumCalls` calls (default: a count window's size; 100 for a time window).
 *
 * @example
 * import { Strategy, Window } from 'tripswitch'
 * // half of the last 100 calls failed
 * const byCount = Strategy.failureRate({ window: Window.count(100), threshold: 0.5 })
 * // a quarter of the calls of the last minute failed, once there were at least 20
 * const byTime = Strategy.failureRate({ window: Window.time(60_000, 12), threshold: 0.25, minimumCalls: 20 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const failureRate = (options: {
  readonly window: W.Window
  readonly threshold: number
  readonly minimumCalls?: number
}): FailureRate => ({
  _tag: 'FailureRate',
  window: options.window,
  threshold: options.threshold,
  minimumCalls: options.minimumCalls ?? defaultMinimumCalls(options.window)
})

/**
 * Open when the rate of slow calls (at least `slowCallDuration` ms, succeeded or not) over `window`
 * reaches `threshold` (`>=`), once the window holds at least `minimumCalls` calls (default: a count
 * window's size; 100 for a time window). Catches a dependency that answers, but too slowly.
 *
 * @example
 * import { Strategy, Window } from 'tripswitch'
 * // 80 % of the last 50 calls took a second or more
 * const strategy = Strategy.slowCallRate({ window: Window.count(50), threshold: 0.8, slowCallDuration: 1_000 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const slowCallRate = (options: {
  readonly window: W.Window
  readonly threshold: number
  readonly slowCallDuration: number
  readonly minimumCalls?: number
}): SlowCallRate => ({
  _tag: 'SlowCallRate',
  window: options.window,
  threshold: options.threshold,
  minimumCalls: options.minimumCalls ?? defaultMinimumCalls(options.window),
  slowCallDuration: options.slowCallDuration
})

const flatten = (s: Strategy): ReadonlyArray<Strategy> => (s._tag === 'Any' ? s.strategies : [s])

/**
 * Trips when any of its strategies trips. Nested `any`s are flattened; a single strategy is returned
 * as it is.
 *
 * @example
 * import { Strategy, Window } from 'tripswitch'
 * const window = Window.time(30_000, 10)
 * const strategy = Strategy.any(
 *   Strategy.failureRate({ window, threshold: 0.5, minimumCalls: 20 }),
 *   Strategy.slowCallRate({ window, threshold: 0.8, slowCallDuration: 2_000, minimumCalls: 20 })
 * )
 *
 * @category constructors
 * @since 0.1.0
 */
export const any = (first: Strategy, ...rest: ReadonlyArray<Strategy>): Strategy => {
  if (rest.length === 0) return first
  const strategies = [first, ...rest].flatMap(flatten)
  return { _tag: 'Any', strategies }
}

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Strategies compose: `concat(x, y)` trips when `x` or `y` trips, each over its own tally.
 *
 * Laws:
 * - Associativity, structurally: `concat(concat(x, y), z)` and `concat(x, concat(y, z))` are the same
 *   data (`Any` of `[x, y, z]`, nested `Any`s flattened).
 * - Behaviour: for every history of outcomes, `concat(x, y)` is tripped exactly when `x` or `y` is
 *   tripped on the same history, so it is a semigroup morphism into booleans under `||`; in particular
 *   it is commutative and idempotent in behaviour (not in the order of its data).
 *
 * There is no identity element: a strategy that never trips is what the `MetricsOnly` state is for.
 *
 * @example
 * import { Strategy, Window } from 'tripswitch'
 * import { concatAll } from 'fp-ts/Semigroup'
 * const strategy = concatAll(Strategy.Semigroup)(Strategy.consecutiveFailures(5))([
 *   Strategy.failureRate({ window: Window.count(100), threshold: 0.5 })
 * ])
 *
 * @category instances
 * @since 0.1.0
 */
export const Semigroup: Sg<Strategy> = {
  concat: (x, y) => ({ _tag: 'Any', strategies: [...flatten(x), ...flatten(y)] })
}

// -------------------------------------------------------------------------------------
// tally
// -------------------------------------------------------------------------------------

const zeroConsecutive: ConsecutiveTally = { _tag: 'ConsecutiveFailures', failures: 0 }

/**
 * A fresh tally for `strategy`, as kept by a circuit that has just closed.
 *
 * @category tally
 * @since 0.1.0
 */
export const initial = (strategy: Strategy): Tally => {
  switch (strategy._tag) {
    case 'ConsecutiveFailures':
      return zeroConsecutive
    case 'FailureCount':
    case 'FailureRate':
    case 'SlowCallRate':
      return W.empty(strategy.window)
    case 'Any':
      return { _tag: 'Any', tallies: strategy.strategies.map(initial) }
  }
}

/**
 * Whether `sample` is slow for a `slowCallDuration`: at least that long (`NaN` is never slow).
 *
 * @category tally
 * @since 0.1.0
 */
export const isSlow = (slowCallDuration: number, sample: Sample): boolean =>
  sample.duration >= slowCallDuration

/**
 * Folds one recorded outcome, observed at `now`, into `tally` (a tally of `strategy`).
 *
 * @category tally
 * @since 0.1.0
 */
export const record = (strategy: Strategy, tally: Tally, sample: Sample, now: number): Tally =>
  recordOutcome(strategy, tally, sample.failure, sample.duration, now)

/**
 * `record` with the sample's fields as arguments: what the reducer calls on its hot path, so that no
 * sample object is allocated per call.
 *
 * @category tally
 * @since 0.1.0
 */
export const recordOutcome = (
  strategy: Strategy,
  tally: Tally,
  failure: boolean,
  duration: number,
  now: number
): Tally => {
  switch (strategy._tag) {
    case 'ConsecutiveFailures': {
      const t = tally as ConsecutiveTally
      return failure
        ? { _tag: 'ConsecutiveFailures', failures: t.failures + 1 }
        : t.failures === 0
          ? t
          : zeroConsecutive
    }
    case 'FailureCount':
    case 'FailureRate':
      return W.record(strategy.window, tally as W.WindowState, failure, now)
    case 'SlowCallRate':
      return W.record(strategy.window, tally as W.WindowState, duration >= strategy.slowCallDuration, now)
    case 'Any': {
      const t = tally as AnyTally
      let changed = false
      const tallies = strategy.strategies.map((s, i) => {
        const before = t.tallies[i] ?? initial(s)
        const after = recordOutcome(s, before, failure, duration, now)
        if (after !== before) changed = true
        return after
      })
      return changed ? { _tag: 'Any', tallies } : t
    }
  }
}

const rateReached = (t: W.Totals, threshold: number, minimumCalls: number): boolean =>
  t.calls >= minimumCalls && t.calls > 0 && t.marked / t.calls >= threshold

/**
 * Whether `tally` says the circuit should open at `now`.
 *
 * @category tally
 * @since 0.1.0
 */
export const isTripped = (strategy: Strategy, tally: Tally, now: number): boolean => {
  switch (strategy._tag) {
    case 'ConsecutiveFailures':
      return (tally as ConsecutiveTally).failures >= strategy.threshold
    case 'FailureCount':
      return W.totals(strategy.window, tally as W.WindowState, now).marked >= strategy.threshold
    case 'FailureRate':
    case 'SlowCallRate':
      return rateReached(
        W.totals(strategy.window, tally as W.WindowState, now),
        strategy.threshold,
        strategy.minimumCalls
      )
    case 'Any': {
      const t = tally as AnyTally
      return strategy.strategies.some((s, i) => {
        const sub = t.tallies[i]
        return sub !== undefined && isTripped(s, sub, now)
      })
    }
  }
}

/**
 * Whether `tally` says the circuit should open, as of its latest recorded outcome: `isTripped` at the
 * instant of that outcome, without recomputing which time buckets have expired. What the reducer asks
 * right after `record`.
 *
 * @category tally
 * @since 0.1.0
 */
export const isTrippedAsRecorded = (strategy: Strategy, tally: Tally): boolean => {
  switch (strategy._tag) {
    case 'ConsecutiveFailures':
      return (tally as ConsecutiveTally).failures >= strategy.threshold
    case 'FailureCount':
      return (tally as W.WindowState).marked >= strategy.threshold
    case 'FailureRate':
    case 'SlowCallRate':
      return rateReached(tally as W.WindowState, strategy.threshold, strategy.minimumCalls)
    case 'Any': {
      const t = tally as AnyTally
      return strategy.strategies.some((s, i) => {
        const sub = t.tallies[i]
        return sub !== undefined && isTrippedAsRecorded(s, sub)
      })
    }
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The shortest `slowCallDuration` among the slow-call strategies of `strategy`, if it has any: what a
 * metrics adapter may use to count slow calls the way the circuit does.
 *
 * @category utils
 * @since 0.1.0
 */
export const slowCallDuration = (strategy: Strategy): number | undefined => {
  switch (strategy._tag) {
    case 'SlowCallRate':
      return strategy.slowCallDuration
    case 'Any': {
      let min: number | undefined
      for (const s of strategy.strategies) {
        const d = slowCallDuration(s)
        if (d !== undefined && (min === undefined || d < min)) min = d
      }
      return min
    }
    default:
      return undefined
  }
}

/**
 * Whether recording an outcome in a tally of `strategy` depends on when it happened: whether any of
 * its windows is a time window. A tally of a strategy that reads no clock (consecutive failures,
 * count windows) is the same whatever `now` its outcomes are recorded at, so the runtime may record
 * them without reading its clock (see `Circuit`, "Time").
 *
 * @example
 * import { Strategy, Window } from 'tripswitch'
 * Strategy.readsClock(Strategy.consecutiveFailures(3)) // false
 * Strategy.readsClock(Strategy.failureRate({ window: Window.time(60_000, 60), threshold: 0.5 })) // true
 *
 * @category utils
 * @since 0.1.0
 */
export const readsClock = (strategy: Strategy): boolean => {
  switch (strategy._tag) {
    case 'ConsecutiveFailures':
      return false
    case 'Any':
      return strategy.strategies.some(readsClock)
    default:
      return strategy.window._tag === 'TimeWindow'
  }
}

// -------------------------------------------------------------------------------------
// validation
// -------------------------------------------------------------------------------------

const show = (u: unknown): string =>
  typeof u === 'string' ? JSON.stringify(u) : Array.isArray(u) ? 'an array' : u === null ? 'null' : String(u)

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

const isInt = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u)

const fields: Readonly<Record<Strategy['_tag'], ReadonlyArray<string>>> = {
  ConsecutiveFailures: ['_tag', 'threshold'],
  FailureCount: ['_tag', 'window', 'threshold'],
  FailureRate: ['_tag', 'window', 'threshold', 'minimumCalls'],
  SlowCallRate: ['_tag', 'window', 'threshold', 'minimumCalls', 'slowCallDuration'],
  Any: ['_tag', 'strategies']
}

const isTag = (u: unknown): u is Strategy['_tag'] => typeof u === 'string' && Object.hasOwn(fields, u)

const rate = (path: string, u: unknown): ReadonlyArray<string> =>
  typeof u === 'number' && u > 0 && u <= 1 ? [] : [`${path}: expected a rate in (0, 1], got ${show(u)}`]

const windowedCount = (path: string, u: unknown, window: unknown, what: string): ReadonlyArray<string> => {
  if (!isInt(u) || u < 1) return [`${path}: expected a positive integer, got ${show(u)}`]
  // compared with a valid window only: a comparison with a field that is itself wrong says nothing useful
  if (W.problems(window).length === 0 && (window as W.Window)._tag === 'CountWindow') {
    const size = (window as W.CountWindow).size
    if (u > size) return [`${path}: expected at most the window's size (${size}) ${what}, got ${u}`]
  }
  return []
}

/**
 * Every problem with `u` as a strategy, one line each naming its field under `path`; empty when `u` is a
 * valid `Strategy`. Checks: thresholds are positive integers (counts) or rates in `(0, 1]`; a count
 * threshold or `minimumCalls` is at most a count window's size; `slowCallDuration` is a positive finite
 * number of milliseconds; windows as `Window.problems`; `any` has at least one strategy and no `Any`
 * inside (as `any` and the Semigroup build it, flat).
 *
 * @example
 * import { Strategy, Window } from 'tripswitch'
 * Strategy.problems(Strategy.failureRate({ window: Window.count(10), threshold: 1.5 }))
 * // ['strategy.threshold: expected a rate in (0, 1], got 1.5']
 *
 * @category validation
 * @since 0.1.0
 */
export const problems = (u: unknown, path = 'strategy'): ReadonlyArray<string> => {
  if (!isRecord(u)) return [`${path}: expected a strategy (see Strategy), got ${show(u)}`]
  const tag = u['_tag']
  if (!isTag(tag)) {
    return [
      `${path}._tag: expected one of ${Object.keys(fields)
        .map((k) => JSON.stringify(k))
        .join(', ')}, got ${show(tag)}`
    ]
  }
  const out: Array<string> = []
  for (const key of Object.keys(u)) {
    if (!fields[tag].includes(key))
      out.push(`${path}.${key}: unknown field (known fields: ${fields[tag].join(', ')})`)
  }
  const at = (key: string): string => `${path}.${key}`
  switch (tag) {
    case 'ConsecutiveFailures':
      if (!isInt(u['threshold']) || u['threshold'] < 1) {
        out.push(`${at('threshold')}: expected a positive integer, got ${show(u['threshold'])}`)
      }
      break
    case 'FailureCount':
      out.push(...W.problems(u['window'], at('window')))
      out.push(...windowedCount(at('threshold'), u['threshold'], u['window'], 'failures'))
      break
    case 'FailureRate':
    case 'SlowCallRate':
      out.push(...W.problems(u['window'], at('window')))
      out.push(...rate(at('threshold'), u['threshold']))
      out.push(...windowedCount(at('minimumCalls'), u['minimumCalls'], u['window'], 'calls'))
      if (tag === 'SlowCallRate') {
        const d = u['slowCallDuration']
        if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) {
          out.push(
            `${at('slowCallDuration')}: expected a positive finite duration in milliseconds, got ${show(d)}`
          )
        }
      }
      break
    case 'Any': {
      const list = u['strategies']
      if (!Array.isArray(list) || list.length === 0) {
        out.push(`${at('strategies')}: expected a non-empty array of strategies, got ${show(list)}`)
      } else {
        list.forEach((s: unknown, i) => {
          const here = `${at('strategies')}[${i}]`
          // kept flat, as `any` and the Semigroup build it: tallies never nest, decoding never recurses deeply
          if (isRecord(s) && s['_tag'] === 'Any') {
            out.push(`${here}: expected a strategy other than Any inside Any (list its strategies instead)`)
          } else {
            out.push(...problems(s, here))
          }
        })
      }
      break
    }
  }
  return out
}

/**
 * Every problem with `u` as a tally of the (valid) `strategy`, one line each under `path`; empty when a
 * reducer may safely continue from it. For decoders of persisted or shared state. A closed circuit's
 * tally must also not be tripped: check `isTripped` for that.
 *
 * @category validation
 * @since 0.1.0
 */
export const tallyProblems = (strategy: Strategy, u: unknown, path = 'tally'): ReadonlyArray<string> => {
  switch (strategy._tag) {
    case 'ConsecutiveFailures': {
      if (!isRecord(u) || u['_tag'] !== 'ConsecutiveFailures') {
        return [`${path}: expected a ConsecutiveFailures tally, got ${show(isRecord(u) ? u['_tag'] : u)}`]
      }
      const f = u['failures']
      const out =
        isInt(f) && f >= 0 ? [] : [`${path}.failures: expected a non-negative integer, got ${show(f)}`]
      const extra = Object.keys(u).filter((k) => k !== '_tag' && k !== 'failures')
      return [...out, ...extra.map((k) => `${path}.${k}: unknown field (known fields: _tag, failures)`)]
    }
    case 'FailureCount':
    case 'FailureRate':
    case 'SlowCallRate':
      return W.stateProblems(strategy.window, u, path)
    case 'Any': {
      if (!isRecord(u) || u['_tag'] !== 'Any') {
        return [`${path}: expected an Any tally, got ${show(isRecord(u) ? u['_tag'] : u)}`]
      }
      const tallies = u['tallies']
      if (!Array.isArray(tallies) || tallies.length !== strategy.strategies.length) {
        return [`${path}.tallies: expected ${strategy.strategies.length} tallies, got ${show(tallies)}`]
      }
      const extra = Object.keys(u).filter((k) => k !== '_tag' && k !== 'tallies')
      return [
        ...strategy.strategies.flatMap((s, i) => tallyProblems(s, tallies[i], `${path}.tallies[${i}]`)),
        ...extra.map((k) => `${path}.${k}: unknown field (known fields: _tag, tallies)`)
      ]
    }
  }
}
