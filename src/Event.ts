/**
 * Events: everything that can happen to a circuit, as plain data for `Circuit.step`.
 *
 * - `Admitted` is what admission records (a probe takes a lease; the first probe moves `Open` to
 *   `HalfOpen`). `Circuit.admit` emits it for you; a replayed trace contains it.
 * - `Success`, `Failure` and `Ignored` answer a permit. Ignored counts as neither and frees its permit.
 *   `duration` is the call's measured duration in milliseconds, `NaN` when unknown.
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

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** @category constructors @since 0.1.0 */
export const admitted = (permit: Permit): Admitted => ({ _tag: 'Admitted', permit })

/** @category constructors @since 0.1.0 */
export const success = (permit: Permit, duration = NaN): Success => ({ _tag: 'Success', permit, duration })

/** @category constructors @since 0.1.0 */
export const failure = (permit: Permit, duration = NaN): Failure => ({ _tag: 'Failure', permit, duration })

/** @category constructors @since 0.1.0 */
export const ignored = (permit: Permit, duration = NaN): Ignored => ({ _tag: 'Ignored', permit, duration })

/**
 * The outcome event for a classifier's verdict.
 *
 * @category constructors
 * @since 0.1.0
 */
export const outcome = (verdict: Verdict, permit: Permit, duration = NaN): Outcome =>
  verdict === 'success'
    ? success(permit, duration)
    : verdict === 'failure'
      ? failure(permit, duration)
      : ignored(permit, duration)

/** @category constructors @since 0.1.0 */
export const forceOpen: ForceOpen = { _tag: 'ForceOpen' }
/** @category constructors @since 0.1.0 */
export const disable: Disable = { _tag: 'Disable' }
/** @category constructors @since 0.1.0 */
export const metricsOnly: MetricsOnly = { _tag: 'MetricsOnly' }
/** @category constructors @since 0.1.0 */
export const reset: Reset = { _tag: 'Reset' }
