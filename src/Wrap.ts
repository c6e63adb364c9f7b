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
import type { CircuitOpenError } from './CircuitOpenError'
import { compose, isComposed, type Policies } from './Compose'
import { ConfigError } from './Config'
import type * as Duration from './Duration'
import * as G from './Guard'
import { type Fn, identified, preserveIdentity, rejectSoon, withArgument } from './internal'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The options of `wrapSync`, and those `wrap` shares: the fallback, and a classifier of the function's
 * own outcomes, typed by what it returns.
 *
 * @category model
 * @since 0.1.0
 */
export interface WrapOptions<This, Args extends ReadonlyArray<unknown>, R, A = Awaited<R>> extends Predicates<
  unknown,
  A
> {
  /**
   * Called with the same `this` and arguments, and the reason last, when the circuit rejects (a
   * `CircuitOpenError`; with a `bulkhead`, also its `BulkheadRejectedError`) or, with `on`, when the
   * call fails (its error, or a `CallTimeoutError`). The reason is passed after the arguments, or as
   * the fallback's last declared parameter when the call passed fewer arguments.
   */
  readonly fallback?: (this: This, ...args: [...Args, reason: unknown]) => R
  /**
   * Classifies the outcomes of this function, instead of the breaker's classifier (or give the
   * predicates `isFailure`, `isResultFailure`, `isIgnored`, typed by what the function returns).
   */
  readonly classify?: Classifier<unknown, A>
}

/**
 * The options of `wrap` and `@guarded`: the fallback, a classifier, and the policies stacked around
 * the breaker in the order of docs/composition.md (fallback, bulkhead, breaker with its timeout, retry).
 *
 * @category model
 * @since 0.1.0
 */
export interface WrapPolicies<This, Args extends ReadonlyArray<unknown>, R, A = Awaited<R>>
  extends WrapOptions<This, Args, R, A>, Omit<Policies, 'timeout'> {
  /**
   * How long a call (with all its retries) may run before it fails with a `CallTimeoutError`,
   * recorded as a failure (ms or `'2s'`); the function is then given the call's `AbortSignal` as its
   * last argument.
   */
  readonly timeout?: Duration.Input | undefined
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

/**
 * What `wrap` gives: a function that wraps async functions whose value is `A` or narrower.
 *
 * @category model
 * @since 0.1.0
 */
export interface Wrapper<A = unknown> {
  <This, Args extends ReadonlyArray<unknown>, R extends A>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options: WrapPolicies<This, WithoutSignal<Args>, R | PromiseLike<R>, R> & {
      readonly timeout: Duration.Input
    }
  ): ((this: This, ...args: WithoutSignal<Args>) => Promise<R>) & { readonly breaker: B.Breaker }
  <This, Args extends ReadonlyArray<unknown>, R extends A>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options?: WrapPolicies<This, Args, R | PromiseLike<R>, R>
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
  return (<This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options: WrapPolicies<This, Args, R | PromiseLike<R>, R> = {}
  ): ((this: This, ...args: Args) => Promise<R>) & { readonly breaker: B.Breaker } => {
    const fallback = checked(fn, options, 'wrap')
    const classify = classifierOf(options, 'wrap')
    if (isComposed(options)) {
      const composed = compose(
        breaker,
        fn,
        fallback as Fallback<This> | undefined,
        { ...options, classify },
        'wrap'
      )
      return Object.assign(preserveIdentity(composed, fn), { breaker })
    }
    const g = classify === undefined ? shared : G.spec(breaker, 'value', { classify }, 'wrap')
    const onOpen =
      fallback === undefined
        ? rejectSoon
        : (rejection: unknown, self: This, args: Args): Promise<unknown> =>
            G.fallbackAsync(breaker, () =>
              Reflect.apply(fallback, self, withArgument(args, rejection, fallback.length))
            )
    // one function, calling `G.run(g, fn, this, arguments, onOpen)` (see `identified`)
    const guarded = identified(G.run<unknown, ReadonlyArray<unknown>>, g, fn as Fn, onOpen as OnOpen, fn)
    return Object.assign(guarded, { breaker }) as unknown as ((this: This, ...args: Args) => Promise<R>) & {
      readonly breaker: B.Breaker
    }
  }) as Wrapper
}

type OnOpen = (rejection: CircuitOpenError, self: unknown, args: ReadonlyArray<unknown>) => Promise<unknown>

type Fallback<This> = (this: This, ...args: ReadonlyArray<unknown>) => unknown

// The classifier of one wrapped function's options, if they give one (checked: untyped callers exist).
const classifierOf = <A>(
  options: WrapOptions<never, never, unknown, A>,
  where: string
): Classifier<unknown, unknown> | undefined => {
  const { classify, isFailure, isResultFailure, isIgnored } = options
  if (
    classify === undefined &&
    isFailure === undefined &&
    isResultFailure === undefined &&
    isIgnored === undefined
  ) {
    return undefined
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
  return (classify ?? fromPredicates(options)) as Classifier<unknown, unknown>
}
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
          `${where}.${k}: unknown option (known options: ${known.join(', ')})${asyncKeys.includes(k) && !syncKeys.includes(k) ? '; timeouts, retries and bulkheads are for async functions: use wrap' : ''}`
      )
    )
  }
  const { fallback } = options
  if (fallback !== undefined && typeof fallback !== 'function') {
    throw new ConfigError([`${where}.fallback: expected a function, got ${typeof fallback}`])
  }
  return fallback
}

const classifierKeys: ReadonlyArray<string> = ['classify', 'isFailure', 'isResultFailure', 'isIgnored']
const syncKeys: ReadonlyArray<string> = ['fallback', ...classifierKeys]
const asyncKeys: ReadonlyArray<string> = [...syncKeys, 'on', 'timeout', 'scheduler', 'retry', 'bulkhead']

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
    const classify = classifierOf(options, 'wrapSync')
    const g = classify === undefined ? shared : G.spec(breaker, 'value', { classify }, 'wrapSync')
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
