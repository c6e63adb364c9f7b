/**
 * The state of a circuit: plain, immutable, JSON-serializable data.
 *
 * No classes, functions or Maps live here, so a state can be persisted, shared through a store and
 * compared with `deepStrictEqual`. Thresholds are not part of the state: they are bound once in a
 * `Circuit` (see `Circuit.ts`), so the same state can be driven by any reducer built from a config.
 *
 * Invariants, which `Circuit.step` preserves and a decoder of untrusted state must check:
 * - `generation` is a non-negative integer that grows by one on every transition. A permit carries the
 *   generation it was admitted in; an outcome from an older generation never drives a transition.
 * - `Open`: `openFor >= 0` (finite); the circuit admits a probe at `now >= openedAt + openFor` (inclusive).
 * - `HalfOpen`: live leases (`expiresAt > now`) + `successes + failures <= probes` of the config, and
 *   at most `2 * probes` leases in all (the live ones and the `probes` most recent expired ones); lease
 *   tickets are distinct and below `nextTicket`. A probe holds its slot until its outcome arrives or
 *   until `expiresAt`; an expired lease frees its slot for another probe, but the probe still decides
 *   if it answers while the circuit is in its generation (and its lease is among those kept). No
 *   verdict has been reached yet:
 *   with the default verdict `failures = 0` and `successes < successThreshold`; with
 *   `halfOpenFailureRate` neither `failures / probes >= rate` nor `(probes - successes) / probes < rate`.
 *   With `halfOpenMaxDuration`, a `HalfOpen` state at `now >= since + halfOpenMaxDuration` stands for the
 *   state it expired into at that deadline, under the next generation: an `Open` state opened then at
 *   `attempt + 1` (`halfOpenExpiry: 'open'`, the default) or a `Closed` state entered then with a fresh
 *   tally and the `attempt` a probe success leaves (`halfOpenExpiry: 'close'`). The reducer treats it
 *   so and replaces it at the next event.
 * - `attempt` is the backoff level (see `Backoff.ts`). `Open.attempt` chose `openFor`; `HalfOpen.attempt`
 *   is that of the open it came from; a re-open uses `attempt + 1` (or the policy's last level).
 *   `Closed.attempt` is the level the next trip starts from, before decay: 0 unless `healthyPeriod` is
 *   set, in which case closing keeps `attempt + 1` and each full `healthyPeriod` since `since` lowers it
 *   by one, computed when the circuit trips.
 * - `tally` (in `Closed` and `MetricsOnly`) belongs to the circuit's strategy (`Strategy.tallyProblems`
 *   checks one); a `Closed` tally was not tripped when its latest outcome was recorded (a rate over a
 *   time window may rise later as older calls expire; it is judged again at the next outcome). It is
 *   plain data: numbers and arrays of numbers.
 *
 * Manual states (`ForcedOpen`, `Disabled`, `MetricsOnly`) are entered and left only by explicit
 * events; no outcome moves a circuit out of them.
 *
 * @since 0.1.0
 */
import type { Tally } from './Strategy'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Calls pass; recorded outcomes feed the trip strategy's tally.
 *
 * @category model
 * @since 0.1.0
 */
export interface Closed {
  readonly _tag: 'Closed'
  readonly generation: number
  /** When the circuit entered this state. */
  readonly since: number
  /** The backoff iteration of the next open. */
  readonly attempt: number
  readonly tally: Tally
}

/**
 * Calls are rejected until `openedAt + openFor`; then the next call is admitted as a probe.
 *
 * @category model
 * @since 0.1.0
 */
export interface Open {
  readonly _tag: 'Open'
  readonly generation: number
  readonly openedAt: number
  readonly openFor: number
  /** The backoff iteration that chose `openFor`. */
  readonly attempt: number
}

/**
 * A probe's claim on a half-open slot.
 *
 * @category model
 * @since 0.1.0
 */
export interface Lease {
  readonly ticket: number
  readonly expiresAt: number
}

/**
 * A limited number of probes are admitted; their outcomes decide between closing and re-opening.
 *
 * @category model
 * @since 0.1.0
 */
export interface HalfOpen {
  readonly _tag: 'HalfOpen'
  readonly generation: number
  readonly since: number
  readonly attempt: number
  /** The ticket the next probe will get. */
  readonly nextTicket: number
  /** Probes admitted and not yet answered (nor expired). */
  readonly leases: ReadonlyArray<Lease>
  readonly successes: number
  readonly failures: number
}

/**
 * Manually isolated: every call is rejected until the circuit is reset.
 *
 * @category model
 * @since 0.1.0
 */
export interface ForcedOpen {
  readonly _tag: 'ForcedOpen'
  readonly generation: number
  readonly since: number
}

/**
 * Manually disabled: every call passes and nothing is recorded.
 *
 * @category model
 * @since 0.1.0
 */
export interface Disabled {
  readonly _tag: 'Disabled'
  readonly generation: number
  readonly since: number
}

/**
 * Every call passes; outcomes are recorded in the tally, but the circuit never opens.
 *
 * @category model
 * @since 0.1.0
 */
export interface MetricsOnly {
  readonly _tag: 'MetricsOnly'
  readonly generation: number
  readonly since: number
  readonly tally: Tally
}

/**
 * @category model
 * @since 0.1.0
 */
export type State = Closed | Open | HalfOpen | ForcedOpen | Disabled | MetricsOnly

/**
 * The tag of a state, for listeners and metrics.
 *
 * @category model
 * @since 0.1.0
 */
export type StateTag = State['_tag']

// every tag once, checked exhaustive by the compiler
const tagSet: Readonly<Record<StateTag, null>> = {
  Closed: null,
  Open: null,
  HalfOpen: null,
  ForcedOpen: null,
  Disabled: null,
  MetricsOnly: null
}

/**
 * Every `StateTag`, for the codecs and checks that must list them.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { State } from 'tripswitch'
 * assert.ok(State.tags.includes('HalfOpen') && State.tags.length === 6)
 *
 * @category model
 * @since 0.1.0
 */
export const tags: ReadonlyArray<StateTag> = Object.keys(tagSet) as ReadonlyArray<StateTag>

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * @category constructors
 * @since 0.1.0
 */
export const closed = (generation: number, since: number, attempt: number, tally: Tally): Closed => ({
  _tag: 'Closed',
  generation,
  since,
  attempt,
  tally
})

/**
 * @category constructors
 * @since 0.1.0
 */
export const open = (generation: number, openedAt: number, openFor: number, attempt: number): Open => ({
  _tag: 'Open',
  generation,
  openedAt,
  openFor,
  attempt
})

/**
 * @category constructors
 * @since 0.1.0
 */
export const halfOpen = (
  generation: number,
  since: number,
  attempt: number,
  nextTicket: number,
  leases: ReadonlyArray<Lease>,
  successes: number,
  failures: number
): HalfOpen => ({ _tag: 'HalfOpen', generation, since, attempt, nextTicket, leases, successes, failures })

/**
 * @category constructors
 * @since 0.1.0
 */
export const forcedOpen = (generation: number, since: number): ForcedOpen => ({
  _tag: 'ForcedOpen',
  generation,
  since
})

/**
 * @category constructors
 * @since 0.1.0
 */
export const disabled = (generation: number, since: number): Disabled => ({
  _tag: 'Disabled',
  generation,
  since
})

/**
 * @category constructors
 * @since 0.1.0
 */
export const metricsOnly = (generation: number, since: number, tally: Tally): MetricsOnly => ({
  _tag: 'MetricsOnly',
  generation,
  since,
  tally
})

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/** @category guards @since 0.1.0 */
export const isClosed = (s: State): s is Closed => s._tag === 'Closed'
/** @category guards @since 0.1.0 */
export const isOpen = (s: State): s is Open => s._tag === 'Open'
/** @category guards @since 0.1.0 */
export const isHalfOpen = (s: State): s is HalfOpen => s._tag === 'HalfOpen'
/** @category guards @since 0.1.0 */
export const isForcedOpen = (s: State): s is ForcedOpen => s._tag === 'ForcedOpen'
/** @category guards @since 0.1.0 */
export const isDisabled = (s: State): s is Disabled => s._tag === 'Disabled'
/** @category guards @since 0.1.0 */
export const isMetricsOnly = (s: State): s is MetricsOnly => s._tag === 'MetricsOnly'

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * The eliminator: one handler per state. Manual states may be handled together with `orElse`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit, State } from 'tripswitch'
 *
 * const label = State.match({
 *   Closed: () => 'ok',
 *   Open: (s) => `open since ${s.openedAt}`,
 *   HalfOpen: () => 'probing',
 *   orElse: (s) => s._tag
 * })
 * assert.strictEqual(label(Circuit.initial(0)), 'ok')
 * assert.strictEqual(label(Circuit.step(Circuit.initial(0), { _tag: 'ForceOpen' }, 5)), 'ForcedOpen')
 *
 * @category destructors
 * @since 0.1.0
 */
export function match<B>(handlers: {
  readonly [K in StateTag]: (s: Extract<State, { _tag: K }>) => B
}): (s: State) => B
export function match<B>(
  handlers: {
    readonly Closed: (s: Closed) => B
    readonly Open: (s: Open) => B
    readonly HalfOpen: (s: HalfOpen) => B
  } & {
    readonly [K in Exclude<StateTag, 'Closed' | 'Open' | 'HalfOpen'>]?: (s: Extract<State, { _tag: K }>) => B
  } & {
    readonly orElse: (s: ForcedOpen | Disabled | MetricsOnly) => B
  }
): (s: State) => B
export function match<B>(handlers: Record<string, ((s: never) => B) | undefined>): (s: State) => B {
  return (s) => {
    const handler = handlers[s._tag] ?? handlers['orElse']
    return (handler as (s: State) => B)(s)
  }
}

/**
 * Whether calls are currently rejected without consulting the clock (`Open` and `ForcedOpen`).
 * `Open` may still admit a probe once its time has come: ask `Circuit.admit` for the decision.
 *
 * @category destructors
 * @since 0.1.0
 */
export const isRejecting = (s: State): s is Open | ForcedOpen => s._tag === 'Open' || s._tag === 'ForcedOpen'

/**
 * Whether the state admits every call whatever the time (`Closed`, `Disabled`, `MetricsOnly`): the
 * one place this rule is written; `Circuit.admitUntimed` is built on it.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit, State } from 'tripswitch'
 * assert.strictEqual(State.admitsEveryCall(Circuit.initial(0)), true)
 *
 * @category destructors
 * @since 0.1.0
 */
export const admitsEveryCall = (s: State): s is Closed | Disabled | MetricsOnly =>
  s._tag === 'Closed' || s._tag === 'Disabled' || s._tag === 'MetricsOnly'
