/**
 * Private helpers shared by the combinators.
 *
 * @internal
 */

/**
 * A function that behaves as `wrapped` (same `this`, every argument) and shows the `name` and `length`
 * of `original`, so stack traces and introspection still show the function the user wrote.
 *
 * For the usual functions (a string name, 0 to 6 declared parameters) it is a forwarder made with that
 * name and that many parameters, so it has them from the start and stays in the engine's fast mode;
 * redefining `name` or `length` on an existing function turns it into a dictionary of properties, about
 * 420 bytes more per function. Any other `original` gets its `name` and `length` copied onto `wrapped`.
 *
 * @internal
 */
export const preserveIdentity = <F extends (...args: never) => unknown>(
  wrapped: F,
  original: { readonly name: string; readonly length: number }
): F => {
  const { name, length } = original
  const forwarder = typeof name === 'string' ? forwarders[length] : undefined
  if (forwarder !== undefined) return forwarder(wrapped as unknown as Fn, name) as unknown as F
  Object.defineProperty(wrapped, 'name', { value: name, configurable: true })
  Object.defineProperty(wrapped, 'length', { value: length, configurable: true })
  return wrapped
}

type Fn = (this: unknown, ...args: ReadonlyArray<unknown>) => unknown

// Forwarders with 0 to 6 declared parameters, each named by its computed key (a function gets its name
// from the key it is defined under). `arguments` passes every argument on, also those beyond the
// declared ones, and an engine forwards it without materializing an object.
/* eslint-disable prefer-rest-params */
const forwarders: ReadonlyArray<(f: Fn, name: string) => Fn> = [
  (f, name) =>
    ({
      [name]: function (this: unknown) {
        return Reflect.apply(f, this, arguments)
      }
    })[name]!,
  (f, name) =>
    ({
      [name]: function (this: unknown, _a: unknown) {
        return Reflect.apply(f, this, arguments)
      }
    })[name]!,
  (f, name) =>
    ({
      [name]: function (this: unknown, _a: unknown, _b: unknown) {
        return Reflect.apply(f, this, arguments)
      }
    })[name]!,
  (f, name) =>
    ({
      [name]: function (this: unknown, _a: unknown, _b: unknown, _c: unknown) {
        return Reflect.apply(f, this, arguments)
      }
    })[name]!,
  (f, name) =>
    ({
      [name]: function (this: unknown, _a: unknown, _b: unknown, _c: unknown, _d: unknown) {
        return Reflect.apply(f, this, arguments)
      }
    })[name]!,
  (f, name) =>
    ({
      [name]: function (this: unknown, _a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown) {
        return Reflect.apply(f, this, arguments)
      }
    })[name]!,
  (f, name) =>
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
        return Reflect.apply(f, this, arguments)
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
