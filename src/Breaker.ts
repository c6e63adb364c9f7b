/**
 * The runtime: a breaker is a plain record of its name, its `Circuit` (the pure core), the cell holding
 * its state, its clock, its classifier, its listeners and, optionally, a store.
 *
 * Invariants:
 * - The state lives in one `Ref` cell, and every change of it is one `modify` whose function is the
 *   pure core (`Circuit.admit`, `Circuit.step`, `Circuit.merge`). There is no second copy of the state
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
 * - With a store (see `Store.ts`), each transition is proposed to the fleet after the update, and a
 *   record of the fleet enters the cell through `Circuit.merge` under a new generation. No call waits
 *   on the store but a half-open probe of an asynchronous call, which claims the fleet's probe lease
 *   first (`claim`, at most `storeTimeout`). A store that throws, rejects, hangs or answers garbage is
 *   reported (`StoreFailed`, and `StoreDegraded` once per outage, `StoreRecovered` after it); the
 *   breaker meanwhile protects alone.
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
import { show, unknownKey } from './codec'
import * as Config from './Config'
import * as Duration from './Duration'
import type { Decision, Permit } from './Decision'
import { Emitter, reportListenerError } from './Emitter'
import { brand, isBranded, isThenable } from './internal'
import * as Ev from './Event'
import * as L from './Listener'
import * as M from './Metrics'
import type * as Ref from './Ref'
import type { State } from './State'
import { decodeSharedWith, decodeStateFor, encodeState, maxTime, replyCheck, sharedCheck } from './StateCodec'
import { proposal as proposalOf } from './Store'
import { attempt, type Proposal, type Shared, type Store } from './Store'
import * as Strategy from './Strategy'
import { isTransition, type Cause } from './Transition'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a breaker needs beyond its thresholds. The classification may be given as a `classify`
 * function or as the predicates of `Classifier.Predicates` (not both), typed by the error `E` and the
 * value `A` of the calls it guards (where a combinator makes the breaker for a computation, they are
 * inferred from it: see `withBreaker`, `wrap`, `guarded`).
 *
 * @category model
 * @since 0.1.0
 */
export interface Options<E = unknown, A = unknown> extends Predicates<E, A> {
  /** Shown in errors, events and metrics, and the breaker's key in a store (default `'breaker'`). */
  readonly name?: string
  /** Milliseconds (default `Clock.monotonic`). */
  readonly clock?: Clock
  readonly classify?: Classifier<E, A>
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
  /** How long each store operation may take before it counts as failed (default `1_000` ms). */
  readonly storeTimeout?: Duration.Input
  /**
   * A persisted state to start in: what `breaker.toJSON()` (or `StateCodec.encodeState`) gave, for
   * example before a restart. Decoded against this breaker's circuit (`StateCodec.decodeStateFor`); a
   * state it could not have produced is a `ConfigError` naming what is wrong. The breaker reports a
   * `Restored` event to `listeners`.
   */
  readonly initialState?: unknown
  /** Listeners subscribed from the start, so that they also see what happens at construction. */
  readonly listeners?: ReadonlyArray<L.Listener>
}

/**
 * Thresholds and options in one object: what every entry point takes (`Breaker.make(settings)`,
 * `withBreaker(settings)`, `wrap(settings)`, `@guarded(settings)`, a registry's `defaults` and
 * `breakers`). Durations are milliseconds or strings such as `'2s'`.
 *
 * @category model
 * @since 0.1.0
 */
export type Settings<E = unknown, A = unknown> = Config.ConfigInput & Options<E, A>

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
  'storeTimeout',
  'initialState',
  'listeners'
]

const configKeys = Object.keys(Config.fieldChecks)

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
  // its part in a fleet, with a store (see `Fleet`)
  private readonly fleet: Fleet | undefined

  /** Use `make` (or `unsafeMake`), which check their arguments. */
  constructor(
    readonly name: string,
    readonly circuit: Circuit.Circuit,
    readonly clock: Clock,
    readonly classify: Classifier<unknown, unknown>,
    store: Store | undefined,
    setup: Setup,
    restored?: State,
    listeners: ReadonlyArray<L.Listener> = []
  ) {
    this.setup = setup
    // the first reading sets the time; a clock that fails from the start begins at 0
    this.last = -Infinity
    if (this.now() === -Infinity) this.last = 0
    this.ref = new Cell(restored ?? circuit.initial(this.last), this)
    this.sampleLeft = this.setup.sampleEvery === Infinity ? Infinity : 1
    this.fleet =
      store === undefined
        ? undefined
        : { store, synced: 0, degraded: false, unshared: false, polled: 0, unwatch: undefined }
    for (const listener of listeners) this.subscribe(listener)
    if (restored !== undefined && this.listening()) {
      this.emitter!.emit({ _tag: 'Restored', breaker: name, at: this.last, state: restored })
    }
    if (this.fleet !== undefined) this.connect(this.fleet)
  }

  /** The store the breaker shares its state through, if any. */
  get store(): Store | undefined {
    return this.fleet?.store
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

  /**
   * The state to persist, as plain JSON (`StateCodec.encodeState` of the cell): what
   * `JSON.stringify(breaker)` writes, and what the `initialState` option restores. Its times are the
   * breaker's clock readings (the default clock is on the wall-clock scale, so they survive a restart:
   * an open circuit stays open for what is left of its open time).
   *
   * @example
   * import * as assert from 'node:assert'
   * import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
   * import { tmpdir } from 'node:os'
   * import { join } from 'node:path'
   * import * as TE from 'fp-ts/TaskEither'
   * import { Breaker, withBreaker } from 'tripswitch'
   * import { testClock } from 'tripswitch/testing'
   *
   * const clock = testClock(1_000) // stands for the wall clock, which goes on across the restart
   * const file = join(mkdtempSync(join(tmpdir(), 'breaker-')), 'payments.json')
   * const settings: Breaker.Settings = { name: 'payments', failureThreshold: 1, openFor: '30s', clock: clock.now }
   *
   * // before the restart: the circuit opens, and its state is saved on shutdown
   * const before = Breaker.make(settings)()
   * await withBreaker(before)(TE.left('payments answered 503'))()
   * writeFileSync(file, JSON.stringify(before))
   *
   * // 10 s later, the new process starts where the old one stopped
   * clock.advance(10_000)
   * const restored: Array<string> = []
   * const after = Breaker.make({
   *   ...settings,
   *   initialState: JSON.parse(readFileSync(file, 'utf8')),
   *   listeners: [(e) => void (e._tag === 'Restored' && restored.push(e.state._tag))]
   * })()
   * assert.strictEqual(after.state()._tag, 'Open')
   * assert.strictEqual(after.retryAfter(), 20_000)
   * assert.deepStrictEqual(restored, ['Open'])
   */
  toJSON(): unknown {
    return encodeState(this.cell().get())
  }

  // -- control and listeners -------------------------------------------------------------

  /**
   * Isolates the circuit, now: every call is rejected (`retryAfter` is `Infinity`) until `reset`. An
   * admin kill switch calls this; `Breaker.forceOpen(b)` is the same as an fp-ts `IO`, which acts only
   * when run.
   */
  forceOpen(): void {
    this.control(Ev.forceOpen)()
  }

  /** Lets every call pass and records nothing in the circuit, now, until `reset`. */
  disable(): void {
    this.control(Ev.disable)()
  }

  /** Records outcomes but never opens (a trial of a config), now, until `reset`. */
  metricsOnly(): void {
    this.control(Ev.metricsOnly)()
  }

  /** Back to a fresh closed circuit (backoff forgotten), now. */
  reset(): void {
    this.control(Ev.reset)()
  }

  /**
   * The effect of a manual control event (`Event.forceOpen`, `disable`, `metricsOnly`, `reset`), as an
   * fp-ts `IO`: nothing happens until it is run (`b.control(Event.reset)()`). The methods above act
   * when called. An event that is not one of these throws a `ConfigError` naming it, when the effect
   * runs, and changes nothing.
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
    const cell = this.cell()
    const prev = cell.get()
    const event =
      typeof verdict === 'string'
        ? Ev.outcome(verdict, permit, duration)
        : Ev.outcome('failure', permit, duration, verdict.openFor)
    // the clock is read only when the core says the result depends on it (then no transition
    // follows, so `now` is used by no event either); otherwise the core's answer, computed from the
    // state just read with nothing run in between, is stored as it is
    let timeless: State | undefined
    if (end === undefined && !this.listening()) {
      const untimed = circuit.stepUntimed(prev, event)
      if (untimed._tag === 'Some') timeless = cell.replace(untimed.value)
    }
    const now = end ?? (timeless !== undefined ? NaN : this.now())
    const next = timeless ?? cell.updateBy(circuit.step, event, now)
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
        L.outcome(
          event._tag,
          this.name,
          now,
          duration,
          permit.probe,
          event._tag === 'Failure' ? event.openFor : undefined
        ),
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
    if (this.fleet !== undefined) this.share(this.fleet, prev, next, cause)
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

  /**
   * Claims the fleet's probe lease for `probe` (a half-open permit) before it runs, when the breaker
   * has a store: resolves to `probe` if this process may probe (the lease is its own, the fleet is not
   * open, or the store failed or took longer than `storeTimeout`), otherwise to the decision on the
   * fleet's record, adopted (a rejection while another process probes; a permit if the fleet has
   * closed). Only asynchronous calls claim; a synchronous probe runs as a probe of this process.
   */
  claim(probe: Permit): Promise<Decision> {
    const { fleet } = this
    if (fleet === undefined || !probe.probe) return Promise.resolve(probe)
    return new Promise((resolve) =>
      attempt(
        () => fleet.store.claim(this.name, fleet.synced, this.circuit.config.probeLease),
        this.setup.storeTimeout,
        (error) => {
          this.storeFailed(fleet, 'claim', error)
          resolve(probe)
        },
        (reply) => resolve(this.claimed(fleet, probe, reply))
      )
    )
  }

  private claimed(fleet: Fleet, probe: Permit, answer: unknown): Decision {
    const reply = decodeReply(answer)
    if (E.isLeft(reply)) {
      this.storeFailed(fleet, 'claim', reply.left)
      return probe
    }
    const { outcome, record } = reply.right
    this.answered(fleet)
    // (no re-synchronization here: a probe runs only where the circuit is open, so there is no Open
    // to push; the fleet's record is adopted below when the claim is refused)
    if (outcome === 'granted' || outcome === 'local') {
      if (outcome === 'granted' && record.epoch > fleet.synced) this.changedFleet('Claim', record)
      fleet.synced = Math.max(fleet.synced, record.epoch)
      return probe
    }
    if (!this.adopt(fleet, record)) return probe
    // the probe lost: decide on the fleet's record (its permit, of an earlier generation, is late)
    return this.admitAt(this.now())
  }

  /**
   * Stops sharing with the fleet: the breaker stops watching its store (a `Registry` does this when
   * it evicts a breaker). The breaker keeps working on its own; running it twice stops once.
   */
  close(): void {
    const { fleet } = this
    if (fleet === undefined) return
    const unwatch = fleet.unwatch
    fleet.unwatch = undefined
    unwatch?.()
  }

  private connect(fleet: Fleet): void {
    try {
      fleet.unwatch = fleet.store.watch(this.name, {
        onRecord: (record) => this.received(fleet, record),
        onFailure: (error) => this.storeFailed(fleet, 'poll', error),
        active: () => {
          const calls = this.recorder?.calls ?? 0
          const active = calls !== fleet.polled
          fleet.polled = calls
          return active
        }
      })
    } catch (error) {
      this.storeFailed(fleet, 'watch', error)
    }
    attempt(
      () => fleet.store.load(this.name),
      this.setup.storeTimeout,
      (error) => this.storeFailed(fleet, 'load', error),
      (record) => this.received(fleet, record)
    )
  }

  // A transition of the local circuit, proposed to the fleet (see `Store.proposal`).
  private share(fleet: Fleet, prev: State, next: State, cause: Cause): void {
    const proposal = proposalOf(prev, next, cause, fleet.synced)
    if (O.isSome(proposal)) this.propose(fleet, proposal.value)
  }

  private propose(fleet: Fleet, proposal: Proposal): void {
    attempt(
      () => fleet.store.propose(this.name, proposal),
      this.setup.storeTimeout,
      (error) => {
        fleet.unshared = true
        this.storeFailed(fleet, 'propose', error)
      },
      (answer) => {
        const reply = decodeReply(answer)
        if (E.isLeft(reply)) {
          fleet.unshared = true
          this.storeFailed(fleet, 'propose', reply.left)
          return
        }
        const { outcome, record } = reply.right
        if (this.answered(fleet, record)) return
        if (outcome === 'refused') {
          this.adopt(fleet, record)
          return
        }
        if (outcome === 'accepted' && record.epoch > fleet.synced) this.changedFleet(proposal._tag, record)
        fleet.synced = Math.max(fleet.synced, record.epoch)
      }
    )
  }

  // A record pushed, polled or loaded: adopted if it is newer than what the breaker has seen.
  private received(fleet: Fleet, answer: unknown): void {
    const record = decodeRecord(answer)
    if (E.isLeft(record)) {
      this.storeFailed(fleet, 'adopt', record.left)
      return
    }
    if (this.answered(fleet, record.right)) return
    if (record.right.epoch > fleet.synced) this.adopt(fleet, record.right)
  }

  /**
   * The store answered. After an outage, reports `StoreRecovered` and re-synchronizes with `record`
   * (the fleet's, when known): an Open entered meanwhile is pushed as a trip; otherwise the caller goes
   * on adopting what is newer. Returns whether it pushed.
   */
  private answered(fleet: Fleet, record?: Shared): boolean {
    if (!fleet.degraded) return false
    fleet.degraded = false
    const now = this.now()
    const event: L.StoreRecovered = { _tag: 'StoreRecovered', breaker: this.name, at: now }
    if (this.listening()) this.emitter!.emit(event)
    if (!fleet.unshared || record === undefined) return false
    fleet.unshared = false
    const s = this.circuit.asOf(this.cell().get(), now)
    if (s._tag !== 'Open') return false
    fleet.synced = Math.max(fleet.synced, record.epoch)
    this.propose(fleet, { _tag: 'Trip', expect: fleet.synced, openFor: s.openFor, attempt: s.attempt })
    return true
  }

  // A record of the fleet, merged into the cell through the core and checked against the circuit;
  // returns whether it was adopted.
  private adopt(fleet: Fleet, record: Shared): boolean {
    const now = this.now()
    const { circuit } = this
    const prev = this.cell().get()
    const merged = circuit.merge(prev, record, now, record.holder === fleet.store.id)
    const checked = decodeStateFor(circuit)(encodeState(merged))
    if (E.isLeft(checked)) {
      this.storeFailed(fleet, 'adopt', checked.left)
      return false
    }
    fleet.synced = record.epoch
    this.cell().update(() => [merged, merged])
    this.report(prev, merged, 'Adopted', now)
    return true
  }

  private changedFleet(change: L.FleetChanged['change'], record: Shared): void {
    if (!this.listening()) return
    const at = this.now()
    this.emitter!.emit({
      _tag: 'FleetChanged',
      breaker: this.name,
      at,
      change,
      to: record.phase,
      epoch: record.epoch
    })
  }

  private storeFailed(fleet: Fleet, operation: StoreOperation, error: unknown): void {
    const event: L.StoreFailed = { _tag: 'StoreFailed', breaker: this.name, at: this.last, operation, error }
    const degraded: L.StoreDegraded | undefined =
      fleet.degraded || operation === 'adopt'
        ? undefined
        : { _tag: 'StoreDegraded', breaker: this.name, at: this.last, error }
    if (degraded !== undefined) fleet.degraded = true
    if (this.listening()) this.emitter!.emit(event, degraded)
    else this.listenerFailed(error, event)
  }
}

type StoreOperation = L.StoreFailed['operation']

// A breaker's part in a fleet, made only with a store: the store; the latest epoch seen; whether the
// store is failing; whether a transition could not be shared; the calls counted when the store last
// asked whether the breaker is active; and how to stop watching.
interface Fleet {
  readonly store: Store
  synced: number
  degraded: boolean
  unshared: boolean
  polled: number
  unwatch: IO<void> | undefined
}

// the breakers whose clock failure has been reported (once each)
const clockReported = new WeakSet<Breaker>()

const breakerMark = brand('Breaker')
Object.defineProperty(Breaker.prototype, '_tag', { value: 'Breaker', enumerable: true })
Object.defineProperty(Breaker.prototype, breakerMark, { value: true })

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
  /** One atomic update by a step of the core: `f(state, x, y)` is stored and returned (no closure per call). */
  updateBy<X, Y>(f: (a: State, x: X, y: Y) => State, x: X, y: Y): State {
    return (this.value = f(this.value, x, y))
  }
  /** Stores `next`, an update of the state computed from it in the same synchronous run; returns it. */
  replace(next: State): State {
    return (this.value = next)
  }
}

// What a breaker that has not run a call yet reports: never written to.
const unused: M.Recorder = M.recorder()

const decodeReply = decodeSharedWith(replyCheck, 'reply')
const decodeRecord = decodeSharedWith(sharedCheck, 'record')

// How many calls to let pass until the next timed one, after `span` calls took `elapsed` ms: about as
// many as arrive in `every` ms at that rate, but at most twice `span` (one burst does not silence a
// quiet breaker), jittered at random within half of that either way so that no periodic pattern of
// calls lines up with the sample. `1`, timing the next call, while calls are sparser than one per
// `every` ms.
const nextSpan = (span: number, elapsed: number, every: number): number => {
  // (with no time elapsed, the quotient is Infinity: twice the span)
  const mean = Math.min((span * every) / elapsed, 2 * span)
  // (at a mean of 1 or less, the jittered mean rounds to 0 or 1, so the span is 1)
  return Math.max(1, Math.round(mean * (0.5 + Math.random())))
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
 * The settings of `unsafeMake(first, second)`, sorted into the config (thresholds) and the options,
 * with what is wrong with where they were given: one merged object (`second` absent), or a config and
 * options as two objects. Every problem is listed, each naming its key.
 */
const split = (
  first: unknown,
  second: unknown
): {
  readonly config: Record<string, unknown>
  readonly options: Record<string, unknown>
  readonly problems: Array<string>
} => {
  const config: Record<string, unknown> = {}
  const options: Record<string, unknown> = {}
  const problems: Array<string> = []
  const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null
  if (!isObject(first)) {
    problems.push(`settings: expected an object of settings (thresholds and options), got ${show(first)}`)
  }
  if (second !== undefined && !isObject(second)) {
    problems.push(`options: expected an object, got ${show(second)}`)
  }
  const sort = (key: string, value: unknown): void => {
    if (value === undefined) return
    if ((optionKeys as ReadonlyArray<string>).includes(key)) options[key] = value
    else if (configKeys.includes(key)) config[key] = value
    else problems.push(`${key}: ${unknownKey(key, [...configKeys, ...optionKeys], 'setting')}`)
  }
  if (isObject(first)) for (const key of Object.keys(first)) sort(key, first[key])
  if (isObject(second)) {
    for (const key of Object.keys(second)) {
      if (configKeys.includes(key)) {
        problems.push(
          `${key}: a threshold, not an option: give it in the first argument, or all settings in one object`
        )
      } else if (isObject(first) && first[key] !== undefined && second[key] !== undefined) {
        problems.push(`${key}: given in both arguments; give it once`)
      } else sort(key, second[key])
    }
  }
  return { config, options, problems }
}

// Milliseconds of a duration option (`NaN` when it is not one).
const msOf = (u: unknown): unknown => (typeof u === 'string' ? E.getOrElse(() => NaN)(Duration.parse(u)) : u)

/**
 * What is wrong with settings (the one object that every entry point takes, see `Settings`), every
 * problem at once, each naming its key; empty when `unsafeMake` would accept them. A registry checks
 * its document with it.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker } from 'tripswitch'
 * assert.deepStrictEqual(Breaker.problems({ name: 'users', openFor: '2s' }), [])
 * assert.deepStrictEqual(Breaker.problems({ nmae: 'users', failureThreshold: 0 }), [
 *   'nmae: unknown setting; did you mean name?',
 *   'failureThreshold: expected a positive integer, got 0'
 * ])
 *
 * @category utils
 * @since 0.1.0
 */
export const problems = (settings: unknown, options?: unknown): ReadonlyArray<string> =>
  check(settings, options).problems

const check = (
  first: unknown,
  second: unknown
): { readonly problems: ReadonlyArray<string>; readonly make: (as?: string) => Breaker } => {
  const sorted = split(first, second)
  const { problems } = sorted
  const config = sorted.config as Config.ConfigInput
  const options = sorted.options as Options
  // one resolution of the config: the circuit, or its problems
  let circuit: Circuit.Circuit | undefined = undefined
  try {
    circuit = circuitFor(config)
  } catch (error) {
    if (!(error instanceof Config.ConfigError)) throw error
    problems.push(...error.problems)
  }
  const name = options.name ?? 'breaker'
  const named = nameProblem(name)
  if (named !== undefined) problems.push(named)
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
  const storeTimeout = msOf(options.storeTimeout ?? defaultStoreTimeout)
  if (typeof storeTimeout !== 'number' || !Number.isFinite(storeTimeout) || storeTimeout <= 0) {
    problems.push(
      `storeTimeout: expected a duration > 0 (finite milliseconds, or a string such as "2s"), got ${show(options.storeTimeout)}`
    )
  }
  const { store, listeners = [] } = options
  if (store !== undefined) {
    for (const f of ['load', 'propose', 'claim', 'watch'] as const) {
      if (typeof store !== 'object' || store === null || typeof store[f] !== 'function') {
        problems.push(`store.${f}: expected a function (see Store), got ${show(store?.[f])}`)
      }
    }
    if (typeof store === 'object' && store !== null && (typeof store.id !== 'string' || store.id === '')) {
      problems.push(`store.id: expected a non-empty string naming this process, got ${show(store.id)}`)
    }
  }
  if (!Array.isArray(listeners) || !listeners.every((l) => typeof l === 'function')) {
    problems.push(`listeners: expected an array of functions (see Listener), got ${show(listeners)}`)
  }
  // a persisted state is checked against the circuit, which needs a valid config
  let restored: State | undefined = undefined
  if (circuit !== undefined && options.initialState !== undefined) {
    const decoded = decodeStateFor(circuit)(options.initialState)
    if (E.isLeft(decoded)) problems.push(...decoded.left.problems.map((p) => `initialState.${p}`))
    else restored = decoded.right
  }
  if (problems.length > 0 || circuit === undefined) {
    return {
      problems,
      make: () => {
        throw new Config.ConfigError(problems)
      }
    }
  }
  // what every breaker made of these settings shares
  const resolved = circuit
  const clock = options.clock ?? monotonic
  const classify = options.classify ?? fromPredicates(options)
  const setup = setupFor(
    options.onListenerError,
    readsDuration(classify) || Strategy.slowCallDuration(circuit.strategy) !== undefined
      ? 0
      : 1_000 / perSecond,
    storeTimeout as number
  )
  return {
    problems,
    make: (as = name) => new Breaker(as, resolved, clock, classify, store, setup, restored, listeners)
  }
}

/**
 * Checks `settings` once, as `from` does, and returns what makes a breaker of them under each name it
 * is given (each name checked): what a registry does for every new name. Breakers made so share the
 * circuit, like breakers made from equal configs do.
 *
 * @internal
 */
export const maker = (settings: Settings): ((name: string) => Breaker) => {
  const checked = check({ ...settings, name: 'breaker' }, undefined)
  if (checked.problems.length > 0) throw new Config.ConfigError(checked.problems)
  return (name) => {
    const problem = nameProblem(name)
    if (problem !== undefined) throw new Config.ConfigError([problem])
    return checked.make(name)
  }
}

const nameProblem = (name: unknown): string | undefined => {
  const max = Config.maxNameLength
  if (typeof name === 'string' && name.length > 0 && name.length <= max) return undefined
  const got = typeof name === 'string' && name.length > 0 ? `${name.length} characters` : show(name)
  return `name: expected a non-empty string of at most ${max} characters, got ${got}`
}

/**
 * Allocates a breaker outside of `IO`. Prefer `make`; use this for module-level singletons. Takes the
 * same arguments as `make`, and throws a `ConfigError` naming every problem at once.
 *
 * @category constructors
 * @since 0.1.0
 */
export function unsafeMake<E = unknown, A = unknown>(settings?: Settings<E, A>): Breaker
export function unsafeMake<E = unknown, A = unknown>(
  config: Config.ConfigInput,
  options: Options<E, A>
): Breaker
export function unsafeMake(settings: unknown = {}, options?: unknown): Breaker {
  return check(settings, options).make()
}

/**
 * Makes a breaker from its settings: thresholds (see `Config`) and options in one object, durations in
 * milliseconds or as strings such as `'2s'`. The form with two objects, thresholds then options, is
 * accepted too. A `ConfigError` names every problem at once, an unknown key with a "did you mean" hint.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker } from 'tripswitch'
 * const payments = Breaker.make({ name: 'payments', failureThreshold: 5, openFor: '10s' })()
 * assert.strictEqual(payments.state()._tag, 'Closed')
 * const same = Breaker.make({ failureThreshold: 5, openFor: 10_000 }, { name: 'payments' })()
 * assert.deepStrictEqual(same.circuit.config, payments.circuit.config)
 * const typo = '{ "name": "payments", "failureTreshold": 5, "openFor": "10 s" }' // from a file, say
 * assert.throws(
 *   () => Breaker.make(JSON.parse(typo))(),
 *   /failureTreshold: unknown setting; did you mean failureThreshold\?[\s\S]*openFor: expected a duration/
 * )
 *
 * @category constructors
 * @since 0.1.0
 */
export function make<E = unknown, A = unknown>(settings?: Settings<E, A>): IO<Breaker>
export function make<E = unknown, A = unknown>(
  config: Config.ConfigInput,
  options: Options<E, A>
): IO<Breaker>
export function make(settings: unknown = {}, options?: unknown): IO<Breaker> {
  return () => check(settings, options).make()
}

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * Whether `u` is a breaker, also one made by the other build of tripswitch in the same process (the
 * CommonJS one, for the ES module build, and the other way round).
 *
 * @category guards
 * @since 0.1.0
 */
export const isBreaker = (u: unknown): u is Breaker => u instanceof Breaker || isBranded(u, breakerMark)

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * A breaker given as such, or made from settings. Anything else throws a `ConfigError` that says what
 * was given, prefixed by `where` (the combinator's name): an `IO` such as `Breaker.make(...)` not run
 * yet, a registry, a promise, a spread copy of a breaker, or a value that is no object. Settings are
 * then checked as `make` checks them.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker } from 'tripswitch'
 * assert.throws(() => Breaker.from(Breaker.make() as never, 'wrap'), /wrap: expected a Breaker or settings, got an IO/)
 *
 * @category utils
 * @since 0.1.0
 */
export const from = <E = unknown, A = unknown>(
  breakerOrSettings: Breaker | Settings<E, A>,
  where = 'breaker'
): Breaker => {
  if (isBreaker(breakerOrSettings)) return breakerOrSettings
  const wrong = notSettings(breakerOrSettings)
  if (wrong !== undefined) {
    throw new Config.ConfigError([`${where}: expected a Breaker or settings, got ${wrong}`])
  }
  return check(breakerOrSettings, undefined).make()
}

// What a value given for "a breaker or settings" is, when it is neither: `undefined` for an object
// that may be settings (whose fields `unsafeMake` checks).
const notSettings = (u: unknown): string | undefined => {
  if (typeof u === 'function') {
    return u.length === 0
      ? 'an IO or another function of no arguments (Breaker.make(...) returns an IO: run it, Breaker.make(...)(), or use Breaker.unsafeMake)'
      : 'a function'
  }
  if (typeof u !== 'object' || u === null) return show(u)
  if (Array.isArray(u)) return 'an array'
  if (isThenable(u)) return 'a promise (await it first)'
  const tag = (u as { readonly _tag?: unknown })._tag
  if (tag === 'Registry') return 'a Registry (pass one of its breakers: registry.get(name))'
  if (tag !== undefined) return `a value tagged ${show(tag)}`
  if ('ref' in u && 'circuit' in u)
    return 'a copy of a breaker (a spread { ...breaker } is no breaker: pass the breaker)'
  return undefined
}

// The `IO` of a breaker's method of no arguments: what the module functions below are.
type Nullary =
  'state' | 'retryAfter' | 'metrics' | 'counts' | 'forceOpen' | 'disable' | 'metricsOnly' | 'reset'
const io =
  <K extends Nullary>(method: K) =>
  (b: Breaker): IO<ReturnType<Breaker[K]>> =>
  () =>
    b[method]() as ReturnType<Breaker[K]>

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
export const state: (b: Breaker) => IO<State> = io('state')

/** Milliseconds until a call may pass, as an `IO`. @category combinators @since 0.1.0 */
export const retryAfter: (b: Breaker) => IO<number> = io('retryAfter')

/** The metrics snapshot, as an `IO`. @category combinators @since 0.1.0 */
export const metrics: (b: Breaker) => IO<M.Snapshot> = io('metrics')

/** The counts, as an `IO`. @category combinators @since 0.1.0 */
export const counts: (b: Breaker) => IO<M.Counts> = io('counts')

/**
 * Manual control as an fp-ts `IO`: isolate the circuit (reject every call) until `reset`. Nothing
 * happens until the `IO` runs: `Breaker.forceOpen(b)()`, or in a `pipe`. Outside fp-ts, call the
 * method, which acts at once: `b.forceOpen()`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { pipe } from 'fp-ts/function'
 * import * as IO from 'fp-ts/IO'
 * import { Breaker } from 'tripswitch'
 * const b = Breaker.make()()
 * const isolate = pipe(Breaker.forceOpen(b), IO.map(() => b.state()._tag))
 * assert.strictEqual(b.state()._tag, 'Closed') // not run yet
 * assert.strictEqual(isolate(), 'ForcedOpen')
 * b.reset() // the method form acts when called
 * assert.strictEqual(b.state()._tag, 'Closed')
 *
 * @category combinators
 * @since 0.1.0
 */
export const forceOpen: (b: Breaker) => IO<void> = io('forceOpen')

/**
 * Manual control as an `IO`: let every call pass and record nothing until `reset` (`b.disable()`
 * acts at once).
 *
 * @category combinators
 * @since 0.1.0
 */
export const disable: (b: Breaker) => IO<void> = io('disable')

/**
 * Manual control as an `IO`: record outcomes but never open, until `reset` (`b.metricsOnly()` acts at
 * once).
 *
 * @category combinators
 * @since 0.1.0
 */
export const metricsOnly: (b: Breaker) => IO<void> = io('metricsOnly')

/**
 * Manual control as an `IO`: back to a fresh closed state (`b.reset()` acts at once).
 *
 * @category combinators
 * @since 0.1.0
 */
export const reset: (b: Breaker) => IO<void> = io('reset')
