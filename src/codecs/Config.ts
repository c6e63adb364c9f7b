/**
 * The `Config` module of the public API (`import { Config } from 'tripswitch'`): everything of
 * `Config.ts`, and the io-ts codecs of the options (`fields`) and of what a user writes
 * (`ConfigInput`), built from the plain checks `Config.resolve` uses (`fieldChecks`, `inputCheck`).
 * The runtime imports `Config.ts` alone, so that a bundle that uses no codec carries no io-ts.
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts'
import * as C from '../Config'
import type { TypeOf } from '../codec'
import { toStruct, toTypes } from './io'

export * from '../Config'

/**
 * What a user writes: every field optional, defaults filled in by `resolve`.
 *
 * @category model
 * @since 0.1.0
 */
export type ConfigInput = C.ConfigInput

type Checks = typeof C.fieldChecks

/**
 * The io-ts codecs of each option, as programmatic config gives it, built from `Config.fieldChecks`:
 * durations are milliseconds or strings such as `'2s'`, decoded to milliseconds.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Config } from 'tripswitch'
 * assert.strictEqual(Config.fields.jitter.is(0.5), true)
 *
 * @category codecs
 * @since 0.1.0
 */
export const fields: { readonly [K in keyof Checks]: t.Type<TypeOf<Checks[K]>, TypeOf<Checks[K]>, unknown> } =
  /* @__PURE__ */ toTypes(C.fieldChecks)

/**
 * The io-ts codec of what a user writes (`ConfigInput`), built from `Config.inputCheck`: every option
 * optional, the cross-field rules as refinements, unknown options rejected with a "did you mean"
 * hint. `resolve` checks with the same rule.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Config } from 'tripswitch'
 * assert.ok(E.isRight(Config.ConfigInput.decode({ failureThreshold: 5 })))
 * assert.ok(E.isLeft(Config.ConfigInput.decode({ halfOpenProbes: 1, successThreshold: 2 })))
 *
 * @category codecs
 * @since 0.1.0
 */
export const ConfigInput: t.Type<TypeOf<typeof C.inputCheck>, TypeOf<typeof C.inputCheck>, unknown> & {
  readonly keys: ReadonlyArray<string>
} = /* @__PURE__ */ toStruct(C.inputCheck)
