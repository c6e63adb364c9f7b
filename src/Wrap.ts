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
import { compose, isComposed, type Policies } from './Compose'
import { preserveIdentity, rejectSoon, withArgument } from './internal'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface WrapOptions<This, Args extends ReadonlyArray<unknown>, R> {
  /**
   * Called with the same `this` and arguments, and the reason last, when the circuit rejects (a
   * `CircuitOpenError`; with a `bulkhead`, also its `BulkheadRejectedError`) or, with `on`, when the
   * call fails (its error, or a `CallTimeoutError`). The reason is passed after the arguments, or as
   * the fallback's last declared parameter when the call passed fewer arguments.
   */
  readonly fallback?: (this: This, ...args: [...Args, reason: unknown]) => R
}

/**
 * The options of `wrap` and `@guarded`: the fallback, and the policies stacked around the breaker in
 * the order of docs/composition.md (fallback, bulkhead, breaker with its timeout, retry).
 *
 * @category model
 * @since 0.1.0
 */
export interface WrapPolicies<This, Args extends ReadonlyArray<unknown>, R>
  extends WrapOptions<This, Args, R>, Omit<Policies, 'timeout'> {
  /**
   * Milliseconds a call (with all its retries) may run before it fails with a `CallTimeoutError`,
   * recorded as a failure; the function is then given the call's `AbortSignal` as its last argument.
   */
  readonly timeout?: number | undefined
}

/**
 * The arguments of a function whose last parameter is the `AbortSignal` that `wrap` gives it (with
 * a `timeout`): the others.
 *
 * @category model
 * @since 0.1.0
 */
export type WithoutSignal<Args extends ReadonlyArray<unknown>> = Args extends readonly [
  ...infer P,
  AbortSignal
]
  ? P
  : Args

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
  const breaker = B.from(breakerOrSettings)
  const g = G.spec(breaker, 'value', {}, 'wrap')
  function guard<This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options: WrapPolicies<This, WithoutSignal<Args>, R | PromiseLike<R>> & { readonly timeout: number }
  ): ((this: This, ...args: WithoutSignal<Args>) => Promise<R>) & { readonly breaker: B.Breaker }
  function guard<This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options?: WrapPolicies<This, Args, R | PromiseLike<R>>
  ): ((this: This, ...args: Args) => Promise<R>) & { readonly breaker: B.Breaker }
  function guard<This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options: WrapPolicies<This, Args, R | PromiseLike<R>> = {}
  ): ((this: This, ...args: Args) => Promise<R>) & { readonly breaker: B.Breaker } {
    const fallback = checked(fn, options, 'wrap')
    if (isComposed(options)) {
      const composed = compose(breaker, fn, fallback as Fallback<This> | undefined, options, 'wrap')
      return Object.assign(preserveIdentity(composed, fn), { breaker })
    }
    const onOpen =
      fallback === undefined
        ? rejectSoon
        : (rejection: unknown, self: This, args: Args): Promise<unknown> =>
            G.fallbackAsync(breaker, () =>
              Reflect.apply(fallback, self, withArgument(args, rejection, fallback.length))
            )
    function guarded(this: This, ...args: Args): Promise<R> {
      return G.run(g, fn, this, args, onOpen) as Promise<R>
    }
    return Object.assign(preserveIdentity(guarded, fn), { breaker })
  }
  return guard
}

type Fallback<This> = (this: This, ...args: ReadonlyArray<unknown>) => unknown

// Checks what untyped callers may get wrong: the function, and the fallback if any.
const checked = <F>(fn: unknown, options: { readonly fallback?: F }, where: string): F | undefined => {
  if (typeof fn !== 'function')
    throw new ConfigError([`${where}: expected a function to guard, got ${typeof fn}`])
  const known = where === 'wrapSync' ? syncKeys : asyncKeys
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError([
      `${where}: expected options { ${known.map((k) => `${k}?`).join(', ')} }, got ${String(options)}`
    ])
  }
  const unknown = Object.keys(options).filter((k) => !known.includes(k))
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map(
        (k) =>
          `${where}.${k}: unknown option (known options: ${known.join(', ')})${asyncKeys.includes(k) ? '; timeouts, retries and bulkheads are for async functions: use wrap' : ''}`
      )
    )
  }
  const { fallback } = options
  if (fallback !== undefined && typeof fallback !== 'function') {
    throw new ConfigError([`${where}.fallback: expected a function, got ${typeof fallback}`])
  }
  return fallback
}

const syncKeys: ReadonlyArray<string> = ['fallback']
const asyncKeys: ReadonlyArray<string> = ['fallback', 'on', 'timeout', 'scheduler', 'retry', 'bulkhead']

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
  const breaker = B.from(breakerOrSettings)
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
          return G.fallbackSync(
            breaker,
            () => Reflect.apply(fallback, this, withArgument(args, rejection, fallback.length)) as R
          )
        }
      )
    }
    return Object.assign(preserveIdentity(guarded, fn), { breaker })
  }
}
