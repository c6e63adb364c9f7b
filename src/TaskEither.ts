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
import type * as Duration from './Duration'
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
 * A guard for the computations of error `E0` and value `A0`: what `withBreaker` gives when its
 * classifier options read them (`isResultFailure: (reply) => reply.status >= 500`), inferred from the
 * `pipe` it is used in or given as type arguments (`withBreaker<ApiError, Reply>(settings)`). It takes
 * any task whose error and value are `E0` and `A0` or narrower.
 *
 * @category model
 * @since 0.1.0
 */
export interface GuardFor<E0, A0, X = never> {
  <E extends E0, A extends A0>(
    task: TaskEither<E, A> | Abortable<E, A>
  ): TaskEither<E | CircuitOpenError | X, A>
  (task: TaskEither<E0, A0> | Abortable<E0, A0>): TaskEither<E0 | CircuitOpenError | X, A0>
  readonly breaker: B.Breaker
}

/**
 * `GuardFor` with a fallback (see `GuardWithFallback`).
 *
 * @category model
 * @since 0.1.0
 */
export interface GuardWithFallbackFor<E0, A0, F, X = never> {
  <E extends E0, A extends A0>(task: TaskEither<E, A> | Abortable<E, A>): TaskEither<E | X, A | F>
  (task: TaskEither<E0, A0> | Abortable<E0, A0>): TaskEither<E0 | X, A0 | F>
  readonly breaker: B.Breaker
}

/**
 * What `withBreaker` gives for computations of error `E` and value `A`: a `Guard` of any task while
 * both are `unknown` (nothing reads them), else a `GuardFor<E, A>`.
 *
 * @category model
 * @since 0.1.0
 */
export type GuardOf<E, A, X = never> = Untyped<E, A, Guard<X>, GuardFor<E, A, X>>

// `Any` while `E` and `A` are both `unknown` (no classifier option reads them), else `For`
type Untyped<E, A, Any, For> = unknown extends E ? (unknown extends A ? Any : For) : For

/**
 * `GuardOf` with a fallback.
 *
 * @category model
 * @since 0.1.0
 */
export type GuardWithFallbackOf<E, A, F, X = never> = Untyped<
  E,
  A,
  GuardWithFallback<F, X>,
  GuardWithFallbackFor<E, A, F, X>
>

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
 * `GuardFor` whose failures run a fallback (see `GuardRecovering`).
 *
 * @category model
 * @since 0.1.0
 */
export interface GuardRecoveringFor<E0, A0, F, X = never> {
  <E extends E0, A extends A0>(task: TaskEither<E, A> | Abortable<E, A>): TaskEither<X, A | F>
  (task: TaskEither<E0, A0> | Abortable<E0, A0>): TaskEither<X, A0 | F>
  readonly breaker: B.Breaker
}

/**
 * `GuardOf` whose failures run a fallback: a `GuardRecovering` while `E` and `A` are both `unknown`,
 * else a `GuardRecoveringFor<E, A>`.
 *
 * @category model
 * @since 0.1.0
 */
export type GuardRecoveringOf<E, A, F, X = never> = Untyped<
  E,
  A,
  GuardRecovering<F, X>,
  GuardRecoveringFor<E, A, F, X>
>

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
export interface GuardOptions<F, E = unknown, A = unknown> {
  /**
   * Runs instead of returning the `Left` of a rejection (or, with `on`, of a failure): given the
   * reason, a `Task` of the value, or a `TaskEither` whose `Left` becomes a `FallbackError`.
   */
  readonly fallback?: Fallback<never, F, unknown>
  /** When the fallback runs (default `'open'`). */
  readonly on?: FallbackOn
  /** Classifies outcomes of this guard's tasks, instead of the breaker's classifier. */
  readonly classify?: Classifier<E, A>
  /** How long a call may take before it yields `Left(CallTimeoutError)`, recorded as a failure (ms or `'2s'`). */
  readonly timeout?: Duration.Input | undefined
  /** Timers for `timeout` (default `realTimers`, ref'd while a call is in flight); tests inject their own. */
  readonly scheduler?: Scheduler
}

// The options of `withBreaker`'s overloads, told apart by their fallback and `on`, and by their timeout:
// none, or one (which may be `undefined` at run time). `Base` is the rest.
type Base<E, A> = Omit<GuardOptions<never, E, A>, 'fallback' | 'on' | 'timeout'>
interface Untimed {
  readonly timeout?: undefined
}
interface Timed {
  readonly timeout?: Duration.Input | undefined
}
interface NoFallback {
  readonly fallback?: undefined
  readonly on?: FallbackOn
}
interface WhenOpen<R> {
  readonly fallback: (rejection: CircuitOpenError) => R
  readonly on?: 'open'
}
interface WhenFailed<R> {
  readonly fallback: (error: unknown) => R
  readonly on: 'failure'
}
interface Always<R> {
  readonly fallback: (reason: unknown) => R
  readonly on: 'both'
}

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
 * The guard's type follows its options: a `timeout` adds `CallTimeoutError` to the error channel; a
 * fallback (a `Task`, or a `TaskEither` whose `Left` becomes a `FallbackError`) removes
 * `CircuitOpenError` with `on: 'open'` (default), the task's own error with `on: 'failure'`, both with
 * `on: 'both'`. Classifier options (in the settings, or `classify`) are typed by the guarded task,
 * inferred from the `pipe` or given as type arguments: `withBreaker<ApiError, Reply>(settings)`, and
 * with a fallback its value's type first (`withBreaker<Cached, ApiError, Reply>`; for a `TaskEither`
 * fallback, its error's and value's types first).
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
export function withBreaker<E = unknown, A = unknown>(
  breaker: B.Breaker,
  options?: Base<E, A> & Untimed & NoFallback
): GuardOf<E, A>
export function withBreaker<E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Timed & NoFallback
): GuardOf<E, A, CallTimeoutError>
export function withBreaker<E2, F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Untimed & WhenOpen<TaskEither<E2, F>>
): GuardWithFallbackOf<E, A, F, FallbackError<E2>>
export function withBreaker<E2, F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Timed & WhenOpen<TaskEither<E2, F>>
): GuardWithFallbackOf<E, A, F, CallTimeoutError | FallbackError<E2>>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Untimed & WhenOpen<Task<F>>
): GuardWithFallbackOf<E, A, F>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Timed & WhenOpen<Task<F>>
): GuardWithFallbackOf<E, A, F, CallTimeoutError>
export function withBreaker<E2, F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Timed & WhenFailed<TaskEither<E2, F>>
): GuardRecoveringOf<E, A, F, CircuitOpenError | FallbackError<E2, unknown>>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Timed & WhenFailed<Task<F>>
): GuardRecoveringOf<E, A, F, CircuitOpenError>
export function withBreaker<E2, F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Timed & Always<TaskEither<E2, F>>
): GuardRecoveringOf<E, A, F, FallbackError<E2, unknown>>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: Base<E, A> & Timed & Always<Task<F>>
): GuardRecoveringOf<E, A, F>
export function withBreaker<E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options?: Base<E, A> & Untimed & NoFallback
): GuardOf<E, A>
export function withBreaker<E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Timed & NoFallback
): GuardOf<E, A, CallTimeoutError>
export function withBreaker<E2, F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Untimed & WhenOpen<TaskEither<E2, F>>
): GuardWithFallbackOf<E, A, F, FallbackError<E2>>
export function withBreaker<E2, F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Timed & WhenOpen<TaskEither<E2, F>>
): GuardWithFallbackOf<E, A, F, CallTimeoutError | FallbackError<E2>>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Untimed & WhenOpen<Task<F>>
): GuardWithFallbackOf<E, A, F>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Timed & WhenOpen<Task<F>>
): GuardWithFallbackOf<E, A, F, CallTimeoutError>
export function withBreaker<E2, F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Timed & WhenFailed<TaskEither<E2, F>>
): GuardRecoveringOf<E, A, F, CircuitOpenError | FallbackError<E2, unknown>>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Timed & WhenFailed<Task<F>>
): GuardRecoveringOf<E, A, F, CircuitOpenError>
export function withBreaker<E2, F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Timed & Always<TaskEither<E2, F>>
): GuardRecoveringOf<E, A, F, FallbackError<E2, unknown>>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: Base<E, A> & Timed & Always<Task<F>>
): GuardRecoveringOf<E, A, F>
export function withBreaker(
  breakerOrSettings: B.Breaker | B.Settings,
  options: Omit<GuardOptions<unknown>, 'fallback'> & {
    readonly fallback?: Fallback<never, unknown, unknown> | undefined
  } = {}
): unknown {
  const breaker = B.from(breakerOrSettings, 'withBreaker')
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
  ): TaskEither<E | CircuitOpenError | CallTimeoutError, A | F> =>
    guardedTask(g, task as (...args: ReadonlyArray<unknown>) => unknown, onOpen) as TaskEither<
      E | CircuitOpenError | CallTimeoutError,
      A | F
    >
  return Object.assign(guard, { breaker: g.breaker }) as
    Guard<CallTimeoutError> | GuardWithFallback<F, CallTimeoutError>
}

// A guarded task: its closure holds the spec, the task and `onOpen` alone (made here, not inside
// `guardOf`, so that it keeps no context of the guard's).
const guardedTask =
  (
    g: G.Spec,
    task: (...args: ReadonlyArray<unknown>) => unknown,
    onOpen: (rejection: CircuitOpenError) => Promise<unknown>
  ): (() => Promise<unknown>) =>
  () =>
    G.run(g, task, undefined, noArgs, onOpen)

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
