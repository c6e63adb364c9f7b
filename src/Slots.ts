/**
 * The pure admission rule of a bulkhead: how many calls run at once, and who waits in line.
 *
 * A bulkhead has `limit` slots and a queue of at most `queue` waiting calls. `State` is plain JSON
 * data; every function here is total and pure (no clock, no timer, no promise), so the runtime
 * (`Bulkhead`) holds the state in a cell and changes it only through these functions, as `Breaker`
 * does with `Circuit`.
 *
 * Invariants (property-tested against a reference model in `__tests__/Slots.test.ts`):
 * - `0 <= active <= limit` and `0 <= queued(s) <= queue`.
 * - A call waits only when every slot is taken: `queued(s) > 0` implies `active === limit`.
 * - First in, first out: tickets are numbered in arrival order, and a freed slot goes to the oldest
 *   ticket still waiting (`release`), never to a newer one and never to one that left (`leave`).
 * - A ticket is unique among the calls waiting. Numbering starts again at 0 once nobody waits, so a
 *   state with nobody waiting is one of `limit + 1` values: those are shared constants, and the
 *   uncontended path (arrive, then release) allocates no state.
 * - A freed slot that a waiting call takes is handed over, not freed: `active` stays at `limit`, so no
 *   newcomer can overtake the line between the release and the waiter's start.
 *
 * The line is kept as the array of waiting tickets, oldest first: each change copies it, so arrival,
 * release and departure cost O(calls waiting), bounded by `queue` (and O(1) with nobody waiting, the
 * uncontended path).
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/Option'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How many calls run at once (`limit`, at least 1) and how many may wait for a slot (`queue`, 0 for
 * none).
 *
 * @category model
 * @since 0.1.0
 */
export interface Limits {
  readonly limit: number
  readonly queue: number
}

/**
 * @category model
 * @since 0.1.0
 */
export interface State {
  /** Calls holding a slot. */
  readonly active: number
  /** Tickets waiting for a slot, oldest first. */
  readonly waiting: ReadonlyArray<number>
  /** The next ticket to hand out (0 whenever nobody waits). */
  readonly next: number
}

/**
 * What an arriving call is told: run now, wait with a ticket, or go away (every slot taken and the
 * queue full).
 *
 * @category model
 * @since 0.1.0
 */
export type Admission =
  { readonly _tag: 'Run' } | { readonly _tag: 'Wait'; readonly ticket: number } | { readonly _tag: 'Full' }

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * No call running, nobody waiting.
 *
 * @category constructors
 * @since 0.1.0
 */
export const initial: State = Object.freeze({ active: 0, waiting: Object.freeze([]), next: 0 })

// The states with nobody waiting, one per count of calls running, made once each.
const calm: Array<State> = [initial]
const calmState = (active: number): State =>
  (calm[active] ??= Object.freeze({ active, waiting: initial.waiting, next: 0 }))

const run: Admission = { _tag: 'Run' }
const full: Admission = { _tag: 'Full' }

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * How many calls wait for a slot.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Slots } from 'tripswitch'
 * const limits = { limit: 1, queue: 5 }
 * const [, s1] = Slots.arrive(limits, Slots.initial)
 * const [, s2] = Slots.arrive(limits, s1)
 * assert.strictEqual(s2.active, 1)
 * assert.strictEqual(Slots.queued(s2), 1)
 *
 * @category destructors
 * @since 0.1.0
 */
export const queued = (s: State): number => s.waiting.length

/**
 * Whether `ticket` is waiting in line.
 *
 * @category destructors
 * @since 0.1.0
 */
export const isWaiting = (s: State, ticket: number): boolean => s.waiting.includes(ticket)

// -------------------------------------------------------------------------------------
// the rule
// -------------------------------------------------------------------------------------

/**
 * A call arrives: it runs if a slot is free, waits with the next ticket if the queue has room, and
 * is refused otherwise. A refused call changes nothing.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Slots } from 'tripswitch'
 * const limits = { limit: 1, queue: 1 }
 * const [a, s1] = Slots.arrive(limits, Slots.initial)
 * const [b, s2] = Slots.arrive(limits, s1)
 * const [c, s3] = Slots.arrive(limits, s2)
 * assert.deepStrictEqual([a._tag, b._tag, c._tag], ['Run', 'Wait', 'Full'])
 * assert.strictEqual(s3, s2)
 *
 * @category the rule
 * @since 0.1.0
 */
export const arrive = (limits: Limits, s: State): readonly [Admission, State] => {
  if (s.active < limits.limit) return [run, line(s.active + 1, s.waiting, s.next)]
  if (s.waiting.length >= limits.queue) return [full, s]
  return [
    { _tag: 'Wait', ticket: s.next },
    { active: s.active, waiting: [...s.waiting, s.next], next: s.next + 1 }
  ]
}

/**
 * A running call frees its slot. If someone waits, the oldest waiting ticket takes the slot
 * (`Some(ticket)`: start it) and `active` is unchanged; otherwise the slot is free (`None`). A release
 * with no call running changes nothing.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as O from 'fp-ts/Option'
 * import { Slots } from 'tripswitch'
 * const limits = { limit: 1, queue: 5 }
 * const [, s1] = Slots.arrive(limits, Slots.initial)
 * const [, s2] = Slots.arrive(limits, s1)
 * const [next, s3] = Slots.release(s2)
 * assert.deepStrictEqual(next, O.some(0))
 * assert.strictEqual(s3.active, 1)
 * const [none, s4] = Slots.release(s3)
 * assert.deepStrictEqual([none, s4.active], [O.none, 0])
 *
 * @category the rule
 * @since 0.1.0
 */
export const release = (s: State): readonly [O.Option<number>, State] => {
  if (s.active === 0) return [O.none, s]
  if (s.waiting.length === 0) return [O.none, calmState(s.active - 1)]
  return [O.some(s.waiting[0]!), line(s.active, s.waiting.slice(1), s.next)]
}

/**
 * A waiting call leaves the line before its turn (its caller aborted, or it waited too long).
 * `true` if `ticket` was waiting; `false`, and nothing changes, if it was not (already started, or
 * already gone).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Slots } from 'tripswitch'
 * const limits = { limit: 1, queue: 5 }
 * const [, s1] = Slots.arrive(limits, Slots.initial)
 * const [, s2] = Slots.arrive(limits, s1)
 * const [left, s3] = Slots.leave(s2, 0)
 * assert.strictEqual(left, true)
 * assert.strictEqual(Slots.queued(s3), 0)
 * assert.strictEqual(Slots.leave(s3, 0)[0], false)
 *
 * @category the rule
 * @since 0.1.0
 */
export const leave = (s: State, ticket: number): readonly [boolean, State] => {
  const i = s.waiting.indexOf(ticket)
  if (i < 0) return [false, s]
  return [true, line(s.active, [...s.waiting.slice(0, i), ...s.waiting.slice(i + 1)], s.next)]
}

// A state: one of the shared ones when nobody waits (numbering starts again then).
const line = (active: number, waiting: ReadonlyArray<number>, next: number): State =>
  waiting.length === 0 ? calmState(active) : { active, waiting, next }
