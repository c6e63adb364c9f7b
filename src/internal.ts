/**
 * Private helpers shared by the combinators.
 *
 * @internal
 */

/**
 * A function that shows the `name` and `length` of `original` and calls `run(a, b, this, args, c)`
 * with the arguments it was called with (all of them, also those beyond the declared ones): the one
 * function a wrapper needs, its data held in one small context, so stack traces and introspection
 * still show the function the user wrote.
 *
 * For the usual functions (a string name, 0 to 6 declared parameters) it is made with that name and
 * that many parameters, so it has them from the start and stays in the engine's fast mode; redefining
 * `name` or `length` on an existing function turns it into a dictionary of properties, about 420 bytes
 * more per function. Any other `original` gets its `name` and `length` copied onto the function.
 *
 * @internal
 */
export const identified = <A, B, C, R>(
  run: (a: A, b: B, self: unknown, args: ReadonlyArray<unknown>, c: C) => R,
  a: A,
  b: B,
  c: C,
  original: { readonly name: string; readonly length: number }
): ((this: unknown, ...args: ReadonlyArray<unknown>) => R) => {
  const make = shapeOf(original)
  if (make !== undefined)
    return make(run as Run, a, b, c, original.name) as (...args: ReadonlyArray<unknown>) => R
  return copyIdentity(function (this: unknown, ...args: ReadonlyArray<unknown>): R {
    return run(a, b, this, args, c)
  }, original)
}

/**
 * A function that behaves as `wrapped` (same `this`, every argument) and shows the `name` and `length`
 * of `original` (see `identified`).
 *
 * @internal
 */
export const preserveIdentity = <F extends (...args: never) => unknown>(
  wrapped: F,
  original: { readonly name: string; readonly length: number }
): F => {
  const make = shapeOf(original)
  return make === undefined
    ? copyIdentity(wrapped, original)
    : (make(applyTo as Run, wrapped, undefined, undefined, original.name) as unknown as F)
}

const shapeOf = (original: { readonly name: string; readonly length: number }) =>
  typeof original.name === 'string' ? shapes[original.length] : undefined

const copyIdentity = <F>(f: F, original: { readonly name: string; readonly length: number }): F => {
  Object.defineProperty(f, 'name', { value: original.name, configurable: true })
  Object.defineProperty(f, 'length', { value: original.length, configurable: true })
  return f
}

/**
 * A function of any `this` and arguments, as the wrappers hold what they guard.
 *
 * @internal
 */
export type Fn = (this: unknown, ...args: ReadonlyArray<unknown>) => unknown
type Run = (a: unknown, b: unknown, self: unknown, args: ReadonlyArray<unknown>, c: unknown) => unknown

const applyTo = (f: Fn, _b: undefined, self: unknown, args: ReadonlyArray<unknown>): unknown =>
  Reflect.apply(f, self, args)

// Functions of 0 to 6 declared parameters, each named by its computed key (a function gets its name
// from the key it is defined under), passing `arguments` on: every argument, also those beyond the
// declared ones.
/* eslint-disable prefer-rest-params */
const shapes: ReadonlyArray<(run: Run, a: unknown, b: unknown, c: unknown, name: string) => Fn> = [
  (run, a, b, c, name) =>
    ({
      [name]: function (this: unknown) {
        return run(a, b, this, arguments as unknown as ReadonlyArray<unknown>, c)
      }
    })[name]!,
  (run, a, b, c, name) =>
    ({
      [name]: function (this: unknown, _a: unknown) {
        return run(a, b, this, arguments as unknown as ReadonlyArray<unknown>, c)
      }
    })[name]!,
  (run, a, b, c, name) =>
    ({
      [name]: function (this: unknown, _a: unknown, _b: unknown) {
        return run(a, b, this, arguments as unknown as ReadonlyArray<unknown>, c)
      }
    })[name]!,
  (run, a, b, c, name) =>
    ({
      [name]: function (this: unknown, _a: unknown, _b: unknown, _c: unknown) {
        return run(a, b, this, arguments as unknown as ReadonlyArray<unknown>, c)
      }
    })[name]!,
  (run, a, b, c, name) =>
    ({
      [name]: function (this: unknown, _a: unknown, _b: unknown, _c: unknown, _d: unknown) {
        return run(a, b, this, arguments as unknown as ReadonlyArray<unknown>, c)
      }
    })[name]!,
  (run, a, b, c, name) =>
    ({
      [name]: function (this: unknown, _a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown) {
        return run(a, b, this, arguments as unknown as ReadonlyArray<unknown>, c)
      }
    })[name]!,
  (run, a, b, c, name) =>
    ({
      [name]: function (
        this: unknown,
        _a: unknown,
        _b: unknown,
        _c: unknown,
        _d: unknown,
        _e: unknown,
        _g: unknown
      ) {
        return run(a, b, this, arguments as unknown as ReadonlyArray<unknown>, c)
      }
    })[name]!
]
/* eslint-enable prefer-rest-params */

/**
 * Whether `u` has a `then` method: a promise, or any thenable.
 *
 * @internal
 */
export const isThenable = (u: unknown): u is PromiseLike<unknown> =>
  (typeof u === 'object' || typeof u === 'function') &&
  u !== null &&
  typeof (u as { readonly then?: unknown }).then === 'function'

/**
 * The mark of one of tripswitch's classes, shared by every copy of tripswitch in the process
 * (`Symbol.for`): a program that loads both the CommonJS and the ES module build has two copies of
 * each class, and `instanceof` alone would not recognize a value made by the other copy.
 *
 * @internal
 */
export const brand = (name: string): symbol => Symbol.for(`tripswitch/${name}`)

/**
 * Whether `u` carries the mark `mark` (see `brand`).
 *
 * @internal
 */
export const isBranded = (u: unknown, mark: symbol): boolean =>
  typeof u === 'object' && u !== null && (u as { readonly [k: symbol]: unknown })[mark] === true

/**
 * `args` with `extra` appended as the argument after them, or, when the function it is for declares
 * more parameters than were passed (`length`), as its last declared parameter (the ones between are
 * `undefined`). How a plain function gets its call's `AbortSignal` and a fallback its reason.
 *
 * @internal
 */
export const withArgument = (
  args: ReadonlyArray<unknown>,
  extra: unknown,
  length: number
): ReadonlyArray<unknown> => {
  const out = [...args]
  while (out.length < length - 1) out.push(undefined)
  out.push(extra)
  return out
}

/**
 * A promise that rejects with `error` one microtask from now. The caller attaches its handler before
 * that, which spares Node's unhandled-rejection bookkeeping for a promise rejected without a handler
 * (`Promise.reject`): about 0.4 µs or more, most of a rejection's cost. Unhandled, it is still reported.
 *
 * @internal
 */
export const rejectSoon = (error: unknown): Promise<never> =>
  Promise.resolve({
    then: (_: unknown, reject: (reason: unknown) => void) => reject(error)
  } as unknown as PromiseLike<never>)

/**
 * Makes the instances of `ctor` `Error`s without the stack capture of `super()` (`instanceof Error`
 * holds, `new` stays cheap), tagged `tag` (`_tag`, enumerable, and `name`) and marked `brand(tag)` on
 * the prototype; returns the mark, for the class's guard. What `CircuitOpenError`,
 * `BulkheadRejectedError` and `CallTimeoutError` share.
 *
 * @internal
 */
export const cheapError = (ctor: { readonly prototype: object }, tag: string): symbol => {
  const mark = brand(tag)
  Object.setPrototypeOf(ctor.prototype, Error.prototype)
  Object.defineProperties(ctor.prototype, {
    _tag: { value: tag, enumerable: true },
    name: { value: tag },
    [mark]: { value: true }
  })
  return mark
}
