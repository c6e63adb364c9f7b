/**
 * The policies of a plain function, stacked in one order: what `wrap(breaker)(fn, options)` and
 * `@guarded(breaker, options)` build when they are given a `timeout`, a `retry`, a `bulkhead` or a
 * fallback `on` failures. From the outside in (see docs/composition.md):
 *
 * ```
 * fallback ─▶ bulkhead ─▶ breaker (with its timeout) ─▶ retry ─▶ fn
 * ```
 *
 * - The bulkhead is outermost but for the fallback: a call it refuses never reaches the breaker (not
 *   a call, not a failure), and the breaker's durations do not include the wait in its queue.
 * - The breaker admits the whole retry sequence once and records its last outcome once; its timeout
 *   bounds the sequence (attempts and delays) and aborts the signal `fn` is given.
 * - The fallback runs after the slot is freed, so it never counts against the bulkhead.
 *
 * Each layer is the one implementation of its policy: `Bulkhead.within`, `Guard.run`, `Retry.run`,
 * `Guard.fallbackAsync`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type * as B from './Breaker'
import * as BH from './Bulkhead'
import type { BulkheadRejectedError } from './BulkheadRejectedError'
import type { CircuitOpenError } from './CircuitOpenError'
import { show } from './codec'
import { ConfigError } from './Config'
import type * as Duration from './Duration'
import type { Classifier } from './Classifier'
import * as G from './Guard'
import { withArgument } from './internal'
import * as R from './Retry'
import type { Scheduler } from './Timeout'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * When a fallback runs: `'open'` (default) when the call is refused without running (the circuit is
 * open, or the bulkhead refused it); `'failure'` when the call ran and failed (threw, rejected, or
 * timed out); `'both'`.
 *
 * @category model
 * @since 0.1.0
 */
export type On = 'open' | 'failure' | 'both'

/**
 * The policies of a plain function, besides its breaker.
 *
 * @category model
 * @since 0.1.0
 */
export interface Policies {
  readonly on?: On
  readonly timeout?: Duration.Input | undefined
  readonly scheduler?: Scheduler
  readonly retry?: R.RetryOptions
  readonly bulkhead?: BH.Bulkhead | BH.Settings
}

const onValues: ReadonlyArray<On> = ['open', 'failure', 'both']

/**
 * Whether `options` asks for more than a breaker and a fallback while open (the plain path of `wrap`).
 *
 * @internal
 */
export const isComposed = (options: Policies & { readonly fallback?: unknown }): boolean =>
  options.timeout !== undefined ||
  options.retry !== undefined ||
  options.bulkhead !== undefined ||
  (options.on !== undefined && options.on !== 'open')

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `fn` with its policies stacked (see the module's header). `fallback` is called with `fn`'s `this`,
 * the call's arguments and the reason last (`CircuitOpenError`, `BulkheadRejectedError`, or the
 * call's error); with a timeout, `fn` is given the call's `AbortSignal` last.
 *
 * @internal
 */
export const compose = <This, Args extends ReadonlyArray<unknown>, Res>(
  breaker: B.Breaker,
  fn: (this: This, ...args: Args) => PromiseLike<Res> | Res,
  fallback: ((this: This, ...args: ReadonlyArray<unknown>) => unknown) | undefined,
  options: Policies & { readonly classify?: Classifier<unknown, unknown> | undefined },
  where: string
): ((this: This, ...args: Args) => Promise<Res>) => {
  const on = options.on ?? 'open'
  if (!onValues.includes(on)) {
    throw new ConfigError([`${where}.on: expected 'open', 'failure' or 'both', got ${show(on)}`])
  }
  if (on !== 'open' && fallback === undefined) {
    throw new ConfigError([`${where}.on: '${on}' needs a fallback to run`])
  }
  const g = G.spec(
    breaker,
    'work',
    { timeout: options.timeout, scheduler: options.scheduler, classify: options.classify },
    where
  )
  const retry = options.retry === undefined ? undefined : R.spec(options.retry, `${where}.retry`)
  const bulkhead = options.bulkhead === undefined ? undefined : checkedBulkhead(options.bulkhead, where)
  const onRefused = on === 'failure' ? undefined : fallback

  // the work the breaker runs: `fn` once, or `fn` retried; given the call's signal when timed
  function work(this: This, args: Args, signal: AbortSignal | undefined): Promise<Res> {
    const once = (): Promise<Res> =>
      callPlain(fn, this, signal === undefined ? args : (signalled(fn, args, signal) as unknown as Args))
    if (retry === undefined) return once()
    // retries stop when the call's timeout fires, or when its caller aborts
    return R.run(retry, () => attempt(once), signal ?? BH.callerSignal(args)).then(unwrap)
  }

  return function guarded(this: This, ...args: Args): Promise<Res> {
    // the rejection this call met, if any, so that only the call's own failures are told apart from it
    let refused: unknown = undefined
    const refuse = (rejection: CircuitOpenError | BulkheadRejectedError): Promise<never> => {
      refused = rejection
      return Promise.reject(rejection)
    }
    const viaBreaker = (): Promise<Res> =>
      G.run(
        g,
        work as (this: This, ...a: ReadonlyArray<unknown>) => unknown,
        this,
        args,
        refuse
      ) as Promise<Res>
    const pending =
      bulkhead === undefined
        ? viaBreaker()
        : BH.within(bulkhead, BH.callerSignal(args), viaBreaker, undefined, [], refuse)
    if (fallback === undefined) return pending
    return pending.then(undefined, (error: unknown) => {
      const rejected = refused !== undefined && error === refused
      const substitute = rejected ? onRefused : on === 'open' ? undefined : fallback
      if (substitute === undefined) throw error
      return G.fallbackAsync(breaker, () =>
        Reflect.apply(substitute, this, withArgument(args, error, substitute.length))
      ) as Promise<Res>
    })
  }
}

const checkedBulkhead = (b: unknown, where: string): BH.Bulkhead => {
  if (BH.isBulkhead(b)) return b
  if (typeof b !== 'object' || b === null) {
    throw new ConfigError([`${where}.bulkhead: expected a Bulkhead or its settings, got ${show(b)}`])
  }
  return BH.unsafeMake(b as BH.Settings)
}

// `fn`'s arguments with the call's signal put where `fn` declares its last parameter (see
// `withArgument`); a signal the caller passed in that place is combined with it.
const signalled = (
  fn: { readonly length: number },
  args: ReadonlyArray<unknown>,
  signal: AbortSignal
): ReadonlyArray<unknown> => {
  const mine = fn.length > 0 ? args[fn.length - 1] : undefined
  if (mine instanceof AbortSignal) {
    const out = [...args]
    out[fn.length - 1] = AbortSignal.any([mine, signal])
    return out
  }
  return withArgument(args, signal, fn.length)
}

/**
 * Calls a plain function, its value or throw as a promise that settles once.
 *
 * @internal
 */
const callPlain = <This, Args extends ReadonlyArray<unknown>, R>(
  fn: (this: This, ...args: Args) => PromiseLike<R> | R,
  self: This,
  args: Args
): Promise<R> => {
  const out = Reflect.apply(fn, self, args) as PromiseLike<R> | R
  return out instanceof Promise ? (out as Promise<R>) : Promise.resolve(out)
}

// one attempt of a retried plain function: its value a `Right`, its throw or rejection a `Left`
const attempt = <A>(once: () => Promise<A>): Promise<E.Either<unknown, A>> => {
  try {
    return once().then(E.right, E.left)
  } catch (error) {
    return Promise.resolve(E.left(error))
  }
}

const unwrap = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw result.left
  return result.right
}
