/**
 * The `Window` module of the public API (`import { Window } from 'tripswitch'`): everything of
 * `Window.ts`, and the io-ts codecs of windows, window documents and window states, each built from
 * the plain check of `Window.ts` that the runtime uses. The runtime imports `Window.ts` alone, so
 * that a bundle that uses no codec carries no io-ts.
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts'
import * as W from '../Window'
import { toType, toTypes } from './io'

export * from '../Window'

/**
 * A window: the last `size` calls, or the calls of the last `duration` ms in `buckets` buckets.
 *
 * @category model
 * @since 0.1.0
 */
export type Window = W.Window

/**
 * A decoded window document: its duration in milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export type WindowDocument = W.WindowDocument

/**
 * The io-ts codec of a window as data, built from `Window.check`: a count window's `size` is an
 * integer from 1 to `maxSize`; a time window's `duration` is a positive integer number of milliseconds
 * and `buckets` an integer from 1 to `maxBuckets` that divides it into buckets of whole milliseconds.
 * Unknown keys are rejected.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Window } from 'tripswitch'
 * assert.ok(E.isRight(Window.Window.decode(Window.time(60_000, 12))))
 * assert.ok(E.isLeft(Window.Window.decode(Window.time(1_000, 3))))
 *
 * @category codecs
 * @since 0.1.0
 */
export const Window: t.Type<Window, unknown, unknown> = /* @__PURE__ */ toType(W.check)

/**
 * The io-ts codec of a window in a config document, built from `Window.documentCheck`:
 * `{ "kind": "count", "size": 100 }` or `{ "kind": "time", "duration": "60s", "buckets": 12 }`, durations
 * in milliseconds or as strings. `fromDocument` turns a decoded one into a `Window`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Window } from 'tripswitch'
 * const decoded = Window.WindowDocument.decode({ kind: 'time', duration: '1m', buckets: 12 })
 * assert.deepStrictEqual(E.map(Window.fromDocument)(decoded), E.right(Window.time(60_000, 12)))
 *
 * @category codecs
 * @since 0.1.0
 */
export const WindowDocument: t.Type<WindowDocument, WindowDocument, unknown> = /* @__PURE__ */ toType(
  W.documentCheck
)

/**
 * The io-ts codecs of the shapes of window states, by `_tag`, whatever the window (built from
 * `Window.stateShapeChecks`): what a decoder of persisted state checks before it knows the circuit.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Window } from 'tripswitch'
 * assert.ok(Window.stateShapes.CountWindow.is(Window.empty(Window.count(10))))
 *
 * @category codecs
 * @since 0.1.0
 */
export const stateShapes: {
  readonly CountWindow: t.Type<W.CountWindowState, W.CountWindowState, unknown>
  readonly TimeWindow: t.Type<W.TimeWindowState, W.TimeWindowState, unknown>
} = /* @__PURE__ */ toTypes(W.stateShapeChecks)

/**
 * The io-ts codec of a running state of the window `w`, built from `Window.stateCheck(w)`: one a
 * reducer may safely continue from.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Window } from 'tripswitch'
 * const w = Window.count(10)
 * assert.ok(E.isRight(Window.stateCodec(w).decode(Window.record(w, Window.empty(w), true, 0))))
 *
 * @category codecs
 * @since 0.1.0
 */
export const stateCodec = (w: Window): t.Type<W.WindowState, unknown, unknown> => toType(W.stateCheck(w))
