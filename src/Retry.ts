/**
 * Retries on retry-ts policies, for both audiences: `retryTE` for `TaskEither`s, and the `retry`
 * option of `wrap` for plain functions. The runner is retry-ts's pure step, `applyPolicy(policy,
 * status)`, followed by one effect (the delay it asks for, on an injected `Scheduler`), as retry-ts's
 * own `applyAndDelay`; the backoff algebra (`limitRetries`, `exponentialBackoff`, `capDelay`, the
 * `Monoid`) is retry-ts's, not a second one.
 *
 * Invariants:
 * - A rejection (`CircuitOpenError`, `BulkheadRejectedError`) is never retried unless
 *   `retryRejected` is set: a refused call is not a transient failure of the dependency.
 * - Composed inside a breaker, a whole retry sequence is one call for the breaker: one permit, one
 *   outcome (the last attempt's), one duration (attempts and delays together).
 * - An attempt that rejects its promise (a defect of a `TaskEither`) is not retried: the defect
 *   propagates at once.
 * - When the call's `AbortSignal` fires (its timeout, or its caller), no further attempt starts: a
 *   pending delay ends at once and the last attempt's result is the result. A delay holds one timer,
 *   cleared when it ends; a policy that says `0` (or nothing) uses none.
 * - A scheduler that throws when asked for a delay ends the retries: the last result stands.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { TaskEither } from 'fp-ts/TaskEither'
import { applyPolicy, defaultRetryStatus, type RetryPolicy, type RetryStatus } from 'retry-ts'
import { type BulkheadRejectedError, isBulkheadRejectedError } from './BulkheadRejectedError'
import { type CircuitOpenError, isCircuitOpenError } from './CircuitOpenError'
import { show } from './codec'
import { ConfigError } from './Config'
import { cancelTimer, checkScheduler, launch, type Abortable, type Scheduler } from './Timeout'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How to retry: a retry-ts `policy` (how many times, how long between), which errors (`retryIf`,
 * default every error), whether to retry rejections too, and the timers of the delays.
 *
 * @category model
 * @since 0.1.0
 */
export interface RetryOptions {
  /** A retry-ts `RetryPolicy`: `Monoid.concat(exponentialBackoff(50), limitRetries(3))`. */
  readonly policy: RetryPolicy
  /** Whether to retry after an attempt failed with `error` (default: always). */
  readonly retryIf?: (error: unknown, status: RetryStatus) => boolean
  /** Retry a `CircuitOpenError` or `BulkheadRejectedError` too (default `false`). */
  readonly retryRejected?: boolean
  /** Timers for the delays (default `realTimers`); tests inject their own. */
  readonly scheduler?: Scheduler
}

/**
 * Checked retry options.
 *
 * @internal
 */
export interface Spec {
  readonly policy: RetryPolicy
  readonly retryIf: (error: unknown, status: RetryStatus) => boolean
  readonly retryRejected: boolean
  readonly scheduler: Scheduler
}

const retryKeys: ReadonlyArray<keyof RetryOptions> = ['policy', 'retryIf', 'retryRejected', 'scheduler']

/**
 * Checks retry options (untyped callers exist), throwing a `ConfigError` that names each bad field.
 *
 * @internal
 */
export const spec = (options: unknown, where: string): Spec => {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError([
      `${where}: expected { policy, retryIf?, retryRejected?, scheduler? }, got ${show(options)}`
    ])
  }
  const o = options as Partial<Record<keyof RetryOptions, unknown>>
  const problems: Array<string> = []
  for (const key of Object.keys(o)) {
    if (!(retryKeys as ReadonlyArray<string>).includes(key)) {
      problems.push(`${where}.${key}: unknown option (known options: ${retryKeys.join(', ')})`)
    }
  }
  if (typeof o.policy !== 'function') {
    problems.push(
      `${where}.policy: expected a retry-ts RetryPolicy (status => Option<ms>), got ${show(o.policy)}`
    )
  }
  if (o.retryIf !== undefined && typeof o.retryIf !== 'function') {
    problems.push(`${where}.retryIf: expected a function (error, status) => boolean, got ${show(o.retryIf)}`)
  }
  if (o.retryRejected !== undefined && typeof o.retryRejected !== 'boolean') {
    problems.push(`${where}.retryRejected: expected a boolean, got ${show(o.retryRejected)}`)
  }
  let scheduler: Scheduler | undefined
  try {
    scheduler = checkScheduler(o.scheduler, `${where}.scheduler`)
  } catch (e) {
    problems.push(...(e as ConfigError).problems)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return {
    policy: o.policy as RetryPolicy,
    retryIf: (o.retryIf as Spec['retryIf'] | undefined) ?? always,
    retryRejected: o.retryRejected === true,
    scheduler: scheduler!
  }
}

const always = (): boolean => true

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * Whether `u` is a rejection: a `CircuitOpenError` or a `BulkheadRejectedError`, a call refused
 * without running. Usable in a retry-ts `check`:
 * `retrying(policy, action, (e) => E.isLeft(e) && !isRejection(e.left))`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { BulkheadRejectedError, CircuitOpenError, isRejection } from 'tripswitch'
 *
 * assert.ok(isRejection(new CircuitOpenError('db', 100)))
 * assert.ok(isRejection(new BulkheadRejectedError('db', 'full', 4, 0)))
 * assert.ok(!isRejection(new Error('ECONNRESET')))
 *
 * @category guards
 * @since 0.1.0
 */
export const isRejection = (u: unknown): u is CircuitOpenError | BulkheadRejectedError =>
  isCircuitOpenError(u) || isBulkheadRejectedError(u)

// -------------------------------------------------------------------------------------
// the runner
// -------------------------------------------------------------------------------------

/**
 * Runs `attempt` until it succeeds, the policy gives up, `retryIf` says no, or `signal` fires; the
 * result is the last attempt's.
 *
 * @internal
 */
export const run = <E, A>(
  s: Spec,
  attempt: (status: RetryStatus) => Promise<E.Either<E, A>>,
  signal: AbortSignal | undefined
): Promise<E.Either<E, A>> => {
  const loop = (status: RetryStatus): Promise<E.Either<E, A>> =>
    attempt(status).then((result) => {
      if (E.isRight(result) || signal?.aborted === true) return result
      const error = result.left
      if ((!s.retryRejected && isRejection(error)) || !s.retryIf(error, status)) return result
      const next = applyPolicy(s.policy, status)
      if (O.isNone(next.previousDelay)) return result
      return sleep(next.previousDelay.value, s.scheduler, signal).then((slept) =>
        slept && signal?.aborted !== true ? loop(next) : result
      )
    })
  return loop(defaultRetryStatus)
}

// Waits `ms` on one timer: `true` when it elapsed, `false` when `signal` fired first or the scheduler
// threw. No timer for a delay of 0 or less.
const sleep = (ms: number, scheduler: Scheduler, signal: AbortSignal | undefined): Promise<boolean> => {
  if (!(ms > 0)) return Promise.resolve(true)
  return new Promise((resolve) => {
    let timer: unknown
    const onAbort = (): void => {
      cancelTimer(timer)
      resolve(false)
    }
    try {
      timer = scheduler(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve(true)
      }, ms)
    } catch {
      resolve(false)
      return
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Retries a `TaskEither` (or an `Abortable`) on a retry-ts policy; the result is the last attempt's.
 * Data-last, for `pipe`: put it inside `withBreaker`, so that the whole sequence is one outcome for
 * the breaker (see docs/composition.md). The result may be called with an `AbortSignal` (as
 * `withBreaker`'s timeout does): when it fires, no further attempt starts, and an `Abortable` task is
 * given it.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { pipe } from 'fp-ts/function'
 * import * as TE from 'fp-ts/TaskEither'
 * import { limitRetries } from 'retry-ts'
 * import { retryTE, withBreaker } from 'tripswitch'
 *
 * let calls = 0
 * const flaky: TE.TaskEither<string, number> = () =>
 *   Promise.resolve(++calls < 3 ? { _tag: 'Left', left: 'reset' } : { _tag: 'Right', right: calls })
 * const users = withBreaker({ name: 'users' })
 * const program = pipe(flaky, retryTE({ policy: limitRetries(3) }), users)
 * assert.deepStrictEqual(await program(), { _tag: 'Right', right: 3 })
 * assert.strictEqual(users.breaker.counts().successes, 1) // three attempts, one outcome
 *
 * @category combinators
 * @since 0.1.0
 */
export const retryTE = (options: RetryOptions) => {
  const s = spec(options, 'retryTE')
  return <E, A>(task: TaskEither<E, A> | Abortable<E, A>) =>
    (signal?: AbortSignal): Promise<E.Either<E, A>> =>
      run(s, () => launch(task, signal), signal)
}
