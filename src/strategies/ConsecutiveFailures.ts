/**
 * `consecutiveFailures(threshold)`: open after `threshold` recorded failures in a row; a recorded
 * success resets the count. Its tally is a counter; it reads no clock.
 *
 * @since 0.1.0
 */
import { literal, nonNegativeInteger, positiveInteger, struct, tagged, type TypeOf } from '../codec'
import type { StrategyKind } from './StrategyKind'

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
 * The running state of a `ConsecutiveFailures` strategy.
 *
 * @category model
 * @since 0.1.0
 */
export interface ConsecutiveTally {
  readonly _tag: 'ConsecutiveFailures'
  readonly failures: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * @example
 * import * as assert from 'node:assert'
 * import { consecutiveFailures } from 'tripswitch'
 * assert.deepStrictEqual(consecutiveFailures(5), { _tag: 'ConsecutiveFailures', threshold: 5 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const consecutiveFailures = (threshold: number): ConsecutiveFailures => ({
  _tag: 'ConsecutiveFailures',
  threshold
})

// -------------------------------------------------------------------------------------
// kind
// -------------------------------------------------------------------------------------

const zero: ConsecutiveTally = { _tag: 'ConsecutiveFailures', failures: 0 }

const TallyShape = struct(
  'a ConsecutiveFailures tally',
  { _tag: literal('ConsecutiveFailures'), failures: nonNegativeInteger },
  {}
)

const Tally = tagged('a ConsecutiveFailures tally', '_tag', { ConsecutiveFailures: TallyShape })

const document = struct(
  'a consecutiveFailures strategy',
  { kind: literal('consecutiveFailures'), threshold: positiveInteger },
  {}
)

const tripped = (s: ConsecutiveFailures, tally: ConsecutiveTally): boolean => tally.failures >= s.threshold

/**
 * The `ConsecutiveFailures` kind, as registered in `strategies/index.ts`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const kind = Strategy.kinds.find((k) => k._tag === 'ConsecutiveFailures')!
 * const s = Strategy.consecutiveFailures(1)
 * assert.strictEqual(kind.isTrippedAsRecorded(s, kind.record(s, kind.initial(s), true, 1_000, 0)), true)
 *
 * @category kind
 * @since 0.1.0
 */
export const kind: StrategyKind<ConsecutiveFailures, ConsecutiveTally, TypeOf<typeof document>> = {
  _tag: 'ConsecutiveFailures',
  kind: 'consecutiveFailures',
  codec: struct(
    'a ConsecutiveFailures strategy',
    { _tag: literal('ConsecutiveFailures'), threshold: positiveInteger },
    {}
  ),
  document,
  fromDocument: (d) => consecutiveFailures(d.threshold),
  tallyShapes: { ConsecutiveFailures: TallyShape },
  tally: () => Tally,
  initial: () => zero,
  record: (_, tally, failure) =>
    failure
      ? { _tag: 'ConsecutiveFailures', failures: tally.failures + 1 }
      : tally.failures === 0
        ? tally
        : zero,
  isTripped: tripped,
  isTrippedAsRecorded: tripped,
  readsClock: () => false,
  isUnmovedBySuccess: (_, tally) => tally.failures === 0,
  slowCallDuration: () => undefined
}
