/**
 * The bulkhead: a limit on calls in flight, with an optional bounded queue, so that a slow dependency
 * cannot take every connection, socket or worker of a service. The runtime around the pure rule of
 * `Slots`, in the shape of `Breaker` around `Circuit`: a record holding the state in one cell, whose
 * every change is one of the rule's functions, followed by what the result asks for (start a waiting
 * call, count, emit).
 *
 * Invariants:
 * - At most `limit` calls run at once; at most `queue` wait, first in, first out. A call that finds
 *   every slot taken and the queue full is refused at once with a `BulkheadRejectedError` (reason
 *   `'full'`).
 * - A waiting call leaves the queue at once when its caller's `AbortSignal` fires (reason
 *   `'aborted'`) or after `maxWait` ms (reason `'timeout'`); a refused call never runs.
 * - A slot is held from admission until the call settles, and freed exactly once whatever the call
 *   does (returns, throws synchronously, rejects, resolves to anything). A call that never settles
 *   holds its slot: give it a timeout (`withBreaker`'s or `timeoutTE`) inside the bulkhead.
 * - No timer when idle or uncontended; a waiting call uses at most one timer (its `maxWait`), cleared
 *   when it gets a slot or leaves. A scheduler that throws when asked for that timer leaves the call
 *   waiting without a limit (it still leaves on its caller's abort): a broken timer never refuses work.
 * - A refusal is the bulkhead's, not the dependency's: a breaker never records it as a failure.
 * - Listeners (`subscribe`) hear every refusal, after the update; one that throws or rejects is
 *   reported to `onListenerError` and never reaches a caller.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { IO } from 'fp-ts/IO'
import * as O from 'fp-ts/Option'
import type { TaskEither } from 'fp-ts/TaskEither'
import { BulkheadRejectedError, type Refusal } from './BulkheadRejectedError'
import { type Clock, monotonic } from './Clock'
import { show } from './codec'
import { ConfigError, maxNameLength } from './Config'
import type * as Duration from './Duration'
import { Emitter } from './Emitter'
import { isThenable, preserveIdentity, rejectSoon } from './internal'
import * as Slots from './Slots'
import { cancelTimer, checkScheduler, checkTimeout, launch, type Abortable, type Scheduler } from './Timeout'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a bulkhead is made from.
 *
 * @category model
 * @since 0.1.0
 */
export interface Settings {
  /** Shown in errors, events, health and metrics (default `'bulkhead'`). */
  readonly name?: string
  /** Calls that may run at once: an integer >= 1. */
  readonly limit: number
  /** Calls that may wait for a slot: an integer >= 0 (default `0`, no queue). */
  readonly queue?: number
  /** How long a call may wait in the queue before it is refused, ms or `'2s'` (default: no limit). */
  readonly maxWait?: Duration.Input
  /** Timers for `maxWait` (default `realTimers`); tests inject their own. */
  readonly scheduler?: Scheduler
  /** Milliseconds, for the `at` of events (default `Clock.monotonic`); read only while someone listens. */
  readonly clock?: Clock
  /** Receives what a listener threw or rejected with. Default: one `console.warn` per bulkhead. */
  readonly onListenerError?: (error: unknown, event: BulkheadEvent) => void
}

/**
 * A call the bulkhead refused.
 *
 * @category model
 * @since 0.1.0
 */
export interface BulkheadRejected {
  readonly _tag: 'BulkheadRejected'
  readonly bulkhead: string
  readonly at: number
  readonly reason: Refusal
  /** Calls running and waiting just after the refusal. */
  readonly active: number
  readonly queued: number
}

/**
 * What a bulkhead tells its listeners.
 *
 * @category model
 * @since 0.1.0
 */
export type BulkheadEvent = BulkheadRejected

/**
 * @category model
 * @since 0.1.0
 */
export type BulkheadListener = (event: BulkheadEvent) => unknown

/**
 * What a bulkhead has counted since it was made. `calls` arrived; `ran` of them got a slot
 * (`waited` of those after waiting); `full`, `timedOut` and `aborted` were refused.
 *
 * @category model
 * @since 0.1.0
 */
export interface Counts {
  readonly calls: number
  readonly ran: number
  readonly waited: number
  readonly full: number
  readonly timedOut: number
  readonly aborted: number
}

/**
 * A bulkhead at one instant: plain, JSON-safe data.
 *
 * @category model
 * @since 0.1.0
 */
export interface Snapshot {
  readonly name: string
  readonly limit: number
  readonly queue: number
  /** `null` without a maximum wait. */
  readonly maxWait: number | null
  /** Calls holding a slot now. */
  readonly active: number
  /** Calls waiting now. */
  readonly queued: number
  /** Whether the next call would be refused (every slot taken, the queue full). */
  readonly saturated: boolean
  readonly counts: Counts
}

interface Waiter {
  readonly resolve: (refusal: BulkheadRejectedError | undefined) => void
  timer: unknown
  readonly signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

// What a bulkhead counts; `calls` is derived (every call that arrived ran, was refused, or waits).
interface Counters {
  ran: number
  waited: number
  full: number
  timedOut: number
  aborted: number
}

// -------------------------------------------------------------------------------------
// the bulkhead
// -------------------------------------------------------------------------------------

/**
 * A bulkhead: the record, and the functions of the runtime on its prototype.
 *
 * @category model
 * @since 0.1.0
 */
export class Bulkhead {
  /** Always `'Bulkhead'` (on the prototype). */
  declare readonly _tag: 'Bulkhead'
  readonly limits: Slots.Limits
  // the cell: changed only by the functions of `Slots`
  private state: Slots.State = Slots.initial
  private readonly counters: Counters = { ran: 0, waited: 0, full: 0, timedOut: 0, aborted: 0 }
  // the calls waiting, by ticket (made by the first call that waits)
  private waiters: Map<number, Waiter> | undefined = undefined
  private emitter: Emitter<BulkheadEvent, BulkheadListener> | undefined = undefined
  /** @internal Frees the slot of a call that settled with a value, and passes the value on. */
  readonly onValue: <A>(a: A) => A
  /** @internal Frees the slot of a call that rejected, and passes the rejection on. */
  readonly onError: (error: unknown) => never

  /** Use `make` (or `unsafeMake`), which check their arguments. */
  constructor(
    readonly name: string,
    limit: number,
    queue: number,
    readonly maxWait: number | undefined,
    readonly scheduler: Scheduler,
    readonly clock: Clock,
    private readonly onListenerError: ((error: unknown, event: BulkheadEvent) => void) | undefined
  ) {
    this.limits = { limit, queue }
    this.onValue = <A>(a: A): A => {
      this.release()
      return a
    }
    this.onError = (error) => {
      this.release()
      throw error
    }
  }

  // -- views ------------------------------------------------------------------------------

  /** A JSON-safe snapshot: limits, calls running and waiting, counts. */
  metrics(): Snapshot {
    const { limit, queue } = this.limits
    const queued = Slots.queued(this.state)
    const { ran, full, timedOut, aborted } = this.counters
    return {
      name: this.name,
      limit,
      queue,
      maxWait: this.maxWait ?? null,
      active: this.state.active,
      queued,
      saturated: this.state.active >= limit && queued >= queue,
      counts: { calls: ran + full + timedOut + aborted + queued, ...this.counters }
    }
  }

  /** Adds a listener; returns the effect that removes it (running it twice removes it once). */
  subscribe(listener: BulkheadListener): IO<void> {
    if (typeof listener !== 'function') {
      throw new ConfigError([`listener: expected a function, got ${show(listener)}`])
    }
    this.emitter ??= new Emitter<BulkheadEvent, BulkheadListener>((error, event) =>
      this.listenerFailed(error, event)
    )
    return this.emitter.subscribe(listener)
  }

  // -- the protocol -------------------------------------------------------------------------

  /**
   * Asks for a slot: `undefined` when the call may run now (call `release` once it settles), a
   * `BulkheadRejectedError` when it is refused now, or a promise of either when it waits. A `signal`
   * that fires while the call waits refuses it at once (an aborted signal refuses it before it waits).
   */
  acquire(
    signal?: AbortSignal
  ): BulkheadRejectedError | undefined | Promise<BulkheadRejectedError | undefined> {
    if (signal?.aborted === true) {
      this.counters.aborted++
      return this.refusal('aborted')
    }
    const [admission, next] = Slots.arrive(this.limits, this.state)
    this.state = next
    switch (admission._tag) {
      case 'Run':
        this.counters.ran++
        return undefined
      case 'Full':
        this.counters.full++
        return this.refusal('full')
      case 'Wait':
        return this.wait(admission.ticket, signal)
    }
  }

  /** Frees the slot of a call that settled: the oldest waiting call, if any, takes it. */
  release(): void {
    const [next, s] = Slots.release(this.state)
    this.state = s
    if (O.isNone(next)) return
    const waiter = this.waiters?.get(next.value)
    if (waiter === undefined) return
    this.waiters!.delete(next.value)
    this.counters.ran++
    this.counters.waited++
    this.unhook(waiter)
    waiter.resolve(undefined)
  }

  // -- internals ---------------------------------------------------------------------------

  private wait(ticket: number, signal: AbortSignal | undefined): Promise<BulkheadRejectedError | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, timer: undefined, signal, onAbort: undefined }
      ;(this.waiters ??= new Map()).set(ticket, waiter)
      if (signal !== undefined) {
        waiter.onAbort = () => this.leave(ticket, waiter, 'aborted')
        signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      if (this.maxWait !== undefined) {
        try {
          waiter.timer = this.scheduler(() => this.leave(ticket, waiter, 'timeout'), this.maxWait)
        } catch {
          // a scheduler that cannot time the wait: the call waits without a limit rather than fail
          waiter.timer = undefined
        }
      }
    })
  }

  // A waiting call leaves the line (if it still waits): refused with `reason`. Tickets are numbered
  // again once nobody waits, so a late callback (a scheduler that fired a cancelled timer) finds its
  // ticket held by another call, or by nobody, and does nothing.
  private leave(ticket: number, waiter: Waiter, reason: 'timeout' | 'aborted'): void {
    if (this.waiters!.get(ticket) !== waiter) return
    const [left, s] = Slots.leave(this.state, ticket)
    if (!left) return
    this.state = s
    this.waiters!.delete(ticket)
    this.unhook(waiter)
    if (reason === 'timeout') this.counters.timedOut++
    else this.counters.aborted++
    waiter.resolve(this.refusal(reason))
  }

  private unhook(waiter: Waiter): void {
    if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener('abort', waiter.onAbort)
    if (waiter.timer !== undefined) cancelTimer(waiter.timer)
  }

  private refusal(reason: Refusal): BulkheadRejectedError {
    const error = new BulkheadRejectedError(this.name, reason, this.limits.limit, this.limits.queue)
    if (this.emitter !== undefined && this.emitter.active()) {
      let at: number
      try {
        at = this.clock()
      } catch {
        at = NaN
      }
      this.emitter.emit({
        _tag: 'BulkheadRejected',
        bulkhead: this.name,
        at,
        reason,
        active: this.state.active,
        queued: Slots.queued(this.state)
      })
    }
    return error
  }

  private listenerFailed(error: unknown, event: BulkheadEvent): void {
    if (this.onListenerError === undefined) {
      if (!warned.has(this)) {
        console.warn(
          `tripswitch: a listener of bulkhead "${this.name}" threw or rejected; the call went on, and later errors of this bulkhead are not reported (set onListenerError to see them).`,
          error
        )
      }
      warned.add(this)
      return
    }
    try {
      const returned: unknown = this.onListenerError(error, event)
      if (isThenable(returned)) Promise.resolve(returned).then(undefined, () => undefined)
    } catch {
      // a throwing error hook must not reach the caller either
    }
  }
}

Object.defineProperty(Bulkhead.prototype, '_tag', { value: 'Bulkhead', enumerable: true })

const warned = new WeakSet<Bulkhead>()

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const settingKeys: ReadonlyArray<keyof Settings> = [
  'name',
  'limit',
  'queue',
  'maxWait',
  'scheduler',
  'clock',
  'onListenerError'
]

const isCount = (u: unknown, min: number): u is number =>
  typeof u === 'number' && Number.isSafeInteger(u) && u >= min

/**
 * Makes a bulkhead outside of `IO`. Prefer `make`; use this for module-level singletons. Throws a
 * `ConfigError` naming every bad setting.
 *
 * @category constructors
 * @since 0.1.0
 */
export const unsafeMake = (settings: Settings): Bulkhead => {
  if (typeof settings !== 'object' || settings === null) {
    throw new ConfigError([`bulkhead: expected settings { limit, queue?, maxWait? }, got ${show(settings)}`])
  }
  const problems: Array<string> = []
  for (const key of Object.keys(settings)) {
    if (!(settingKeys as ReadonlyArray<string>).includes(key)) {
      problems.push(`bulkhead.${key}: unknown setting (known settings: ${settingKeys.join(', ')})`)
    }
  }
  const { name = 'bulkhead', limit, queue = 0, maxWait } = settings
  if (typeof name !== 'string' || name.length === 0 || name.length > maxNameLength) {
    problems.push(
      `bulkhead.name: expected a non-empty string of at most ${maxNameLength} characters, got ${show(name)}`
    )
  }
  if (!isCount(limit, 1)) problems.push(`bulkhead.limit: expected an integer >= 1, got ${show(limit)}`)
  if (!isCount(queue, 0)) problems.push(`bulkhead.queue: expected an integer >= 0, got ${show(queue)}`)
  let wait: number | undefined
  let scheduler: Scheduler = checkScheduler(undefined)
  try {
    wait = maxWait === undefined ? undefined : checkTimeout(maxWait, 'bulkhead.maxWait')
  } catch (e) {
    problems.push(...(e as ConfigError).problems)
  }
  try {
    scheduler = checkScheduler(settings.scheduler, 'bulkhead.scheduler')
  } catch (e) {
    problems.push(...(e as ConfigError).problems)
  }
  for (const field of ['clock', 'onListenerError'] as const) {
    const f = settings[field]
    if (f !== undefined && typeof f !== 'function') {
      problems.push(`bulkhead.${field}: expected a function, got ${show(f)}`)
    }
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return new Bulkhead(
    name,
    limit,
    queue,
    wait,
    scheduler,
    settings.clock ?? monotonic,
    settings.onListenerError
  )
}

/**
 * Makes a bulkhead.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Bulkhead } from 'tripswitch'
 *
 * const db = Bulkhead.make({ name: 'db', limit: 10, queue: 100, maxWait: 2_000 })()
 * assert.strictEqual(db.metrics().saturated, false)
 *
 * @category constructors
 * @since 0.1.0
 */
export const make =
  (settings: Settings): IO<Bulkhead> =>
  () =>
    unsafeMake(settings)

/**
 * A bulkhead given as such, or made from settings.
 *
 * @category constructors
 * @since 0.1.0
 */
export const from = (bulkheadOrSettings: Bulkhead | Settings): Bulkhead =>
  isBulkhead(bulkheadOrSettings) ? bulkheadOrSettings : unsafeMake(bulkheadOrSettings)

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * @category guards
 * @since 0.1.0
 */
export const isBulkhead = (u: unknown): u is Bulkhead => u instanceof Bulkhead

// -------------------------------------------------------------------------------------
// the protocol
// -------------------------------------------------------------------------------------

/**
 * Runs `start` in a slot of `bh`: at once if one is free, after waiting if the queue has room, never
 * if the call is refused (then the result is `onRefused(error)`'s). The slot is freed exactly once
 * when the promise `start` returns settles, or at once if `start` throws. What `withBulkhead`,
 * `bulkheaded` and `wrap`'s `bulkhead` option share.
 *
 * @category the protocol
 * @since 0.1.0
 */
export const within = <T, X extends ReadonlyArray<unknown>, A>(
  bh: Bulkhead,
  signal: AbortSignal | undefined,
  start: (this: T, ...args: X) => PromiseLike<A> | A,
  self: T,
  args: X,
  onRefused: (error: BulkheadRejectedError) => Promise<A>
): Promise<A> => {
  const admitted = bh.acquire(signal)
  if (admitted === undefined) return runIn(bh, start, self, args)
  if (!(admitted instanceof Promise)) return onRefused(admitted)
  return admitted.then((refusal) =>
    refusal === undefined ? runIn(bh, start, self, args) : onRefused(refusal)
  )
}

const runIn = <T, X extends ReadonlyArray<unknown>, A>(
  bh: Bulkhead,
  start: (this: T, ...args: X) => PromiseLike<A> | A,
  self: T,
  args: X
): Promise<A> => {
  let pending: Promise<A>
  try {
    const out = Reflect.apply(start, self, args) as PromiseLike<A> | A
    // a native promise settles once already; anything else is adopted, which drops extra settlements
    pending = out instanceof Promise ? (out as Promise<A>) : Promise.resolve(out)
  } catch (error) {
    bh.release()
    return Promise.reject(error)
  }
  return pending.then(bh.onValue, bh.onError)
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * A `TaskEither` (or `Abortable`) run in a slot of a bulkhead: `Left(BulkheadRejectedError)` when
 * the bulkhead refuses it. Data-last, for `pipe`. The result may be called with an `AbortSignal`:
 * the caller's, which makes a waiting call leave the queue when it fires, and which an `Abortable`
 * task is given. Put it outside `withBreaker` (see docs/composition.md): a refused call then never
 * reaches the breaker, and the breaker's durations do not include the wait.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { pipe } from 'fp-ts/function'
 * import * as TE from 'fp-ts/TaskEither'
 * import { Bulkhead, withBreaker, withBulkhead } from 'tripswitch'
 *
 * const db = Bulkhead.make({ name: 'db', limit: 10 })()
 * const query = pipe(TE.right(42), withBreaker({ name: 'db' }), withBulkhead(db))
 * // TaskEither<CircuitOpenError | BulkheadRejectedError, number>
 * assert.deepStrictEqual(await query(), { _tag: 'Right', right: 42 })
 *
 * @category combinators
 * @since 0.1.0
 */
export const withBulkhead = (bulkheadOrSettings: Bulkhead | Settings): BulkheadGuard => {
  const bh = from(bulkheadOrSettings)
  const guard =
    <E, A>(task: TaskEither<E, A> | Abortable<E, A>): BulkheadTask<E | BulkheadRejectedError, A> =>
    (signal?: AbortSignal) =>
      within<
        undefined,
        readonly [typeof task, AbortSignal | undefined, Bulkhead],
        E.Either<E | BulkheadRejectedError, A>
      >(bh, signal, checkedLaunch<E, A>, undefined, [task, signal, bh], refusedLeft)
  return Object.assign(guard, { bulkhead: bh })
}

/**
 * A bulkhead lifted over `TaskEither`: apply it to any number of tasks; they share `bulkhead`.
 *
 * @category model
 * @since 0.1.0
 */
export interface BulkheadGuard {
  <E, A>(task: TaskEither<E, A> | Abortable<E, A>): BulkheadTask<E | BulkheadRejectedError, A>
  readonly bulkhead: Bulkhead
}

/**
 * What `withBulkhead` gives: a `TaskEither` that may be called with its caller's `AbortSignal`.
 *
 * @category model
 * @since 0.1.0
 */
export type BulkheadTask<E, A> = (signal?: AbortSignal) => Promise<E.Either<E, A>>

const refusedLeft = (error: BulkheadRejectedError): Promise<E.Either<BulkheadRejectedError, never>> =>
  Promise.resolve(E.left(error))

const checkedLaunch = <E, A>(
  task: TaskEither<E, A> | Abortable<E, A>,
  signal: AbortSignal | undefined,
  bh: Bulkhead
): Promise<E.Either<E, A>> => {
  if (typeof task !== 'function') {
    throw new TypeError(
      `tripswitch: withBulkhead("${bh.name}") was given ${show(task)} where a TaskEither (a function returning a Promise) belongs`
    )
  }
  const pending: unknown = launch(task, signal)
  return pending instanceof Promise ? pending : Promise.resolve(pending as E.Either<E, A>)
}

/**
 * The caller's `AbortSignal` of a plain call: its last argument if that is a signal, or the `signal`
 * of its last argument (an options object such as `fetch`'s `init`).
 *
 * @internal
 */
export const callerSignal = (args: ReadonlyArray<unknown>): AbortSignal | undefined => {
  // no `args[-1]` read for a call without arguments: V8 looks a negative index up as a property name
  if (args.length === 0) return undefined
  const last = args[args.length - 1]
  if (last instanceof AbortSignal) return last
  if (typeof last === 'object' && last !== null) {
    const signal = (last as { readonly signal?: unknown }).signal
    if (signal instanceof AbortSignal) return signal
  }
  return undefined
}

/**
 * An async function run in a slot of a bulkhead: the wrapper rejects with a `BulkheadRejectedError`
 * when the bulkhead refuses the call, and never calls `fn` then. The caller's `AbortSignal` is its last
 * argument, or the `signal` of its last argument (as in `fetch(url, { signal })`): while the call
 * waits, it leaves the queue when that fires. For methods, use it as a decorator (`@bulkheaded(bh)`);
 * with a breaker, use `wrap(breaker)(fn, { bulkhead })`, which stacks them in the documented order.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Bulkhead, bulkheaded, isBulkheadRejectedError } from 'tripswitch'
 *
 * const pool = Bulkhead.make({ name: 'render', limit: 1 })()
 * const render = bulkheaded(pool)(async (page: string) => `<h1>${page}</h1>`)
 * const [first, second] = await Promise.allSettled([render('a'), render('b')])
 * assert.strictEqual(first.status, 'fulfilled')
 * assert.ok(second.status === 'rejected' && isBulkheadRejectedError(second.reason))
 *
 * @category combinators
 * @since 0.1.0
 */
export const bulkheaded = (bulkheadOrSettings: Bulkhead | Settings) => {
  const bh = from(bulkheadOrSettings)
  function decorate<This, Args extends ReadonlyArray<unknown>, R>(
    fn: (this: This, ...args: Args) => PromiseLike<R> | R,
    _context?: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<R>>
  ): ((this: This, ...args: Args) => Promise<R>) & { readonly bulkhead: Bulkhead } {
    if (typeof fn !== 'function') {
      throw new ConfigError([`bulkheaded: expected a function to guard, got ${typeof fn}`])
    }
    function guarded(this: This, ...args: Args): Promise<R> {
      return within(bh, callerSignal(args), fn, this, args, rejectSoon) as Promise<R>
    }
    return Object.assign(preserveIdentity(guarded, fn), { bulkhead: bh })
  }
  return decorate
}

// -------------------------------------------------------------------------------------
// views
// -------------------------------------------------------------------------------------

/**
 * The snapshot, as an `IO`.
 *
 * @category combinators
 * @since 0.1.0
 */
export const metrics =
  (bh: Bulkhead): IO<Snapshot> =>
  () =>
    bh.metrics()
