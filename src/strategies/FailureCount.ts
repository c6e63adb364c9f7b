/**
 * `failureCount({ window, threshold })`: open when at least `threshold` of the calls in `window` failed.
 * Its tally is the window's state, failures marked.
 *
 * @since 0.1.0
 */
import { literal, positiveInteger, struct, type TypeOf } from '../codec'
import * as W from '../Window'
import { atMostWindowSize, type StrategyKind, windowed } from './StrategyKind'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

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

// -------------------------------------------------------------------------------------
// kind
// -------------------------------------------------------------------------------------

const document = struct(
  'a failureCount strategy',
  { kind: literal('failureCount'), window: W.documentCheck, threshold: positiveInteger },
  {}
)

/**
 * The `FailureCount` kind, as registered in `strategies/index.ts`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy, Window } from 'tripswitch'
 * const kind = Strategy.kinds.find((k) => k._tag === 'FailureCount')!
 * const s = Strategy.failureCount({ window: Window.count(5), threshold: 1 })
 * assert.strictEqual(kind.isTrippedAsRecorded(s, kind.record(s, kind.initial(s), true, 1_000, 0)), true)
 *
 * @category kind
 * @since 0.1.0
 */
export const kind: StrategyKind<FailureCount, W.WindowState, TypeOf<typeof document>> = {
  ...windowed,
  _tag: 'FailureCount',
  kind: 'failureCount',
  codec: struct(
    'a FailureCount strategy',
    { _tag: literal('FailureCount'), window: W.check, threshold: positiveInteger },
    {},
    [atMostWindowSize('threshold', 'failures')]
  ),
  document,
  fromDocument: (d) => failureCount({ window: W.fromDocument(d.window), threshold: d.threshold }),
  record: (s, tally, failure, _, now) => W.record(s.window, tally, failure, now),
  isTripped: (s, tally, now) => W.totals(s.window, tally, now).marked >= s.threshold,
  isTrippedAsRecorded: (s, tally) => tally.marked >= s.threshold,
  slowCallDuration: () => undefined
}
