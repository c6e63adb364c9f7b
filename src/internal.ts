/**
 * Private helpers shared by the combinators.
 *
 * @internal
 */

/**
 * Copies `name` and `length` of `original` onto `wrapped`, so stack traces and introspection still
 * show the function the user wrote.
 *
 * @internal
 */
export const preserveIdentity = <F extends (...args: never) => unknown>(
  wrapped: F,
  original: { readonly name: string; readonly length: number }
): F => {
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true })
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true })
  return wrapped
}

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
