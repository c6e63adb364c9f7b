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
import { type Classifier, fromPredicates, type Predicates } from './Classifier'
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
export interface WrapOptions<This, Args extends ReadonlyArray<unknown>, R, A = Awaited<R>> extends Predicates<
  unknown,
  A
> {
  /** Called with the same `this` and arguments when the circuit rejects. */
  readonly fallback?: (this: This, ...args: Args) => R
  /**
   * Classifies the outcomes of this function, instead of the breaker's classifier (or give the
   * predicates `isFailure`, `isResultFailure`, `isIgnored`, typed by what the function returns).
   */
  readonly classify?: Classifier<unknown, A>
}

/**
 * What `wrap` gives: a function that wraps async functions whose value is `A` or narrower.
 *
 * @category model
 * @since 0.1.0
 */
export interface Wrapper<A = unknown> {
  <This, Args extends ReadonlyArray<unknown>, R extends A>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options?: WrapOptions<This, Args, R | PromiseLike<R>, R>
  ): ((this: This, ...args: Args) => Promise<R>) & { readonly breaker: B.Breaker }
}

/**
 * What `wrapSync` gives: a function that wraps sync functions whose value is `A` or narrower.
 *
 * @category model
 * @since 0.1.0
 */
export interface SyncWrapper<A = unknown> {
  <This, Args extends ReadonlyArray<unknown>, R extends A>(
    fn: (this: This, ...args: Args) => R,
    options?: WrapOptions<This, Args, R, R>
  ): ((this: This, ...args: Args) => R) & { readonly breaker: B.Breaker }
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
 * Wraps an async function (one that returns a promise). The wrapper always returns a promise. The
 * classification may be given for the function, typed by what it returns (`isResultFailure`, `classify`
 * in the options), or in the settings, typed by type arguments (`wrap<Error, Reply>(settings)`).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { wrap } from 'tripswitch'
 *
 * const getUser = async (id: string) => ({ id })
 * const guarded = wrap({ name: 'users' })(getUser, { fallback: async (id) => ({ id, stale: true }) })
 * const fetchStatus = async (code: number) => ({ status: code })
 * const status = wrap({ name: 'status', failureThreshold: 1 })(fetchStatus, {
 *   isResultFailure: (reply) => reply.status >= 500 // typed by fetchStatus: no cast
 * })
 * await status(503)
 * assert.strictEqual(status.breaker.state()._tag, 'Open')
 * assert.deepStrictEqual(await guarded('1'), { id: '1' })
 *
 * @category combinators
 * @since 0.1.0
 */
export function wrap(breaker: B.Breaker): Wrapper
export function wrap<E = unknown, A = unknown>(settings: B.Settings<E, A>): Wrapper<A>
export function wrap(breakerOrSettings: B.Breaker | B.Settings): Wrapper
export function wrap(breakerOrSettings: B.Breaker | B.Settings): Wrapper {
  const breaker = B.from(breakerOrSettings, 'wrap')
  const shared = G.spec(breaker, 'value', {}, 'wrap')
  return <This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options: WrapOptions<This, Args, R | PromiseLike<R>, R> = {}
  ): ((this: This, ...args: Args) => Promise<R>) & { readonly breaker: B.Breaker } => {
    const fallback = checked(fn, options, 'wrap')
    const g = specFor(shared, options, 'wrap')
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

// The spec of one wrapped function: the shared one, unless its options classify its outcomes.
const specFor = <A>(
  shared: G.Spec,
  options: WrapOptions<never, never, unknown, A>,
  where: string
): G.Spec => {
  const { classify, isFailure, isResultFailure, isIgnored } = options
  if (
    classify === undefined &&
    isFailure === undefined &&
    isResultFailure === undefined &&
    isIgnored === undefined
  ) {
    return shared
  }
  if (classify !== undefined && (isFailure ?? isResultFailure ?? isIgnored) !== undefined) {
    throw new ConfigError([
      `${where}.classify: give either classify or the isFailure/isResultFailure/isIgnored predicates`
    ])
  }
  for (const [field, f] of Object.entries({ isFailure, isResultFailure, isIgnored })) {
    if (f !== undefined && typeof f !== 'function') {
      throw new ConfigError([`${where}.${field}: expected a function, got ${typeof f}`])
    }
  }
  const own = (classify ?? fromPredicates(options)) as Classifier<unknown, unknown>
  return G.spec(shared.breaker, 'value', { classify: own }, where)
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
export function wrapSync(breaker: B.Breaker): SyncWrapper
export function wrapSync<E = unknown, A = unknown>(settings: B.Settings<E, A>): SyncWrapper<A>
export function wrapSync(breakerOrSettings: B.Breaker | B.Settings): SyncWrapper
export function wrapSync(breakerOrSettings: B.Breaker | B.Settings): SyncWrapper {
  const breaker = B.from(breakerOrSettings, 'wrapSync')
  const shared = G.spec(breaker, 'value', {}, 'wrapSync')
  return <This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => R,
    options: WrapOptions<This, Args, R, R> = {}
  ): ((this: This, ...args: Args) => R) & { readonly breaker: B.Breaker } => {
    const fallback = checked(fn, options, 'wrapSync')
    const g = specFor(shared, options, 'wrapSync')
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
