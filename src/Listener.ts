/**
 * Listeners: what a breaker tells the outside world, as plain data, after the fact.
 *
 * A breaker emits a `BreakerEvent` for every state transition, every call outcome, every rejection,
 * every fallback and every timeout, and, in metrics-only mode, the moment its strategy would have
 * tripped (`WouldTrip`). A `Listener` is a plain function of such an event; listeners compose
 * (see `Monoid`), and `on` narrows one to a single kind of event.
 *
 * Invariants:
 * - Events are emitted after the state update they describe, never inside it: a transition is computed
 *   from the state before and after the one synchronous update of the cell.
 * - With no listener subscribed, no event object is allocated.
 * - A listener that throws, or returns a promise that rejects (an `async` listener), never breaks the
 *   protected call, never crashes the process and does not stop the other listeners; the breaker
 *   reports the error to its `onListenerError` hook (see `Breaker.Options`).
 * - Events arrive in the order of the updates that caused them, also when a listener calls back into
 *   the breaker (a `reset` while handling a `Failure`): events emitted while listeners run are queued
 *   and delivered after the current one has reached every listener.
 * - Listeners run synchronously, in subscription order, on the caller's stack: keep them quick and hand
 *   heavy work (I/O, logging to a remote sink) to a queue, or make them `async`.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import type * as Mo from 'fp-ts/Monoid'
import { isThenable } from './internal'
import { type State, type StateTag, tags as stateTags } from './State'
import * as T from './Transition'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Why a transition happened (see `Transition.Reason`).
 *
 * @category model
 * @since 0.1.0
 */
export type Reason = T.Reason

/**
 * The circuit moved from one state to another (`from` may equal `to`, as for a reset of a closed
 * circuit: every transition starts a new generation).
 *
 * @category model
 * @since 0.1.0
 */
export interface Transition {
  readonly _tag: 'Transition'
  readonly breaker: string
  readonly at: number
  readonly from: StateTag
  readonly to: StateTag
  readonly why: Reason
  /** The state entered. */
  readonly state: State
}

/**
 * An admitted call settled and was classified a success.
 *
 * @category model
 * @since 0.1.0
 */
export interface Success {
  readonly _tag: 'Success'
  readonly breaker: string
  readonly at: number
  /** Milliseconds, `NaN` when unknown. */
  readonly duration: number
  /** Whether the call was a half-open probe. */
  readonly probe: boolean
}

/**
 * An admitted call settled and was classified a failure.
 *
 * @category model
 * @since 0.1.0
 */
export interface Failure {
  readonly _tag: 'Failure'
  readonly breaker: string
  readonly at: number
  readonly duration: number
  readonly probe: boolean
  /** The Retry-After (ms) the classifier asked for (a `Trip`), when it asked for one. */
  readonly openFor?: number
}

/**
 * An admitted call settled and counted as neither success nor failure.
 *
 * @category model
 * @since 0.1.0
 */
export interface Ignored {
  readonly _tag: 'Ignored'
  readonly breaker: string
  readonly at: number
  readonly duration: number
  readonly probe: boolean
}

/**
 * A call was rejected without running.
 *
 * @category model
 * @since 0.1.0
 */
export interface Rejection {
  readonly _tag: 'Rejection'
  readonly breaker: string
  readonly at: number
  /** Milliseconds until a call may pass; `Infinity` while forced open. */
  readonly retryAfter: number
}

/**
 * An admitted call ran past its time limit. It is recorded as a failure, so a `Failure` event follows.
 *
 * @category model
 * @since 0.1.0
 */
export interface Timeout {
  readonly _tag: 'Timeout'
  readonly breaker: string
  readonly at: number
  /** The time limit, in milliseconds. */
  readonly timeout: number
  readonly duration: number
}

/**
 * A call's fallback (for a rejection or, with `on`, a failure) produced the caller's value.
 *
 * @category model
 * @since 0.1.0
 */
export interface FallbackUsed {
  readonly _tag: 'FallbackUsed'
  readonly breaker: string
  readonly at: number
}

/**
 * A call's fallback threw, rejected, or returned a `Left`.
 *
 * @category model
 * @since 0.1.0
 */
export interface FallbackFailed {
  readonly _tag: 'FallbackFailed'
  readonly breaker: string
  readonly at: number
  readonly error: unknown
}

/**
 * An operation of the breaker's store failed: it threw, rejected, timed out, or gave an answer that
 * did not decode (`adopt`). No call was affected; the breaker goes on with its local state.
 *
 * @category model
 * @since 0.1.0
 */
export interface StoreFailed {
  readonly _tag: 'StoreFailed'
  readonly breaker: string
  readonly at: number
  readonly operation: 'load' | 'propose' | 'claim' | 'watch' | 'poll' | 'adopt'
  readonly error: unknown
}

/**
 * This process changed the fleet's record (see `Store`): its proposal (a trip, a verdict, a manual
 * control) or its claim of the probe lease won the compare-and-set, and the fleet is now in `to` at
 * `epoch`. Emitted by exactly one process per change of the fleet, so an alert on it fires once per
 * outage, however many processes there are; the others see the change as a `Transition` with
 * `why: 'adopted'`.
 *
 * @category model
 * @since 0.1.0
 */
export interface FleetChanged {
  readonly _tag: 'FleetChanged'
  readonly breaker: string
  readonly at: number
  readonly change: 'Trip' | 'Verdict' | 'Control' | 'Claim'
  readonly to: StateTag
  readonly epoch: number
}

/**
 * The breaker's store stopped answering (its first `StoreFailed` since it last answered): the breaker
 * works alone, with its own trips and at most one probe of its own at a time, until `StoreRecovered`.
 * Emitted once per outage.
 *
 * @category model
 * @since 0.1.0
 */
export interface StoreDegraded {
  readonly _tag: 'StoreDegraded'
  readonly breaker: string
  readonly at: number
  readonly error: unknown
}

/**
 * The breaker's store answered again after `StoreDegraded`; the breaker re-synchronizes with the fleet
 * (an Open it entered meanwhile is pushed, otherwise the fleet's record is adopted).
 *
 * @category model
 * @since 0.1.0
 */
export interface StoreRecovered {
  readonly _tag: 'StoreRecovered'
  readonly breaker: string
  readonly at: number
}

/**
 * A metrics-only circuit's trip strategy would have opened it now: the outcome just recorded made its
 * tally trip (`Circuit.wouldTrip`), but in metrics-only mode nothing opens. Emitted once per crossing,
 * after that outcome's event, so a config can be trialled in production before it is enforced; it
 * comes again only after the tally has stopped tripping (a success, for consecutive failures) and
 * trips anew. Resilience4j's "failure rate exceeded" event.
 *
 * @category model
 * @since 0.1.0
 */
export interface WouldTrip {
  readonly _tag: 'WouldTrip'
  readonly breaker: string
  readonly at: number
  /** The failure rate the metrics show at `at` (see `Metrics.Snapshot.failureRate`). */
  readonly failureRate: number | null
  /** The slow-call rate the metrics show at `at`, `null` without a slow-call strategy. */
  readonly slowCallRate: number | null
  /** The metrics-only state, with the tally that tripped. */
  readonly state: State
}

/**
 * The breaker's clock threw, or read something that is not a finite number. The breaker went on with
 * the latest good reading (no state ever holds a bad time); reported once per breaker.
 *
 * @category model
 * @since 0.1.0
 */
export interface ClockFailed {
  readonly _tag: 'ClockFailed'
  readonly breaker: string
  /** The latest good reading, which stood in for the bad one. */
  readonly at: number
  readonly error: unknown
}

/**
 * A breaker was made with a persisted state (the `initialState` option): the state it starts in, as
 * decoded. Its listeners of the `listeners` option see it (it happens before anyone can subscribe).
 *
 * @category model
 * @since 0.1.0
 */
export interface Restored {
  readonly _tag: 'Restored'
  readonly breaker: string
  readonly at: number
  readonly state: State
}

/**
 * Everything a breaker reports to its listeners.
 *
 * @category model
 * @since 0.1.0
 */
export type BreakerEvent =
  | Transition
  | Success
  | Failure
  | Ignored
  | Rejection
  | Timeout
  | FallbackUsed
  | FallbackFailed
  | StoreFailed
  | FleetChanged
  | StoreDegraded
  | StoreRecovered
  | ClockFailed
  | WouldTrip
  | Restored

/**
 * The tag of a `BreakerEvent`.
 *
 * @category model
 * @since 0.1.0
 */
export type BreakerEventTag = BreakerEvent['_tag']

/**
 * A plain function of an event. What it throws, or the rejection of a promise it returns (an `async`
 * listener), is reported to the breaker's `onListenerError`, never propagated.
 *
 * @category model
 * @since 0.1.0
 */
export type Listener = (event: BreakerEvent) => unknown

/**
 * Receives what a listener threw, with the event it was given.
 *
 * @category model
 * @since 0.1.0
 */
export type OnListenerError = (error: unknown, event: BreakerEvent) => void

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The transition from `prev` to `next`, caused by a circuit event with tag `cause` (check
 * `isTransition` first).
 *
 * @example
 * import { Circuit, Listener } from 'tripswitch'
 * const prev = Circuit.initial(0)
 * const next = Circuit.step(prev, { _tag: 'ForceOpen' }, 5)
 * Listener.transition('payments', prev, next, 'ForceOpen', 5).why // 'manual'
 *
 * @category constructors
 * @since 0.1.0
 */
export const transition = (
  breaker: string,
  prev: State,
  next: State,
  cause: T.Cause,
  at: number
): Transition => ({
  _tag: 'Transition',
  breaker,
  at,
  from: prev._tag,
  to: next._tag,
  why: T.reason(prev, next, cause, at),
  state: next
})

/**
 * The event for a settled call; `openFor`, a failure's Retry-After, is kept on a `Failure` only.
 *
 * @example
 * import { Listener } from 'tripswitch'
 * const e = Listener.outcome('Failure', 'payments', 1_000, 250, false)
 *
 * @category constructors
 * @since 0.1.0
 */
export const outcome = (
  tag: 'Success' | 'Failure' | 'Ignored',
  breaker: string,
  at: number,
  duration: number,
  probe: boolean,
  openFor?: number
): Success | Failure | Ignored =>
  (tag !== 'Failure' || openFor === undefined
    ? { _tag: tag, breaker, at, duration, probe }
    : { _tag: tag, breaker, at, duration, probe, openFor }) as Success | Failure | Ignored

/**
 * The event for a metrics-only circuit whose strategy would have tripped at `at` (check
 * `Circuit.wouldTrip` first).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit, Listener } from 'tripswitch'
 * const s = Circuit.step(Circuit.initial(0), { _tag: 'MetricsOnly' }, 0)
 * assert.strictEqual(Listener.wouldTrip('payments', 5, s, 1, null).failureRate, 1)
 *
 * @category constructors
 * @since 0.1.0
 */
export const wouldTrip = (
  breaker: string,
  at: number,
  state: State,
  failureRate: number | null,
  slowCallRate: number | null
): WouldTrip => ({ _tag: 'WouldTrip', breaker, at, failureRate, slowCallRate, state })

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * Whether an update from `prev` to `next` is a transition: the core's `Transition.isTransition`.
 *
 * @category guards
 * @since 0.1.0
 */
export const isTransition = T.isTransition

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * A listener for one kind of event; the others pass it by.
 *
 * @example
 * import { Listener } from 'tripswitch'
 * const onTransition = Listener.on('Transition', (e) => console.log(`${e.breaker}: ${e.from} -> ${e.to} (${e.why})`))
 *
 * @category combinators
 * @since 0.1.0
 */
export const on =
  <K extends BreakerEventTag>(
    tag: K,
    handler: (event: Extract<BreakerEvent, { _tag: K }>) => unknown
  ): Listener =>
  (event) =>
    event._tag === tag ? handler(event as Extract<BreakerEvent, { _tag: K }>) : undefined

/**
 * What `once` waits for: the tag of an event (`'Rejection'`, `'Transition'`, ...), or the tag of a
 * state (`'Open'`: the next transition into it).
 *
 * @category model
 * @since 0.1.0
 */
export type Kind = BreakerEventTag | StateTag

/**
 * The event that `once(source, kind)` resolves with.
 *
 * @category model
 * @since 0.1.0
 */
export type EventOf<K extends Kind> = K extends BreakerEventTag
  ? Extract<BreakerEvent, { _tag: K }>
  : Transition & { readonly to: K }

// every kind, checked exhaustive by the compiler
const eventTags: Readonly<Record<BreakerEventTag, null>> = {
  Transition: null,
  Success: null,
  Failure: null,
  Ignored: null,
  Rejection: null,
  Timeout: null,
  FallbackUsed: null,
  FallbackFailed: null,
  StoreFailed: null,
  FleetChanged: null,
  StoreDegraded: null,
  StoreRecovered: null,
  ClockFailed: null,
  WouldTrip: null,
  Restored: null
}

/**
 * A promise of the next event of a kind from a breaker or a registry (anything with `subscribe`), as
 * cockatiel's `Event.toPromise`: for tests ("wait until it opens") and graceful shutdown ("wait until
 * the probe closed it"). It subscribes when called, so call it before what causes the event; it
 * unsubscribes when the event comes. With `signal`, aborting rejects it with the signal's reason and
 * unsubscribes. For an fp-ts `Task`, write `() => once(breaker, 'Open')` (it subscribes when run).
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as TE from 'fp-ts/TaskEither'
 * import { Breaker, once, withBreaker } from 'tripswitch'
 *
 * const b = Breaker.make({ name: 'payments', failureThreshold: 2 })()
 * const opened = once(b, 'Open')
 * const rejected = once(b, 'Rejection')
 * const call = withBreaker(b)
 * for (let i = 0; i < 3; i++) await call(TE.left('down'))()
 * const transition = await opened
 * assert.deepStrictEqual([transition.from, transition.to, transition.why], ['Closed', 'Open', 'tripped'])
 * assert.strictEqual((await rejected).breaker, 'payments')
 *
 * @category combinators
 * @since 0.1.0
 */
export const once = <K extends Kind>(
  source: { readonly subscribe: (listener: Listener) => IO<void> },
  kind: K,
  signal?: AbortSignal
): Promise<EventOf<K>> => {
  if (!Object.hasOwn(eventTags, kind) && !(stateTags as ReadonlyArray<string>).includes(kind)) {
    const kinds = [...Object.keys(eventTags), ...stateTags].join(', ')
    return Promise.reject(
      new TypeError(`once: expected the tag of an event or a state (${kinds}), got ${String(kind)}`)
    )
  }
  if (signal?.aborted === true) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    let unsubscribe: IO<void> | undefined = undefined
    let done = false
    const finish = (): void => {
      done = true
      unsubscribe?.()
      signal?.removeEventListener('abort', onAbort)
    }
    const onAbort = (): void => {
      finish()
      reject(signal?.reason)
    }
    unsubscribe = source.subscribe((event) => {
      if (done) return
      if (event._tag === kind || (event._tag === 'Transition' && event.to === kind)) {
        finish()
        resolve(event as EventOf<K>)
      }
    })
    if (done) unsubscribe()
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * A listener that ignores every event: the `Monoid`'s identity.
 *
 * @category constructors
 * @since 0.1.0
 */
export const empty: Listener = () => undefined

/**
 * Runs `first`, then `second`, on every event. If either throws, the other still runs; then the first
 * error thrown is rethrown (for the breaker to report).
 *
 * @example
 * import { Listener } from 'tripswitch'
 * const both = Listener.concat(Listener.on('Rejection', () => {}), Listener.on('Transition', () => {}))
 *
 * @category combinators
 * @since 0.1.0
 */
export const concat =
  (first: Listener, second: Listener): Listener =>
  (event) => {
    let failed = false
    let error: unknown
    let a: unknown
    let b: unknown
    try {
      a = first(event)
    } catch (e) {
      failed = true
      error = e
    }
    try {
      b = second(event)
    } catch (e) {
      if (!failed) {
        failed = true
        error = e
      }
    }
    const pending = [a, b].filter(isThenable)
    if (failed) {
      // the first error wins; a promise that rejects later must not go unhandled
      for (const p of pending) Promise.resolve(p).then(undefined, () => undefined)
      throw error
    }
    if (pending.length === 0) return undefined
    return Promise.allSettled(pending).then((results) => {
      for (const r of results) if (r.status === 'rejected') throw r.reason
    })
  }

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Listeners form a monoid under `concat` with identity `empty`:
 * - associativity: `concat(concat(a, b), c)` and `concat(a, concat(b, c))` call `a`, `b`, `c` in that
 *   order on every event, run all three whatever throws, and rethrow the first error thrown (or, when
 *   none throws and some return promises, return a promise that rejects with the first rejection);
 * - identity: `concat(empty, a)` and `concat(a, empty)` behave as `a`.
 *
 * @example
 * import { concatAll } from 'fp-ts/Monoid'
 * import { Listener } from 'tripswitch'
 * const all = concatAll(Listener.Monoid)([Listener.on('Failure', () => {}), Listener.on('Success', () => {})])
 *
 * @category instances
 * @since 0.1.0
 */
export const Monoid: Mo.Monoid<Listener> = { concat, empty }
