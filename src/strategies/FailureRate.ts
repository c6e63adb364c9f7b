/**
 * `failureRate({ window, threshold, minimumCalls })`: open when failures / calls `>= threshold` over
 * `window`, once it holds at least `minimumCalls` calls. Its tally is the window's state, failures marked.
 *
 * @since 0.1.0
 */
import { literal, positiveInteger, rate, struct, type TypeOf } from '../codec'
import * as W from '../Window'
import {
  atMostWindowSize,
  defaultMinimumCalls,
  rateReached,
  type StrategyKind,
  windowed
} from './StrategyKind'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

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
  readonly minimumCalls?: number | undefined
}): FailureRate => ({
  _tag: 'FailureRate',
  window: options.window,
  threshold: options.threshold,
  minimumCalls: options.minimumCalls ?? defaultMinimumCalls(options.window)
})

// -------------------------------------------------------------------------------------
// kind
// -------------------------------------------------------------------------------------

const document = struct(
  'a failureRate strategy',
  { kind: literal('failureRate'), window: W.documentCheck, threshold: rate },
  { minimumCalls: positiveInteger }
)

/**
 * The `FailureRate` kind, as registered in `strategies/index.ts`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy, Window } from 'tripswitch'
 * const kind = Strategy.kinds.find((k) => k._tag === 'FailureRate')!
 * const s = Strategy.failureRate({ window: Window.count(1), threshold: 1 })
 * assert.strictEqual(kind.isTrippedAsRecorded(s, kind.record(s, kind.initial(s), true, 1_000, 0)), true)
 *
 * @category kind
 * @since 0.1.0
 */
export const kind: StrategyKind<FailureRate, W.WindowState, TypeOf<typeof document>> = {
  ...windowed,
  _tag: 'FailureRate',
  kind: 'failureRate',
  codec: struct(
    'a FailureRate strategy',
    { _tag: literal('FailureRate'), window: W.check, threshold: rate, minimumCalls: positiveInteger },
    {},
    [atMostWindowSize('minimumCalls', 'calls')]
  ),
  document,
  fromDocument: ({ window, threshold, minimumCalls }) =>
    failureRate({
      window: W.fromDocument(window),
      threshold,
      minimumCalls
    }),
  record: (s, tally, failure, _, now) => W.record(s.window, tally, failure, now),
  isTripped: (s, tally, now) => rateReached(W.totals(s.window, tally, now), s.threshold, s.minimumCalls),
  isTrippedAsRecorded: (s, tally) => rateReached(tally, s.threshold, s.minimumCalls),
  slowCallDuration: () => undefined
}
