/**
 * The runtime: the state cell plus what is not data (the clock, the outcome classifier, the name).
 *
 * Every state change is one synchronous update of the cell (read, step, write, with nothing in
 * between): admission decides and records in one update; an outcome is classified and stepped in
 * another. The combinators (`withBreaker`, `wrap`, the method decorators) are thin layers over
 * `start`, `admit` and `record`.
 *
 * Timing: the clock is read only where something uses its reading (two reads cost about as much as
 * the rest of a closed call's bookkeeping; see docs/performance.md).
 * - `start` times a call (reads the clock, else returns `NaN`) when a listener is subscribed, when
 *   the strategy or the classifier reads durations (a slow-call strategy; `Classifier.readsDuration`),
 *   or, for the latency histogram of `metrics`, as a sample: every call while calls are sparser than
 *   `latencySamplesPerSecond` (default 1,000), and about that many a second, picked at random,
 *   above it. So a quiet breaker times every call and a busy one spends a bounded time on its clock.
 * - `admit` and `record` given `NaN` for `now` read the clock themselves whenever the step depends on
 *   it: in a state other than Closed, Disabled or MetricsOnly, with a strategy that reads the clock
 *   (`Strategy.readsClock`), for listeners, and for every transition, which is stepped again at the
 *   time read (see `Circuit`, "Time", for why the result is then the same as with the clock read
 *   first). Decisions are exactly those of `Circuit`; only durations are sampled.
 *
 * Observability (see docs/observability.md): after each update, the runtime counts the call in its
 * metrics `Recorder` (a few increments) and, only when someone listens, emits `Listener` events: the
 * outcome or rejection, then the transition computed from the states before and after the update.
 * Listeners never run inside the update, and what they throw goes to `onListenerError`, never to the
 * caller.
 *
 * Memory: a breaker is one object of plain fields (about 0.2 KB with its state). Breakers made from
 * equal configs share one `Circuit`, and the functions of the interface below are made, once, when
 * one of them is first read.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import * as Circuit from './Circuit'
import {
  type Classification,
  type Classifier,
  fromPredicates,
  type Predicates,
  readsDuration
} from './Classifier'
import { type Clock, monotonic } from './Clock'
import * as Config from './Config'
import type { Decision, Permit } from './Decision'
import * as Ev from './Event'
import * as L from './Listener'
import * as M from './Metrics'
import type * as Ref from './Ref'
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
  /**
   * How many calls a second, at most about, are timed for the latency histogram of `metrics`
   * (default `1_000`): while calls are sparser every call is timed; above it, a random sample of
   * about that many. `Infinity` times every call, `0` none. Calls are timed regardless while a
   * listener is subscribed or when the strategy or the classifier reads durations. Counts and
   * decisions are never sampled.
   */
  readonly latencySamplesPerSecond?: number
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
  /** A view of the cell holding the state: setting it skips metrics and listeners. */
  readonly ref: Ref.Ref<State>
  /** The current state. */
  readonly state: IO<State>
  /** Milliseconds until a call may pass (`0` if one would now). */
  readonly retryAfter: IO<number>
  /**
   * Starts a call: the clock's reading if this call is to be timed, else `NaN` (see "Timing" above).
   * Give it to `admit`; the call's duration is `end - start` (`NaN` when untimed).
   */
  readonly start: IO<number>
  /**
   * Decides on a call arriving at `now`, recording its admission in the same update. `now` may be
   * `NaN` (what `start` returns for an untimed call): the clock is then read if the decision needs it.
   */
  readonly admit: (now: number) => Decision
  /**
   * Records the outcome of an admitted call, settled at `now` after `duration` ms (`NaN` for either
   * when the call was not timed: the clock is then read if the step needs it). A `Trip` is a failure
   * that opens the circuit at once for its `openFor`.
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
  'onListenerError',
  'latencySamplesPerSecond'
]

// -------------------------------------------------------------------------------------
// runtime
// -------------------------------------------------------------------------------------

// The functions of the `Breaker` interface, bound to one runtime.
type Functions = Pick<
  Breaker,
  | 'ref'
  | 'state'
  | 'retryAfter'
  | 'start'
  | 'admit'
  | 'record'
  | 'control'
  | 'recordTimeout'
  | 'recordFallback'
  | 'recordFallbackFailure'
  | 'subscribe'
  | 'metrics'
  | 'counts'
>

// States that admit every call whatever the time, and whose outcomes depend on it only through the
// strategy's windows (see `Circuit`, "Time").
const admitsEveryCall = (s: State): boolean =>
  s._tag === 'Closed' || s._tag === 'Disabled' || s._tag === 'MetricsOnly'

// How many calls to let pass until the next timed one, after `span` calls took `elapsed` ms: about as
// many as arrive in `every` ms at that rate, but at most twice `span` (one burst does not silence a
// quiet breaker), jittered at random within half of that either way so that no periodic pattern of
// calls lines up with the sample (never below half, so the cap does not drag the rate down). `1`,
// timing the next call, while calls are sparser than one per `every` ms.
const nextSpan = (span: number, elapsed: number, every: number): number => {
  const mean = elapsed > 0 ? Math.min((span * every) / elapsed, 2 * span) : 2 * span
  return mean <= 1 ? 1 : Math.max(1, Math.round(mean * (0.5 + Math.random())))
}

// What breakers made from equal configs with the same options share: the circuit, the functions given
// as options, and what follows from them. Kept out of each breaker to keep an idle one small.
interface Setup {
  readonly circuit: Circuit.Circuit
  readonly clock: Clock
  readonly classify: Classifier<unknown, unknown>
  readonly onListenerError: L.OnListenerError | undefined
  /** Every call timed: the strategy or the classifier reads durations, or every call is sampled. */
  readonly timesEveryCall: boolean
  /** Milliseconds between timed calls in the latency sample (`Infinity`: none). */
  readonly sampleEvery: number
  readonly tallyReadsClock: boolean
}

/**
 * A breaker: plain fields, and methods on the prototype, so an idle breaker costs one small object.
 * The `Breaker` functions are getters over `bound`, made on first use.
 */
class Runtime implements Breaker {
  declare readonly _tag: 'Breaker'
  current: State
  // the permit of the last admission in `admittedIn`, a state admitting every call: reused while the
  // state stays the same, so the closed path allocates nothing
  admittedIn: State | undefined = undefined
  admitted: Permit | undefined = undefined
  // a state that an untimed success of `admitted` leaves as it is (`step` is pure, and in such a state
  // its result does not depend on `now`): such a success skips the step
  unmovedIn: State | undefined = undefined
  // allocated by the first call, so an idle breaker costs less
  recorder: M.Recorder | undefined = undefined
  listeners: ReadonlyArray<L.Listener> = noListeners
  warned = false
  // the latency sample: calls left until the next timed one, calls in the current span, and when the
  // last timed call started
  untilSample: number
  sampleSpan = 1
  sampledAt: number | undefined = undefined
  #functions: Functions | undefined = undefined

  constructor(
    readonly name: string,
    readonly setup: Setup
  ) {
    this.current = setup.circuit.initial(setup.clock())
    this.untilSample = setup.sampleEvery === Infinity ? Infinity : 1
  }

  get circuit(): Circuit.Circuit {
    return this.setup.circuit
  }
  get clock(): Clock {
    return this.setup.clock
  }
  get classify(): Classifier<unknown, unknown> {
    return this.setup.classify
  }

  get ref(): Breaker['ref'] {
    return this.bound().ref
  }
  get state(): Breaker['state'] {
    return this.bound().state
  }
  get retryAfter(): Breaker['retryAfter'] {
    return this.bound().retryAfter
  }
  get start(): Breaker['start'] {
    return this.bound().start
  }
  get admit(): Breaker['admit'] {
    return this.bound().admit
  }
  get record(): Breaker['record'] {
    return this.bound().record
  }
  get control(): Breaker['control'] {
    return this.bound().control
  }
  get recordTimeout(): Breaker['recordTimeout'] {
    return this.bound().recordTimeout
  }
  get recordFallback(): Breaker['recordFallback'] {
    return this.bound().recordFallback
  }
  get recordFallbackFailure(): Breaker['recordFallbackFailure'] {
    return this.bound().recordFallbackFailure
  }
  get subscribe(): Breaker['subscribe'] {
    return this.bound().subscribe
  }
  get metrics(): Breaker['metrics'] {
    return this.bound().metrics
  }
  get counts(): Breaker['counts'] {
    return this.bound().counts
  }

  private bound(): Functions {
    return (this.#functions ??= bind(this))
  }

  /** Whether `u` is a runtime itself (not, say, a `Proxy` of one, which fails the private-name check). */
  static owns(u: object): u is Runtime {
    return #functions in u
  }

  counters(): M.Recorder {
    return (this.recorder ??= M.recorder(Strategy.slowCallDuration(this.circuit.strategy) ?? Infinity))
  }

  startCall(): number {
    if (this.setup.timesEveryCall || this.listeners.length !== 0) return this.clock()
    if (--this.untilSample > 0) return NaN
    const now = this.clock()
    const elapsed = this.sampledAt === undefined ? Infinity : now - this.sampledAt
    this.untilSample = this.sampleSpan = nextSpan(this.sampleSpan, elapsed, this.setup.sampleEvery)
    this.sampledAt = now
    return now
  }

  admitAt(now: number): Decision {
    const prev = this.current
    const r = this.counters()
    r.calls++
    if (prev === this.admittedIn) return this.admitted!
    // one synchronous read-decide-write: nothing can interleave
    const t = !Number.isNaN(now) || admitsEveryCall(prev) ? now : this.clock()
    const [decision, next] = this.circuit.admit(prev, t)
    if (decision._tag === 'Rejection') {
      r.rejected++
      if (this.listeners.length !== 0) {
        this.emit({ _tag: 'Rejection', breaker: this.name, at: t, retryAfter: decision.retryAfter })
      }
    } else if (next === prev && admitsEveryCall(prev)) {
      this.admittedIn = prev
      this.admitted = decision
    }
    if (next !== prev) {
      this.current = next
      this.updated(prev, next, 'Admitted', t)
    }
    return decision
  }

  recordAt(permit: Permit, verdict: Classification, duration: number, now: number): void {
    const prev = this.current
    if (
      prev === this.unmovedIn &&
      permit === this.admitted &&
      verdict === 'success' &&
      Number.isNaN(now) &&
      this.listeners.length === 0
    ) {
      M.recordUntimedSuccess(this.counters())
      return
    }
    const event =
      typeof verdict === 'string'
        ? Ev.outcome(verdict, permit, duration)
        : Ev.outcome('failure', permit, duration, verdict.openFor)
    let t = now
    if (
      Number.isNaN(t) &&
      (this.setup.tallyReadsClock || this.listeners.length !== 0 || !admitsEveryCall(prev))
    ) {
      t = this.clock()
    }
    let next = this.circuit.step(prev, event, t)
    if (Number.isNaN(t) && L.isTransition(prev, next)) {
      t = this.clock()
      next = this.circuit.step(prev, event, t)
    }
    if (next !== prev) this.current = next
    // (a late outcome, from another generation, leaves any state as it is: that says nothing)
    else if (
      Number.isNaN(t) &&
      permit === this.admitted &&
      permit.generation === prev.generation &&
      verdict === 'success'
    ) {
      this.unmovedIn = prev
    }
    M.recordOutcome(this.counters(), event._tag, duration)
    if (this.listeners.length !== 0) this.emit(L.outcome(event._tag, this.name, t, duration, permit.probe))
    if (next !== prev) this.updated(prev, next, event._tag, t)
  }

  apply(event: Ev.Control): void {
    const now = this.clock()
    const prev = this.current
    const next = this.circuit.step(prev, event, now)
    this.current = next
    if (next !== prev) this.updated(prev, next, event._tag, now)
  }

  // After an update that changed the cell: a transition starts a new metrics period and is reported.
  updated(prev: State, next: State, cause: Ev.Event['_tag'], now: number): void {
    if (!L.isTransition(prev, next)) return
    M.enter(this.counters(), next._tag)
    if (this.listeners.length !== 0) this.emit(L.transition(this.name, prev, next, cause, now))
  }

  emit(event: L.BreakerEvent): void {
    const current = this.listeners
    for (let i = 0; i < current.length; i++) {
      try {
        current[i]!(event)
      } catch (error) {
        if (this.setup.onListenerError === undefined) {
          if (!this.warned) warnListenerError(this.name, error)
          this.warned = true
        } else {
          try {
            this.setup.onListenerError(error, event)
          } catch {
            // a throwing error hook must not reach the caller either
          }
        }
      }
    }
  }
}
Object.defineProperty(Runtime.prototype, '_tag', { value: 'Breaker', enumerable: true })

/**
 * The side of a breaker that guards calls, as the combinators use it on every call: for a breaker made
 * by `make`, its own methods (no getter or bound function in between); for any other `Breaker`, its
 * functions.
 *
 * @internal
 */
export interface Calls extends Pick<
  Breaker,
  'name' | 'clock' | 'recordTimeout' | 'recordFallback' | 'recordFallbackFailure'
> {
  readonly startCall: () => number
  readonly admitAt: (now: number) => Decision
  readonly recordAt: (permit: Permit, verdict: Classification, duration: number, now: number) => void
}

/** @internal */
export const callsOf = (b: Breaker): Calls =>
  Runtime.owns(b)
    ? b
    : {
        name: b.name,
        clock: b.clock,
        recordTimeout: b.recordTimeout,
        recordFallback: b.recordFallback,
        recordFallbackFailure: b.recordFallbackFailure,
        startCall: () => b.start(),
        admitAt: (now) => b.admit(now),
        recordAt: (permit, verdict, duration, now) => b.record(permit, verdict, duration, now)
      }

const bind = (b: Runtime): Functions => {
  const state = (): State => b.current
  return {
    ref: {
      get: state,
      set: (a) => () => {
        b.current = a
      },
      modify: (f) => () => {
        const [result, a] = f(b.current)
        b.current = a
        return result
      }
    },
    state,
    retryAfter: () => b.circuit.retryAfter(b.current, b.clock()),
    start: () => b.startCall(),
    admit: (now) => b.admitAt(now),
    record: (permit, verdict, duration, now) => b.recordAt(permit, verdict, duration, now),
    control: (event) => () => b.apply(event),
    recordTimeout: (permit, timeout, duration, now) => {
      b.counters().timeouts++
      if (b.listeners.length !== 0) b.emit({ _tag: 'Timeout', breaker: b.name, at: now, timeout, duration })
      b.recordAt(permit, 'failure', duration, now)
    },
    recordFallback: (now) => {
      b.counters().fallbacks++
      if (b.listeners.length !== 0) b.emit({ _tag: 'FallbackUsed', breaker: b.name, at: now })
    },
    recordFallbackFailure: (error, now) => {
      b.counters().fallbackFailures++
      if (b.listeners.length !== 0) b.emit({ _tag: 'FallbackFailed', breaker: b.name, at: now, error })
    },
    subscribe: (listener) => {
      b.listeners = [...b.listeners, listener]
      let subscribed = true
      return () => {
        if (!subscribed) return
        subscribed = false
        const i = b.listeners.indexOf(listener)
        if (i >= 0) b.listeners = [...b.listeners.slice(0, i), ...b.listeners.slice(i + 1)]
      }
    },
    metrics: () => {
      const now = b.clock()
      const s = b.current
      const { circuit } = b
      return M.snapshot(b.name, b.recorder ?? unused, s, circuit.retryAfter(s, now), now, circuit.strategy)
    },
    counts: () => M.counts(b.recorder ?? unused)
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

// -------------------------------------------------------------------------------------
// shared circuits
// -------------------------------------------------------------------------------------

// Breakers made from equal resolved configs share one `Circuit` (immutable), so that a registry of
// many breakers holds one. Configs are compared by a key that tells apart every valid value: strings,
// numbers (with `Infinity`) and functions (the `backoff` policy, by identity) are tagged.
const circuits = new Map<string, Circuit.Circuit>()
const maxCircuits = 1_000
const functionIds = new WeakMap<object, number>()
let nextFunctionId = 0

const keyOf = (config: Config.Config): string =>
  JSON.stringify(config, (_key, value: unknown) => {
    switch (typeof value) {
      case 'number':
        return `n${value}`
      case 'string':
        return `s${value}`
      case 'function': {
        let id = functionIds.get(value)
        if (id === undefined) functionIds.set(value, (id = nextFunctionId++))
        return `f${id}`
      }
      default:
        return value
    }
  })

const circuitFor = (input: Config.ConfigInput): Circuit.Circuit => {
  const config = Config.resolve(input)
  const key = keyOf(config)
  const cached = circuits.get(key)
  if (cached !== undefined) return cached
  if (circuits.size >= maxCircuits) circuits.delete(circuits.keys().next().value!)
  const circuit = Circuit.fromConfig(config)
  circuits.set(key, circuit)
  return circuit
}

const setups = new WeakMap<Circuit.Circuit, Array<Setup>>()
const maxSetupsPerCircuit = 16

const setupFor = (
  circuit: Circuit.Circuit,
  clock: Clock,
  classify: Classifier<unknown, unknown>,
  onListenerError: L.OnListenerError | undefined,
  sampleEvery: number
): Setup => {
  const known = setups.get(circuit) ?? []
  const same = known.find(
    (s) =>
      s.clock === clock &&
      s.classify === classify &&
      s.onListenerError === onListenerError &&
      s.sampleEvery === sampleEvery
  )
  if (same !== undefined) return same
  const { strategy } = circuit
  const setup: Setup = {
    circuit,
    clock,
    classify,
    onListenerError,
    timesEveryCall:
      sampleEvery === 0 || readsDuration(classify) || Strategy.slowCallDuration(strategy) !== undefined,
    sampleEvery,
    tallyReadsClock: Strategy.readsClock(strategy)
  }
  if (known.length < maxSetupsPerCircuit) setups.set(circuit, [...known, setup])
  return setup
}

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
  const circuit = circuitFor(config)
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
  const perSecond = options.latencySamplesPerSecond ?? defaultLatencySamplesPerSecond
  if (typeof perSecond !== 'number' || !(perSecond >= 0)) {
    throw new Config.ConfigError([
      `latencySamplesPerSecond: expected a number >= 0 (Infinity to time every call), got ${String(perSecond)}`
    ])
  }
  const classify = options.classify ?? fromPredicates(options)
  return new Runtime(
    name,
    setupFor(circuit, options.clock ?? monotonic, classify, options.onListenerError, 1_000 / perSecond)
  )
}

/**
 * The default `latencySamplesPerSecond`: every call is timed up to about 1,000 calls a second, and
 * about 1,000 a second above that. Two clock reads cost about 0.1 µs, so the sample costs a breaker
 * at most about 0.01 % of a core, however busy it is.
 *
 * @category defaults
 * @since 0.1.0
 */
export const defaultLatencySamplesPerSecond = 1_000

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
  const config: Record<string, unknown> = {}
  const options: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(breakerOrSettings)) {
    if (value !== undefined)
      ((optionKeys as ReadonlyArray<string>).includes(key) ? options : config)[key] = value
  }
  return unsafeMake(config as Config.ConfigInput, options as Options)
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
