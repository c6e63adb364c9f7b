/**
 * The `Duration` module of the public API (`import { Duration } from 'tripswitch'`): everything of
 * `Duration.ts`, and the io-ts codec `Duration`, built from its plain check (`Duration.check`). The
 * runtime imports `Duration.ts` alone, so that a bundle that uses no codec carries no io-ts.
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts'
import { check, type Duration as Milliseconds } from '../Duration'
import { toType } from './io'

export * from '../Duration'

/**
 * A duration in milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export type Duration = Milliseconds

/**
 * The io-ts codec of a duration: decodes milliseconds or a duration string to milliseconds, and
 * encodes to milliseconds. Built from `Duration.check`, so it accepts and rejects what the runtime does.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Duration } from 'tripswitch'
 *
 * assert.deepStrictEqual(Duration.Duration.decode('2m'), E.right(120_000))
 * assert.deepStrictEqual(Duration.Duration.decode(90_000), E.right(90_000))
 * assert.ok(E.isLeft(Duration.Duration.decode(-1)))
 *
 * @category codecs
 * @since 0.1.0
 */
export const Duration: t.Type<Duration, Duration, unknown> = /* @__PURE__ */ toType(check)
