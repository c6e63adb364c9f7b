/**
 * The store seam: where a breaker's cell synchronizes with the breakers of the same name in other
 * processes (a fleet), through Redis (`tripswitch/redis`) or in memory (`memory`, for tests and for
 * breakers of one process).
 *
 * A store shares transitions, not calls. What the fleet shares for a name is a `Shared` record: the
 * phase (closed, open, half-open, or a manual state), an epoch that grows by one with every change,
 * the backoff level, the open period, and the probe lease with its holder. Windows and tallies stay in
 * each process. Every change of a record is one atomic compare-and-set on the epoch, decided by the
 * store with its own clock (`rules` below, which the Redis script mirrors):
 * - `propose` a transition of the local circuit: a trip opens the fleet (once `quorum` distinct
 *   processes have tripped within `quorumWindow`; default one), a probe's verdict closes or re-opens
 *   it, a manual control sets it. A proposal from a process that has not seen the latest epoch is
 *   refused with the record it missed, so a stale outcome never decides the fleet.
 * - `claim` the half-open probe lease when the open period is over: exactly one process fleet-wide
 *   wins it for `lease` ms and only it sends probes; the others are refused with the record, and
 *   reject with a `retryAfter` derived from the lease. An expired lease lets another process claim.
 * - `watch` a name: records changed by others are pushed (publish/subscribe), and polled about every
 *   second for the names whose breaker had calls, since a push can be lost.
 *
 * Deadlines travel as milliseconds remaining (`remaining`), never as timestamps, so clock offsets
 * between processes do not matter. A record enters a breaker through the pure core
 * (`Circuit.merge`), which starts a new local generation: permits issued before it become late.
 *
 * Invariants the breaker keeps, whatever the store does:
 * - No call waits on the store, except a half-open probe of an asynchronous call, which waits for its
 *   claim at most `storeTimeout` ms. Admission and outcomes update the local cell synchronously;
 *   proposals go out after the update, in the background.
 * - A store that throws, rejects, answers garbage or never answers never fails a call and never
 *   crashes the process: each operation is given `storeTimeout` ms, and every failure is reported as a
 *   `StoreFailed` event. The breaker then works alone (its own trips, at most one probe per process),
 *   reports `StoreDegraded` once and `StoreRecovered` when the store answers again, and
 *   re-synchronizes: an Open it entered meanwhile is pushed to the fleet, otherwise the fleet's record
 *   is adopted.
 *
 * What a store must do is checked by the contract suite in `__tests__/_support/storeContract.ts`, run
 * against `memory` and against a real Redis server.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import * as O from 'fp-ts/Option'
import { monotonic } from './Clock'
import type { State } from './State'
import type { Cause } from './Transition'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The phases a fleet shares: the tags of `State`.
 *
 * @category model
 * @since 0.1.0
 */
export type Phase = State['_tag']

/**
 * A breaker's record as the fleet shares it. `remaining` is the time left, by the store's clock, when
 * the record was read: until a probe may be claimed (`Open`), or until the probe lease expires
 * (`HalfOpen`); `0` in other phases. A missing record reads as `Closed` at epoch 0.
 *
 * @category model
 * @since 0.1.0
 */
export interface Shared {
  readonly phase: Phase
  /** Grows by one with every change of the record; a proposal must have seen it. */
  readonly epoch: number
  /** The backoff level (see `Backoff`): of the open period, or of the next one. */
  readonly attempt: number
  /** The length of the open period (`Open`), in ms; `0` in other phases. */
  readonly openFor: number
  readonly remaining: number
  /** The id (`Store.id`) of the process holding the probe lease (`HalfOpen`); `''` otherwise. */
  readonly holder: string
}

/**
 * A transition of a local circuit, proposed to the fleet, by a process that has seen epoch `expect`.
 * - `Trip`: a closed circuit opened for `openFor` ms at backoff level `attempt` (a vote, under a quorum);
 * - `Verdict`: a half-open circuit closed, or re-opened for `openFor` ms at level `attempt`;
 * - `Control`: a manual control (`Event.forceOpen`, `disable`, `metricsOnly`, `reset`), applied whatever
 *   the epoch.
 *
 * @category model
 * @since 0.1.0
 */
export type Proposal =
  | { readonly _tag: 'Trip'; readonly expect: number; readonly openFor: number; readonly attempt: number }
  | {
      readonly _tag: 'Verdict'
      readonly expect: number
      readonly phase: 'Closed' | 'Open'
      readonly openFor: number
      readonly attempt: number
    }
  | {
      readonly _tag: 'Control'
      readonly expect: number
      readonly phase: 'Closed' | 'ForcedOpen' | 'Disabled' | 'MetricsOnly'
    }

/**
 * A store's answer, with the record as it stands after the operation:
 * - `accepted`: the proposal changed the record (or changed nothing because the fleet already agreed);
 * - `voted`: a trip counted towards the quorum, and the fleet stays closed;
 * - `granted`: this process holds the probe lease (`claim`);
 * - `local`: the fleet is not open, so the claimant probes on its own (`claim`);
 * - `refused`: the record differs from what the process saw; adopt it.
 *
 * @category model
 * @since 0.1.0
 */
export interface Reply {
  readonly outcome: 'accepted' | 'voted' | 'granted' | 'local' | 'refused'
  readonly record: Shared
}

/**
 * What a breaker gives `watch`: `onRecord` receives records pushed or polled (a record is delivered
 * again by each poll; the breaker adopts only newer epochs), `onFailure` a poll that failed, and
 * `active` says whether the breaker had calls since it was last asked (only active names are polled).
 *
 * @category model
 * @since 0.1.0
 */
export interface Watcher {
  readonly onRecord: (record: Shared) => void
  readonly onFailure: (error: unknown) => void
  readonly active: () => boolean
}

/**
 * One process's handle on a store, keyed by breaker name. Every function may throw, reject or never
 * settle: the breaker guards each call (see the module's invariants).
 *
 * @category model
 * @since 0.1.0
 */
export interface Store {
  /** Names this process as a lease holder: unique per handle. */
  readonly id: string
  /** The fleet's record for `name` (a missing one reads as closed at epoch 0). */
  readonly load: (name: string) => Promise<Shared>
  /** Proposes a transition of `name` (see `Proposal`). */
  readonly propose: (name: string, proposal: Proposal) => Promise<Reply>
  /** Claims the probe lease of `name` for `lease` ms, by a process that has seen epoch `expect`. */
  readonly claim: (name: string, expect: number, lease: number) => Promise<Reply>
  /** Delivers the records of `name` to `watcher` (see `Watcher`); returns the effect that stops it. */
  readonly watch: (name: string, watcher: Watcher) => IO<void>
}

/**
 * A record as a store keeps it: `until` is a time on the store's clock (the open deadline or the
 * lease's expiry), and `votes` the trips counted towards the quorum, by process id and time.
 *
 * @category model
 * @since 0.1.0
 */
export interface Stored {
  readonly phase: Phase
  readonly epoch: number
  readonly attempt: number
  readonly openFor: number
  readonly until: number
  readonly holder: string
  readonly votes: ReadonlyArray<readonly [string, number]>
}

/**
 * How a store decides: `quorum` distinct processes must trip within `quorumWindow` ms for the fleet to
 * open.
 *
 * @category model
 * @since 0.1.0
 */
export interface Rules {
  readonly quorum: number
  readonly quorumWindow: number
}

// -------------------------------------------------------------------------------------
// the rules
// -------------------------------------------------------------------------------------

/**
 * The record of a name never written, expired, or unreadable: closed at epoch 0.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Store } from 'tripswitch'
 * assert.deepStrictEqual(Store.view(Store.missing, 0), {
 *   phase: 'Closed', epoch: 0, attempt: 0, openFor: 0, remaining: 0, holder: ''
 * })
 *
 * @category rules
 * @since 0.1.0
 */
export const missing: Stored = {
  phase: 'Closed',
  epoch: 0,
  attempt: 0,
  openFor: 0,
  until: 0,
  holder: '',
  votes: []
}

/**
 * A stored record as read at `now` (the store's clock).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Store } from 'tripswitch'
 * const open = { ...Store.missing, phase: 'Open' as const, epoch: 3, openFor: 1_000, until: 5_000 }
 * assert.strictEqual(Store.view(open, 4_200).remaining, 800) // the deadline as time remaining
 *
 * @category rules
 * @since 0.1.0
 */
export const view = (r: Stored, now: number): Shared => ({
  phase: r.phase,
  epoch: r.epoch,
  attempt: r.attempt,
  openFor: r.openFor,
  remaining: r.phase === 'Open' || r.phase === 'HalfOpen' ? Math.max(0, r.until - now) : 0,
  holder: r.phase === 'HalfOpen' ? r.holder : ''
})

/**
 * Decides a proposal by process `id` at `now` (the store's clock): the reply's outcome and the record
 * after it. Pure; the memory store runs it, and the Redis script is its transcription (the contract
 * suite runs both against the same cases).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Store } from 'tripswitch'
 * const trip = { _tag: 'Trip' as const, expect: 0, openFor: 1_000, attempt: 0 }
 * const [outcome, record] = Store.propose(Store.missing, trip, 'a', 100, Store.defaultRules)
 * assert.deepStrictEqual([outcome, record.phase, record.epoch, record.until], ['accepted', 'Open', 1, 1_100])
 * // a process that has not seen epoch 1 is refused
 * assert.strictEqual(Store.propose(record, trip, 'b', 200, Store.defaultRules)[0], 'refused')
 *
 * @category rules
 * @since 0.1.0
 */
export const propose = (
  r: Stored,
  p: Proposal,
  id: string,
  now: number,
  rules: Rules
): readonly [Reply['outcome'], Stored] => {
  if (p._tag === 'Control') {
    return ['accepted', { ...missing, phase: p.phase, epoch: Math.max(p.expect, r.epoch) + 1 }]
  }
  if (p.expect < r.epoch) return ['refused', r]
  const epoch = p.expect + 1
  if (r.phase === 'Closed') {
    if (p._tag === 'Verdict' && p.phase === 'Closed') return ['accepted', r]
    const votes = [
      ...r.votes.filter(([v, at]) => v !== id && at > now - rules.quorumWindow),
      [id, now] as const
    ]
    if (votes.length < rules.quorum) return ['voted', { ...r, votes }]
    return ['accepted', opened(epoch, p.openFor, p.attempt, now)]
  }
  if (p._tag === 'Verdict' && (r.phase === 'Open' || r.phase === 'HalfOpen')) {
    // a live lease held by another process: only its holder's verdict decides
    if (r.phase === 'HalfOpen' && r.holder !== id && r.until > now) return ['refused', r]
    return [
      'accepted',
      p.phase === 'Closed'
        ? { ...missing, epoch, attempt: p.attempt }
        : opened(epoch, p.openFor, p.attempt, now)
    ]
  }
  return ['refused', r]
}

/**
 * Decides a claim of the probe lease for `lease` ms by process `id`, which has seen epoch `expect`, at
 * `now` (the store's clock).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Store } from 'tripswitch'
 * const open = { ...Store.missing, phase: 'Open' as const, epoch: 1, openFor: 1_000, until: 1_000 }
 * const [won, leased] = Store.claim(open, 1, 500, 'a', 1_000)
 * assert.deepStrictEqual([won, leased.holder, leased.until], ['granted', 'a', 1_500])
 * assert.strictEqual(Store.claim(leased, 2, 500, 'b', 1_200)[0], 'refused') // one probe fleet-wide
 *
 * @category rules
 * @since 0.1.0
 */
export const claim = (
  r: Stored,
  expect: number,
  lease: number,
  id: string,
  now: number
): readonly [Reply['outcome'], Stored] => {
  if (expect < r.epoch) return ['refused', r]
  switch (r.phase) {
    case 'Closed':
    case 'Disabled':
    case 'MetricsOnly':
      return ['local', r]
    case 'ForcedOpen':
      return ['refused', r]
    case 'Open':
    case 'HalfOpen':
      if (r.phase === 'HalfOpen' && r.holder === id && r.until > now) return ['granted', r]
      if (r.until > now) return ['refused', r]
      return [
        'granted',
        { ...r, phase: 'HalfOpen', epoch: r.epoch + 1, until: now + lease, holder: id, votes: [] }
      ]
  }
}

/**
 * What a transition of the local circuit from `prev` to `next`, caused by `cause`, proposes to the
 * fleet, by a process that has seen epoch `expect`: a trip (from Closed or MetricsOnly to Open), a
 * verdict (from Open or HalfOpen to Closed or Open), or a control (a manual event or a state set
 * through `breaker.ref`, to a manual state or Closed). `None` for what the fleet does not share: an
 * Open circuit turning half-open (a probe claims the lease instead, see `claim`), and a state set to
 * Open or HalfOpen through `ref`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as O from 'fp-ts/Option'
 * import { Circuit, Store } from 'tripswitch'
 * const closed = Circuit.initial(0)
 * const open = { _tag: 'Open' as const, generation: 1, openedAt: 5, openFor: 30_000, attempt: 0 }
 * assert.deepStrictEqual(
 *   Store.proposal(closed, open, 'Failure', 4),
 *   O.some({ _tag: 'Trip', expect: 4, openFor: 30_000, attempt: 0 })
 * )
 *
 * @category rules
 * @since 0.1.0
 */
export const proposal = (prev: State, next: State, cause: Cause, expect: number): O.Option<Proposal> => {
  if (cause === 'Adopted') return O.none
  if (cause === 'ForceOpen' || cause === 'Disable' || cause === 'MetricsOnly' || cause === 'Reset') {
    return next._tag === 'Open' || next._tag === 'HalfOpen'
      ? O.none
      : O.some({ _tag: 'Control', expect, phase: next._tag })
  }
  if (next._tag === 'Open' && (prev._tag === 'Closed' || prev._tag === 'MetricsOnly')) {
    return O.some({ _tag: 'Trip', expect, openFor: next.openFor, attempt: next.attempt })
  }
  if ((prev._tag === 'Open' || prev._tag === 'HalfOpen') && next._tag === 'Open') {
    return O.some({ _tag: 'Verdict', expect, phase: 'Open', openFor: next.openFor, attempt: next.attempt })
  }
  if ((prev._tag === 'Open' || prev._tag === 'HalfOpen') && next._tag === 'Closed') {
    return O.some({ _tag: 'Verdict', expect, phase: 'Closed', openFor: 0, attempt: next.attempt })
  }
  return O.none
}

const opened = (epoch: number, openFor: number, attempt: number, now: number): Stored => ({
  ...missing,
  phase: 'Open',
  epoch,
  attempt,
  openFor,
  until: now + openFor
})

/**
 * The defaults of `Rules`: one trip opens the fleet; votes count for a minute.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Store } from 'tripswitch'
 * assert.deepStrictEqual(Store.defaultRules, { quorum: 1, quorumWindow: 60_000 })
 *
 * @category defaults
 * @since 0.1.0
 */
export const defaultRules: Rules = { quorum: 1, quorumWindow: 60_000 }

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An in-memory backend: records kept in a `Map` and decided by `propose` and `claim` on `clock`,
 * delivered synchronously to the watchers of the other handles. `connect()` gives a `Store` handle on
 * it, one per simulated process: a change made through one handle reaches the watchers of every other
 * handle (a process learns of its own changes from the replies). For tests, for
 * breakers of one process, and as the reference implementation of the contract.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker, Store } from 'tripswitch'
 * import { testClock } from 'tripswitch/testing'
 *
 * const clock = testClock()
 * const fleet = Store.memory({ clock: clock.now })
 * const a = Breaker.make({ failureThreshold: 1 }, { name: 'users', clock: clock.now, store: fleet.connect() })()
 * const b = Breaker.make({ failureThreshold: 1 }, { name: 'users', clock: clock.now, store: fleet.connect() })()
 * a.control({ _tag: 'ForceOpen' })()
 * assert.strictEqual(b.state()._tag, 'ForcedOpen')
 *
 * @category constructors
 * @since 0.1.0
 */
export const memory = (
  options: { readonly clock?: () => number } & Partial<Rules> = {}
): {
  readonly connect: () => Store
  readonly records: ReadonlyMap<string, Stored>
} => {
  const clock = options.clock ?? monotonic
  const rules: Rules = { ...defaultRules, ...options }
  const records = new Map<string, Stored>()
  const watchers = new Map<string, Set<{ readonly id: string; readonly watcher: Watcher }>>()
  let handles = 0
  // applies a decision of `by`, delivering a changed record to the watchers of the other handles
  const apply = (name: string, by: string, [outcome, next]: readonly [Reply['outcome'], Stored]): Reply => {
    const before = records.get(name) ?? missing
    records.set(name, next)
    const record = view(next, clock())
    if (next.epoch !== before.epoch) {
      for (const w of [...(watchers.get(name) ?? [])]) if (w.id !== by) w.watcher.onRecord(record)
    }
    return { outcome, record }
  }
  const connect = (): Store => {
    const id = `memory-${++handles}`
    return {
      id,
      load: (name) => Promise.resolve(view(records.get(name) ?? missing, clock())),
      propose: (name, p) =>
        Promise.resolve(apply(name, id, propose(records.get(name) ?? missing, p, id, clock(), rules))),
      claim: (name, expect, lease) =>
        Promise.resolve(apply(name, id, claim(records.get(name) ?? missing, expect, lease, id, clock()))),
      watch: (name, watcher) => {
        const entry = { id, watcher }
        const set = watchers.get(name) ?? new Set()
        set.add(entry)
        watchers.set(name, set)
        return () => {
          set.delete(entry)
        }
      }
    }
  }
  return { connect, records }
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

/**
 * Runs one store operation for a breaker: `then` gets its result, `fail` what went wrong (a throw, a
 * rejection, or no answer within `timeout` ms), exactly once; nothing is thrown. The timer is
 * `unref`'d, so a hung store never keeps the process alive.
 *
 * @internal
 */
export const attempt = <A>(
  run: () => Promise<A>,
  timeout: number,
  fail: (error: unknown) => void,
  then?: (a: A) => void
): void => {
  let settled = false
  const timer = setTimeout(() => {
    if (settled) return
    settled = true
    fail(new Error(`the store did not answer within ${timeout} ms`))
  }, timeout)
  timer.unref?.()
  const done = (): boolean => {
    if (settled) return false
    settled = true
    clearTimeout(timer)
    return true
  }
  let pending: Promise<A>
  try {
    pending = Promise.resolve(run())
  } catch (error) {
    if (done()) fail(error)
    return
  }
  pending.then(
    (a) => {
      if (done()) then?.(a)
    },
    (error: unknown) => {
      if (done()) fail(error)
    }
  )
}
