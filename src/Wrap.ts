/**
 * Breakers for plain functions: async functions reject, sync functions throw.
 *
 * `wrap(breaker)(fn)` returns a function with the same parameters, `this`, `name` and `length`. While
 * the circuit rejects, `fn` is not called: the wrapper rejects (or throws, for `wrapSync`) with a
 * `CircuitOpenError`, or returns what the optional fallback returns for the same arguments. A thrown
 * error or rejected promise of `fn` is classified as a `Left`, its value as a `Right`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as B from './Breaker'
import { CircuitOpenError } from './CircuitOpenError'
import { classifySafely, endOf, handlersPerPermit, preserveIdentity } from './internal'

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
  const breaker = B.from(breakerOrSettings)
  const calls = B.callsOf(breaker)
  const { clock, classify, name } = breaker
  return <This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => PromiseLike<R>,
    options: WrapOptions<This, Args, R | PromiseLike<R>> = {}
  ): ((this: This, ...args: Args) => Promise<R>) & { readonly breaker: B.Breaker } => {
    const { fallback } = options
    const handlers = handlersPerPermit((permit, start) => {
      const settle = (result: E.Either<unknown, R>): void => {
        const end = endOf(clock, start)
        calls.recordAt(permit, classifySafely(classify, result, end - start), end - start, end)
      }
      return {
        permit,
        settle,
        onValue: (value: R): R => {
          settle(E.right(value))
          return value
        },
        onError: (error: unknown): never => {
          settle(E.left(error))
          throw error
        }
      }
    })
    // the rejection path, apart so that the closed path stays small
    const reject = (self: This, args: Args, retryAfter: number): Promise<R> => {
      const rejection = new CircuitOpenError(name, retryAfter)
      if (fallback === undefined) return rejectSoon(rejection)
      let substitute: R | PromiseLike<R>
      try {
        substitute = fallback.call(self, ...args)
      } catch (error) {
        breaker.recordFallbackFailure(error, clock())
        return Promise.reject(error)
      }
      return Promise.resolve(substitute).then(
        (value) => {
          breaker.recordFallback(clock())
          return value
        },
        (error: unknown) => {
          breaker.recordFallbackFailure(error, clock())
          throw error
        }
      )
    }
    function guarded(this: This, ...args: Args): Promise<R> {
      const start = calls.startCall()
      const decision = calls.admitAt(start)
      if (decision._tag === 'Rejection') return reject(this, args, decision.retryAfter)
      const call = handlers(decision, start)
      let pending: PromiseLike<R>
      try {
        pending = fn.call(this, ...args)
      } catch (error) {
        call.settle(E.left(error))
        return Promise.reject(error)
      }
      return Promise.resolve(pending).then(call.onValue, call.onError)
    }
    return Object.assign(preserveIdentity(guarded, fn), { breaker })
  }
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
  const breaker = B.from(breakerOrSettings)
  const calls = B.callsOf(breaker)
  const { clock, classify, name } = breaker
  return <This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => R,
    options: WrapOptions<This, Args, R> = {}
  ): ((this: This, ...args: Args) => R) & { readonly breaker: B.Breaker } => {
    const { fallback } = options
    function guarded(this: This, ...args: Args): R {
      const start = calls.startCall()
      const decision = calls.admitAt(start)
      if (decision._tag === 'Rejection') {
        if (fallback === undefined) throw new CircuitOpenError(name, decision.retryAfter)
        let substitute: R
        try {
          substitute = fallback.call(this, ...args)
        } catch (error) {
          breaker.recordFallbackFailure(error, clock())
          throw error
        }
        breaker.recordFallback(clock())
        return substitute
      }
      let result: E.Either<unknown, R>
      try {
        result = E.right(fn.call(this, ...args))
      } catch (error) {
        result = E.left(error)
      }
      const end = endOf(clock, start)
      calls.recordAt(decision, classifySafely(classify, result, end - start), end - start, end)
      if (E.isLeft(result)) throw result.left
      return result.right
    }
    return Object.assign(preserveIdentity(guarded, fn), { breaker })
  }
}
