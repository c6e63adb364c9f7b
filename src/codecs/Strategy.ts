/**
 * The `Strategy` module of the public API (`import { Strategy } from 'tripswitch'`): everything of
 * `Strategy.ts`, and the io-ts codecs of strategies, strategy documents and tallies, each built
 * from the plain check of `Strategy.ts` that the runtime uses. The runtime imports `Strategy.ts`
 * alone, so that a bundle that uses no codec carries no io-ts.
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts'
import * as S from '../Strategy'
import { toType } from './io'

export * from '../Strategy'

/**
 * How a closed circuit decides to open.
 *
 * @category model
 * @since 0.1.0
 */
export type Strategy = S.Strategy

/**
 * A decoded strategy document: durations in milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export type StrategyDocument = S.StrategyDocument

/**
 * The io-ts codec of a strategy as data, built from `Strategy.check`: each registered kind's fields
 * and cross-field rules, and `Any` with at least one strategy and no `Any` inside.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Strategy } from 'tripswitch'
 * assert.ok(E.isRight(Strategy.Strategy.decode(Strategy.consecutiveFailures(3))))
 * assert.ok(E.isLeft(Strategy.Strategy.decode(Strategy.consecutiveFailures(0))))
 *
 * @category codecs
 * @since 0.1.0
 */
export const Strategy: t.Type<Strategy, unknown, unknown> = /* @__PURE__ */ toType(S.check)

/**
 * The io-ts codec of a trip strategy in a config document, built from `Strategy.documentCheck`: a
 * `kind` naming one and the fields of its constructor, durations in milliseconds or as strings.
 * `fromDocument` turns a decoded one into a `Strategy`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Strategy } from 'tripswitch'
 * const doc = Strategy.StrategyDocument.decode({ kind: 'consecutiveFailures', threshold: 5 })
 * assert.deepStrictEqual(E.map(Strategy.fromDocument)(doc), E.right(Strategy.consecutiveFailures(5)))
 *
 * @category codecs
 * @since 0.1.0
 */
export const StrategyDocument: t.Type<StrategyDocument, unknown, unknown> = /* @__PURE__ */ toType(
  S.documentCheck
)

/**
 * The io-ts codec of the shape of a tally, whatever the strategy, built from `Strategy.tallyShapeCheck`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * assert.ok(Strategy.TallyShape.is(Strategy.initial(Strategy.consecutiveFailures(3))))
 *
 * @category codecs
 * @since 0.1.0
 */
export const TallyShape: t.Type<S.Tally, unknown, unknown> = /* @__PURE__ */ toType(S.tallyShapeCheck)

/**
 * The io-ts codec of a tally of the (valid) `strategy`, built from `Strategy.tallyCheck(strategy)`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * const s = Strategy.consecutiveFailures(3)
 * assert.ok(Strategy.tallyCodec(s).is(Strategy.initial(s)))
 *
 * @category codecs
 * @since 0.1.0
 */
export const tallyCodec = (strategy: Strategy): t.Type<S.Tally, unknown, unknown> =>
  toType(S.tallyCheck(strategy))
