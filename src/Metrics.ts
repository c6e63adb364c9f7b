/**
 * Metrics: what a breaker has seen, as a JSON-safe snapshot.
 *
 * Every breaker keeps a `Recorder`: a handful of counters and a fixed-size latency `Histogram`, bumped
 * by the runtime with a few increments per call (never allocating, never throwing). `snapshot` reads
 * it together with the circuit's state into a `Snapshot`: plain data whose numbers are all finite or
 * `null`, ready for `JSON.stringify` (a health endpoint) or a metrics exporter.
 *
 * Counts are this process's observations since the breaker was made: they include calls made while the
 * circuit was disabled or metrics-only, and outcomes that arrived late (after the circuit moved on),
 * even though those never drive a transition.
 *
 * Rates: while the circuit holds a tally (closed, metrics-only) and its trip strategy has a window for
 * the rate (a failure-rate or failure-count strategy for `failureRate`, a slow-call strategy for
 * `slowCallRate`), the rate is the window's, exactly as the strategy sees it at `now`. Otherwise it is
 * that of the current period: the recorded (success or failure) outcomes since the circuit last
 * entered a state that admits calls (closed, half-open, disabled, metrics-only), so an open circuit
 * keeps showing the rates that opened it.
 *
 * @since 0.1.0
 */
import * as H from './Histogram'
import type { State, StateTag } from './State'
import type * as Strategy from './Strategy'
import * as W from './Window'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Counts of everything a breaker saw. `calls` is every call that arrived: `rejected` of them did not
 * run, `successes + failures + ignored` settled, and the rest are in flight.
 *
 * @category model
 * @since 0.1.0
 */
export interface Counts {
  readonly calls: number
  readonly successes: number
  readonly failures: number
  readonly ignored: number
  readonly rejected: number
  /** Calls that ran past their time limit; each is also counted in `failures`. */
  readonly timeouts: number
  /** Calls whose fallback produced the caller's value (a rejected call's, or a failed one's with `on`). */
  readonly fallbacks: number
  /** Calls whose fallback failed. */
  readonly fallbackFailures: number
  /** Admitted calls whose outcome has not been recorded yet. */
  readonly inFlight: number
}

/**
 * Call durations in milliseconds, `null` before the first one.
 *
 * @category model
 * @since 0.1.0
 */
export interface Latency {
  readonly count: number
  readonly mean: number | null
  readonly min: number | null
  readonly max: number | null
  readonly p50: number | null
  readonly p90: number | null
  readonly p99: number | null
}

/**
 * A breaker's metrics at one instant: plain, JSON-safe data.
 *
 * @category model
 * @since 0.1.0
 */
export interface Snapshot {
  readonly name: string
  readonly state: StateTag
  /** When the circuit entered its state, on the breaker's clock, in whole milliseconds. */
  readonly since: number
  /** Whole milliseconds in the current state. */
  readonly timeInState: number
  /**
   * Whole milliseconds until a call may pass, rounded up (a caller that waits this long is not early):
   * `0` if one would now, `null` while forced open.
   */
  readonly retryAfter: number | null
  /** Failures among recorded outcomes, over the strategy's window or the period; `null` before the first. */
  readonly failureRate: number | null
  /**
   * Recorded outcomes at least `slowCallDuration` ms long, over the strategy's window or the period;
   * `null` before the first, or when the breaker has no slow-call strategy.
   */
  readonly slowCallRate: number | null
  readonly counts: Counts
  readonly latency: Latency
}

/**
 * The mutable counters behind a snapshot. Owned and updated by a breaker's runtime; read it through
 * `snapshot`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Recorder {
  calls: number
  successes: number
  failures: number
  ignored: number
  rejected: number
  timeouts: number
  fallbacks: number
  fallbackFailures: number
  /** Recorded outcomes (successes and failures) in the current period (see `enter`). */
  periodRecorded: number
  periodFailures: number
  periodSlow: number
  /** The slow-call threshold in milliseconds, `Infinity` when none. */
  readonly slowCallDuration: number
  readonly latency: H.Histogram
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A recorder with every count at zero. Calls of at least `slowCallDuration` ms count as slow.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Metrics } from 'tripswitch'
 *
 * const recorder = Metrics.recorder(1_000)
 * assert.strictEqual(recorder.slowCallDuration, 1_000)
 * assert.strictEqual(Metrics.counts(recorder).failures, 0)
 *
 * @category constructors
 * @since 0.1.0
 */
export const recorder = (slowCallDuration = Infinity): Recorder => ({
  calls: 0,
  successes: 0,
  failures: 0,
  ignored: 0,
  rejected: 0,
  timeouts: 0,
  fallbacks: 0,
  fallbackFailures: 0,
  periodRecorded: 0,
  periodFailures: 0,
  periodSlow: 0,
  slowCallDuration,
  latency: H.unsafeMake()
})

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Counts a settled call: its outcome and its duration (milliseconds, `NaN` when unknown).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Metrics } from 'tripswitch'
 *
 * const r = Metrics.recorder()
 * Metrics.recordOutcome(r, 'Failure', 12)
 * assert.strictEqual(Metrics.counts(r).failures, 1)
 * assert.strictEqual(Metrics.latency(r).max, 12)
 *
 * @category combinators
 * @since 0.1.0
 */
export const recordOutcome = (
  r: Recorder,
  outcome: 'Success' | 'Failure' | 'Ignored',
  duration: number
): void => {
  H.record(r.latency, duration)
  switch (outcome) {
    case 'Success':
      r.successes++
      break
    case 'Failure':
      r.failures++
      r.periodFailures++
      break
    case 'Ignored':
      r.ignored++
      return
  }
  r.periodRecorded++
  if (duration >= r.slowCallDuration) r.periodSlow++
}

/**
 * Counts a success that was not timed: `recordOutcome(r, 'Success', NaN)`, in two increments (the
 * closed path of an untimed call).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Metrics } from 'tripswitch'
 *
 * const r = Metrics.recorder()
 * Metrics.recordUntimedSuccess(r)
 * assert.strictEqual(Metrics.counts(r).successes, 1)
 * assert.strictEqual(Metrics.latency(r).count, 0)
 *
 * @category combinators
 * @since 0.1.0
 */
export const recordUntimedSuccess = (r: Recorder): void => {
  r.successes++
  r.periodRecorded++
}

/**
 * Notes a transition to a state tagged `to`. Entering a state that admits calls (`Closed`,
 * `HalfOpen`, `Disabled`, `MetricsOnly`) starts a new rate period; entering `Open` or `ForcedOpen`
 * keeps the rates that led there, so an open circuit shows why it opened.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Metrics } from 'tripswitch'
 *
 * const r = Metrics.recorder()
 * Metrics.recordOutcome(r, 'Failure', 12)
 * Metrics.enter(r, 'Open')
 * assert.strictEqual(r.periodFailures, 1) // an open circuit shows why it opened
 * Metrics.enter(r, 'HalfOpen')
 * assert.strictEqual(r.periodFailures, 0)
 * assert.strictEqual(Metrics.counts(r).failures, 1) // the counters are kept
 *
 * @category combinators
 * @since 0.1.0
 */
export const enter = (r: Recorder, to: StateTag): void => {
  if (to === 'Open' || to === 'ForcedOpen') return
  r.periodRecorded = 0
  r.periodFailures = 0
  r.periodSlow = 0
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null)

// Views are read by people: times in whole milliseconds, latencies (often below a millisecond) to the
// microsecond, never binary floating-point noise such as 1796139399255.0146.
const micros = (n: number): number | null => (Number.isFinite(n) ? Math.round(n * 1_000) / 1_000 : null)

type Rate = number | null | undefined

interface WindowRates {
  readonly failure: Rate
  readonly slow: Rate
}

const none: WindowRates = { failure: undefined, slow: undefined }

const rateOf = (w: W.Window, tally: Strategy.Tally, now: number): number | null => {
  const t = W.totals(w, tally as W.WindowState, now)
  return t.calls === 0 ? null : t.marked / t.calls
}

// The rates a strategy's windows hold at `now` (`undefined` for a rate it has no window for); in an
// `Any`, the first window of each kind.
const windowRates = (strategy: Strategy.Strategy, tally: Strategy.Tally, now: number): WindowRates => {
  switch (strategy._tag) {
    case 'FailureCount':
    case 'FailureRate':
      return { failure: rateOf(strategy.window, tally, now), slow: undefined }
    case 'SlowCallRate':
      return { failure: undefined, slow: rateOf(strategy.window, tally, now) }
    case 'Any': {
      if (tally._tag !== 'Any') return none
      let failure: Rate
      let slow: Rate
      strategy.strategies.forEach((s, i) => {
        const sub = tally.tallies[i]
        if (sub === undefined) return
        const r = windowRates(s, sub, now)
        if (failure === undefined) failure = r.failure
        if (slow === undefined) slow = r.slow
      })
      return { failure, slow }
    }
    default:
      return none
  }
}

const since = (s: State): number => (s._tag === 'Open' ? s.openedAt : s.since)

/**
 * The counts alone.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Metrics } from 'tripswitch'
 *
 * assert.strictEqual(Metrics.counts(Metrics.recorder()).calls, 0)
 *
 * @category destructors
 * @since 0.1.0
 */
export const counts = (r: Recorder): Counts => ({
  calls: r.calls,
  successes: r.successes,
  failures: r.failures,
  ignored: r.ignored,
  rejected: r.rejected,
  timeouts: r.timeouts,
  fallbacks: r.fallbacks,
  fallbackFailures: r.fallbackFailures,
  inFlight: r.calls - r.rejected - r.successes - r.failures - r.ignored
})

/**
 * The latency summary alone.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Metrics } from 'tripswitch'
 *
 * assert.strictEqual(Metrics.latency(Metrics.recorder()).p99, null)
 *
 * @category destructors
 * @since 0.1.0
 */
export const latency = (r: Recorder): Latency => {
  const h = r.latency
  return {
    count: h.count,
    mean: micros(H.mean(h)),
    min: micros(h.min),
    max: micros(h.max),
    p50: micros(p50(h)),
    p90: micros(p90(h)),
    p99: micros(p99(h))
  }
}

const p50 = H.quantile(0.5)
const p90 = H.quantile(0.9)
const p99 = H.quantile(0.99)

/**
 * Reads a recorder and the circuit's state at `now` into a JSON-safe snapshot; with the circuit's trip
 * `strategy`, rates come from its windows where it has them. Breakers do this for you:
 * `breaker.metrics()`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker } from 'tripswitch'
 *
 * const b = Breaker.make({}, { name: 'payments' })()
 * const { state, counts, latency } = b.metrics()
 * assert.strictEqual(state, 'Closed')
 * assert.strictEqual(counts.calls, 0)
 * assert.strictEqual(latency.p99, null)
 *
 * @category destructors
 * @since 0.1.0
 */
export const snapshot = (
  name: string,
  r: Recorder,
  state: State,
  retryAfter: number,
  now: number,
  strategy?: Strategy.Strategy
): Snapshot => {
  const windowed =
    strategy !== undefined && (state._tag === 'Closed' || state._tag === 'MetricsOnly')
      ? windowRates(strategy, state.tally, now)
      : none
  const period = (marked: number): number | null =>
    r.periodRecorded === 0 ? null : marked / r.periodRecorded
  return {
    name,
    state: state._tag,
    since: Math.round(since(state)),
    timeInState: Math.max(0, Math.round(now - since(state))),
    retryAfter: finite(Math.ceil(retryAfter)),
    failureRate: windowed.failure !== undefined ? windowed.failure : period(r.periodFailures),
    slowCallRate:
      windowed.slow !== undefined
        ? windowed.slow
        : r.slowCallDuration === Infinity
          ? null
          : period(r.periodSlow),
    counts: counts(r),
    latency: latency(r)
  }
}
