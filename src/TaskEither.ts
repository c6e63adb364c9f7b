/**
 * Lifting fp-ts `TaskEither` computations through a breaker, and falling back when it rejects.
 *
 * `withBreaker(breaker)(task)` admits, runs, classifies and records: while the circuit rejects, the
 * task is never invoked and the result is `Left(CircuitOpenError)`. A task that rejects its promise
 * (breaking the `TaskEither` contract) is recorded as a failure and the rejection propagates, so the
 * breaker never stays stuck with a permit out.
 *
 * Retries compose inside: `pipe(retrying(policy, () => call, check), withBreaker(b))` records one
 * outcome for the whole retry sequence.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { Task } from 'fp-ts/Task'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as B from './Breaker'
import { CircuitOpenError, isCircuitOpenError } from './CircuitOpenError'
import { type Classifier, readsDuration } from './Classifier'
import { classifySafely, endOf, handlersPerPermit } from './internal'
import {
  type Abortable,
  type CallTimeoutError,
  checkScheduler,
  checkTimeout,
  launch,
  runWithin,
  type Scheduler
} from './Timeout'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A breaker lifted over `TaskEither`: apply it to any number of tasks; they share `breaker`. A task
 * may be an `Abortable` (a function of an `AbortSignal`); `X` is `CallTimeoutError` with a timeout.
 *
 * @category model
 * @since 0.1.0
 */
export interface Guard<X = never> {
  <E, A>(task: TaskEither<E, A> | Abortable<E, A>): TaskEither<E | CircuitOpenError | X, A>
  readonly breaker: B.Breaker
}

/**
 * A guard whose rejections run a fallback instead of returning `Left(CircuitOpenError)`.
 *
 * @category model
 * @since 0.1.0
 */
export interface GuardWithFallback<F, X = never> {
  <E, A>(task: TaskEither<E, A> | Abortable<E, A>): TaskEither<E | X, A | F>
  readonly breaker: B.Breaker
}

/**
 * The `Left` of a fallback `TaskEither` that failed: its error, and the rejection it stood in for.
 *
 * @category model
 * @since 0.1.0
 */
export interface FallbackError<E> {
  readonly _tag: 'FallbackError'
  readonly cause: E
  readonly rejection: CircuitOpenError
}

/**
 * @category model
 * @since 0.1.0
 */
export interface GuardOptions<F> {
  /** Runs when the circuit rejects, instead of returning `Left(CircuitOpenError)`. */
  readonly fallback?: (rejection: CircuitOpenError) => Task<F>
  /** Classifies outcomes of this guard's tasks, instead of the breaker's classifier. */
  readonly classify?: Classifier<unknown, unknown>
  /** Milliseconds a call may take before it yields `Left(CallTimeoutError)`, recorded as a failure. */
  readonly timeout?: number
  /** The timers for `timeout` (default `realTimers`, `unref`'d); inject one to drive time in tests. */
  readonly scheduler?: Scheduler
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** @category constructors @since 0.1.0 */
export const fallbackError = <E>(cause: E, rejection: CircuitOpenError): FallbackError<E> => ({
  _tag: 'FallbackError',
  cause,
  rejection
})

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/** @category guards @since 0.1.0 */
export const isFallbackError = (u: unknown): u is FallbackError<unknown> =>
  typeof u === 'object' && u !== null && (u as { readonly _tag?: unknown })._tag === 'FallbackError'

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Lifts `TaskEither`s through a breaker. Given settings instead of a breaker, it makes the breaker
 * once and every task it guards shares it (`guard.breaker`).
 *
 * @example
 * import { pipe } from 'fp-ts/function'
 * import * as TE from 'fp-ts/TaskEither'
 * import { withBreaker } from 'tripswitch'
 *
 * const users = withBreaker({ name: 'users', failureThreshold: 3, openFor: 30_000 })
 * const fetchUser = (id: string) => TE.tryCatch(() => fetch(`/users/${id}`), String)
 * const program = pipe(fetchUser('42'), users) // TaskEither<string | CircuitOpenError, Response>
 *
 * @category combinators
 * @since 0.1.0
 */
export function withBreaker(
  breaker: B.Breaker | B.Settings,
  options?: GuardOptions<never> & { readonly timeout?: undefined }
): Guard
export function withBreaker(
  breaker: B.Breaker | B.Settings,
  options: GuardOptions<never> & { readonly timeout: number }
): Guard<CallTimeoutError>
export function withBreaker<F>(
  breaker: B.Breaker | B.Settings,
  options: GuardOptions<F> & {
    readonly fallback: (rejection: CircuitOpenError) => Task<F>
    readonly timeout?: undefined
  }
): GuardWithFallback<F>
export function withBreaker<F>(
  breaker: B.Breaker | B.Settings,
  options: GuardOptions<F> & {
    readonly fallback: (rejection: CircuitOpenError) => Task<F>
    readonly timeout: number
  }
): GuardWithFallback<F, CallTimeoutError>
export function withBreaker<F>(
  breakerOrSettings: B.Breaker | B.Settings,
  options: GuardOptions<F> = {}
): Guard<CallTimeoutError> | GuardWithFallback<F, CallTimeoutError> {
  const breaker = B.from(breakerOrSettings)
  const calls = B.callsOf(breaker)
  const classify = options.classify ?? breaker.classify
  const fallback = options.fallback
  const timeout = options.timeout === undefined ? undefined : checkTimeout(options.timeout)
  const scheduler = checkScheduler(options.scheduler)
  // Set when this guard times every call: with a timeout, or with a classifier of its own that reads
  // durations (the breaker times the calls that its own classifier or strategy needs). One variable,
  // not three, as the guard's closure holds every variable it uses: an idle guard stays smaller.
  const timing =
    timeout !== undefined || (options.classify !== undefined && readsDuration(classify))
      ? { timeout, scheduler }
      : undefined
  const guard = <E, A>(
    task: TaskEither<E, A> | Abortable<E, A>
  ): TaskEither<E | CircuitOpenError | CallTimeoutError, A | F> => {
    const handlers = handlersPerPermit((permit, start) => ({
      permit,
      onResult: (result: E.Either<E | CallTimeoutError, A>): E.Either<E | CallTimeoutError, A> => {
        const end = endOf(calls.clock, start)
        calls.recordAt(permit, classifySafely(classify, result, end - start), end - start, end)
        return result
      },
      onDefect: (defect: unknown): never => {
        const end = endOf(calls.clock, start)
        calls.recordAt(permit, 'failure', end - start, end)
        throw defect
      }
    }))
    return function guarded() {
      const start = timing === undefined ? calls.startCall() : calls.clock()
      const decision = calls.admitAt(start)
      if (decision._tag === 'Rejection') {
        const rejection = new CircuitOpenError(calls.name, decision.retryAfter)
        return fallback === undefined
          ? Promise.resolve(E.left(rejection))
          : fallback(rejection)().then(
              (value) => {
                calls.recordFallback(calls.clock())
                return E.right(value)
              },
              (error: unknown) => {
                calls.recordFallbackFailure(error, calls.clock())
                throw error
              }
            )
      }
      const { onResult, onDefect } = handlers(decision, start)
      let promise: Promise<E.Either<E | CallTimeoutError, A>>
      if (timing?.timeout === undefined) {
        try {
          promise = launch(task)
        } catch (defect) {
          return Promise.reject(defect).catch(onDefect)
        }
        return promise.then(onResult, onDefect)
      }
      // A timed-out call is recorded once, when its timer fires; its late result is dropped.
      const { timeout: ms, scheduler: timers } = timing
      let expired = false
      const onExpiry = (): void => {
        expired = true
        const end = calls.clock()
        calls.recordTimeout(decision, ms, Math.max(end - start, ms), end)
      }
      try {
        promise = runWithin(task, ms, timers, calls.name, onExpiry)
      } catch (defect) {
        return Promise.reject(defect).catch(onDefect)
      }
      return promise.then((result) => (expired ? result : onResult(result)), onDefect)
    }
  }
  return Object.assign(guard, { breaker }) as Guard<CallTimeoutError> | GuardWithFallback<F, CallTimeoutError>
}

/**
 * Runs `onOpen` instead of returning a `Left(CircuitOpenError)`. Other `Left`s pass through: for a
 * fallback on every failure, use fp-ts `TaskEither.getOrElse`.
 *
 * @example
 * import { pipe } from 'fp-ts/function'
 * import * as T from 'fp-ts/Task'
 * import * as TE from 'fp-ts/TaskEither'
 * import { orFallback, withBreaker } from 'tripswitch'
 *
 * const prices = withBreaker({ name: 'prices' })
 * const latest = pipe(TE.right(42), prices, orFallback(() => T.of(40))) // TaskEither<never, number>
 *
 * @category combinators
 * @since 0.1.0
 */
export const orFallback =
  <F>(onOpen: (rejection: CircuitOpenError) => Task<F>) =>
  <E, A>(ma: TaskEither<E, A>): TaskEither<Exclude<E, CircuitOpenError>, A | F> =>
  () =>
    ma().then((result) =>
      E.isLeft(result) && isCircuitOpenError(result.left)
        ? onOpen(result.left)().then(E.right)
        : (result as E.Either<Exclude<E, CircuitOpenError>, A>)
    )

/**
 * Like `orFallback` with a fallback that may fail: its `Left` becomes a `FallbackError`.
 *
 * @example
 * import { pipe } from 'fp-ts/function'
 * import * as TE from 'fp-ts/TaskEither'
 * import { orFallbackTE, withBreaker } from 'tripswitch'
 *
 * const primary = withBreaker({ name: 'primary' })
 * const fromReplica: TE.TaskEither<string, number> = TE.right(41)
 * const read = pipe(TE.right(42), primary, orFallbackTE(() => fromReplica))
 * // TaskEither<FallbackError<string>, number>
 *
 * @category combinators
 * @since 0.1.0
 */
export const orFallbackTE =
  <E2, F>(onOpen: (rejection: CircuitOpenError) => TaskEither<E2, F>) =>
  <E, A>(ma: TaskEither<E, A>): TaskEither<Exclude<E, CircuitOpenError> | FallbackError<E2>, A | F> =>
  () =>
    ma().then((result) =>
      E.isLeft(result) && isCircuitOpenError(result.left)
        ? onOpen(result.left)().then(
            E.mapLeft((cause) => fallbackError(cause, result.left as CircuitOpenError))
          )
        : (result as E.Either<Exclude<E, CircuitOpenError>, A>)
    )
