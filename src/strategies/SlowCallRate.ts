/**
 * `slowCallRate({ window, threshold, slowCallDuration, minimumCalls })`: open when slow calls / calls
 * `>= threshold` over `window`, once it holds at least `minimumCalls` calls. A call is slow when it took
 * at least `slowCallDuration` ms, whether it succeeded or failed; a call of unknown duration (`NaN`) is
 * not slow. Its tally is the window's state, slow calls marked.
 *
 * @since 0.1.0
 */
import { literal, positiveInteger, positiveMs, rate, struct, type TypeOf } from '../codec'
import { durationOf } from '../Duration'
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

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

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
  readonly minimumCalls?: number | undefined
}): SlowCallRate => ({
  _tag: 'SlowCallRate',
  window: options.window,
  threshold: options.threshold,
  minimumCalls: options.minimumCalls ?? defaultMinimumCalls(options.window),
  slowCallDuration: options.slowCallDuration
})

// -------------------------------------------------------------------------------------
// kind
// -------------------------------------------------------------------------------------

const document = struct(
  'a slowCallRate strategy',
  {
    kind: literal('slowCallRate'),
    window: W.documentCheck,
    threshold: rate,
    slowCallDuration: durationOf(positiveMs)
  },
  { minimumCalls: positiveInteger }
)

/**
 * The `SlowCallRate` kind, as registered in `strategies/index.ts`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy, Window } from 'tripswitch'
 * const kind = Strategy.kinds.find((k) => k._tag === 'SlowCallRate')!
 * const s = Strategy.slowCallRate({ window: Window.count(1), threshold: 1, slowCallDuration: 300 })
 * assert.strictEqual(kind.isTrippedAsRecorded(s, kind.record(s, kind.initial(s), true, 1_000, 0)), true)
 *
 * @category kind
 * @since 0.1.0
 */
export const kind: StrategyKind<SlowCallRate, W.WindowState, TypeOf<typeof document>> = {
  ...windowed,
  _tag: 'SlowCallRate',
  kind: 'slowCallRate',
  codec: struct(
    'a SlowCallRate strategy',
    {
      _tag: literal('SlowCallRate'),
      window: W.check,
      threshold: rate,
      minimumCalls: positiveInteger,
      slowCallDuration: positiveMs
    },
    {},
    [atMostWindowSize('minimumCalls', 'calls')]
  ),
  document,
  fromDocument: ({ window, threshold, slowCallDuration, minimumCalls }) =>
    slowCallRate({
      window: W.fromDocument(window),
      threshold,
      slowCallDuration,
      minimumCalls
    }),
  record: (s, tally, _, duration, now) => W.record(s.window, tally, duration >= s.slowCallDuration, now),
  isTripped: (s, tally, now) => rateReached(W.totals(s.window, tally, now), s.threshold, s.minimumCalls),
  isTrippedAsRecorded: (s, tally) => rateReached(tally, s.threshold, s.minimumCalls),
  slowCallDuration: (s) => s.slowCallDuration
}
