/**
 * The store seam: where a breaker's cell synchronizes with state shared by other breakers (other
 * processes of a fleet, through Redis for example).
 *
 * A store carries transitions, not calls. The breaker publishes each transition of its circuit (the
 * state entered, encoded by `StateCodec.encodeState`, with the publisher's clock reading), loads the
 * latest shared record when it starts, and watches for records published by others. What it receives
 * is untrusted: it is decoded against the breaker's circuit (`StateCodec.decodeStateFor`), rebased onto
 * the local clock (`State.rebase`: deadlines travel as time remaining, so clock offsets between
 * processes do not matter), and merged through the pure core (`Circuit.adopt`).
 *
 * Invariants the breaker keeps, whatever the store does:
 * - No call ever waits on the store: admission and outcomes update the local cell synchronously;
 *   publishing happens after the update, in the background.
 * - A store that throws, rejects, or never answers never fails or blocks a call and never crashes the
 *   process: each operation is given `storeTimeout` ms, and every failure is reported as a
 *   `StoreFailed` event (and to `onListenerError` when no listener handles it), never thrown.
 * - A record that does not decode, or that would move the circuit backwards (an older generation), is
 *   not adopted.
 *
 * What a store must do is checked by the contract suite in `__tests__/_support/storeContract.ts`, run
 * against `memory` here and against every store the project ships.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import * as O from 'fp-ts/Option'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A state as it travels through a store: encoded (`StateCodec.encodeState`, plain JSON), with `at`, the
 * publisher's clock reading when it entered the state, so that a receiver can rebase its times.
 *
 * @category model
 * @since 0.1.0
 */
export interface Shared {
  readonly state: unknown
  readonly at: number
}

/**
 * A store that breakers synchronize with, keyed by breaker name. Every function may throw, reject or
 * never settle: the breaker guards each call (see the module's invariants).
 *
 * @category model
 * @since 0.1.0
 */
export interface Store {
  /** The latest record published for `name`, if any. */
  readonly load: (name: string) => Promise<O.Option<Shared>>
  /** Publishes a transition of `name`: the state it entered. */
  readonly publish: (name: string, record: Shared) => Promise<void>
  /**
   * Calls `onRecord` with every record published for `name` by another publisher (not the one given
   * to `publish` through this same handle); returns the effect that stops watching.
   */
  readonly watch: (name: string, onRecord: (record: Shared) => void) => IO<void>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An in-memory backend: records kept in a `Map`, delivered to watchers synchronously after `publish`.
 * `connect()` gives a `Store` handle on it, one per breaker or per simulated process: records
 * published through one handle reach the watchers of every other handle. For tests, single-process
 * setups, and as the reference implementation of the contract.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker, Store } from 'tripswitch'
 * import { testClock } from 'tripswitch/testing'
 *
 * const clock = testClock()
 * const fleet = Store.memory()
 * const a = Breaker.make({ failureThreshold: 1 }, { name: 'users', clock: clock.now, store: fleet.connect() })()
 * const b = Breaker.make({ failureThreshold: 1 }, { name: 'users', clock: clock.now, store: fleet.connect() })()
 * a.control({ _tag: 'ForceOpen' })()
 * assert.strictEqual(b.state()._tag, 'ForcedOpen')
 *
 * @category constructors
 * @since 0.1.0
 */
export const memory = (): {
  readonly connect: () => Store
  readonly records: ReadonlyMap<string, Shared>
} => {
  const records = new Map<string, Shared>()
  const watchers = new Map<string, Set<{ readonly handle: object; readonly onRecord: (r: Shared) => void }>>()
  const connect = (): Store => {
    const handle = {}
    return {
      load: (name) => Promise.resolve(O.fromNullable(records.get(name))),
      publish: (name, record) => {
        records.set(name, record)
        for (const w of [...(watchers.get(name) ?? [])]) if (w.handle !== handle) w.onRecord(record)
        return Promise.resolve()
      },
      watch: (name, onRecord) => {
        const watcher = { handle, onRecord }
        const set = watchers.get(name) ?? new Set()
        set.add(watcher)
        watchers.set(name, set)
        return () => {
          set.delete(watcher)
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
