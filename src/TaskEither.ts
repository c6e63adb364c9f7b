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
import { type CircuitOpenError, isCircuitOpenError } from './CircuitOpenError'
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
export type GuardOf<E, A, X = never> = unknown extends E
  ? unknown extends A
    ? Guard<X>
    : GuardFor<E, A, X>
  : GuardFor<E, A, X>

/**
 * `GuardOf` with a fallback.
 *
 * @category model
 * @since 0.1.0
 */
export type GuardWithFallbackOf<E, A, F, X = never> = unknown extends E
  ? unknown extends A
    ? GuardWithFallback<F, X>
    : GuardWithFallbackFor<E, A, F, X>
  : GuardWithFallbackFor<E, A, F, X>

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
export interface GuardOptions<F, E = unknown, A = unknown> {
  /** Runs when the circuit rejects, instead of returning `Left(CircuitOpenError)`. */
  readonly fallback?: (rejection: CircuitOpenError) => Task<F>
  /** Classifies outcomes of this guard's tasks, instead of the breaker's classifier. */
  readonly classify?: Classifier<E, A>
  /** How long a call may take before it yields `Left(CallTimeoutError)`, recorded as a failure (ms or `'2s'`). */
  readonly timeout?: Duration.Input
  /** Timers for `timeout` (default `realTimers`, ref'd while a call is in flight); tests inject their own. */
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
export function withBreaker<E = unknown, A = unknown>(
  breaker: B.Breaker,
  options?: GuardOptions<never, E, A> & { readonly timeout?: undefined }
): GuardOf<E, A>
export function withBreaker<E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: GuardOptions<never, E, A> & { readonly timeout: Duration.Input }
): GuardOf<E, A, CallTimeoutError>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: GuardOptions<F, E, A> & {
    readonly fallback: (rejection: CircuitOpenError) => Task<F>
    readonly timeout?: undefined
  }
): GuardWithFallbackOf<E, A, F>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Breaker,
  options: GuardOptions<F, E, A> & {
    readonly fallback: (rejection: CircuitOpenError) => Task<F>
    readonly timeout: Duration.Input
  }
): GuardWithFallbackOf<E, A, F, CallTimeoutError>
export function withBreaker<E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options?: GuardOptions<never, E, A> & { readonly timeout?: undefined }
): GuardOf<E, A>
export function withBreaker<E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: GuardOptions<never, E, A> & { readonly timeout: Duration.Input }
): GuardOf<E, A, CallTimeoutError>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: GuardOptions<F, E, A> & {
    readonly fallback: (rejection: CircuitOpenError) => Task<F>
    readonly timeout?: undefined
  }
): GuardWithFallbackOf<E, A, F>
export function withBreaker<F, E = unknown, A = unknown>(
  breaker: B.Settings<E, A>,
  options: GuardOptions<F, E, A> & {
    readonly fallback: (rejection: CircuitOpenError) => Task<F>
    readonly timeout: Duration.Input
  }
): GuardWithFallbackOf<E, A, F, CallTimeoutError>
export function withBreaker<F>(
  breakerOrSettings: B.Breaker | B.Settings,
  options: GuardOptions<F> = {}
): Guard<CallTimeoutError> | GuardWithFallback<F, CallTimeoutError> {
  const breaker = B.from(breakerOrSettings, 'withBreaker')
  const g = G.spec(breaker, 'either', options, 'withBreaker')
  const { fallback } = options
  if (fallback !== undefined && typeof fallback !== 'function') {
    throw new ConfigError([
      `withBreaker.fallback: expected a function (rejection) => Task, got ${typeof fallback}`
    ])
  }
  const onOpen = fallback === undefined ? openLeft : fallbackOf(breaker, fallback)
  return guardOf<F>(g, onOpen)
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

// What a rejected call gives with a fallback: its `Right`, reported as `FallbackUsed` or `FallbackFailed`.
const fallbackOf =
  <F>(breaker: B.Breaker, fallback: (rejection: CircuitOpenError) => Task<F>) =>
  (rejection: CircuitOpenError): Promise<unknown> =>
    G.fallbackAsync(breaker, () => runTask(fallback(rejection), breaker.name)).then(E.right)

// a task is called with the call's signal, not with arguments (see `Guard.run`)
const noArgs: ReadonlyArray<unknown> = []

// What a rejected call gives without a fallback: `Left(CircuitOpenError)`.
const openLeft = (rejection: CircuitOpenError): Promise<unknown> => Promise.resolve(E.left(rejection))

// A fallback's `Task`, run; anything else given where a `Task` belongs is an error that says so.
const runTask = (task: unknown, name: string): Promise<unknown> => {
  if (typeof task !== 'function') {
    throw new TypeError(
      `tripswitch: the fallback of breaker "${name}" returned ${isThenable(task) ? 'a Promise' : typeof task}, not a Task (a function returning a Promise): write () => promise`
    )
  }
  return (task as () => Promise<unknown>)()
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
