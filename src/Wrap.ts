/**
 * Breakers for plain functions: async functions reject, sync functions throw.
 *
 * `wrap(breaker)(fn)` returns a function with the same parameters, `this`, `name` and `length`; it is
 * the call protocol of `Guard` over `fn`. While the circuit rejects, `fn` is not called: the wrapper
 * rejects (or throws, for `wrapSync`) with a `CircuitOpenError`, or returns what the optional fallback
 * returns for the same arguments. A thrown error or rejected promise of `fn` is classified as a
 * `Left`, its value as a `Right`; an async function that returns a plain value instead of a promise
 * still gets a promise of it, and the call is recorded once.
 *
 * @since 0.1.0
 */
import * as B from './Breaker'
import { ConfigError } from './Config'
import * as G from './Guard'
import { preserveIdentity } from './internal'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface WrapOptions<This, Args extends ReadonlyArray<unknown>, R> {
  /** Called with the same `this` and arguments when the circuit rejects. */
  readonly fallback?: (this: This, ...args: Args) => R
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

// A promise that rejects with `error` one microtask from now. The caller attaches its handler before
// that, which spares Node's unhandled-rejection bookkeeping for a promise rejected without a handler
// (`Promise.reject`): about 0.4 µs, most of an open circuit's rejection. Unhandled, it is still reported.
const rejectSoon = (error: unknown): Promise<never> =>
  Promise.resolve({
    then: (_: unknown, reject: (reason: unknown) => void) => reject(error)
  } as unknown as PromiseLike<never>)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Wraps an async function (one that returns a promise). The wrapper always returns a promise.
 *
 * @example
 * import { wrap } from 'tripswitch'
 *
 * const getUser = async (id: string) => ({ id })
 * const guarded = wrap({ name: 'users' })(getUser, { fallback: async (id) => ({ id, stale: true }) })
 *
 * @category combinators
 * @since 0.1.0
 */
export const wrap = (breakerOrSettings: B.Breaker | B.Settings) => {
  const breaker = B.from(breakerOrSettings, 'wrap')
  const g = G.spec(breaker, 'value', {}, 'wrap')
  return <This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options: WrapOptions<This, Args, R | PromiseLike<R>> = {}
  ): ((this: This, ...args: Args) => Promise<R>) & { readonly breaker: B.Breaker } => {
    const fallback = checked(fn, options, 'wrap')
    const onOpen =
      fallback === undefined
        ? rejectSoon
        : (_: unknown, self: This, args: Args): Promise<unknown> =>
            G.fallbackAsync(breaker, () => Reflect.apply(fallback, self, args))
    function guarded(this: This, ...args: Args): Promise<R> {
      return G.run(g, fn, this, args, onOpen) as Promise<R>
    }
    return Object.assign(preserveIdentity(guarded, fn), { breaker })
  }
}

// Checks what untyped callers may get wrong: the function, and the fallback if any.
const checked = <F>(fn: unknown, options: { readonly fallback?: F }, where: string): F | undefined => {
  if (typeof fn !== 'function')
    throw new ConfigError([`${where}: expected a function to guard, got ${typeof fn}`])
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError([`${where}: expected options { fallback? }, got ${String(options)}`])
  }
  const { fallback } = options
  if (fallback !== undefined && typeof fallback !== 'function') {
    throw new ConfigError([`${where}.fallback: expected a function, got ${typeof fallback}`])
  }
  return fallback
}

/**
 * Wraps a synchronous function. While the circuit rejects, the wrapper throws a `CircuitOpenError`
 * synchronously (or returns the fallback's value).
 *
 * @example
 * import { wrapSync } from 'tripswitch'
 *
 * const parse = wrapSync({ name: 'parser' })((text: string) => JSON.parse(text) as unknown)
 *
 * @category combinators
 * @since 0.1.0
 */
export const wrapSync = (breakerOrSettings: B.Breaker | B.Settings) => {
  const breaker = B.from(breakerOrSettings, 'wrapSync')
  const g = G.spec(breaker, 'value', {}, 'wrapSync')
  return <This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => R,
    options: WrapOptions<This, Args, R> = {}
  ): ((this: This, ...args: Args) => R) & { readonly breaker: B.Breaker } => {
    const fallback = checked(fn, options, 'wrapSync')
    function guarded(this: This, ...args: Args): R {
      return G.runSync(
        g,
        () => fn.call(this, ...args),
        (rejection) => {
          if (fallback === undefined) throw rejection
          return G.fallbackSync(breaker, () => fallback.call(this, ...args))
        }
      )
    }
    return Object.assign(preserveIdentity(guarded, fn), { breaker })
  }
}
