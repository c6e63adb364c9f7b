/**
 * The call protocol, written once: admit, run, classify, record, release. `withBreaker`, `wrap`,
 * `wrapSync`, the decorators and the timeout are thin layers over it.
 *
 * Invariants, whatever the guarded code, its classifier, its fallback or the clock does (throws,
 * rejects, returns a non-promise or a non-`Either`, settles more than once, never settles):
 * - The permit of an admitted call is answered exactly once: by its first settlement, or by its
 *   timeout when that comes first (the late settlement is then dropped, and a late rejection
 *   swallowed). A call that never settles and has no timeout holds its permit; a half-open probe's
 *   lease still expires (see `Circuit`).
 * - The caller gets exactly one result or one error. A defect of the guarded code (a `TaskEither` that
 *   rejects, or resolves to something that is not an `Either`) is recorded as a failure and reaches
 *   the caller as a rejection that says what went wrong.
 * - A rejected call never runs the guarded code. Its fallback's failure (a throw, a rejection, a
 *   fallback that is not what the type asks for) is reported as a `FallbackFailed` event and reaches
 *   the caller as that error.
 * - The breaker's state stays one its own decoder accepts: every update is the pure core's.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type * as O from 'fp-ts/Option'
import type { Breaker } from './Breaker'
import { CircuitOpenError, type FallbackReporter } from './CircuitOpenError'
import { type Classifier, readsDuration } from './Classifier'
import { ConfigError } from './Config'
import type * as Duration from './Duration'
import type { Permit } from './Decision'
import { checkScheduler, checkTimeout, race, type Scheduler } from './Timeout'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a guard adds to its breaker: its own classifier (default the breaker's) and a timeout.
 *
 * @category model
 * @since 0.1.0
 */
export interface Spec {
  readonly breaker: Breaker
  readonly classify: Classifier<unknown, unknown>
  /** Milliseconds a call may run before it counts as a failure (`CallTimeoutError`). */
  readonly timeout: number | undefined
  readonly scheduler: Scheduler
  /** Whether every call is timed: with a timeout, or a classifier of the guard's own that reads durations. */
  readonly timed: boolean
  readonly mode: Mode
  /** @internal The handlers of the latest untimed permit (see `handlers`). */
  untimed: Handlers | undefined
}

/**
 * How the result of the guarded work reaches the caller:
 * - `'either'`: the work resolves to an `Either` (a `TaskEither`), classified as it is and returned;
 *   a rejection, or a value that is not an `Either`, is a defect;
 * - `'value'`: the work resolves to a value (`Right`) or rejects (`Left`), as a plain async function.
 * - `'work'`: as `'value'`, but the work is called as `fn.call(self, args, signal)`, with the call's
 *   `AbortSignal` when it has a timeout (`undefined` without), so that it can hand the signal on.
 *
 * @category model
 * @since 0.1.0
 */
export type Mode = 'either' | 'value' | 'work'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Checks a guard's options (untyped callers exist) and builds its spec.
 *
 * @category constructors
 * @since 0.1.0
 */
export const spec = (
  breaker: Breaker,
  mode: Mode,
  options: {
    readonly classify?: Classifier<unknown, unknown> | undefined
    readonly timeout?: Duration.Input | undefined
    readonly scheduler?: Scheduler | undefined
  },
  where: string
): Spec => {
  const { classify } = options
  if (classify !== undefined && typeof classify !== 'function') {
    throw new ConfigError([
      `${where}.classify: expected a function (result, duration) => verdict, got ${typeof classify}`
    ])
  }
  const timeout =
    options.timeout === undefined ? undefined : checkTimeout(options.timeout, `${where}.timeout`)
  return {
    breaker,
    classify: classify ?? breaker.classify,
    timeout,
    scheduler: checkScheduler(options.scheduler, `${where}.scheduler`),
    timed: timeout !== undefined || (classify !== undefined && readsDuration(classify)),
    mode,
    untimed: undefined
  }
}

// -------------------------------------------------------------------------------------
// the protocol
// -------------------------------------------------------------------------------------

/**
 * Runs `fn` with `self` as `this` and `args` as its arguments through the breaker of `g`,
 * asynchronously. While the circuit rejects, `fn` is not called and the result is
 * `onOpen(rejection, self, args)`'s. (`self` and `args` are passed through so that a caller needs no
 * closure per call.) In `'either'` mode `fn` is a `TaskEither` or an `Abortable`: it is called with the
 * call's `AbortSignal` (aborted when the call times out; never, without a timeout) instead of `args`,
 * and a function it returns (the `TaskEither` of an `Abortable`) is run in turn.
 *
 * @category protocol
 * @since 0.1.0
 */
export const run = <T, X extends ReadonlyArray<unknown>>(
  g: Spec,
  fn: (this: T, ...args: X) => unknown,
  self: T,
  args: X,
  onOpen: (rejection: CircuitOpenError, self: T, args: X) => Promise<unknown>
): Promise<unknown> => {
  const b = g.breaker
  const start = b.start(g.timed)
  const decision = b.admit(start._tag === 'Some' ? start.value : undefined)
  if (decision._tag === 'Rejection') {
    return onOpen(new CircuitOpenError(b.name, decision.retryAfter, b), self, args)
  }
  if (decision.probe && b.store !== undefined) {
    // a fleet's probe first claims the lease (at most `storeTimeout`; see `Breaker.claim`)
    return b
      .claim(decision)
      .then((claimed) =>
        claimed._tag === 'Rejection'
          ? onOpen(new CircuitOpenError(b.name, claimed.retryAfter, b), self, args)
          : proceed(g, claimed, start, fn, self, args)
      )
  }
  return proceed(g, decision, start, fn, self, args)
}

// `run` once admitted
const proceed = <T, X extends ReadonlyArray<unknown>>(
  g: Spec,
  decision: Permit,
  start: O.Option<number>,
  fn: (this: T, ...args: X) => unknown,
  self: T,
  args: X
): Promise<unknown> => {
  if (g.timeout !== undefined) return runWithin(g, decision, start, fn, self, args, g.timeout)
  const h = handlers(g, decision, start)
  return launch(
    g,
    fn,
    self,
    g.mode === 'either' ? (idle ??= [new AbortController().signal]) : args,
    undefined
  ).then(h.onValue, h.onError)
}

// `run` with a timeout: the work gets a signal of its own, aborted on expiry.
const runWithin = <T, X extends ReadonlyArray<unknown>>(
  g: Spec,
  permit: Permit,
  start: O.Option<number>,
  fn: (this: T, ...args: X) => unknown,
  self: T,
  args: X,
  ms: number
): Promise<unknown> => {
  const controller = new AbortController()
  const pending = launch(g, fn, self, g.mode === 'either' ? [controller.signal] : args, controller.signal)
  return within(g, permit, start, pending, controller, ms)
}

/**
 * Runs `work` through the breaker of `g`, synchronously: returns its value or throws its error (or
 * what `onOpen` returns or throws while the circuit rejects).
 *
 * @category protocol
 * @since 0.1.0
 */
export const runSync = <R>(g: Spec, work: () => R, onOpen: (rejection: CircuitOpenError) => R): R => {
  const b = g.breaker
  const start = b.start(g.timed)
  const decision = b.admit(start._tag === 'Some' ? start.value : undefined)
  if (decision._tag === 'Rejection') return onOpen(new CircuitOpenError(b.name, decision.retryAfter, b))
  let result: E.Either<unknown, R>
  try {
    result = E.right(work())
  } catch (error) {
    result = E.left(error)
  }
  b.settle(decision, start, g.classify, result)
  if (E.isLeft(result)) throw result.left
  return result.right
}

/**
 * Runs a rejected call's fallback: `substitute` produces it (a promise, a value, or a throw). Reports
 * `FallbackUsed` or `FallbackFailed` and gives the caller the value or the error.
 *
 * @category protocol
 * @since 0.1.0
 */
export const fallbackAsync = (b: FallbackReporter, substitute: () => unknown): Promise<unknown> => {
  let pending: Promise<unknown>
  try {
    pending = Promise.resolve(substitute())
  } catch (error) {
    b.recordFallbackFailure(error)
    return Promise.reject(error)
  }
  return pending.then(
    (value) => {
      b.recordFallback()
      return value
    },
    (error: unknown) => {
      b.recordFallbackFailure(error)
      throw error
    }
  )
}

/**
 * The synchronous fallback: `substitute`'s value, or its error thrown, reported either way.
 *
 * @category protocol
 * @since 0.1.0
 */
export const fallbackSync = <R>(b: Breaker, substitute: () => R): R => {
  let value: R
  try {
    value = substitute()
  } catch (error) {
    b.recordFallbackFailure(error)
    throw error
  }
  b.recordFallback()
  return value
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

// the arguments of a task without a timeout: a signal that never aborts
let idle: ReadonlyArray<AbortSignal> | undefined

// The work's outcome as a promise that settles once (a thenable's extra settlements are dropped by
// adoption); a synchronous throw becomes a rejection.
const launch = (
  g: Spec,
  fn: unknown,
  self: unknown,
  args: ReadonlyArray<unknown>,
  signal: AbortSignal | undefined
): Promise<unknown> => {
  try {
    let outcome: unknown
    if (g.mode === 'either') {
      const started: unknown = (fn as (signal: unknown) => unknown)(args[0])
      outcome = typeof started === 'function' ? (started as () => unknown)() : started
    } else if (g.mode === 'work') {
      outcome = (fn as (this: unknown, args: unknown, signal: unknown) => unknown).call(self, args, signal)
    } else {
      outcome = Reflect.apply(fn as (...a: ReadonlyArray<unknown>) => unknown, self, args)
    }
    // a native promise settles once already; anything else is adopted, which drops extra settlements
    return outcome instanceof Promise ? outcome : Promise.resolve(outcome)
  } catch (error) {
    return Promise.reject(error)
  }
}

// a defect counts as a failure whatever the classifier says
const alwaysFailure: Classifier<unknown, unknown> = () => 'failure'

const isEither = (u: unknown): u is E.Either<unknown, unknown> => {
  if (typeof u !== 'object' || u === null) return false
  const tag = (u as { readonly _tag?: unknown })._tag
  return tag === 'Right' || tag === 'Left'
}

const notAnEither = (b: Breaker, value: unknown): TypeError =>
  new TypeError(
    `tripswitch: a task guarded by breaker "${b.name}" resolved to ${typeof value === 'object' ? (value === null ? 'null' : 'an object') : typeof value} that is not an Either (a TaskEither must resolve to E.left or E.right); recorded as a failure`
  )

// The handlers that answer a permit with a settled outcome and pass it on as `mode` says.
interface Handlers {
  readonly permit: Permit
  readonly onValue: (value: unknown) => unknown
  readonly onError: (error: unknown) => never
}

const makeHandlers = (g: Spec, permit: Permit, start: O.Option<number>): Handlers => {
  const b = g.breaker
  return g.mode === 'either'
    ? {
        permit,
        onValue: (result) => {
          if (!isEither(result)) {
            b.settle(permit, start, alwaysFailure, E.left(result))
            throw notAnEither(b, result)
          }
          b.settle(permit, start, g.classify, result)
          return result
        },
        onError: (defect) => {
          b.settle(permit, start, alwaysFailure, E.left(defect))
          throw defect
        }
      }
    : {
        permit,
        onValue: (value) => {
          b.settle(permit, start, g.classify, E.right(value))
          return value
        },
        onError: (error) => {
          b.settle(permit, start, g.classify, E.left(error))
          throw error
        }
      }
}

// An untimed call's handlers depend on its permit alone (and a closed circuit gives the calls of a
// generation one shared permit), so the guard keeps the last set: the closed path allocates none.
// This caches no decision: admission and recording still go through the breaker on every call.
const handlers = (g: Spec, permit: Permit, start: O.Option<number>): Handlers => {
  const last = g.untimed
  if (last !== undefined && last.permit === permit && start._tag === 'None') return last
  return start._tag === 'Some' ? makeHandlers(g, permit, start) : (g.untimed = makeHandlers(g, permit, start))
}

const settleAsync = (
  g: Spec,
  permit: Permit,
  start: O.Option<number>,
  pending: Promise<unknown>
): Promise<unknown> => {
  const h = handlers(g, permit, start)
  return pending.then(h.onValue, h.onError)
}

// `settleAsync` raced against one timer of `ms` (`Timeout.race`). On expiry the permit is answered as
// a timeout and the caller gets `CallTimeoutError` (a `Left` in `'either'` mode, a rejection in
// `'value'` mode). A scheduler that throws answers the permit as ignored (the dependency did nothing
// wrong); a cancel that throws rejects once the outcome is recorded.
const within = (
  g: Spec,
  permit: Permit,
  start: O.Option<number>,
  pending: Promise<unknown>,
  controller: AbortController,
  ms: number
): Promise<unknown> => {
  const b = g.breaker
  return race(pending, ms, g.scheduler, b.name, controller, {
    settled: (outcome) => settleAsync(g, permit, start, outcome),
    expired: (error) => {
      b.settleTimeout(permit, start, ms)
      return g.mode === 'either' ? Promise.resolve(E.left(error)) : Promise.reject(error)
    },
    unscheduled: (error) => b.settle(permit, start, alwaysIgnore, E.left(error))
  })
}

// a call that its scheduler could not time says nothing about the dependency
const alwaysIgnore: Classifier<unknown, unknown> = () => 'ignore'
