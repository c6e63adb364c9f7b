/**
 * Lifting fp-ts `TaskEither` computations through a breaker, and falling back when it rejects.
 *
 * `withBreaker(breaker)(task)` is the call protocol of `Guard` over a `TaskEither`: while the circuit
 * rejects, the task is never invoked and the result is `Left(CircuitOpenError)` (or the fallback's
 * `Right`). A task that rejects its promise, or resolves to something that is not an `Either`
 * (breaking the `TaskEither` contract), is recorded as a failure and the rejection propagates, so the
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
import {
  type CircuitOpenError,
  type FallbackReporter,
  isCircuitOpenError,
  reporterOf
} from './CircuitOpenError'
import { show } from './codec'
import type { Classifier } from './Classifier'
import { ConfigError } from './Config'
import * as G from './Guard'
import { isThenable } from './internal'
import type { Abortable, CallTimeoutError, Scheduler } from './Timeout'

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
 * A guard whose failures (`on: 'failure'`), or failures and rejections (`on: 'both'`), run a
 * fallback: the task's own error leaves the error channel, and only `X` is left in it.
 *
 * @category model
 * @since 0.1.0
 */
export interface GuardRecovering<F, X = never> {
  <E, A>(task: TaskEither<E, A> | Abortable<E, A>): TaskEither<X, A | F>
  readonly breaker: B.Breaker
}

/**
 * The `Left` of a fallback `TaskEither` that failed: its error, and the reason it ran (the
 * `CircuitOpenError` it stood in for, or the call's error).
 *
 * @category model
 * @since 0.1.0
 */
export interface FallbackError<E, R = CircuitOpenError> {
  readonly _tag: 'FallbackError'
  readonly cause: E
  readonly reason: R
}

/**
 * When a guard's fallback runs: `'open'` (default) while the circuit rejects; `'failure'` when the
 * call's result is a `Left` (its own error, or `CallTimeoutError`); `'both'`. A defect (a task that
 * rejects its promise) is never replaced: it propagates.
 *
 * @category model
 * @since 0.1.0
 */
export type FallbackOn = 'open' | 'failure' | 'both'

/**
 * A fallback: given the reason it runs, a `Task` of the value to use, or a `TaskEither` whose `Left`
 * becomes a `FallbackError`.
 *
 * @category model
 * @since 0.1.0
 */
export type Fallback<R, F, E2 = never> = (reason: R) => Task<F> | TaskEither<E2, F>

/**
 * @category model
 * @since 0.1.0
 */
export interface GuardOptions<F> {
  /**
   * Runs instead of returning the `Left` of a rejection (or, with `on`, of a failure): given the
   * reason, a `Task` of the value, or a `TaskEither` whose `Left` becomes a `FallbackError`.
   */
  readonly fallback?: Fallback<never, F, unknown>
  /** When the fallback runs (default `'open'`). */
  readonly on?: FallbackOn
  /** Classifies outcomes of this guard's tasks, instead of the breaker's classifier. */
  readonly classify?: Classifier<unknown, unknown>
  /** Milliseconds a call may take before it yields `Left(CallTimeoutError)`, recorded as a failure. */
  readonly timeout?: number | undefined
  /** Timers for `timeout` (default `realTimers`, ref'd while a call is in flight); tests inject their own. */
  readonly scheduler?: Scheduler
}

type Base = Omit<GuardOptions<never>, 'fallback' | 'on' | 'timeout'>

/** `CallTimeoutError` when `T` (a guard's `timeout`) is a number. */
type Timed<T> = T extends number ? CallTimeoutError : never

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** @category constructors @since 0.1.0 */
export const fallbackError = <E, R>(cause: E, reason: R): FallbackError<E, R> => ({
  _tag: 'FallbackError',
  cause,
  reason
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
export function withBreaker<T extends number | undefined = undefined>(
  breaker: B.Breaker | B.Settings,
  options?: Base & { readonly fallback?: undefined; readonly on?: FallbackOn; readonly timeout?: T }
): Guard<Timed<T>>
export function withBreaker<E2, F, T extends number | undefined = undefined>(
  breaker: B.Breaker | B.Settings,
  options: Base & {
    readonly fallback: (rejection: CircuitOpenError) => TaskEither<E2, F>
    readonly on?: 'open'
    readonly timeout?: T
  }
): GuardWithFallback<F, Timed<T> | FallbackError<E2>>
export function withBreaker<F, T extends number | undefined = undefined>(
  breaker: B.Breaker | B.Settings,
  options: Base & {
    readonly fallback: (rejection: CircuitOpenError) => Task<F>
    readonly on?: 'open'
    readonly timeout?: T
  }
): GuardWithFallback<F, Timed<T>>
export function withBreaker<E2, F>(
  breaker: B.Breaker | B.Settings,
  options: Base & {
    readonly fallback: (error: unknown) => TaskEither<E2, F>
    readonly on: 'failure'
    readonly timeout?: number
  }
): GuardRecovering<F, CircuitOpenError | FallbackError<E2, unknown>>
export function withBreaker<F>(
  breaker: B.Breaker | B.Settings,
  options: Base & {
    readonly fallback: (error: unknown) => Task<F>
    readonly on: 'failure'
    readonly timeout?: number
  }
): GuardRecovering<F, CircuitOpenError>
export function withBreaker<E2, F>(
  breaker: B.Breaker | B.Settings,
  options: Base & {
    readonly fallback: (reason: unknown) => TaskEither<E2, F>
    readonly on: 'both'
    readonly timeout?: number
  }
): GuardRecovering<F, FallbackError<E2, unknown>>
export function withBreaker<F>(
  breaker: B.Breaker | B.Settings,
  options: Base & {
    readonly fallback: (reason: unknown) => Task<F>
    readonly on: 'both'
    readonly timeout?: number
  }
): GuardRecovering<F>
export function withBreaker(
  breakerOrSettings: B.Breaker | B.Settings,
  options: Omit<GuardOptions<unknown>, 'fallback'> & {
    readonly fallback?: Fallback<never, unknown, unknown> | undefined
  } = {}
): unknown {
  const breaker = B.from(breakerOrSettings)
  const g = G.spec(breaker, 'either', options, 'withBreaker')
  const { fallback, on = 'open' } = options
  if (fallback !== undefined && typeof fallback !== 'function') {
    throw new ConfigError([
      `withBreaker.fallback: expected a function (reason) => Task or TaskEither, got ${typeof fallback}`
    ])
  }
  if (on !== 'open' && on !== 'failure' && on !== 'both') {
    throw new ConfigError([`withBreaker.on: expected 'open', 'failure' or 'both', got ${show(on)}`])
  }
  const substitute = fallback as Fallback<unknown, unknown, unknown> | undefined
  const onOpen =
    substitute !== undefined && on === 'open'
      ? (r: CircuitOpenError) => fallBack(breaker, substitute, r)
      : openLeft
  const guard = guardOf<unknown>(g, onOpen)
  return substitute === undefined || on === 'open'
    ? guard
    : recovering(guard, breaker, substitute, on === 'both')
}

// A guard whose `Left`s run the fallback: the call's own, and with `rejections` the rejection the
// guard made itself (which `on: 'failure'` leaves alone). Each `Left` meets the fallback once.
const recovering = <F>(
  guard: Guard<CallTimeoutError> | GuardWithFallback<F, CallTimeoutError>,
  breaker: B.Breaker,
  fallback: Fallback<unknown, F, unknown>,
  rejections: boolean
): GuardRecovering<F, unknown> => {
  const recover = <E, A>(task: TaskEither<E, A> | Abortable<E, A>): TaskEither<unknown, A | F> => {
    const guarded = guard(task)
    return () =>
      guarded().then((result): E.Either<unknown, A | F> | Promise<E.Either<unknown, A | F>> => {
        if (E.isRight(result)) return result
        const own = isCircuitOpenError(result.left) && reporterOf(result.left) === breaker
        return own && !rejections ? result : fallBack(breaker, fallback, result.left)
      })
  }
  return Object.assign(recover, { breaker })
}

// A fallback run for `reason`: a `Task`'s value is a `Right`; a `TaskEither`'s `Right` too, and its
// `Left` a `FallbackError`. Reported as `FallbackUsed` or `FallbackFailed` to `reporter`.
const fallBack = <F>(
  reporter: FallbackReporter,
  fallback: Fallback<unknown, F, unknown>,
  reason: unknown
): Promise<E.Either<FallbackError<unknown, unknown>, F>> => {
  let failed: E.Left<FallbackError<unknown, unknown>> | undefined
  return G.fallbackAsync(reporter, () =>
    runTask(fallback(reason), reporter).then((value) => {
      if (!isEither(value)) return value
      if (E.isRight(value)) return value.right
      failed = { _tag: 'Left', left: fallbackError(value.left, reason) }
      throw value.left
    })
  ).then(
    (value): E.Either<FallbackError<unknown, unknown>, F> => E.right(value as F),
    (error: unknown): E.Either<FallbackError<unknown, unknown>, F> => {
      if (failed !== undefined && failed.left.cause === error) return failed
      throw error
    }
  )
}

const isEither = (u: unknown): u is E.Either<unknown, unknown> => {
  if (typeof u !== 'object' || u === null) return false
  const tag = (u as { readonly _tag?: unknown })._tag
  return tag === 'Right' || tag === 'Left'
}

// The guard itself, made apart so that its closure holds the spec and `onOpen` alone.
const guardOf = <F>(
  g: G.Spec,
  onOpen: (rejection: CircuitOpenError) => Promise<unknown>
): Guard<CallTimeoutError> | GuardWithFallback<F, CallTimeoutError> => {
  const guard = <E, A>(
    task: TaskEither<E, A> | Abortable<E, A>
  ): TaskEither<E | CircuitOpenError | CallTimeoutError, A | F> => {
    return () =>
      G.run(g, task as (...args: ReadonlyArray<unknown>) => unknown, undefined, noArgs, onOpen) as Promise<
        E.Either<E | CircuitOpenError | CallTimeoutError, A | F>
      >
  }
  return Object.assign(guard, { breaker: g.breaker }) as
    Guard<CallTimeoutError> | GuardWithFallback<F, CallTimeoutError>
}

// a task is called with the call's signal, not with arguments (see `Guard.run`)
const noArgs: ReadonlyArray<unknown> = []

// What a rejected call gives without a fallback: `Left(CircuitOpenError)`.
const openLeft = (rejection: CircuitOpenError): Promise<unknown> => Promise.resolve(E.left(rejection))

// A fallback's `Task`, run; anything else given where a `Task` belongs is an error that says so.
const runTask = (task: unknown, reporter: FallbackReporter): Promise<unknown> => {
  if (typeof task !== 'function') {
    const whose = reporter instanceof B.Breaker ? `of breaker "${reporter.name}" ` : ''
    throw new TypeError(
      `tripswitch: the fallback ${whose}returned ${isThenable(task) ? 'a Promise' : typeof task}, not a Task (a function returning a Promise): write () => promise`
    )
  }
  return Promise.resolve((task as () => unknown)())
}

// what counts a fallback for a rejection that no breaker made (a hand-made `CircuitOpenError`)
const uncounted: FallbackReporter = {
  recordFallback: () => undefined,
  recordFallbackFailure: () => undefined
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
    ma().then((result): E.Either<Exclude<E, CircuitOpenError>, A | F> | Promise<E.Either<never, F>> =>
      E.isLeft(result) && isCircuitOpenError(result.left)
        ? counted(result.left, () => onOpen(result.left as CircuitOpenError)).then((f) => E.right(f as F))
        : (result as E.Either<Exclude<E, CircuitOpenError>, A>)
    )

// A fallback `Task` for `rejection`, counted by the breaker that made the rejection.
const counted = (rejection: CircuitOpenError, task: () => unknown): Promise<unknown> => {
  const reporter = reporterOf(rejection) ?? uncounted
  return G.fallbackAsync(reporter, () => runTask(task(), reporter))
}

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
    ma().then(
      (
        result
      ):
        | E.Either<Exclude<E, CircuitOpenError> | FallbackError<E2>, A | F>
        | Promise<E.Either<FallbackError<E2>, F>> =>
        E.isLeft(result) && isCircuitOpenError(result.left)
          ? (fallBack(
              reporterOf(result.left) ?? uncounted,
              onOpen as Fallback<unknown, F, unknown>,
              result.left
            ) as Promise<E.Either<FallbackError<E2>, F>>)
          : (result as E.Either<Exclude<E, CircuitOpenError>, A>)
    )
