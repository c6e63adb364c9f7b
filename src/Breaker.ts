/**
 * The runtime: a `Ref<State>` plus what is not data (the clock, the outcome classifier, the name).
 *
 * Every state change is one synchronous update of the cell (read, step, write, with nothing in
 * between, which is what `Ref.modify` does; the hot paths inline it to skip its closures): admission
 * decides and records in one update; an outcome is classified and stepped in another. The
 * combinators (`withBreaker`, `wrap`, the method decorators) are thin layers over `admit` and `record`.
 *
 * Observability (see docs/observability.md): after each update, the runtime counts the call in its
 * metrics `Recorder` (a few increments) and, only when someone listens, emits `Listener` events: the
 * outcome or rejection, then the transition computed from the states before and after the update.
 * Listeners never run inside the update, and what they throw goes to `onListenerError`, never to the
 * caller.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import * as Circuit from './Circuit'
import { type Classification, type Classifier, fromPredicates, type Predicates } from './Classifier'
import { type Clock, monotonic } from './Clock'
import * as Config from './Config'
import type { Decision, Permit } from './Decision'
import * as Ev from './Event'
import * as L from './Listener'
import * as M from './Metrics'
import * as Ref from './Ref'
import type { State } from './State'
import * as Strategy from './Strategy'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a breaker needs beyond its thresholds. The classification may be given as a `classify`
 * function or as the predicates of `Classifier.Predicates` (not both).
 *
 * @category model
 * @since 0.1.0
 */
export interface Options extends Predicates<unknown, unknown> {
  /** Shown in errors, events and metrics (default `'breaker'`). */
  readonly name?: string
  /** Milliseconds (default `Clock.monotonic`). */
  readonly clock?: Clock
  readonly classify?: Classifier<unknown, unknown>
  /**
   * Receives what a listener threw, and the event it was given. Default: one `console.warn` per
   * breaker, then silence.
   */
  readonly onListenerError?: L.OnListenerError
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Breaker {
  readonly _tag: 'Breaker'
  readonly name: string
  readonly circuit: Circuit.Circuit
  readonly clock: Clock
  readonly classify: Classifier<unknown, unknown>
  /** The cell holding the state. */
  readonly ref: Ref.Ref<State>
  /** The current state. */
  readonly state: IO<State>
  /** Milliseconds until a call may pass (`0` if one would now). */
  readonly retryAfter: IO<number>
  /** Decides on a call arriving at `now`, recording its admission in the same update. */
  readonly admit: (now: number) => Decision
  /**
   * Records the outcome of an admitted call, settled at `now` after `duration` ms. A `Trip` is a
   * failure that opens the circuit at once for its `openFor`.
   */
  readonly record: (permit: Permit, verdict: Classification, duration: number, now: number) => void
  /** Applies a manual control event (`Event.forceOpen`, `disable`, `metricsOnly`, `reset`). */
  readonly control: (event: Ev.Control) => IO<void>
  /**
   * Records an admitted call that ran past its `timeout` (ms) as a failure lasting `duration` ms,
   * emitting a `Timeout` event and then the `Failure`. For timeout combinators: call it instead of
   * `record`, once.
   */
  readonly recordTimeout: (permit: Permit, timeout: number, duration: number, now: number) => void
  /** Reports that a rejected call's fallback produced the caller's value. */
  readonly recordFallback: (now: number) => void
  /** Reports that a rejected call's fallback failed with `error`. */
  readonly recordFallbackFailure: (error: unknown, now: number) => void
  /** Adds a listener; returns the effect that removes it. */
  readonly subscribe: (listener: L.Listener) => IO<void>
  /** A JSON-safe snapshot of the metrics and state, now. */
  readonly metrics: IO<M.Snapshot>
  /** The counts alone: cheaper than `metrics`. */
  readonly counts: IO<M.Counts>
}

const optionKeys: ReadonlyArray<keyof Options> = [
  'name',
  'clock',
  'classify',
  'isFailure',
  'isResultFailure',
  'isIgnored',
  'onListenerError'
]

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Allocates a breaker outside of `IO`. Prefer `make`; use this for module-level singletons.
 *
 * @category constructors
 * @since 0.1.0
 */
export const unsafeMake = (config: Config.ConfigInput = {}, options: Options = {}): Breaker => {
  const circuit = Circuit.make(config)
  const name = options.name ?? 'breaker'
  if (typeof name !== 'string' || name.length === 0) {
    throw new Config.ConfigError([`name: expected a non-empty string, got ${String(name)}`])
  }
  for (const key of Object.keys(options)) {
    if (!(optionKeys as ReadonlyArray<string>).includes(key)) {
      throw new Config.ConfigError([`${key}: unknown option (known options: ${optionKeys.join(', ')})`])
    }
  }
  if (options.classify !== undefined && (options.isFailure ?? options.isResultFailure ?? options.isIgnored)) {
    throw new Config.ConfigError([
      'classify: give either classify or the isFailure/isResultFailure/isIgnored predicates'
    ])
  }
  const clock = options.clock ?? monotonic
  const classify = options.classify ?? fromPredicates(options)
  const ref = Ref.unsafeMake(circuit.initial(clock()))
  const state = ref.get
  const slowCall = Strategy.slowCallDuration(circuit.strategy) ?? Infinity
  // The counters are allocated by the first call, so an idle breaker costs less.
  let recorder: M.Recorder | undefined
  let listeners: ReadonlyArray<L.Listener> = noListeners
  const { onListenerError } = options
  let warned = false

  const emit = (event: L.BreakerEvent): void => {
    const current = listeners
    for (let i = 0; i < current.length; i++) {
      try {
        current[i]!(event)
      } catch (error) {
        if (onListenerError === undefined) {
          if (!warned) warnListenerError(name, error)
          warned = true
        } else {
          try {
            onListenerError(error, event)
          } catch {
            // a throwing error hook must not reach the caller either
          }
        }
      }
    }
  }

  // After an update that changed the cell: a transition starts a new metrics period and is reported.
  const updated = (prev: State, next: State, cause: Ev.Event['_tag'], now: number): void => {
    if (!L.isTransition(prev, next)) return
    M.enter((recorder ??= M.recorder(slowCall)), next._tag)
    if (listeners.length !== 0) emit(L.transition(name, prev, next, cause, now))
  }

  const record = (permit: Permit, verdict: Classification, duration: number, now: number): void => {
    const prev = state()
    const event =
      typeof verdict === 'string'
        ? Ev.outcome(verdict, permit, duration)
        : Ev.outcome('failure', permit, duration, verdict.openFor)
    const next = circuit.step(prev, event, now)
    if (next !== prev) ref.set(next)()
    M.recordOutcome((recorder ??= M.recorder(slowCall)), event._tag, duration)
    if (listeners.length !== 0) emit(L.outcome(event._tag, name, now, duration, permit.probe))
    if (next !== prev) updated(prev, next, event._tag, now)
  }

  return {
    _tag: 'Breaker',
    name,
    circuit,
    clock,
    classify,
    ref,
    state,
    retryAfter: () => circuit.retryAfter(state(), clock()),
    admit: (now) => {
      // one synchronous read-decide-write, as in `record`: nothing can interleave, and the hot path
      // allocates no `modify` closures and reads the cell once
      const prev = state()
      const [decision, next] = circuit.admit(prev, now)
      if (next !== prev) ref.set(next)()
      const r = (recorder ??= M.recorder(slowCall))
      r.calls++
      if (decision._tag === 'Rejection') {
        r.rejected++
        if (listeners.length !== 0) {
          emit({ _tag: 'Rejection', breaker: name, at: now, retryAfter: decision.retryAfter })
        }
      }
      if (next !== prev) updated(prev, next, 'Admitted', now)
      return decision
    },
    record,
    control: (event) => () => {
      const now = clock()
      const prev = state()
      const next = circuit.step(prev, event, now)
      ref.set(next)()
      if (next !== prev) updated(prev, next, event._tag, now)
    },
    recordTimeout: (permit, timeout, duration, now) => {
      const r = (recorder ??= M.recorder(slowCall))
      r.timeouts++
      if (listeners.length !== 0) emit({ _tag: 'Timeout', breaker: name, at: now, timeout, duration })
      record(permit, 'failure', duration, now)
    },
    recordFallback: (now) => {
      const r = (recorder ??= M.recorder(slowCall))
      r.fallbacks++
      if (listeners.length !== 0) emit({ _tag: 'FallbackUsed', breaker: name, at: now })
    },
    recordFallbackFailure: (error, now) => {
      const r = (recorder ??= M.recorder(slowCall))
      r.fallbackFailures++
      if (listeners.length !== 0) emit({ _tag: 'FallbackFailed', breaker: name, at: now, error })
    },
    subscribe: (listener) => {
      listeners = [...listeners, listener]
      let subscribed = true
      return () => {
        if (!subscribed) return
        subscribed = false
        const i = listeners.indexOf(listener)
        if (i >= 0) listeners = [...listeners.slice(0, i), ...listeners.slice(i + 1)]
      }
    },
    metrics: () => {
      const now = clock()
      const s = state()
      return M.snapshot(name, recorder ?? unused, s, circuit.retryAfter(s, now), now, circuit.strategy)
    },
    counts: () => M.counts(recorder ?? unused)
  }
}

const noListeners: ReadonlyArray<L.Listener> = []

// What a breaker that has not run a call yet reports: never written to.
const unused: M.Recorder = M.recorder()

// The default `onListenerError`, once per breaker.
const warnListenerError = (name: string, error: unknown): void =>
  console.warn(
    `tripswitch: a listener of breaker "${name}" threw; the call went on, and later listener errors of this breaker are not reported (set onListenerError to see them).`,
    error
  )

/**
 * Makes a breaker: its thresholds (see `Config`) and its options.
 *
 * @example
 * import { Breaker } from 'tripswitch'
 * const payments = Breaker.make({ failureThreshold: 5 }, { name: 'payments' })()
 *
 * @category constructors
 * @since 0.1.0
 */
export const make =
  (config: Config.ConfigInput = {}, options: Options = {}): IO<Breaker> =>
  () =>
    unsafeMake(config, options)

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * @category guards
 * @since 0.1.0
 */
export const isBreaker = (u: unknown): u is Breaker =>
  typeof u === 'object' && u !== null && (u as { readonly _tag?: unknown })._tag === 'Breaker'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Thresholds and options in one object, as the `withBreaker(config)` and `wrap(config)` forms take.
 *
 * @category model
 * @since 0.1.0
 */
export type Settings = Config.ConfigInput & Options

/**
 * A breaker given as such, or made from settings.
 *
 * @category utils
 * @since 0.1.0
 */
export const from = (breakerOrSettings: Breaker | Settings): Breaker => {
  if (isBreaker(breakerOrSettings)) return breakerOrSettings
  const { name, clock, classify, isFailure, isResultFailure, isIgnored, onListenerError, ...config } =
    breakerOrSettings
  const options: Options = {
    ...(name === undefined ? {} : { name }),
    ...(clock === undefined ? {} : { clock }),
    ...(classify === undefined ? {} : { classify }),
    ...(isFailure === undefined ? {} : { isFailure }),
    ...(isResultFailure === undefined ? {} : { isResultFailure }),
    ...(isIgnored === undefined ? {} : { isIgnored }),
    ...(onListenerError === undefined ? {} : { onListenerError })
  }
  return unsafeMake(config, options)
}

/**
 * Manual control: isolate the circuit (reject every call) until `reset`.
 *
 * @category combinators
 * @since 0.1.0
 */
export const forceOpen = (b: Breaker): IO<void> => b.control(Ev.forceOpen)
/** Manual control: let every call pass and record nothing until `reset`. @category combinators @since 0.1.0 */
export const disable = (b: Breaker): IO<void> => b.control(Ev.disable)
/** Manual control: record outcomes but never open, until `reset`. @category combinators @since 0.1.0 */
export const metricsOnly = (b: Breaker): IO<void> => b.control(Ev.metricsOnly)
/** Manual control: back to a fresh closed state. @category combinators @since 0.1.0 */
export const reset = (b: Breaker): IO<void> => b.control(Ev.reset)
