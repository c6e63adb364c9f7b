/**
 * The pure core: admission and the reducer `step(state, event, now) => state`.
 *
 * Nothing here reads a clock, allocates a timer or touches a `Task`: time comes in as `now`
 * (milliseconds on any monotonic scale), so a test or a tuner drives a circuit with explicit timestamps.
 * Thresholds are bound first: `make(config)` returns a `Circuit` whose `step` and `admit` close over
 * them, and the state stays plain data (see `State.ts`). The module-level `step`, `admit` and `initial`
 * use the defaults.
 *
 * Semantics (see docs/semantics.md):
 * - Closed: every call is admitted. Recorded outcomes feed the trip strategy; when it trips, the
 *   circuit opens at `now` for the backoff's duration.
 * - Open: calls are rejected with `retryAfter = openedAt + openFor - now`. At `now >= openedAt + openFor`
 *   (inclusive) the next call is admitted as the first probe and the circuit becomes HalfOpen. No timer
 *   is involved: the transition is decided lazily by that call.
 * - HalfOpen: at most `halfOpenProbes` probes hold a slot (a live lease, or an answered outcome). Each
 *   probe's lease expires `probeLease` ms after its admission; an expired lease frees its slot and its
 *   outcome, should it still arrive, no longer counts. `successThreshold` probe successes close the
 *   circuit; any recorded probe failure re-opens it with the next backoff iteration. Ignored outcomes
 *   free their slot.
 * - Late outcomes: an outcome whose permit is from another generation leaves the state unchanged.
 * - Manual events (`ForceOpen`, `Disable`, `MetricsOnly`, `Reset`) always move to their state and
 *   start a new generation, so permits issued before them become late.
 *
 * @since 0.1.0
 */
import * as Config from './Config'
import * as D from './Decision'
import type * as Ev from './Event'
import * as S from './State'
import * as Strategy from './Strategy'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A reducer bound to its thresholds.
 *
 * @category model
 * @since 0.1.0
 */
export interface Circuit {
  readonly config: Config.Config
  readonly strategy: Strategy.Strategy
  /** A fresh closed state, entered at `now`. */
  readonly initial: (now: number) => S.State
  /** Decides whether a call arriving at `now` may pass, and records its admission. */
  readonly admit: (state: S.State, now: number) => readonly [D.Decision, S.State]
  /** The reducer: total, pure and deterministic. */
  readonly step: (state: S.State, event: Ev.Event, now: number) => S.State
  /** Milliseconds until a call may be admitted: `0` when one would be now, `Infinity` when forced open. */
  readonly retryAfter: (state: S.State, now: number) => number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Binds a reducer to a config (defaults filled in, every field checked: see `Config.resolve`).
 *
 * @example
 * import { Circuit, Decision, Event } from 'tripswitch'
 *
 * const circuit = Circuit.make({ failureThreshold: 2, openFor: 1_000 })
 * let state = circuit.initial(0)
 * for (const t of [10, 20]) {
 *   const [decision, next] = circuit.admit(state, t)
 *   if (Decision.isPermit(decision)) state = circuit.step(next, Event.failure(decision), t)
 * }
 * // state._tag === 'Open'; at t = 1_020 the next call is admitted as a probe
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (input: Config.ConfigInput = {}): Circuit => fromConfig(Config.resolve(input))

/**
 * Binds a reducer to a config that is already resolved.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromConfig = (config: Config.Config): Circuit => {
  const strategy = Strategy.consecutiveFailures(config.failureThreshold)
  const freshTally = Strategy.initial(strategy)
  const openDuration = (_attempt: number): number => config.openFor

  const initial = (now: number): S.State => S.closed(0, now, 0, freshTally)

  // -- admission ------------------------------------------------------------------------

  const liveLeases = (s: S.HalfOpen, now: number): ReadonlyArray<S.Lease> =>
    s.leases.every((l) => l.expiresAt > now) ? s.leases : s.leases.filter((l) => l.expiresAt > now)

  const decide = (s: S.State, now: number): D.Decision => {
    switch (s._tag) {
      case 'Closed':
      case 'Disabled':
      case 'MetricsOnly':
        return D.permit(s.generation)
      case 'ForcedOpen':
        return D.rejection(Infinity)
      case 'Open': {
        const at = s.openedAt + s.openFor
        return now >= at ? D.probe(s.generation + 1, 0) : D.rejection(at - now)
      }
      case 'HalfOpen': {
        const live = liveLeases(s, now)
        if (live.length + s.successes + s.failures < config.halfOpenProbes) {
          return D.probe(s.generation, s.nextTicket)
        }
        let soonest = Infinity
        for (const l of live) soonest = Math.min(soonest, l.expiresAt)
        return D.rejection(soonest === Infinity ? 0 : soonest - now)
      }
    }
  }

  // A closed circuit admits every call with the same permit and no state change: memoize the pair
  // for the last state seen, so the hot path allocates nothing. The values are immutable, so this is
  // invisible from outside.
  let lastState: S.State | undefined
  let lastPair: readonly [D.Decision, S.State] | undefined

  const admit = (s: S.State, now: number): readonly [D.Decision, S.State] => {
    if (s === lastState && lastPair !== undefined) return lastPair
    const decision = decide(s, now)
    if (decision._tag === 'Rejection') return [decision, s]
    if (s._tag === 'Closed' || s._tag === 'Disabled' || s._tag === 'MetricsOnly') {
      lastState = s
      lastPair = [decision, s]
      return lastPair
    }
    return [decision, onAdmitted(s, decision, now)]
  }

  const retryAfter = (s: S.State, now: number): number => {
    const d = decide(s, now)
    return d._tag === 'Rejection' ? d.retryAfter : 0
  }

  // -- the reducer ----------------------------------------------------------------------

  const onAdmitted = (s: S.State, p: D.Permit, now: number): S.State => {
    if (!p.probe) return s
    switch (s._tag) {
      case 'Open':
        return p.generation === s.generation + 1 && p.ticket === 0 && now >= s.openedAt + s.openFor
          ? S.halfOpen(
              p.generation,
              now,
              s.attempt,
              1,
              [{ ticket: 0, expiresAt: now + config.probeLease }],
              0,
              0
            )
          : s
      case 'HalfOpen': {
        if (p.generation !== s.generation || p.ticket !== s.nextTicket) return s
        const live = liveLeases(s, now)
        if (live.length + s.successes + s.failures >= config.halfOpenProbes) return s
        return S.halfOpen(
          s.generation,
          s.since,
          s.attempt,
          s.nextTicket + 1,
          [...live, { ticket: p.ticket, expiresAt: now + config.probeLease }],
          s.successes,
          s.failures
        )
      }
      default:
        return s
    }
  }

  const trip = (generation: number, now: number, attempt: number): S.Open =>
    S.open(generation + 1, now, openDuration(attempt), attempt)

  const onOutcome = (s: S.State, e: Ev.Outcome, now: number): S.State => {
    const p = e.permit
    if (p.generation !== s.generation) return s
    switch (s._tag) {
      case 'Closed': {
        if (e._tag === 'Ignored') return s
        const tally = Strategy.record(
          strategy,
          s.tally,
          { failure: e._tag === 'Failure', duration: e.duration },
          now
        )
        if (Strategy.isTripped(strategy, tally, now)) return trip(s.generation, now, s.attempt)
        return tally === s.tally ? s : S.closed(s.generation, s.since, s.attempt, tally)
      }
      case 'MetricsOnly': {
        if (e._tag === 'Ignored') return s
        const tally = Strategy.record(
          strategy,
          s.tally,
          { failure: e._tag === 'Failure', duration: e.duration },
          now
        )
        return tally === s.tally ? s : S.metricsOnly(s.generation, s.since, tally)
      }
      case 'HalfOpen': {
        if (!p.probe) return s
        const live = liveLeases(s, now)
        const rest = live.filter((l) => l.ticket !== p.ticket)
        if (rest.length === live.length) return s // the lease expired or was never taken
        switch (e._tag) {
          case 'Ignored':
            return S.halfOpen(s.generation, s.since, s.attempt, s.nextTicket, rest, s.successes, s.failures)
          case 'Failure':
            return trip(s.generation, now, s.attempt + 1)
          case 'Success':
            return s.successes + 1 >= config.successThreshold
              ? S.closed(s.generation + 1, now, 0, freshTally)
              : S.halfOpen(s.generation, s.since, s.attempt, s.nextTicket, rest, s.successes + 1, s.failures)
        }
      }
      // falls through: unreachable, every HalfOpen branch returns
      default:
        return s
    }
  }

  const step = (s: S.State, e: Ev.Event, now: number): S.State => {
    switch (e._tag) {
      case 'Admitted':
        return onAdmitted(s, e.permit, now)
      case 'Success':
      case 'Failure':
      case 'Ignored':
        return onOutcome(s, e, now)
      case 'ForceOpen':
        return S.forcedOpen(s.generation + 1, now)
      case 'Disable':
        return S.disabled(s.generation + 1, now)
      case 'MetricsOnly':
        return S.metricsOnly(s.generation + 1, now, freshTally)
      case 'Reset':
        return S.closed(s.generation + 1, now, 0, freshTally)
    }
  }

  return { config, strategy, initial, admit, step, retryAfter }
}

// -------------------------------------------------------------------------------------
// defaults
// -------------------------------------------------------------------------------------

/**
 * The circuit with the default config: 3 consecutive failures, 30 s open, 1 probe.
 *
 * @category defaults
 * @since 0.1.0
 */
export const defaultCircuit: Circuit = fromConfig(Config.defaults)

/**
 * The reducer with the default config.
 *
 * @example
 * import { Circuit, Decision, Event } from 'tripswitch'
 * const s0 = Circuit.initial(0)
 * const [d] = Circuit.admit(s0, 0)
 * const s1 = Decision.isPermit(d) ? Circuit.step(s0, Event.failure(d), 5) : s0
 *
 * @category defaults
 * @since 0.1.0
 */
export const step: Circuit['step'] = defaultCircuit.step

/** Admission with the default config. @category defaults @since 0.1.0 */
export const admit: Circuit['admit'] = defaultCircuit.admit

/** A fresh closed state. @category defaults @since 0.1.0 */
export const initial: Circuit['initial'] = defaultCircuit.initial
