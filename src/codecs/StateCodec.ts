/**
 * The `StateCodec` module of the public API (`import { StateCodec } from 'tripswitch'`): everything
 * of `StateCodec.ts`, and the io-ts codecs of states, shared records and store replies, built from
 * the plain checks of `StateCodec.ts` that the breaker decodes with. The runtime imports
 * `StateCodec.ts` alone, so that a bundle that uses no codec carries no io-ts.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type * as t from 'io-ts'
import type { State } from '../State'
import { replyCheck, shapeCheck, sharedCheck, StateDecodeError } from '../StateCodec'
import type { Reply, Shared } from '../Store'
import { report, toType } from './io'

export * from '../StateCodec'

/**
 * The io-ts codec of a state's shape, built from `StateCodec.shapeCheck`. It checks types only: use
 * `decodeState`, which also checks the reducer's invariants.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit, StateCodec } from 'tripswitch'
 * assert.ok(StateCodec.StateShape.is(Circuit.initial(0)))
 *
 * @category codecs
 * @since 0.1.0
 */
export const StateShape: t.Type<State, unknown, unknown> = /* @__PURE__ */ toType(shapeCheck)

/**
 * The io-ts codec of a record shared by a fleet (`Store.Shared`), built from `StateCodec.sharedCheck`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { StateCodec } from 'tripswitch'
 * const record = { phase: 'Open', epoch: 2, attempt: 0, openFor: 1_000, remaining: 400, holder: '' }
 * assert.ok(E.isRight(StateCodec.SharedCodec.decode(record)))
 * assert.ok(E.isLeft(StateCodec.SharedCodec.decode({ ...record, phase: 'Ajar' })))
 *
 * @category codecs
 * @since 0.1.0
 */
export const SharedCodec: t.Type<Shared, Shared, unknown> = /* @__PURE__ */ toType(sharedCheck)

/**
 * The io-ts codec of a store's `Reply`, built from `StateCodec.replyCheck`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { StateCodec } from 'tripswitch'
 * const record = { phase: 'Closed', epoch: 0, attempt: 0, openFor: 0, remaining: 0, holder: '' }
 * assert.ok(E.isRight(StateCodec.ReplyCodec.decode({ outcome: 'local', record })))
 *
 * @category codecs
 * @since 0.1.0
 */
export const ReplyCodec: t.Type<Reply, Reply, unknown> = /* @__PURE__ */ toType(replyCheck)

/**
 * Decodes what a store answered with an io-ts `codec` (`ReplyCodec`, `SharedCodec`), naming every
 * problem with its path. Never throws. `StateCodec.decodeSharedWith` does the same with a plain check.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { StateCodec } from 'tripswitch'
 * const decode = StateCodec.decodeShared(StateCodec.SharedCodec, 'record')
 * const result = decode({ phase: 'Open', epoch: -1, attempt: 0, openFor: 0, remaining: 0, holder: '' })
 * assert.ok(E.isLeft(result) && /epoch/.test(result.left.message))
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeShared =
  <A>(codec: t.Type<A, A, unknown>, root: string) =>
  (input: unknown): E.Either<StateDecodeError, A> =>
    pipe(
      codec.decode(input),
      E.mapLeft((errors) => new StateDecodeError(report(errors, root)))
    )
