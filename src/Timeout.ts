/**
 * Call timeouts: a call that outlives its budget yields `Left(CallTimeoutError)`.
 *
 * The guarded computation is a `TaskEither`, or an `Abortable`: a function of an `AbortSignal` that
 * returns one, so the work itself can be cancelled (`fetch(url, { signal })`). Invariants:
 *
 * - First settlement wins. On expiry the caller gets `Left(CallTimeoutError)` at once, the signal aborts
 *   with that error as its reason, and whatever the work settles with later is discarded: never
 *   returned, never recorded, and a late rejection is swallowed (no unhandled rejection).
 * - At most one timer per call in flight, cleared as soon as the call settles; none when no timeout is
 *   set, and none for an idle breaker. The default timers are ref'd: a call in flight with a timeout
 *   keeps a Node process alive until it settles or times out (the code after its `await` runs), and
 *   nothing else does, so a process with only idle breakers exits by itself.
 * - Timers are injected: a `Scheduler` is setTimeout-like, so tests drive expiry deterministically.
 *   It may return a cancel function or a timer handle (`setTimeout` itself is a `Scheduler`).
 * - A scheduler that throws, when scheduling or when cancelling, is a defect: the caller gets one
 *   rejection that says so (with the scheduler's error as its `cause`), the permit is answered (as
 *   ignored when the call could not be timed) and no rejection is left unhandled.
 *
 * Through `withBreaker(b, { timeout })` a timed-out call is recorded as a failure whatever the
 * classifier says, with a duration of at least the timeout, so it is also a slow call.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import { ConfigError } from './Config'
import { cheapError, isBranded } from './internal'
import { parse } from './Duration'
import type * as Duration from './Duration'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A `TaskEither` that takes an `AbortSignal`, aborted when its call times out.
 *
 * @example
 * import * as TE from 'fp-ts/TaskEither'
 * import type { Abortable } from 'tripswitch'
 *
 * const getUser =
 *   (id: string): Abortable<Error, Response> =>
 *   (signal) =>
 *     TE.tryCatch(() => fetch(`/users/${id}`, { signal }), (e) => e as Error)
 *
 * @category model
 * @since 0.1.0
 */
export type Abortable<E, A> = (signal: AbortSignal) => TaskEither<E, A>

/**
 * Runs `callback` once after `ms` milliseconds, and returns how to cancel it: either a function that
 * cancels it, or a timer handle (what `setTimeout` returns: a `Timeout` object in Node, a number in
 * browsers), which is cancelled with `clearTimeout`. A function returned is called; anything else is
 * passed to `clearTimeout`, so `setTimeout` itself is a `Scheduler`. The default, `realTimers`, is
 * `setTimeout` (a ref'd timer, for the time the call is in flight); tests pass their own to drive time.
 *
 * A scheduler that throws when scheduling fails the call it was asked to time (a rejection that says
 * so, the permit answered as ignored, the work's signal aborted); a cancel function that throws fails
 * the call it belonged to, after its outcome is recorded.
 *
 * @example
 * import * as assert from 'assert'
 * import type { Scheduler } from 'tripswitch'
 *
 * const due: Array<() => void> = []
 * const manual: Scheduler = (callback) => {
 *   due.push(callback)
 *   return () => due.splice(due.indexOf(callback), 1)
 * }
 * const node: Scheduler = setTimeout // returns a handle, cancelled with clearTimeout
 * assert.strictEqual(typeof manual, typeof node)
 *
 * @category model
 * @since 0.1.0
 */
export type Scheduler = (callback: () => void, ms: number) => (() => void) | object | number

/**
 * @category model
 * @since 0.1.0
 */
export interface TimeoutOptions {
  /** Where the timer comes from (default `realTimers`). */
  readonly scheduler?: Scheduler
}

/**
 * The `Left` of a call that did not settle within its timeout.
 *
 * Like `CircuitOpenError`, a tagged value that is also an `Error`, built without capturing a stack
 * (`message` and `stack` are computed on demand), so a storm of timeouts stays cheap.
 *
 * @example
 * import { CallTimeoutError } from 'tripswitch'
 * const e = new CallTimeoutError(500, 'payments')
 * e.message // 'Call through "payments" timed out after 500 ms'
 *
 * @category model
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class is made an Error below, without super()
export class CallTimeoutError {
  /** Always `'CallTimeoutError'`. */
  declare readonly _tag: 'CallTimeoutError'
  declare readonly name: 'CallTimeoutError'
  constructor(
    /** The timeout that expired, in milliseconds. */
    readonly timeout: number,
    /** The name of the breaker the call went through, when it went through one. */
    readonly breaker?: string
  ) {}

  get message(): string {
    const through = this.breaker === undefined ? '' : ` through "${this.breaker}"`
    return `Call${through} timed out after ${this.timeout} ms`
  }

  get stack(): string {
    return `${this.name}: ${this.message}`
  }

  toString(): string {
    return `${this.name}: ${this.message}`
  }

  toJSON(): { _tag: 'CallTimeoutError'; timeout: number; breaker: string | null; message: string } {
    return { _tag: this._tag, timeout: this.timeout, breaker: this.breaker ?? null, message: this.message }
  }
}

// An Error without the stack capture of `super()`: `instanceof Error` holds, `new` stays cheap.
const mark = cheapError(CallTimeoutError, 'CallTimeoutError')

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface CallTimeoutError extends Error {}

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * `setTimeout`: returns the timer's handle, cancelled with `clearTimeout`. The timer is ref'd, so a
 * call in flight with a timeout keeps a Node process alive until it settles (the timer is then
 * cleared) or times out. There is no timer without a call in flight, so idle breakers never keep a
 * process alive.
 *
 * @example
 * import * as assert from 'assert'
 * import { realTimers } from 'tripswitch'
 *
 * const timer = realTimers(() => assert.fail('cleared before it fired'), 1_000)
 * clearTimeout(timer as ReturnType<typeof setTimeout>)
 *
 * @category instances
 * @since 0.1.0
 */
export const realTimers: Scheduler = (callback, ms) => setTimeout(callback, ms)

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * Whether `u` is a `CallTimeoutError`, also one of the other build of tripswitch in the process.
 *
 * @example
 * import { isCallTimeoutError } from 'tripswitch'
 * import * as E from 'fp-ts/Either'
 * const retryable = (e: E.Either<unknown, unknown>) => E.isLeft(e) && isCallTimeoutError(e.left)
 *
 * @category guards
 * @since 0.1.0
 */
export const isCallTimeoutError = (u: unknown): u is CallTimeoutError =>
  u instanceof CallTimeoutError || isBranded(u, mark)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Gives a computation `ms` milliseconds: if it has not settled by then, the result is
 * `Left(CallTimeoutError)`, its signal is aborted and its late result is discarded. Data-last, for
 * `pipe`. Inside `withBreaker`, prefer its `timeout` option: the error then names the breaker and
 * the timeout is recorded as a failure whatever the classifier says.
 *
 * @example
 * import { pipe } from 'fp-ts/function'
 * import * as TE from 'fp-ts/TaskEither'
 * import { timeoutTE } from 'tripswitch'
 *
 * const toError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)))
 * const user = timeoutTE(500)((signal) => TE.tryCatch(() => fetch('/users/42', { signal }), toError))
 * // TaskEither<Error | CallTimeoutError, Response>
 * const plain = pipe(TE.right(42), timeoutTE(500)) // a TaskEither without a signal works too
 *
 * @category combinators
 * @since 0.1.0
 */
export const timeoutTE = (ms: Duration.Input, options: TimeoutOptions = {}) => {
  const timeout = checkTimeout(ms)
  const scheduler = checkScheduler(options.scheduler)
  return <E, A>(task: TaskEither<E, A> | Abortable<E, A>): TaskEither<E | CallTimeoutError, A> =>
    () =>
      runWithin(task, timeout, scheduler)
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

const noop = (): void => {}

/**
 * The largest delay timers honour (2^31 - 1 ms, about 24.8 days); a larger one would fire at once.
 *
 * @internal
 */
export const maxTimeout = 2_147_483_647

/**
 * Checks a timeout option, throwing a `ConfigError` that names it.
 *
 * @internal
 */
export const checkTimeout = (given: unknown, field = 'timeout'): number => {
  const ms = typeof given === 'string' ? E.getOrElse(() => NaN)(parse(given)) : given
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > maxTimeout) {
    const got = typeof given === 'number' ? String(given) : `${typeof given} ${JSON.stringify(given)}`
    throw new ConfigError([
      `${field}: expected a finite number of milliseconds > 0 and <= ${maxTimeout}, or a string such as "2s", got ${got}`
    ])
  }
  return ms
}

/**
 * Checks a scheduler option (default `realTimers`), throwing a `ConfigError` that names it.
 *
 * @internal
 */
export const checkScheduler = (scheduler: unknown, field = 'scheduler'): Scheduler => {
  if (scheduler === undefined) return realTimers
  if (typeof scheduler !== 'function') {
    throw new ConfigError([
      `${field}: expected a function (callback, ms) => cancel, got ${typeof scheduler} ${String(scheduler)}`
    ])
  }
  return scheduler as Scheduler
}

let idle: AbortSignal | undefined

/**
 * Starts a `TaskEither` or an `Abortable`. A `TaskEither` ignores the signal and returns its promise;
 * an `Abortable` returns a `TaskEither`, which is then run. No inspection of `length` is needed.
 * Without a signal, an `Abortable` gets one that never aborts.
 *
 * @internal
 */
export const launch = <E, A>(
  task: TaskEither<E, A> | Abortable<E, A>,
  signal: AbortSignal = (idle ??= new AbortController().signal)
): Promise<E.Either<E, A>> => {
  const started = (task as Abortable<E, A>)(signal) as TaskEither<E, A> | Promise<E.Either<E, A>>
  return typeof started === 'function' ? started() : started
}

/**
 * Cancels what a `Scheduler` returned: calls a function, passes anything else to `clearTimeout`.
 * Returns what the cancel threw, boxed, or `undefined` when it did not throw.
 *
 * @internal
 */
export const cancelTimer = (timer: unknown): { readonly thrown: unknown } | undefined => {
  try {
    if (typeof timer === 'function') (timer as () => void)()
    else clearTimeout(timer as Parameters<typeof clearTimeout>[0])
    return undefined
  } catch (thrown) {
    return { thrown }
  }
}

/**
 * The defect a caller gets when a scheduler threw: when asked for a timer of `ms` (`'schedule'`), or
 * when its cancel was called (`'cancel'`). The scheduler's error is its `cause`.
 *
 * @internal
 */
export const schedulerFailed = (
  when: 'schedule' | 'cancel',
  ms: number,
  breaker: string | undefined,
  cause: unknown
): Error => {
  const whose = breaker === undefined ? 'the scheduler' : `the scheduler of breaker "${breaker}"`
  const what =
    when === 'schedule'
      ? `${whose} threw when asked for a ${ms} ms timer, so the call was not timed` +
        ' (its signal is aborted and its outcome dropped)'
      : `the cancel of a ${ms} ms timer from ${whose} threw when the call settled` +
        ' (its result is not returned)'
  return new Error(`tripswitch: ${what}: ${String(cause)}`, { cause })
}

/**
 * Races `pending` against one timer of `ms`: the first to settle wins. If `pending` settles first, the
 * timer is cancelled (`cancelTimer`) and the result is `settled(outcome)`'s; a cancel that throws
 * rejects with `schedulerFailed` once that is done. If the timer fires first, the result is
 * `expired(error)`'s, the signal aborts, and the late outcome is dropped. If the scheduler throws,
 * `unscheduled(error)` runs, the signal aborts and the result rejects with that error. The outcome
 * is subscribed to before scheduling, so no rejection is left unhandled. What `withBreaker`'s
 * timeout and `timeoutTE` share.
 *
 * @internal
 */
export const race = <A, B>(
  pending: Promise<A>,
  ms: number,
  scheduler: Scheduler,
  breaker: string | undefined,
  controller: AbortController,
  handle: {
    readonly settled: (outcome: Promise<A>) => Promise<B>
    readonly expired: (error: CallTimeoutError) => Promise<B>
    readonly unscheduled: (error: Error) => void
  }
): Promise<B> =>
  new Promise((resolve, reject) => {
    let done = false
    let timer: unknown
    // `outcome` is made only when it wins, so a late rejection is never left unhandled
    const first = (outcome: () => Promise<A>): void => {
      if (done) return
      done = true
      const failed = cancelTimer(timer)
      if (failed === undefined) {
        resolve(handle.settled(outcome()))
        return
      }
      const error = schedulerFailed('cancel', ms, breaker, failed.thrown)
      const fail = (): void => reject(error)
      handle.settled(outcome()).then(fail, fail)
    }
    pending.then(
      (a) => first(() => Promise.resolve(a)),
      (defect: unknown) => first(() => Promise.reject(defect))
    )
    try {
      timer = scheduler(() => {
        if (done) return
        done = true
        const error = new CallTimeoutError(ms, breaker)
        try {
          resolve(handle.expired(error))
        } catch (thrown) {
          reject(thrown)
        } finally {
          controller.abort(error)
        }
      }, ms)
    } catch (thrown) {
      if (done) return
      done = true
      const error = schedulerFailed('schedule', ms, breaker, thrown)
      try {
        handle.unscheduled(error)
      } finally {
        reject(error)
        controller.abort(error)
      }
    }
  })

/**
 * Runs `task` with one timer of `ms` (see `race`): its result or rejection if it settles first,
 * `Left(CallTimeoutError)` if the timer fires first. A task that throws synchronously rejects, and no
 * timer is made.
 *
 * @internal
 */
export const runWithin = <E, A>(
  task: TaskEither<E, A> | Abortable<E, A>,
  ms: number,
  scheduler: Scheduler
): Promise<E.Either<E | CallTimeoutError, A>> => {
  const controller = new AbortController()
  let pending: Promise<E.Either<E, A>>
  try {
    pending = launch(task, controller.signal)
  } catch (defect) {
    return Promise.reject(defect)
  }
  return race<E.Either<E, A>, E.Either<E | CallTimeoutError, A>>(
    pending,
    ms,
    scheduler,
    undefined,
    controller,
    {
      settled: (outcome) => outcome,
      expired: (error) => Promise.resolve(E.left(error)),
      unscheduled: noop
    }
  )
}
