/**
 * The interface a trip strategy implements: one module per strategy, registered once in
 * `strategies/index.ts`. Everything else about strategies (the `Strategy` and `Tally` types, the codecs
 * of strategies, of their config documents and of their tallies, and the dispatch of `Strategy.record`,
 * `Strategy.isTripped`, ...) is derived from the registrations.
 *
 * A strategy is plain data with a `_tag`; so is its running state, its tally. A kind is the pure
 * functions over them, with the plain validators (`Check`s of `codec.ts`, no io-ts) that check them;
 * the io-ts codecs of `Strategy` are built from those.
 *
 * Invariants every kind keeps (the reducer relies on them, and `Strategy.test.ts` checks them for every
 * registered kind):
 * - `record` costs O(1) amortized and returns its input tally when nothing changed (no allocation).
 * - `isTrippedAsRecorded(s, t)` is `isTripped(s, t, now)` at the `now` of the latest recorded outcome.
 * - When `readsClock(s)` is false, `record` gives the same tally whatever `now` it is given.
 * - `isUnmovedBySuccess(s, t)` implies `record(s, t, false, NaN, now)` is `t`.
 * - `codec` accepts exactly the strategies the kind can run; `tally(s)` accepts exactly the tallies a
 *   reducer may continue from, and each accepted tally has a shape that one of `tallyShapes` accepts.
 * - `fromDocument` of a decoded `document` is a strategy that `codec` accepts or rejects with the
 *   problems of the cross-field rules alone (the document codec checks the shape of every field).
 *
 * @since 0.1.0
 */
import { type Check, type Mixed, problem, type Rule } from '../codec'
import * as W from '../Window'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One kind of trip strategy: `S` is the strategy as data, `T` its tally, `D` its config document.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const kind = Strategy.kinds.find((k) => k._tag === 'ConsecutiveFailures')
 * assert.strictEqual(kind?.kind, 'consecutiveFailures')
 *
 * @category model
 * @since 0.1.0
 */
export interface StrategyKind<
  S extends { readonly _tag: string },
  T extends { readonly _tag: string },
  D extends { readonly kind: string }
> {
  /** The `_tag` of its strategies. */
  readonly _tag: S['_tag']
  /** The `kind` naming it in a config document (`"failureRate"`). */
  readonly kind: D['kind']
  /** The validator of the strategy as data: every field and the cross-field rules. */
  readonly codec: Check<S>
  /** The validator of its config document: durations as milliseconds or strings such as `"30s"`. */
  readonly document: Check<D>
  /** The strategy a decoded document describes. */
  readonly fromDocument: (d: D) => S
  /** The validators of the shapes of its tallies, by `_tag`, whatever the strategy. */
  readonly tallyShapes: Readonly<Record<string, Mixed>>
  /** The validator of a tally of `s`: one a reducer may continue from. */
  readonly tally: (s: S) => Check<T>
  /** A fresh tally, as kept by a circuit that has just closed. */
  readonly initial: (s: S) => T
  /** Folds one recorded outcome, observed at `now`, into the tally. */
  readonly record: (s: S, tally: T, failure: boolean, duration: number, now: number) => T
  /** Whether the tally says the circuit should open at `now`. */
  readonly isTripped: (s: S, tally: T, now: number) => boolean
  /** `isTripped` at the instant of the latest recorded outcome. */
  readonly isTrippedAsRecorded: (s: S, tally: T) => boolean
  /** Whether `record` depends on `now`. */
  readonly readsClock: (s: S) => boolean
  /**
   * Whether a success of unknown duration leaves `tally` as it is: `record(s, tally, false, NaN, now)`
   * is `tally`. May answer `false` where that holds (the runtime then steps the outcome); never `true`
   * where it does not. The runtime's hot path asks it on every success.
   */
  readonly isUnmovedBySuccess: (s: S, tally: T) => boolean
  /** The shortest duration that makes a call slow for `s`, if `s` counts slow calls. */
  readonly slowCallDuration: (s: S) => number | undefined
}

/**
 * The strategies of a kind.
 *
 * @category model
 * @since 0.1.0
 */
export type StrategyOf<K> = K extends { readonly initial: (s: infer S) => unknown } ? S : never

/**
 * The tallies of a kind.
 *
 * @category model
 * @since 0.1.0
 */
export type TallyOf<K> = K extends { readonly initial: (s: never) => infer T } ? T : never

/**
 * The config documents of a kind.
 *
 * @category model
 * @since 0.1.0
 */
export type DocumentOf<K> = K extends { readonly fromDocument: (d: infer D) => unknown } ? D : never

// -------------------------------------------------------------------------------------
// windowed strategies
// -------------------------------------------------------------------------------------

/**
 * What every strategy over a window shares: its tally is the window's state (whose marks the strategy
 * chooses), it starts empty, and it reads the clock exactly when the window is a time window.
 *
 * @internal
 * @category windowed
 * @since 0.1.0
 */
export const windowed = {
  tallyShapes: W.stateShapeChecks,
  tally: (s: { readonly window: W.Window }): Check<W.WindowState> => W.stateCheck(s.window),
  initial: (s: { readonly window: W.Window }): W.WindowState => W.empty(s.window),
  readsClock: (s: { readonly window: W.Window }): boolean => s.window._tag === 'TimeWindow',
  // every recorded call moves a window
  isUnmovedBySuccess: (): boolean => false
}

/**
 * The rule that a count (`field`: a threshold of failures, `minimumCalls`) is at most a count
 * window's size: a window of 10 calls never holds 11 failures.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy, Window } from 'tripswitch'
 * assert.deepStrictEqual(Strategy.problems(Strategy.failureCount({ window: Window.count(10), threshold: 11 })), [
 *   "strategy.threshold: expected at most the window's size (10) failures, got 11"
 * ])
 *
 * @category windowed
 * @since 0.1.0
 */
export const atMostWindowSize = <K extends string>(
  field: K,
  what: string
): Rule<{ readonly window: W.Window } & { readonly [k in K]?: number }> => ({
  reads: ['window', field],
  check: (s) => {
    const n = s[field]
    return s.window._tag === 'CountWindow' && n !== undefined && n > s.window.size
      ? [problem([field], `expected at most the window's size (${s.window.size}) ${what}, got ${n}`)]
      : []
  }
})

/**
 * Whether the marked share of `totals` reaches `threshold`, once they hold at least `minimumCalls`
 * (with no calls at all, the share is `NaN`, which reaches no threshold).
 *
 * @internal
 * @category windowed
 * @since 0.1.0
 */
export const rateReached = (totals: W.Totals, threshold: number, minimumCalls: number): boolean =>
  totals.calls >= minimumCalls && totals.marked / totals.calls >= threshold

/**
 * The default `minimumCalls` of a rate over `window`: a count window's size; 100 for a time window.
 *
 * @internal
 * @category windowed
 * @since 0.1.0
 */
export const defaultMinimumCalls = (window: W.Window): number =>
  window._tag === 'CountWindow' ? window.size : 100
