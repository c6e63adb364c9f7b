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
 * - `Any` is flat: its strategies are never `Any` (`any` and the Semigroup flatten, the codec refuses a
 *   nested one), so tallies never nest and decoding never recurses deeply.
 * - `Any` is bounded: the codecs (data and document form) accept at most `maxStrategies` (100)
 *   strategies in it, and refuse a longer list before looking at its elements, so decoding costs time
 *   linear in the input and a breaker's per-call work stays bounded.
 *
 * Each strategy but `Any` is one module in `strategies/`, written against `StrategyKind` and registered
 * in `strategies/index.ts`; this module derives the rest from the registrations: the `Strategy` and
 * `Tally` types, the plain validators (`check`, `documentCheck`, `tallyShapeCheck`, `tallyCheck`; no
 * io-ts), the validation (`problems`, `tallyProblems`) and the dispatch of every function below by
 * `_tag`. The io-ts codecs `Strategy.Strategy`, `Strategy.StrategyDocument`, `Strategy.TallyShape` and
 * `Strategy.tallyCodec` are built from the validators in `codecs/Strategy.ts`.
 *
 * @since 0.1.0
 */
import type { Semigroup as Sg } from 'fp-ts/Semigroup'
import {
  array,
  atMost,
  type Check,
  guarded,
  isRecord,
  literal,
  type Mixed,
  nonEmpty,
  own,
  problem,
  problemsOf,
  struct,
  tagged,
  tuple,
  type TypeOf
} from './codec'
import { registered } from './strategies'
import { kind as consecutive, type ConsecutiveTally } from './strategies/ConsecutiveFailures'
import type { DocumentOf, StrategyKind, StrategyOf, TallyOf } from './strategies/StrategyKind'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type { ConsecutiveFailures, ConsecutiveTally } from './strategies/ConsecutiveFailures'
export type { FailureCount } from './strategies/FailureCount'
export type { FailureRate } from './strategies/FailureRate'
export type { SlowCallRate } from './strategies/SlowCallRate'
export type { StrategyKind } from './strategies/StrategyKind'

type Registered = (typeof registered)[number]

/**
 * A registered strategy other than `Any`.
 *
 * @category model
 * @since 0.1.0
 */
export type Single = StrategyOf<Registered>

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
export type Strategy = Single | Any

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
export type Tally = TallyOf<Registered> | AnyTally

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

export { consecutiveFailures } from './strategies/ConsecutiveFailures'
export { failureCount } from './strategies/FailureCount'
export { failureRate } from './strategies/FailureRate'
export { slowCallRate } from './strategies/SlowCallRate'

/**
 * The most strategies an `Any` may combine: what the `Strategy` and `StrategyDocument` codecs (and so
 * `Config.resolve`, `decodeConfig`) accept. Every call is recorded in each of them, so the bound keeps a
 * call's work bounded too.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const many = Array.from({ length: Strategy.maxStrategies + 1 }, (_, i) => Strategy.consecutiveFailures(i + 1))
 * assert.deepStrictEqual(Strategy.problems(Strategy.any(Strategy.consecutiveFailures(1), ...many)), [
 *   'strategy.strategies: expected at most 100 strategies, got 102'
 * ])
 *
 * @category constructors
 * @since 0.1.0
 */
export const maxStrategies = 100

/** Appends the strategies of `s` (itself, or those of an `Any`) to `out`. */
const flattenInto = (out: Array<Strategy>, s: Strategy): void => {
  if (s._tag === 'Any') for (const x of s.strategies) out.push(x)
  else out.push(s)
}

/**
 * Trips when any of its strategies trips. Nested `any`s are flattened; a single strategy is returned
 * as it is. Costs time linear in the strategies it returns; combine a list in one call
 * (`any(first, ...rest)`) rather than by folding, which copies the list at each step. At most
 * `maxStrategies` strategies pass the codecs.
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
  const strategies: Array<Strategy> = []
  flattenInto(strategies, first)
  for (const s of rest) flattenInto(strategies, s)
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
 * `concat` costs time linear in the strategies it returns, so a fold of `n` strategies copies
 * `O(n²)` of them: at most about 5,000 copies for the `maxStrategies` (100) that the codecs accept.
 * To combine a list of any length in linear time, pass it to `any` at once.
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
  concat: (x, y) => {
    const strategies: Array<Strategy> = []
    flattenInto(strategies, x)
    flattenInto(strategies, y)
    return { _tag: 'Any', strategies }
  }
}

// -------------------------------------------------------------------------------------
// kinds
// -------------------------------------------------------------------------------------

/** A kind seen from outside: called only with strategies (and their tallies) of its own `_tag`. */
type Erased = StrategyKind<Strategy, Tally, { readonly kind: string }>

const erase = (kinds: ReadonlyArray<unknown>): ReadonlyArray<Erased> => kinds as ReadonlyArray<Erased>

const singles = erase(registered)

const codecsBy = (key: '_tag' | 'kind', pick: (k: Erased) => Mixed): Readonly<Record<string, Mixed>> =>
  Object.fromEntries(singles.map((k) => [k[key], pick(k)]))

const nestedAny = 'expected a strategy other than Any inside Any (list its strategies instead)'

/** `check`, refusing an `Any` with a message saying why: `Any` is kept flat. */
const flat = (check: Mixed): Mixed =>
  guarded(check, (u) => (isRecord(u) && own(u, '_tag') === 'Any' ? [problem([], nestedAny)] : []))

const anyDocument = struct(
  'an any strategy',
  {
    kind: literal('any'),
    strategies: atMost(
      maxStrategies,
      'strategies',
      nonEmpty(
        'a non-empty array of trip strategies',
        array(
          tagged(
            'a trip strategy',
            'kind',
            codecsBy('kind', (k) => k.document)
          )
        )
      )
    )
  },
  {}
)

const singleTallies = tagged(
  'a strategy tally',
  '_tag',
  Object.assign({}, ...singles.map((k) => k.tallyShapes)) as Readonly<Record<string, Mixed>>
)

// every dispatch below goes through `kindOf`, so that the `_tag` of a strategy picks its kind
const kindOf = (s: Strategy): Erased => byTag[s._tag] as Erased

const anyKind: StrategyKind<Any, AnyTally, TypeOf<typeof anyDocument>> = {
  _tag: 'Any',
  kind: 'any',
  codec: struct(
    'an Any strategy',
    {
      _tag: literal('Any'),
      strategies: atMost(
        maxStrategies,
        'strategies',
        nonEmpty(
          'a non-empty array of strategies',
          array(
            flat(
              tagged(
                'a strategy (see Strategy)',
                '_tag',
                codecsBy('_tag', (k) => k.codec)
              )
            )
          )
        )
      )
    },
    {}
  ) as Check<Any>,
  document: anyDocument,
  fromDocument: (d) => ({
    _tag: 'Any',
    strategies: d.strategies.map((x) => fromDocument(x as StrategyDocument))
  }),
  tallyShapes: {
    Any: struct(
      'an Any tally',
      { _tag: literal('Any'), tallies: atMost(maxStrategies, 'tallies', array(singleTallies)) },
      {}
    )
  },
  tally: (s) =>
    tagged('an Any tally', '_tag', {
      Any: struct(
        'an Any tally',
        {
          _tag: literal('Any'),
          tallies: tuple(
            `${s.strategies.length} tallies`,
            s.strategies.map((x) => kindOf(x).tally(x))
          )
        },
        {}
      )
    }) as Check<AnyTally>,
  initial: (s) => ({ _tag: 'Any', tallies: s.strategies.map(initial) }),
  record: (s, t, failure, duration, now) => {
    let changed = false
    const tallies = s.strategies.map((x, i) => {
      const before = t.tallies[i] ?? initial(x)
      const after = recordOutcome(x, before, failure, duration, now)
      if (after !== before) changed = true
      return after
    })
    return changed ? { _tag: 'Any', tallies } : t
  },
  isTripped: (s, t, now) =>
    s.strategies.some((x, i) => {
      const sub = t.tallies[i]
      return sub !== undefined && isTripped(x, sub, now)
    }),
  isTrippedAsRecorded: (s, t) =>
    s.strategies.some((x, i) => {
      const sub = t.tallies[i]
      return sub !== undefined && isTrippedAsRecorded(x, sub)
    }),
  readsClock: (s) => s.strategies.some(readsClock),
  isUnmovedBySuccess: (s, t) =>
    s.strategies.every((x, i) => {
      const sub = t.tallies[i]
      return sub !== undefined && isUnmovedBySuccess(x, sub)
    }),
  slowCallDuration: (s) => {
    let min: number | undefined
    for (const x of s.strategies) {
      const d = slowCallDuration(x)
      if (d !== undefined) min = min === undefined ? d : Math.min(min, d)
    }
    return min
  }
}

/**
 * Every kind of trip strategy: the registered ones (see `strategies/index.ts`), then `Any`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * assert.deepStrictEqual(Strategy.kinds.map((k) => k._tag), [
 *   'ConsecutiveFailures', 'FailureCount', 'FailureRate', 'SlowCallRate', 'Any'
 * ])
 *
 * @category kinds
 * @since 0.1.0
 */
export const kinds: ReadonlyArray<Erased> = [...singles, ...erase([anyKind])]

const byTag: Readonly<Record<string, Erased | undefined>> = Object.fromEntries(kinds.map((k) => [k._tag, k]))

const byKind: Readonly<Record<string, Erased | undefined>> = Object.fromEntries(kinds.map((k) => [k.kind, k]))

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

/**
 * The plain validator of a strategy as data (the io-ts codec `Strategy.Strategy` is built from it),
 * derived from the registered kinds: each kind's fields and cross-field rules (a rate is in `(0, 1]`, a
 * count threshold or `minimumCalls` is at most a count window's size, ...), and `Any` with at least one
 * strategy and no `Any` inside.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Strategy } from 'tripswitch'
 * assert.ok(E.isRight(Strategy.check.decode(Strategy.consecutiveFailures(3))))
 * assert.ok(E.isLeft(Strategy.check.decode(Strategy.consecutiveFailures(0))))
 *
 * @category checks
 * @since 0.1.0
 */
export const check: Check<Strategy> = tagged(
  'a strategy (see Strategy)',
  '_tag',
  Object.fromEntries(kinds.map((k) => [k._tag, k.codec]))
)

/**
 * A decoded strategy document: durations in milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export type StrategyDocument = DocumentOf<Registered> | TypeOf<typeof anyDocument>

/**
 * The plain validator of a trip strategy in a config document (the io-ts codec
 * `Strategy.StrategyDocument` is built from it), derived from the registered kinds: a `kind` naming one (`consecutiveFailures`, `failureCount`, `failureRate`, `slowCallRate`, or `any` with a list
 * of the others in `strategies`) and the fields of its constructor, durations in milliseconds or as
 * strings. `fromDocument` turns a decoded one into a `Strategy`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Strategy } from 'tripswitch'
 * const doc = Strategy.documentCheck.decode({ kind: 'consecutiveFailures', threshold: 5 })
 * assert.deepStrictEqual(E.map(Strategy.fromDocument)(doc), E.right(Strategy.consecutiveFailures(5)))
 *
 * @category checks
 * @since 0.1.0
 */
export const documentCheck: Check<StrategyDocument> = tagged(
  'a trip strategy',
  'kind',
  Object.fromEntries(kinds.map((k): readonly [string, Mixed] => [k.kind, k.document]))
) as Check<StrategyDocument>

/**
 * The strategy a decoded document describes; an `any` of a single strategy is that strategy, as
 * `any` builds it.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy, Window } from 'tripswitch'
 * assert.deepStrictEqual(
 *   Strategy.fromDocument({ kind: 'failureCount', window: { kind: 'count', size: 20 }, threshold: 5 }),
 *   Strategy.failureCount({ window: Window.count(20), threshold: 5 })
 * )
 *
 * @category checks
 * @since 0.1.0
 */
export const fromDocument = (d: StrategyDocument): Strategy => {
  const s = (byKind[d.kind] as Erased).fromDocument(d)
  return s._tag === 'Any' && s.strategies.length === 1 ? (s.strategies[0] as Strategy) : s
}

/**
 * The plain validator of the shape of a tally, whatever the strategy (the io-ts codec
 * `Strategy.TallyShape` is built from it), derived from the registered kinds: what a decoder of
 * persisted state checks before it knows the circuit (an `Any` tally holds no `Any`).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * assert.ok(Strategy.tallyShapeCheck.is(Strategy.initial(Strategy.consecutiveFailures(3))))
 *
 * @category checks
 * @since 0.1.0
 */
export const tallyShapeCheck: Check<Tally> = tagged(
  'a strategy tally',
  '_tag',
  Object.assign({}, ...kinds.map((k) => k.tallyShapes)) as Readonly<Record<string, Mixed>>
) as Check<Tally>

/**
 * The plain validator of a tally of the (valid) `strategy` (the io-ts codec `Strategy.tallyCodec` is
 * built from it): one a reducer may safely continue from.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const s = Strategy.consecutiveFailures(3)
 * assert.ok(Strategy.tallyCheck(s).is(Strategy.initial(s)))
 *
 * @category checks
 * @since 0.1.0
 */
export const tallyCheck = (strategy: Strategy): Check<Tally> => kindOf(strategy).tally(strategy)

// -------------------------------------------------------------------------------------
// tally
// -------------------------------------------------------------------------------------

/**
 * A fresh tally for `strategy`, as kept by a circuit that has just closed.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * assert.deepStrictEqual(Strategy.initial(Strategy.consecutiveFailures(3)), { _tag: 'ConsecutiveFailures', failures: 0 })
 *
 * @category tally
 * @since 0.1.0
 */
export const initial = (strategy: Strategy): Tally => kindOf(strategy).initial(strategy)

/**
 * Whether `sample` is slow for a `slowCallDuration`: at least that long (`NaN` is never slow).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * assert.strictEqual(Strategy.isSlow(100, { failure: false, duration: 150 }), true)
 *
 * @category tally
 * @since 0.1.0
 */
export const isSlow = (slowCallDuration: number, sample: Sample): boolean =>
  sample.duration >= slowCallDuration

/**
 * Folds one recorded outcome, observed at `now`, into `tally` (a tally of `strategy`).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const s = Strategy.consecutiveFailures(3)
 * const t = Strategy.record(s, Strategy.initial(s), { failure: true, duration: 12 }, 0)
 * assert.deepStrictEqual(t, { _tag: 'ConsecutiveFailures', failures: 1 })
 *
 * @category tally
 * @since 0.1.0
 */
export const record = (strategy: Strategy, tally: Tally, sample: Sample, now: number): Tally =>
  recordOutcome(strategy, tally, sample.failure, sample.duration, now)

/**
 * `record` with the sample's fields as arguments: what the reducer calls on its hot path, so that no
 * sample object is allocated per call. Returns `tally` itself when nothing changed.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const s = Strategy.consecutiveFailures(3)
 * const t = Strategy.initial(s)
 * assert.strictEqual(Strategy.recordOutcome(s, t, false, 12, 0), t)
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
): Tally =>
  // the default strategy's kind is called directly: a call site of its own, which the engine can inline
  strategy._tag === 'ConsecutiveFailures'
    ? consecutive.record(strategy, tally as ConsecutiveTally, failure, duration, now)
    : kindOf(strategy).record(strategy, tally, failure, duration, now)

/**
 * Whether `tally` says the circuit should open at `now`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const s = Strategy.consecutiveFailures(1)
 * assert.strictEqual(Strategy.isTripped(s, Strategy.record(s, Strategy.initial(s), { failure: true, duration: 1 }, 0), 0), true)
 *
 * @category tally
 * @since 0.1.0
 */
export const isTripped = (strategy: Strategy, tally: Tally, now: number): boolean =>
  kindOf(strategy).isTripped(strategy, tally, now)

/**
 * Whether `tally` says the circuit should open, as of its latest recorded outcome: `isTripped` at the
 * instant of that outcome, without recomputing which time buckets have expired. What the reducer asks
 * right after `record`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const s = Strategy.consecutiveFailures(2)
 * assert.strictEqual(Strategy.isTrippedAsRecorded(s, Strategy.initial(s)), false)
 *
 * @category tally
 * @since 0.1.0
 */
export const isTrippedAsRecorded = (strategy: Strategy, tally: Tally): boolean =>
  kindOf(strategy).isTrippedAsRecorded(strategy, tally)

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The shortest `slowCallDuration` among the slow-call strategies of `strategy`, if it has any: what a
 * metrics adapter may use to count slow calls the way the circuit does.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * assert.strictEqual(Strategy.slowCallDuration(Strategy.consecutiveFailures(3)), undefined)
 *
 * @category utils
 * @since 0.1.0
 */
export const slowCallDuration = (strategy: Strategy): number | undefined =>
  kindOf(strategy).slowCallDuration(strategy)

/**
 * Whether recording an outcome in a tally of `strategy` depends on when it happened: whether any of
 * its windows is a time window. A tally of a strategy that reads no clock (consecutive failures,
 * count windows) is the same whatever `now` its outcomes are recorded at, so the runtime may record
 * them without reading its clock (see `Circuit`, "Time").
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy, Window } from 'tripswitch'
 * assert.strictEqual(Strategy.readsClock(Strategy.consecutiveFailures(3)), false)
 * assert.strictEqual(Strategy.readsClock(Strategy.failureRate({ window: Window.time(60_000, 60), threshold: 0.5 })), true)
 *
 * @category utils
 * @since 0.1.0
 */
export const readsClock = (strategy: Strategy): boolean => kindOf(strategy).readsClock(strategy)

/**
 * Whether a success of unknown duration leaves `tally` (of `strategy`) as it is: then
 * `recordOutcome(strategy, tally, false, NaN, now)` is `tally` for every `now`. What the reducer's hot
 * path asks (`Circuit.isUnmovedBySuccess`); conservative: it may answer `false` where that holds.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const s = Strategy.consecutiveFailures(3)
 * assert.strictEqual(Strategy.isUnmovedBySuccess(s, Strategy.initial(s)), true)
 *
 * @category utils
 * @since 0.1.0
 */
export const isUnmovedBySuccess = (strategy: Strategy, tally: Tally): boolean =>
  // the default strategy's kind is called directly, as in `recordOutcome`
  strategy._tag === 'ConsecutiveFailures'
    ? consecutive.isUnmovedBySuccess(strategy, tally as ConsecutiveTally)
    : kindOf(strategy).isUnmovedBySuccess(strategy, tally)

// -------------------------------------------------------------------------------------
// validation
// -------------------------------------------------------------------------------------

/**
 * Every problem with `u` as a strategy, one line each naming its field under `path`; empty when `u` is a
 * valid `Strategy`: the problems `check` finds.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy, Window } from 'tripswitch'
 * assert.deepStrictEqual(Strategy.problems(Strategy.failureRate({ window: Window.count(10), threshold: 1.5 })), [
 *   'strategy.threshold: expected a rate in (0, 1], got 1.5'
 * ])
 *
 * @category validation
 * @since 0.1.0
 */
export const problems = (u: unknown, path = 'strategy'): ReadonlyArray<string> => problemsOf(check, u, path)

/**
 * Every problem with `u` as a tally of the (valid) `strategy`, one line each under `path`; empty when a
 * reducer may safely continue from it: the problems `tallyCheck(strategy)` finds. For decoders of
 * persisted or shared state. A closed circuit's tally must also not be tripped: check `isTripped`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * assert.deepStrictEqual(Strategy.tallyProblems(Strategy.consecutiveFailures(3), { _tag: 'ConsecutiveFailures', failures: -1 }), [
 *   'tally.failures: expected a non-negative integer, got -1'
 * ])
 *
 * @category validation
 * @since 0.1.0
 */
export const tallyProblems = (strategy: Strategy, u: unknown, path = 'tally'): ReadonlyArray<string> =>
  problemsOf(tallyCheck(strategy), u, path)
