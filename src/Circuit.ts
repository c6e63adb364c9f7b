/**
 * The pure core: admission and the reducer `step(state, event, now) => state`.
 *
 * Nothing here reads a clock, allocates a timer or touches a `Task`: time comes in as `now`
 * (milliseconds on any monotonic scale), so a test or a tuner drives a circuit with explicit timestamps.
 * Thresholds are bound first: `make(config)` returns a `Circuit` whose `step` and `admit` close over
 * them, and the state stays plain data (see `State.ts`). The module-level `step`, `admit` and `initial`
 * use the defaults.
 *
 * Semantics (see docs/semantics.md and docs/strategies.md):
 * - Closed: every call is admitted. Recorded outcomes feed the trip strategy (`Strategy.ts`); when it
 *   trips, the circuit opens at `now` for the backoff's duration at the current level (`Backoff.ts`:
 *   the level decays while closed when `healthyPeriod` is set, and is 0 otherwise). A failure carrying
 *   `openFor` opens it at once for exactly that long.
 * - Open: calls are rejected with `retryAfter = openedAt + openFor - now`. At `now >= openedAt + openFor`
 *   (inclusive) the next call is admitted as the first probe and the circuit becomes HalfOpen. No timer
 *   is involved: the transition is decided lazily by that call.
 * - HalfOpen: at most `halfOpenProbes` probes hold a slot (a live lease, or an answered outcome). Each
 *   probe's lease expires `probeLease` ms after its admission; an expired lease frees its slot for
 *   another probe, but a slow probe still decides: its outcome counts if it arrives while the circuit is
 *   in its generation (the state keeps the `halfOpenProbes` most recent expired leases for that). So a
 *   recovered dependency slower than the lease closes the circuit with its first answer, a failing one
 *   re-opens it, and a probe that never answers wedges nothing. Ignored outcomes free their slot. With
 *   a slow-call strategy, a probe that succeeds but takes at least its `slowCallDuration` counts as a
 *   failure of the verdict (as in Resilience4j, slow probes re-open the circuit). The verdict:
 *   by default `successThreshold` probe successes close the circuit and any recorded probe failure
 *   re-opens it; with `halfOpenFailureRate`, it re-opens as soon as `failures / halfOpenProbes` reaches
 *   the rate and closes as soon as it no longer can. A re-open uses the next backoff level. Closing
 *   resets the level, or with `healthyPeriod` keeps the next level, to decay while closed.
 * - Half-open deadline: with `halfOpenMaxDuration`, a HalfOpen state at `now >= since +
 *   halfOpenMaxDuration` has expired: dated at that deadline (not at `now`, so every observer computes
 *   the same state), under a new generation, it is open with the next backoff level (`halfOpenExpiry:
 *   'open'`, the default) or closed with a fresh tally and the level a probe success would leave
 *   (`halfOpenExpiry: 'close'`). The next call or event makes it so (`admit` returns the re-opened state
 *   even when it rejects); until then `retryAfter` already answers for it (`0` once it closes).
 * - Late outcomes: an outcome whose permit is from another generation leaves the state unchanged.
 * - Manual events (`ForceOpen`, `Disable`, `MetricsOnly`, `Reset`) always move to their state and
 *   start a new generation, so permits issued before them become late.
 *
 * Time: where `now` matters and where it does not. The runtime reads its clock only when the core
 * says so, through three fast paths written here, each property-tested to agree with `admit` and `step`
 * for every state and time:
 * - `admitUntimed(s)` is `Some(permit)` in a state that admits every call whatever the time
 *   (`State.admitsEveryCall`: Closed, Disabled, MetricsOnly), where `admit` gives that permit and the
 *   same state for every `now`; it shares one permit per generation.
 * - `stepUntimed(s, e)` is `Some(next)` when `step(s, e, now)` is `next` for every `now`: a late outcome,
 *   a state no outcome moves, or a Closed or MetricsOnly state whose strategy reads no clock
 *   (`Strategy.readsClock`) and an outcome that is not a transition (a transition takes `now` as its
 *   time).
 * - `isUnmovedBySuccess(s, permit)` says when a success of unknown duration leaves `s` as it is at
 *   every time (the closed path of the default breaker), so the runtime counts it without a step.
 *
 * Shared state: `merge(local, record, now, held)` adopts a record shared by the fleet (see `Store.ts`):
 * its phase and deadlines under a new local generation, tallies kept local. Its laws are
 * property-tested.
 *
 * @since 0.1.0
 */
import * as Backoff from './Backoff'
import * as Config from './Config'
import * as D from './Decision'
import * as HalfOpen from './HalfOpen'
import * as Ev from './Event'
import * as O from 'fp-ts/Option'
import * as S from './State'
import type { Shared } from './Store'
import * as Strategy from './Strategy'
import { isTransition } from './Transition'

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
  /** The trip strategy: `config.strategy`, or `consecutiveFailures(config.failureThreshold)`. */
  readonly strategy: Strategy.Strategy
  /** Open durations by backoff level: `config.backoff`, or `config.openFor` at every level. */
  readonly backoff: Backoff.Backoff
  /** A fresh closed state, entered at `now`. */
  readonly initial: (now: number) => S.State
  /** Decides whether a call arriving at `now` may pass, and records its admission. */
  readonly admit: (state: S.State, now: number) => readonly [D.Decision, S.State]
  /** The reducer: total, pure and deterministic. */
  readonly step: (state: S.State, event: Ev.Event, now: number) => S.State
  /** Milliseconds until a call may be admitted: `0` when one would be now, `Infinity` when forced open. */
  readonly retryAfter: (state: S.State, now: number) => number
  /**
   * The state as of `now`, without an event: a half-open state past its deadline reads as the open
   * state it stands for; any other state is returned as it is. What views (`state()`, `metrics()`)
   * show; `step` and `admit` apply it first.
   */
  readonly asOf: (state: S.State, now: number) => S.State
  /**
   * Admission without a clock, for the runtime's hot path: `Some(permit)` when `admit(state, now)` is
   * `[permit, state]` for every `now` (the state admits every call: `admitsEveryCall`), `None` when the
   * decision depends on the time. The permit of a generation is one shared (immutable) value.
   */
  readonly admitUntimed: (state: S.State) => O.Option<D.Permit>
  /**
   * An outcome without a clock, for the runtime's hot path: `Some(next)` when `step(state, event, now)`
   * is `next` for every `now` (a Closed or MetricsOnly state, a strategy that reads no clock, an
   * outcome that is not a transition; or a late outcome); `None` when the result depends on the time.
   */
  readonly stepUntimed: (state: S.State, event: Ev.Outcome) => O.Option<S.State>
  /**
   * Whether a success of `permit` whose duration is unknown leaves `state` as it is at every time:
   * `step(state, Event.success(permit), now)` is `state` for every `now` (property-tested). The
   * runtime's hot path: such a success is counted without an event or a step. True for a late
   * success, in a state no outcome moves, and in a Closed or MetricsOnly state whose strategy reads
   * no clock and whose tally a success leaves as it is (consecutive failures at 0).
   */
  readonly isUnmovedBySuccess: (state: S.State, permit: D.Permit) => boolean
  /**
   * The merge of the local state with a record adopted from the fleet at `now` (see `Store`): the
   * record's phase, its deadlines rebased from the time remaining onto the local clock, under the next
   * local generation, so that every permit issued before it is late. Tallies stay local: an adopted
   * Closed or MetricsOnly state starts a fresh tally. Another process's probe lease (`held` false)
   * takes every half-open slot until it expires, for at most `probeLease`. Laws (property-tested):
   * - the generation grows by one, and no outcome of an earlier permit moves the result;
   * - the result's phase and `retryAfter` at `now` are the record's (`remaining`), whatever the local
   *   state and whatever `now` is: clock offsets between processes do not matter;
   * - merging a record twice is merging it once, but for the generation;
   * - the result decodes (`StateCodec.decodeStateFor`) for every record of the circuit's config.
   */
  readonly merge: (local: S.State, record: Shared, now: number, held: boolean) => S.State
  /**
   * Whether the update from `prev` to `next` (one recorded outcome) is the moment a `MetricsOnly`
   * circuit would have tripped: the same generation, the new tally trips the strategy as recorded
   * (`Strategy.isTrippedAsRecorded`), and the tally before it did not trip at `now`. True once per
   * crossing, not on every call while the tally stays tripped; false in any other state. What lets a
   * config be trialled in production (the runtime reports it as a `TripSuppressed` event).
   */
  readonly wouldTrip: (prev: S.State, next: S.State, now: number) => boolean
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
  const strategy = config.strategy ?? Strategy.consecutiveFailures(config.failureThreshold)
  const freshTally = Strategy.initial(strategy)
  // a half-open probe at least this slow fails the verdict (the strategy's shortest slow-call duration)
  const probeSlowCallDuration = Strategy.slowCallDuration(strategy) ?? Infinity
  const backoff =
    config.backoff === undefined ? Backoff.constant(config.openFor) : Backoff.fromPolicy(config.backoff)
  const jitter = config.jitter ?? 0
  const { halfOpenProbes, successThreshold, healthyPeriod, halfOpenFailureRate, halfOpenMaxDuration } = config
  const expiryCloses = halfOpenMaxDuration !== undefined && config.halfOpenExpiry === 'close'

  const initial = (now: number): S.State => S.closed(0, now, 0, freshTally)

  // -- backoff ----------------------------------------------------------------------------

  /** Open at `openedAt` under `generation`, at the backoff level `requested` (or the last the policy has). */
  const opened = (generation: number, openedAt: number, requested: number, openFor?: number): S.Open => {
    const [level, delay] = backoff.delay(requested)
    return S.open(
      generation,
      openedAt,
      openFor ?? Backoff.jittered(Number.isNaN(delay) ? config.openFor : delay, jitter, generation, openedAt),
      level
    )
  }

  /** The level a closed circuit trips at: its `attempt`, decayed by the time it stayed closed. */
  const tripLevel = (s: S.Closed, now: number): number =>
    healthyPeriod === undefined ? s.attempt : Backoff.decayed(s.attempt, s.since, now, healthyPeriod)

  /** The `attempt` of a circuit closing after a half-open at `level`: reset, or kept to decay. */
  const closingLevel = (level: number): number => (healthyPeriod === undefined ? 0 : level + 1)

  // a Retry-After's open time, at most `Event.maxRetryAfter` so that no reply wedges the circuit open
  const requestedOpenFor = (e: Ev.Outcome): number | undefined =>
    e._tag === 'Failure' && e.openFor !== undefined && Number.isFinite(e.openFor) && e.openFor >= 0
      ? Math.min(e.openFor, Ev.maxRetryAfter)
      : undefined

  // -- half-open ---------------------------------------------------------------------------

  /** What a half-open state becomes at its deadline: open at the next level, or closed. */
  const expired = (s: S.HalfOpen, deadline: number): S.Open | S.Closed =>
    expiryCloses
      ? S.closed(s.generation + 1, deadline, closingLevel(s.attempt), freshTally)
      : opened(s.generation + 1, deadline, s.attempt + 1)

  /** A half-open state past its deadline is what it expired into, since the deadline; anything else is as it is. */
  const normalize = (s: S.State, now: number): S.State =>
    halfOpenMaxDuration !== undefined && s._tag === 'HalfOpen' && now >= s.since + halfOpenMaxDuration
      ? expired(s, s.since + halfOpenMaxDuration)
      : s

  const verdict = (successes: number, failures: number): 'open' | 'close' | 'pending' =>
    HalfOpen.verdict({ halfOpenProbes, successThreshold, halfOpenFailureRate }, successes, failures)

  // -- admission ------------------------------------------------------------------------

  /** How many of a half-open state's leases are live at `now` (a lease expiring at `now` is not). */
  const liveCount = (s: S.HalfOpen, now: number): number => {
    let live = 0
    for (const l of s.leases) if (l.expiresAt > now) live++
    return live
  }

  /**
   * The leases a half-open state keeps at `now`: every live one, and the `halfOpenProbes` most recent
   * expired ones, whose probes may still answer (a slow probe still decides). Older expired ones are
   * forgotten, so the state stays bounded: at most `2 * halfOpenProbes` leases.
   */
  const keptLeases = (s: S.HalfOpen, now: number): ReadonlyArray<S.Lease> => {
    let expired = 0
    for (const l of s.leases) if (l.expiresAt <= now) expired++
    let forget = expired - halfOpenProbes // the oldest come first: tickets grow with admission time
    return s.leases.filter((l) => l.expiresAt > now || forget-- <= 0)
  }

  /** The decision for a call at `now` in `s`, which must be normalized. */
  const decide = (s: S.State, now: number): D.Decision => {
    if (S.admitsEveryCall(s)) return D.permit(s.generation)
    switch (s._tag) {
      case 'ForcedOpen':
        return D.rejection(Infinity)
      case 'Open': {
        const at = s.openedAt + s.openFor
        return now >= at ? D.probe(s.generation + 1, 0) : D.rejection(at - now)
      }
      case 'HalfOpen': {
        if (liveCount(s, now) + s.successes + s.failures < halfOpenProbes) {
          return D.probe(s.generation, s.nextTicket)
        }
        // A slot frees when a lease expires, unless the deadline comes first: then the circuit closes,
        // and admits at once, or re-opens, and the next call may pass when that re-open runs out.
        const deadline = halfOpenMaxDuration === undefined ? Infinity : s.since + halfOpenMaxDuration
        let soonest = Infinity
        for (const l of s.leases) {
          if (l.expiresAt > now && l.expiresAt < deadline) soonest = Math.min(soonest, l.expiresAt)
        }
        if (deadline !== Infinity) {
          const after = expired(s, deadline)
          soonest = Math.min(soonest, after._tag === 'Open' ? after.openedAt + after.openFor : deadline)
        }
        return D.rejection(soonest === Infinity ? 0 : soonest - now)
      }
    }
  }

  const admit = (s0: S.State, now: number): readonly [D.Decision, S.State] => {
    const s = normalize(s0, now)
    const decision = decide(s, now)
    return decision._tag === 'Rejection' ? [decision, s] : [decision, onAdmitted(s, decision, now)]
  }

  const retryAfter = (s: S.State, now: number): number => {
    const d = decide(normalize(s, now), now)
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
        if (liveCount(s, now) + s.successes + s.failures >= halfOpenProbes) return s
        return S.halfOpen(
          s.generation,
          s.since,
          s.attempt,
          s.nextTicket + 1,
          [...keptLeases(s, now), { ticket: p.ticket, expiresAt: now + config.probeLease }],
          s.successes,
          s.failures
        )
      }
      default:
        return s
    }
  }

  const onOutcome = (s: S.State, e: Ev.Outcome, now: number): S.State => {
    const p = e.permit
    if (p.generation !== s.generation) return s
    switch (s._tag) {
      case 'Closed': {
        if (e._tag === 'Ignored') return s
        const tally = Strategy.recordOutcome(strategy, s.tally, e._tag === 'Failure', e.duration, now)
        const openFor = requestedOpenFor(e)
        if (openFor !== undefined) return opened(s.generation + 1, now, tripLevel(s, now), openFor)
        if (Strategy.isTrippedAsRecorded(strategy, tally))
          return opened(s.generation + 1, now, tripLevel(s, now))
        return tally === s.tally ? s : S.closed(s.generation, s.since, s.attempt, tally)
      }
      case 'MetricsOnly': {
        if (e._tag === 'Ignored') return s
        const tally = Strategy.recordOutcome(strategy, s.tally, e._tag === 'Failure', e.duration, now)
        return tally === s.tally ? s : S.metricsOnly(s.generation, s.since, tally)
      }
      case 'HalfOpen': {
        if (!p.probe) return s
        // a probe decides while the circuit is in its generation, even after its lease expired (its
        // slot went to another probe); one never taken, already answered or forgotten decides nothing
        const kept = keptLeases(s, now)
        const rest = kept.filter((l) => l.ticket !== p.ticket)
        if (rest.length === kept.length) return s
        if (e._tag === 'Ignored') {
          return S.halfOpen(s.generation, s.since, s.attempt, s.nextTicket, rest, s.successes, s.failures)
        }
        const openFor = requestedOpenFor(e)
        if (openFor !== undefined) return opened(s.generation + 1, now, s.attempt + 1, openFor)
        // with a slow-call strategy, a probe that succeeds slowly fails the half-open verdict: the
        // dependency answers, but too slowly to close on
        const failed = e._tag === 'Failure' || e.duration >= probeSlowCallDuration
        const successes = failed ? s.successes : s.successes + 1
        const failures = failed ? s.failures + 1 : s.failures
        switch (verdict(successes, failures)) {
          case 'open':
            return opened(s.generation + 1, now, s.attempt + 1)
          case 'close':
            return S.closed(s.generation + 1, now, closingLevel(s.attempt), freshTally)
          case 'pending':
            return S.halfOpen(s.generation, s.since, s.attempt, s.nextTicket, rest, successes, failures)
        }
      }
      // falls through: unreachable, every HalfOpen branch returns
      default:
        return s
    }
  }

  const step = (s0: S.State, e: Ev.Event, now: number): S.State => {
    const s = normalize(s0, now)
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

  // -- fast paths: the same results as `admit` and `step`, without a clock ----------------

  // the permit of the latest generation admitted without a clock, shared: a Closed circuit admits
  // every call of a generation with equal permits, so the hot path allocates none
  let untimedPermit: O.Option<D.Permit> = O.some(D.permit(0))

  const admitUntimed = (s: S.State): O.Option<D.Permit> => {
    if (!S.admitsEveryCall(s)) return O.none
    if ((untimedPermit as O.Some<D.Permit>).value.generation !== s.generation) {
      untimedPermit = O.some(D.permit(s.generation))
    }
    return untimedPermit
  }

  const tallyReadsClock = Strategy.readsClock(strategy)

  // `stepUntimed`'s answer, `undefined` for `None`
  const untimedNext = (s: S.State, e: Ev.Outcome): S.State | undefined => {
    switch (s._tag) {
      case 'Open':
      case 'ForcedOpen':
      case 'Disabled':
        return s // no outcome moves these states
      case 'HalfOpen':
        return undefined // leases and the deadline expire with time
      case 'Closed':
      case 'MetricsOnly': {
        if (e.permit.generation !== s.generation) return s
        if (tallyReadsClock) return undefined
        // the time reaches a Closed or MetricsOnly state only through a time window or as the time of
        // a transition; neither is in play here, so any time gives this result (`since`, say)
        const next = onOutcome(s, e, s.since)
        return isTransition(s, next) ? undefined : next
      }
    }
  }

  // small, so that an engine inlines it into its caller, and the `Some` need not be allocated there
  const stepUntimed = (s: S.State, e: Ev.Outcome): O.Option<S.State> => {
    const next = untimedNext(s, e)
    return next === undefined ? O.none : O.some(next)
  }

  // no outcome moves Open, ForcedOpen or Disabled; HalfOpen's leases expire with time
  const isUnmovedBySuccess = (s: S.State, p: D.Permit): boolean =>
    s._tag === 'Closed' || s._tag === 'MetricsOnly'
      ? p.generation !== s.generation || (!tallyReadsClock && Strategy.isUnmovedBySuccess(strategy, s.tally))
      : s._tag !== 'HalfOpen'

  // -- trial runs ------------------------------------------------------------------------

  const wouldTrip = (prev: S.State, next: S.State, now: number): boolean =>
    prev._tag === 'MetricsOnly' &&
    next._tag === 'MetricsOnly' &&
    prev.generation === next.generation &&
    prev.tally !== next.tally &&
    Strategy.isTrippedAsRecorded(strategy, next.tally) &&
    !Strategy.isTripped(strategy, prev.tally, now)

  // -- shared state ----------------------------------------------------------------------

  const merge = (local: S.State, record: Shared, now: number, held: boolean): S.State => {
    // a new generation, and never one below the record's backoff level (`attempt <= generation`)
    const generation = Math.max(local.generation + 1, record.attempt)
    switch (record.phase) {
      case 'Closed':
        return S.closed(generation, now, record.attempt, freshTally)
      case 'MetricsOnly':
        return S.metricsOnly(generation, now, freshTally)
      case 'Open': {
        const remaining = Math.min(Math.max(record.remaining, 0), record.openFor)
        return S.open(generation, now + remaining - record.openFor, record.openFor, record.attempt)
      }
      case 'HalfOpen': {
        // another process's lease takes every slot until it expires; a lease of this process's own
        // leaves them free (its probes are those of an earlier generation)
        const expiresAt = now + Math.min(Math.max(record.remaining, 0), config.probeLease)
        const taken = held ? 0 : config.halfOpenProbes
        const leases = Array.from({ length: taken }, (_, ticket) => ({ ticket, expiresAt }))
        return S.halfOpen(generation, now, record.attempt, taken, leases, 0, 0)
      }
      case 'ForcedOpen':
        return S.forcedOpen(generation, now)
      case 'Disabled':
        return S.disabled(generation, now)
    }
  }

  return {
    config,
    strategy,
    backoff,
    initial,
    admit,
    step,
    retryAfter,
    asOf: normalize,
    admitUntimed,
    stepUntimed,
    isUnmovedBySuccess,
    merge,
    wouldTrip
  }
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
