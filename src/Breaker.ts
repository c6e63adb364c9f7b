/**
 * The runtime: a breaker is a plain record of its name, its `Circuit` (the pure core), the cell holding
 * its state, its clock, its classifier, its listeners and, optionally, a store.
 *
 * Invariants:
 * - The state lives in one `Ref` cell, and every change of it is one `modify` whose function is the
 *   pure core (`Circuit.admit`, `Circuit.step`, `Circuit.adopt`). There is no second copy of the state
 *   and no decision cached outside the core. Changes made through `breaker.ref` go through the same
 *   path: checked against the circuit, counted, reported and published like any other.
 * - The clock is read only when the core says the result depends on it (`Circuit.admitUntimed` and
 *   `Circuit.stepUntimed` answer `None`), when a call is timed, or for listeners. A clock that throws
 *   or reads a non-finite number never reaches the state: the latest good reading stands in for it.
 * - After each update, and never inside it, the runtime counts it in its metrics `Recorder`, emits
 *   the events it caused (outcome or rejection first, then the transition computed by the core's
 *   `Transition`), and publishes a transition to the store.
 * - Events reach listeners in the order of the updates that caused them, also when a listener calls
 *   back into the breaker: an event emitted while listeners run waits in a queue. A listener that
 *   throws, or returns a promise that rejects, is reported to `onListenerError`; nothing a listener
 *   does reaches a caller or crashes the process.
 * - No call waits on the store; a store that throws, rejects or hangs is reported as a `StoreFailed`
 *   event (see `Store.ts`).
 *
 * Timing: a call is timed (`start` reads the clock) when a listener is subscribed, when the strategy or
 * the classifier reads durations (a slow-call strategy; `Classifier.readsDuration`), or, for the
 * latency histogram of `metrics`, as a sample: every call while calls are sparser than
 * `latencySamplesPerSecond` (default 1,000), and about that many a second, picked at random, above it.
 * Counts and decisions are never sampled.
 *
 * Memory: the record's functions live on its prototype, so an idle breaker is one small object plus its
 * cell. Call them on the breaker (`b.state()`); to pass one as a value, use the module functions of
 * the same names (`Breaker.state(b)`, an `IO`).
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { IO } from 'fp-ts/IO'
import * as O from 'fp-ts/Option'
import type * as Circuit from './Circuit'
import { circuitFor, type Setup, setupFor } from './shared'
import {
  type Classification,
  type Classifier,
  fromPredicates,
  type Predicates,
  readsDuration,
  verdictOf
} from './Classifier'
import { type Clock, monotonic } from './Clock'
import { show } from './codec'
import * as Config from './Config'
import type { Decision, Permit } from './Decision'
import { Emitter, reportListenerError } from './Emitter'
import * as Ev from './Event'
import * as L from './Listener'
import * as M from './Metrics'
import type * as Ref from './Ref'
import type { State } from './State'
import { decodeStateFor, encodeState, maxTime } from './StateCodec'
import { attempt, type Shared, type Store } from './Store'
import * as Strategy from './Strategy'
import { isTransition, type Cause } from './Transition'

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
  /** Shown in errors, events and metrics, and the breaker's key in a store (default `'breaker'`). */
  readonly name?: string
  /** Milliseconds (default `Clock.monotonic`). */
  readonly clock?: Clock
  readonly classify?: Classifier<unknown, unknown>
  /**
   * Receives what a listener threw (or its promise rejected with), and the event it was given; also
   * store failures that no listener saw. Default: one `console.warn` per breaker, then silence.
   */
  readonly onListenerError?: L.OnListenerError
  /**
   * How many calls a second, at most about, are timed for the latency histogram of `metrics`
   * (default `1_000`): while calls are sparser every call is timed; above it, a random sample of
   * about that many. `Infinity` times every call, `0` none. Calls are timed regardless while a
   * listener is subscribed or when the strategy or the classifier reads durations.
   */
  readonly latencySamplesPerSecond?: number
  /** A store to share transitions with other breakers of the same name (see `Store`). */
  readonly store?: Store
  /** Milliseconds each store operation may take before it counts as failed (default `1_000`). */
  readonly storeTimeout?: number
}

/**
 * Thresholds and options in one object, as the `withBreaker(config)` and `wrap(config)` forms take.
 *
 * @category model
 * @since 0.1.0
 */
export type Settings = Config.ConfigInput & Options

const optionKeys: ReadonlyArray<keyof Options> = [
  'name',
  'clock',
  'classify',
  'isFailure',
  'isResultFailure',
  'isIgnored',
  'onListenerError',
  'latencySamplesPerSecond',
  'store',
  'storeTimeout'
]

const controlTags: ReadonlyArray<Ev.Control['_tag']> = ['ForceOpen', 'Disable', 'MetricsOnly', 'Reset']

// -------------------------------------------------------------------------------------
// the breaker
// -------------------------------------------------------------------------------------

/**
 * A breaker: the record, and the functions of the runtime on its prototype.
 *
 * @category model
 * @since 0.1.0
 */
export class Breaker {
  /** Always `'Breaker'` (on the prototype). */
  declare readonly _tag: 'Breaker'
  /**
   * The cell holding the state. `get` reads it; `set` and `modify` change it through the breaker:
   * the new state is checked against the circuit (a state `StateCodec.decodeStateFor` rejects throws
   * a `StateDecodeError` and changes nothing), then counted, reported and published.
   */
  readonly ref: Ref.Ref<State>
  // what the breaker has counted, allocated by its first call
  private recorder: M.Recorder | undefined = undefined
  // made by the first `subscribe` (see `Emitter`)
  private emitter: Emitter | undefined = undefined
  // the latest time (see `now`), and what steps back of the clock have added to its readings
  private last: number
  private offset = 0
  // the latency sample: calls left until the next timed one, calls in the current span, and when the
  // last timed call started
  private sampleLeft: number
  private sampleSpan = 1
  private sampledAt: number | undefined = undefined
  // what breakers with equal options share
  private readonly setup: Setup

  /** Use `make` (or `unsafeMake`), which check their arguments. */
  constructor(
    readonly name: string,
    readonly circuit: Circuit.Circuit,
    readonly clock: Clock,
    readonly classify: Classifier<unknown, unknown>,
    readonly store: Store | undefined,
    onListenerError: L.OnListenerError | undefined,
    latencySamplesPerSecond: number,
    storeTimeout: number
  ) {
    // the first reading sets the time; a clock that fails from the start begins at 0
    this.last = -Infinity
    if (this.now() === -Infinity) this.last = 0
    this.ref = new Cell(circuit.initial(this.last), this)
    this.setup = setupFor(
      onListenerError,
      readsDuration(classify) || Strategy.slowCallDuration(circuit.strategy) !== undefined
        ? 0
        : 1_000 / latencySamplesPerSecond,
      storeTimeout
    )
    this.sampleLeft = this.setup.sampleEvery === Infinity ? Infinity : 1
    if (store !== undefined) this.connect(store)
  }

  // -- views ------------------------------------------------------------------------------

  /** The state as of now (`Circuit.asOf`: an elapsed half-open deadline reads as open). */
  state(): State {
    return this.circuit.asOf(this.cell().get(), this.now())
  }

  /** Milliseconds until a call may pass (`0` if one would now, `Infinity` while forced open). */
  retryAfter(): number {
    return this.circuit.retryAfter(this.cell().get(), this.now())
  }

  /** A JSON-safe snapshot of the metrics and the state, as of now. */
  metrics(): M.Snapshot {
    const now = this.now()
    const s = this.circuit.asOf(this.cell().get(), now)
    const { circuit } = this
    return M.snapshot(
      this.name,
      this.recorder ?? unused,
      s,
      circuit.retryAfter(s, now),
      now,
      circuit.strategy
    )
  }

  /** The counts alone: cheaper than `metrics`. */
  counts(): M.Counts {
    return M.counts(this.recorder ?? unused)
  }

  // -- control and listeners -------------------------------------------------------------

  /**
   * Applies a manual control event (`Event.forceOpen`, `disable`, `metricsOnly`, `reset`). An event
   * that is not one of these throws a `ConfigError` naming it, when the effect runs, and changes
   * nothing.
   */
  control(event: Ev.Control): IO<void> {
    return () => {
      const tag = typeof event === 'object' && event !== null ? (event as { _tag?: unknown })._tag : event
      if (!controlTags.includes(tag as Ev.Control['_tag'])) {
        throw new Config.ConfigError([
          `control: expected one of ${controlTags.map((t) => `{ _tag: '${t}' }`).join(', ')}, got ${show(tag)}`
        ])
      }
      const now = this.now()
      const { circuit } = this
      const prev = this.cell().get()
      const next = this.cell().update((s) => {
        const n = circuit.step(s, event, now)
        return [n, n]
      })
      this.report(prev, next, event._tag, now)
    }
  }

  /** Adds a listener; returns the effect that removes it (running it twice removes it once). */
  subscribe(listener: L.Listener): IO<void> {
    if (typeof listener !== 'function') {
      throw new Config.ConfigError([`listener: expected a function, got ${show(listener)}`])
    }
    this.emitter ??= new Emitter((error, event) => this.listenerFailed(error, event))
    return this.emitter.subscribe(listener)
  }

  // -- the call protocol (see `Guard`) ------------------------------------------------------

  /**
   * Starts a call: `Some(the clock's reading)` if this call is to be timed (always when `timed`), `None`
   * if not (see "Timing" above). Give it to `admit` and to `record`.
   */
  start(timed = false): O.Option<number> {
    if (timed || this.setup.sampleEvery === 0 || this.listening()) return O.some(this.now())
    if (--this.sampleLeft > 0) return O.none
    const now = this.now()
    const elapsed = this.sampledAt === undefined ? Infinity : now - this.sampledAt
    this.sampleLeft = this.sampleSpan = nextSpan(this.sampleSpan, elapsed, this.setup.sampleEvery)
    this.sampledAt = now
    return O.some(now)
  }

  /**
   * Decides on a call arriving at `now`, recording its admission in the same update of the cell.
   * Without `now`, the clock is read only if the decision depends on it (`Circuit.admitUntimed`).
   */
  admit(now?: number): Decision {
    this.counters().calls++
    if (now === undefined) {
      const permit = this.circuit.admitUntimed(this.cell().get())
      if (permit._tag === 'Some') return permit.value
    }
    return this.admitAt(now ?? this.now())
  }

  /**
   * Records the outcome of an admitted call that settled at `now` after `duration` ms. Without
   * `duration` it is unknown; without `now`, the clock is read only if the step depends on it
   * (`Circuit.stepUntimed`). A `Trip` is a failure that opens the circuit at once for its `openFor`.
   * Answer each permit once.
   */
  record(permit: Permit, verdict: Classification, duration?: number, now?: number): void {
    this.recordAt(permit, verdict, duration ?? NaN, now)
  }

  /**
   * Records an admitted call that ran past its `timeout` (ms) as a failure lasting `duration` ms (at
   * least the timeout), emitting a `Timeout` event and then the `Failure`. Call it instead of
   * `record`, once.
   */
  recordTimeout(permit: Permit, timeout: number, duration?: number, now?: number): void {
    const end = now ?? this.now()
    const lasted = Math.max(duration ?? timeout, timeout)
    this.counters().timeouts++
    const timedOut: L.Timeout = { _tag: 'Timeout', breaker: this.name, at: end, timeout, duration: lasted }
    this.recordAt(permit, 'failure', lasted, end, timedOut)
  }

  /**
   * Classifies a settled call's `result` with `classify` (given the call's duration when it was timed)
   * and records it: what the combinators do with every result.
   */
  settle<E, A>(
    permit: Permit,
    start: O.Option<number>,
    classify: Classifier<E, A>,
    result: E.Either<E, A>
  ): void {
    if (O.isNone(start)) {
      this.recordAt(permit, verdictOf(classify, result, NaN), NaN, undefined)
      return
    }
    const end = this.now()
    const duration = end - start.value
    this.recordAt(permit, verdictOf(classify, result, duration), duration, end)
  }

  /** Answers a call that started at `start` and ran past its `timeout` (see `recordTimeout`). */
  settleTimeout(permit: Permit, start: O.Option<number>, timeout: number): void {
    const end = this.now()
    this.recordTimeout(permit, timeout, O.isSome(start) ? end - start.value : timeout, end)
  }

  /** Reports that a call's fallback (for a rejection or a failure) produced the caller's value. */
  recordFallback(): void {
    this.counters().fallbacks++
    if (this.listening()) this.emitter!.emit({ _tag: 'FallbackUsed', breaker: this.name, at: this.now() })
  }

  /** Reports that a call's fallback failed with `error`. */
  recordFallbackFailure(error: unknown): void {
    this.counters().fallbackFailures++
    if (this.listening()) {
      this.emitter!.emit({ _tag: 'FallbackFailed', breaker: this.name, at: this.now(), error })
    }
  }

  // -- internals ---------------------------------------------------------------------------

  // `admit` when the decision depends on the time: one update of the cell at `t`, then its events
  private admitAt(t: number): Decision {
    const { circuit } = this
    const prev = this.cell().get()
    const [decision, next] = this.cell().update((s) => {
      const result = circuit.admit(s, t)
      return [result, result[1]]
    })
    if (decision._tag === 'Rejection') this.counters().rejected++
    const transition = this.updated(prev, next, 'Admitted', t)
    if (this.listening()) {
      this.emitter!.emit(
        decision._tag === 'Rejection'
          ? { _tag: 'Rejection', breaker: this.name, at: t, retryAfter: decision.retryAfter }
          : undefined,
        transition
      )
    }
    return decision
  }

  // the cell, as the breaker's own updates use it
  private cell(): Cell {
    return this.ref as Cell
  }

  private counters(): M.Recorder {
    return (this.recorder ??= M.recorder(Strategy.slowCallDuration(this.circuit.strategy) ?? Infinity))
  }

  /**
   * The breaker's time: the clock's reading, kept monotonic and sane. A reading that throws, is not a
   * finite number, or lies beyond `StateCodec.maxTime` (about 31,000 years) is replaced by the latest
   * good one and reported once per breaker (`ClockFailed`). A clock that steps back is not followed
   * back: time stands at the latest reading and goes on from there at the clock's pace (the step is
   * added to an offset), so no step back keeps a circuit open or a lease held longer than it was
   * granted. A jump ahead cannot be told from an idle period and is taken as it reads; should the clock
   * come back from it, time goes on from the jump (so a glitch delays a probe by at most one open
   * period).
   */
  private now(): number {
    let t: unknown
    try {
      t = this.clock()
    } catch (error) {
      this.clockFailed(error)
      return this.last
    }
    if (typeof t !== 'number' || !Number.isFinite(t) || Math.abs(t) > maxTime) {
      this.clockFailed(
        new Error(`the clock read ${String(t)}, not a finite number of milliseconds within ±${maxTime}`)
      )
      return this.last
    }
    const time = t + this.offset
    if (time < this.last) {
      this.offset += this.last - time
      return this.last
    }
    return (this.last = time)
  }

  // reported after the current call's update, never inside it, and once per breaker
  private clockFailed(error: unknown): void {
    if (clockReported.has(this)) return
    clockReported.add(this)
    queueMicrotask(() => {
      const event: L.ClockFailed = { _tag: 'ClockFailed', breaker: this.name, at: this.last, error }
      if (this.listening()) this.emitter!.emit(event)
      else this.listenerFailed(error, event)
    })
  }

  private recordAt(
    permit: Permit,
    verdict: Classification,
    duration: number,
    end: number | undefined,
    timedOut?: L.Timeout
  ): void {
    // the closed path: a success the core says changes nothing, whenever it happened
    if (
      end === undefined &&
      verdict === 'success' &&
      !this.listening() &&
      Number.isNaN(duration) &&
      this.circuit.isUnmovedBySuccess(this.cell().get(), permit)
    ) {
      M.recordUntimedSuccess(this.counters())
      return
    }
    this.recordStepped(permit, verdict, duration, end, timedOut)
  }

  // `recordAt` through the reducer: one update of the cell, read at a clock reading if the core says
  // the result depends on it
  private recordStepped(
    permit: Permit,
    verdict: Classification,
    duration: number,
    end: number | undefined,
    timedOut: L.Timeout | undefined
  ): void {
    const { circuit } = this
    const untimed = end === undefined && !this.listening()
    const prev = this.cell().get()
    const event =
      typeof verdict === 'string'
        ? Ev.outcome(verdict, permit, duration)
        : Ev.outcome('failure', permit, duration, verdict.openFor)
    // the clock is read only when the core says the result depends on it (then no transition
    // follows, so `now` is used by no event either)
    const timeless = end === undefined && untimed && O.isSome(circuit.stepUntimed(prev, event))
    const now = end ?? (timeless ? NaN : this.now())
    const next = this.cell().update((s) => {
      const n = timeless ? O.getOrElse(() => s)(circuit.stepUntimed(s, event)) : circuit.step(s, event, now)
      return [n, n]
    })
    M.recordOutcome(this.counters(), event._tag, duration)
    const transition = this.updated(prev, next, event._tag, now)
    if (this.listening()) {
      // a metrics-only trial: the moment the strategy would have tripped, with what the metrics say
      const snapshot = circuit.wouldTrip(prev, next, now)
        ? M.snapshot(this.name, this.counters(), next, 0, now, circuit.strategy)
        : undefined
      const wouldTrip =
        snapshot === undefined
          ? undefined
          : L.wouldTrip(this.name, now, next, snapshot.failureRate, snapshot.slowCallRate)
      // the events of one update are queued together, so none that a listener causes comes between them
      this.emitter!.emit(
        timedOut,
        L.outcome(event._tag, this.name, now, duration, permit.probe),
        transition,
        wouldTrip
      )
    }
  }

  /** @internal A change made through `ref`: checked, then applied like any other. */
  put<B>(f: (s: State) => readonly [B, State]): B {
    const decode = decodeStateFor(this.circuit)
    const now = this.now()
    const prev = this.cell().get()
    const [b, next] = this.cell().update((s) => {
      const result = f(s)
      const checked = decode(encodeState(result[1]))
      if (E.isLeft(checked)) throw checked.left
      return [result, result[1]]
    })
    this.report(prev, next, 'Reset', now)
    return b
  }

  // After an update: a transition starts a new metrics period and is published; its event (made only
  // when someone listens) is returned for the caller to emit with the other events of the update.
  private updated(prev: State, next: State, cause: Cause, now: number): L.Transition | undefined {
    if (!isTransition(prev, next)) return undefined
    M.enter(this.counters(), next._tag)
    if (this.store !== undefined && cause !== 'Adopted') {
      const store = this.store
      const record: Shared = { state: encodeState(next), at: now }
      this.guarded('publish', () => store.publish(this.name, record))
    }
    return !this.listening() ? undefined : L.transition(this.name, prev, next, cause, now)
  }

  private report(prev: State, next: State, cause: Cause, now: number): void {
    const transition = this.updated(prev, next, cause, now)
    if (transition !== undefined) this.emitter!.emit(transition)
  }

  private listening(): boolean {
    return this.emitter !== undefined && this.emitter.active()
  }

  private listenerFailed(error: unknown, event: L.BreakerEvent): void {
    reportListenerError(this.setup.onListenerError, this, this.name, error, event)
  }

  // -- the store ---------------------------------------------------------------------------

  private connect(store: Store): void {
    const onRecord = (record: Shared): void => this.adopt(record)
    try {
      store.watch(this.name, onRecord)
    } catch (error) {
      this.storeFailed('watch', error)
    }
    this.guarded(
      'load',
      () => store.load(this.name),
      (loaded) => {
        if (isSome(loaded)) this.adopt(loaded.value)
      }
    )
  }

  // A record from the store: decoded against the circuit, rebased onto the local clock, merged.
  private adopt(record: Shared): void {
    const now = this.now()
    const decoded =
      typeof record === 'object' &&
      record !== null &&
      typeof record.at === 'number' &&
      Number.isFinite(record.at)
        ? decodeStateFor(this.circuit)(record.state)
        : E.left(new Error('expected a record { state, at } with a finite `at`'))
    if (E.isLeft(decoded)) {
      this.storeFailed('adopt', decoded.left)
      return
    }
    const { circuit } = this
    const shift = now - record.at
    const prev = this.cell().get()
    const next = this.cell().update((s) => {
      const n = circuit.adopt(s, decoded.right, shift)
      return [n, n]
    })
    this.report(prev, next, 'Adopted', now)
  }

  /** Runs a store operation with the store timeout; a failure is reported, never thrown. */
  private guarded<A>(operation: StoreOperation, run: () => Promise<A>, then?: (a: A) => void): void {
    attempt(run, this.setup.storeTimeout, (error) => this.storeFailed(operation, error), then)
  }

  private storeFailed(operation: StoreOperation, error: unknown): void {
    const event: L.StoreFailed = { _tag: 'StoreFailed', breaker: this.name, at: this.last, operation, error }
    if (this.listening()) this.emitter!.emit(event)
    else this.listenerFailed(error, event)
  }
}

type StoreOperation = L.StoreFailed['operation']

// the breakers whose clock failure has been reported (once each)
const clockReported = new WeakSet<Breaker>()

Object.defineProperty(Breaker.prototype, '_tag', { value: 'Breaker', enumerable: true })

// The cell, and `breaker.ref`: a `Ref` whose functions live on its prototype, so that each breaker's
// costs one small object (call them as methods: `b.ref.get()`). `get` reads the state; `set` and
// `modify` change it through the breaker (see `Breaker.ref`); the breaker's own updates use `update`.
class Cell implements Ref.Ref<State> {
  constructor(
    private value: State,
    private readonly breaker: Breaker
  ) {}
  get(): State {
    return this.value
  }
  set(a: State): IO<void> {
    return () => this.breaker.put(() => [undefined, a])
  }
  modify<B>(f: (a: State) => readonly [B, State]): IO<B> {
    return () => this.breaker.put(f)
  }
  /** One atomic update: `f`'s second component is stored, its first returned. */
  update<B>(f: (a: State) => readonly [B, State]): B {
    const [b, a] = f(this.value)
    this.value = a
    return b
  }
}

// What a breaker that has not run a call yet reports: never written to.
const unused: M.Recorder = M.recorder()

const isSome = <A>(u: unknown): u is O.Some<A> =>
  typeof u === 'object' && u !== null && (u as { readonly _tag?: unknown })._tag === 'Some'

// How many calls to let pass until the next timed one, after `span` calls took `elapsed` ms: about as
// many as arrive in `every` ms at that rate, but at most twice `span` (one burst does not silence a
// quiet breaker), jittered at random within half of that either way so that no periodic pattern of
// calls lines up with the sample. `1`, timing the next call, while calls are sparser than one per
// `every` ms.
const nextSpan = (span: number, elapsed: number, every: number): number => {
  const mean = elapsed > 0 ? Math.min((span * every) / elapsed, 2 * span) : 2 * span
  return mean <= 1 ? 1 : Math.max(1, Math.round(mean * (0.5 + Math.random())))
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

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
 * The default `storeTimeout`, in milliseconds.
 *
 * @category defaults
 * @since 0.1.0
 */
export const defaultStoreTimeout = 1_000

const checkFunction = (problems: Array<string>, field: string, u: unknown): void => {
  if (u !== undefined && typeof u !== 'function') {
    problems.push(`${field}: expected a function, got ${show(u)}`)
  }
}

/**
 * Allocates a breaker outside of `IO`. Prefer `make`; use this for module-level singletons. Throws a
 * `ConfigError` naming every bad field of the config or the options.
 *
 * @category constructors
 * @since 0.1.0
 */
export const unsafeMake = (config: Config.ConfigInput = {}, options: Options = {}): Breaker => {
  const circuit = circuitFor(config)
  const problems: Array<string> = []
  if (typeof options !== 'object' || options === null) {
    throw new Config.ConfigError([`options: expected an object, got ${show(options)}`])
  }
  for (const key of Object.keys(options)) {
    if (!(optionKeys as ReadonlyArray<string>).includes(key)) {
      problems.push(`${key}: unknown option (known options: ${optionKeys.join(', ')})`)
    }
  }
  const name = options.name ?? 'breaker'
  const max = Config.maxNameLength
  if (typeof name !== 'string' || name.length === 0 || name.length > max) {
    const got = typeof name === 'string' && name.length > 0 ? `${name.length} characters` : show(name)
    problems.push(`name: expected a non-empty string of at most ${max} characters, got ${got}`)
  }
  for (const field of [
    'clock',
    'classify',
    'isFailure',
    'isResultFailure',
    'isIgnored',
    'onListenerError'
  ] as const) {
    checkFunction(problems, field, options[field])
  }
  if (options.classify !== undefined && (options.isFailure ?? options.isResultFailure ?? options.isIgnored)) {
    problems.push('classify: give either classify or the isFailure/isResultFailure/isIgnored predicates')
  }
  const perSecond = options.latencySamplesPerSecond ?? defaultLatencySamplesPerSecond
  if (typeof perSecond !== 'number' || !(perSecond >= 0)) {
    problems.push(
      `latencySamplesPerSecond: expected a number >= 0 (Infinity to time every call), got ${show(perSecond)}`
    )
  }
  const storeTimeout = options.storeTimeout ?? defaultStoreTimeout
  if (typeof storeTimeout !== 'number' || !Number.isFinite(storeTimeout) || storeTimeout <= 0) {
    problems.push(`storeTimeout: expected a finite number of milliseconds > 0, got ${show(storeTimeout)}`)
  }
  const { store } = options
  if (store !== undefined) {
    for (const f of ['load', 'publish', 'watch'] as const) {
      if (typeof store !== 'object' || store === null || typeof store[f] !== 'function') {
        problems.push(`store.${f}: expected a function (see Store), got ${show(store?.[f])}`)
      }
    }
  }
  if (problems.length > 0) throw new Config.ConfigError(problems)
  return new Breaker(
    name,
    circuit,
    options.clock ?? monotonic,
    options.classify ?? fromPredicates(options),
    store,
    options.onListenerError,
    perSecond,
    storeTimeout
  )
}

/**
 * Makes a breaker: its thresholds (see `Config`) and its options.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker } from 'tripswitch'
 * const payments = Breaker.make({ failureThreshold: 5 }, { name: 'payments' })()
 * assert.strictEqual(payments.state()._tag, 'Closed')
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
export const isBreaker = (u: unknown): u is Breaker => u instanceof Breaker

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * A breaker given as such, or made from settings.
 *
 * @category utils
 * @since 0.1.0
 */
export const from = (breakerOrSettings: Breaker | Settings): Breaker => {
  if (isBreaker(breakerOrSettings)) return breakerOrSettings
  if (typeof breakerOrSettings !== 'object' || breakerOrSettings === null) {
    throw new Config.ConfigError([`breaker: expected a Breaker or settings, got ${show(breakerOrSettings)}`])
  }
  const config: Record<string, unknown> = {}
  const options: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(breakerOrSettings)) {
    if (value !== undefined)
      ((optionKeys as ReadonlyArray<string>).includes(key) ? options : config)[key] = value
  }
  return unsafeMake(config as Config.ConfigInput, options as Options)
}

/**
 * The state as of now, as an `IO`: `b.state()` for a `pipe`. `retryAfter`, `metrics` and `counts`
 * below are the same for their methods.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { pipe } from 'fp-ts/function'
 * import * as IO from 'fp-ts/IO'
 * import { Breaker } from 'tripswitch'
 * const b = Breaker.make()()
 * const tag = pipe(Breaker.state(b), IO.map((s) => s._tag))
 * assert.strictEqual(tag(), 'Closed')
 * assert.strictEqual(Breaker.retryAfter(b)(), 0)
 *
 * @category combinators
 * @since 0.1.0
 */
export const state =
  (b: Breaker): IO<State> =>
  () =>
    b.state()

/** Milliseconds until a call may pass, as an `IO`. @category combinators @since 0.1.0 */
export const retryAfter =
  (b: Breaker): IO<number> =>
  () =>
    b.retryAfter()

/** The metrics snapshot, as an `IO`. @category combinators @since 0.1.0 */
export const metrics =
  (b: Breaker): IO<M.Snapshot> =>
  () =>
    b.metrics()

/** The counts, as an `IO`. @category combinators @since 0.1.0 */
export const counts =
  (b: Breaker): IO<M.Counts> =>
  () =>
    b.counts()

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
