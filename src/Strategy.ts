/**
 * Trip strategies: when does a closed circuit open?
 *
 * A `Strategy` is plain configuration data; its running state is a `Tally`, also plain
 * JSON-serializable data, kept inside the `Closed` (and `MetricsOnly`) state. Both are driven by pure
 * functions: `initial` makes a fresh tally, `record` folds one recorded outcome into it, `isTripped`
 * says whether the circuit should open now.
 *
 * Invariants:
 * - `record` costs O(1) amortized and never allocates more than the strategy's bounded memory.
 * - A tally only ever sees outcomes of the generation it belongs to: the reducer drops late outcomes
 *   before they reach it.
 *
 * @since 0.1.0
 */

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
 * How a closed circuit decides to open.
 *
 * @category model
 * @since 0.1.0
 */
export type Strategy = ConsecutiveFailures

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
 * The running state of a strategy: plain data, safe to serialize.
 *
 * @category model
 * @since 0.1.0
 */
export type Tally = ConsecutiveTally

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
  }
}

/**
 * Folds one recorded outcome, observed at `now`, into `tally`.
 *
 * @category tally
 * @since 0.1.0
 */
export const record = (strategy: Strategy, tally: Tally, sample: Sample, _now: number): Tally => {
  switch (strategy._tag) {
    case 'ConsecutiveFailures':
      return sample.failure
        ? { _tag: 'ConsecutiveFailures', failures: tally.failures + 1 }
        : tally.failures === 0
          ? tally
          : zeroConsecutive
  }
}

/**
 * Whether `tally` says the circuit should open at `now`.
 *
 * @category tally
 * @since 0.1.0
 */
export const isTripped = (strategy: Strategy, tally: Tally, _now: number): boolean => {
  switch (strategy._tag) {
    case 'ConsecutiveFailures':
      return tally.failures >= strategy.threshold
  }
}
