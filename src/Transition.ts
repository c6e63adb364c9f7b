/**
 * Transitions: when an update of the cell moves the circuit from one state to another, and why. Pure:
 * a function of the states before and after one update and of the event that caused it, so listeners,
 * metrics and a store all see the same transitions, computed once.
 *
 * Invariants:
 * - Every transition starts a new generation (see `State.ts`), so an update is a transition exactly
 *   when the generation or the tag changed: a reset of a closed circuit is one, a closed circuit
 *   counting a failure is not.
 * - `reason` names the cause from the event's tag and the two states alone.
 *
 * @since 0.1.0
 */
import type { Event } from './Event'
import type { State } from './State'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Why a transition happened, derived from the event that caused it:
 *
 * - `tripped`: a closed circuit's trip strategy opened it;
 * - `half-open`: the first call after the open time was admitted as a probe;
 * - `probe-succeeded`: enough probes succeeded, the circuit closed;
 * - `probe-failed`: a probe failed, the circuit re-opened;
 * - `half-open-expired`: the circuit re-opened from half-open without a probe failure (a time limit);
 * - `half-open-expired-closed`: the circuit closed from half-open at its time limit, without enough
 *   probe successes (`halfOpenExpiry: 'close'`);
 * - `manual`: `forceOpen`, `disable`, `metricsOnly` or `reset`;
 * - `adopted`: the state was adopted from a store shared with other processes.
 *
 * @category model
 * @since 0.1.0
 */
export type Reason =
  | 'tripped'
  | 'half-open'
  | 'probe-succeeded'
  | 'probe-failed'
  | 'half-open-expired'
  | 'half-open-expired-closed'
  | 'manual'
  | 'adopted'

/**
 * What caused an update: the tag of a circuit event, or `'Adopted'` for a state taken from a store.
 *
 * @category model
 * @since 0.1.0
 */
export type Cause = Event['_tag'] | 'Adopted'

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * Whether an update from `prev` to `next` is a transition.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit, Transition } from 'tripswitch'
 * const s = Circuit.initial(0)
 * assert.strictEqual(Transition.isTransition(s, Circuit.step(s, { _tag: 'Reset' }, 1)), true)
 * assert.strictEqual(Transition.isTransition(s, s), false)
 *
 * @category guards
 * @since 0.1.0
 */
export const isTransition = (prev: State, next: State): boolean =>
  prev !== next && (prev.generation !== next.generation || prev._tag !== next._tag)

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * Why the circuit moved from `prev` to `next` (check `isTransition` first), at `at` when it is known.
 * A half-open circuit that closes without a `Success` closed at its time limit; one that closes on a
 * `Success` did so by that probe, unless the close is dated before `at` (the time limit had passed,
 * so the circuit had closed at its deadline and the success came late).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit, Transition } from 'tripswitch'
 * const prev = Circuit.initial(0)
 * const next = Circuit.step(prev, { _tag: 'ForceOpen' }, 5)
 * assert.strictEqual(Transition.reason(prev, next, 'ForceOpen'), 'manual')
 *
 * @category destructors
 * @since 0.1.0
 */
export const reason = (prev: State, next: State, cause: Cause, at?: number): Reason => {
  switch (cause) {
    case 'ForceOpen':
    case 'Disable':
    case 'MetricsOnly':
    case 'Reset':
      return 'manual'
    case 'Adopted':
      return 'adopted'
    default:
      if (next._tag === 'HalfOpen') return 'half-open'
      if (next._tag === 'Closed')
        return prev._tag === 'HalfOpen' && (cause !== 'Success' || (at !== undefined && next.since < at))
          ? 'half-open-expired-closed'
          : 'probe-succeeded'
      if (prev._tag === 'HalfOpen') return cause === 'Failure' ? 'probe-failed' : 'half-open-expired'
      return 'tripped'
  }
}
