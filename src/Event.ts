/**
 * Events: everything that can happen to a circuit, as plain data for `Circuit.step`.
 *
 * - `Admitted` is what admission records (a probe takes a lease; the first probe moves `Open` to
 *   `HalfOpen`). `Circuit.admit` emits it for you; a replayed trace contains it.
 * - `Success`, `Failure` and `Ignored` answer a permit. Ignored counts as neither and frees its permit.
 *   `duration` is the call's measured duration in milliseconds, `NaN` when unknown; slow-call
 *   strategies judge a call by it.
 * - A `Failure` may carry `openFor` (build it with `failureOpenFor`): the dependency told us when to come
 *   back (an HTTP 429 or 503 with `Retry-After`), so the circuit opens at once for that long, whatever
 *   its strategy says. See `failureOpenFor` for the exact semantics.
 * - `ForceOpen`, `Disable`, `MetricsOnly` and `Reset` are manual control.
 *
 * @since 0.1.0
 */
import type { Permit } from './Decision'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** @category model @since 0.1.0 */
export interface Admitted {
  readonly _tag: 'Admitted'
  readonly permit: Permit
}

/** @category model @since 0.1.0 */
export interface Success {
  readonly _tag: 'Success'
  readonly permit: Permit
  readonly duration: number
}

/** @category model @since 0.1.0 */
export interface Failure {
  readonly _tag: 'Failure'
  readonly permit: Permit
  readonly duration: number
  /**
   * Open the circuit at once for this many milliseconds (a finite number `>= 0`), as a `Retry-After`
   * asks. Absent on an ordinary failure.
   */
  readonly openFor?: number
}

/** @category model @since 0.1.0 */
export interface Ignored {
  readonly _tag: 'Ignored'
  readonly permit: Permit
  readonly duration: number
}

/** Isolate the circuit: reject every call until `Reset`. @category model @since 0.1.0 */
export interface ForceOpen {
  readonly _tag: 'ForceOpen'
}

/** Let every call pass and record nothing until `Reset`. @category model @since 0.1.0 */
export interface Disable {
  readonly _tag: 'Disable'
}

/** Record outcomes but never open, until `Reset`. @category model @since 0.1.0 */
export interface MetricsOnly {
  readonly _tag: 'MetricsOnly'
}

/** Back to a fresh `Closed` state with the backoff forgotten. @category model @since 0.1.0 */
export interface Reset {
  readonly _tag: 'Reset'
}

/** @category model @since 0.1.0 */
export type Outcome = Success | Failure | Ignored

/** @category model @since 0.1.0 */
export type Control = ForceOpen | Disable | MetricsOnly | Reset

/** @category model @since 0.1.0 */
export type Event = Admitted | Outcome | Control

/**
 * What a classifier says of a settled call.
 *
 * @category model
 * @since 0.1.0
 */
export type Verdict = 'success' | 'failure' | 'ignore'

/**
 * The longest a `Retry-After` opens the circuit for: 24 hours. A longer `openFor` (a dependency asking
 * for days, or a bug) opens it for this long, so no reply can wedge a breaker open.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Event } from 'tripswitch'
 * assert.strictEqual(Event.maxRetryAfter, 86_400_000)
 *
 * @category model
 * @since 0.1.0
 */
export const maxRetryAfter = 24 * 60 * 60 * 1_000

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** @category constructors @since 0.1.0 */
export const admitted = (permit: Permit): Admitted => ({ _tag: 'Admitted', permit })

/** @category constructors @since 0.1.0 */
export const success = (permit: Permit, duration = NaN): Success => ({ _tag: 'Success', permit, duration })

/** @category constructors @since 0.1.0 */
export const failure = (permit: Permit, duration = NaN): Failure => ({ _tag: 'Failure', permit, duration })

/**
 * A failure that opens the circuit at once for `openFor` ms: for a dependency that said when to come
 * back, such as an HTTP 429 or 503 response with a `Retry-After` header (convert it to milliseconds).
 *
 * Recorded through `step` like any outcome, from the permit's generation only (a late one changes
 * nothing):
 * - Closed: the failure is counted by the strategy, then the circuit opens at `now` for exactly
 *   `openFor` ms (no jitter), at the backoff level a trip would have used, so the levels that follow
 *   escalate as usual.
 * - HalfOpen (a probe's outcome): the circuit re-opens for exactly `openFor` ms at the next level.
 * - MetricsOnly: counted, never opens. Disabled, ForcedOpen, Open: nothing changes.
 *
 * An `openFor` longer than `maxRetryAfter` (24 h) opens the circuit for `maxRetryAfter`.
 * `openFor` must be a finite number `>= 0`; any other value (`NaN`, negative, `Infinity`) is ignored and
 * the event is an ordinary failure. `0` opens and admits a probe at once.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit, Decision, Event } from 'tripswitch'
 *
 * const circuit = Circuit.make()
 * const s0 = circuit.initial(0)
 * const [permit] = circuit.admit(s0, 0)
 * assert.ok(Decision.isPermit(permit))
 * const s1 = circuit.step(s0, Event.failureOpenFor(permit, 120_000, 35), 35)
 * assert.deepStrictEqual(s1, { _tag: 'Open', generation: 1, openedAt: 35, openFor: 120_000, attempt: 0 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const failureOpenFor = (permit: Permit, openFor: number, duration = NaN): Failure => ({
  _tag: 'Failure',
  permit,
  duration,
  openFor
})

/** @category constructors @since 0.1.0 */
export const ignored = (permit: Permit, duration = NaN): Ignored => ({ _tag: 'Ignored', permit, duration })

/**
 * The outcome event for a classifier's verdict. With `openFor` (a `Retry-After` in ms), a `'failure'`
 * becomes `failureOpenFor(permit, openFor, duration)`; other verdicts ignore it.
 *
 * @category constructors
 * @since 0.1.0
 */
export const outcome = (verdict: Verdict, permit: Permit, duration = NaN, openFor?: number): Outcome =>
  verdict === 'success'
    ? success(permit, duration)
    : verdict === 'failure'
      ? openFor === undefined
        ? failure(permit, duration)
        : failureOpenFor(permit, openFor, duration)
      : ignored(permit, duration)

/** @category constructors @since 0.1.0 */
export const forceOpen: ForceOpen = { _tag: 'ForceOpen' }
/** @category constructors @since 0.1.0 */
export const disable: Disable = { _tag: 'Disable' }
/** @category constructors @since 0.1.0 */
export const metricsOnly: MetricsOnly = { _tag: 'MetricsOnly' }
/** @category constructors @since 0.1.0 */
export const reset: Reset = { _tag: 'Reset' }
