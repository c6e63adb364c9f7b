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
