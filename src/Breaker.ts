/**
 * The runtime: a `Ref<State>` plus what is not data (the clock, the outcome classifier, the name).
 *
 * Every state change is one synchronous `modify` on the cell: admission reads the clock once and
 * decides and records in the same update; an outcome is classified and stepped in another. The
 * combinators (`withBreaker`, `wrap`, the method decorators) are thin layers over `admit` and `record`.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import * as Circuit from './Circuit'
import { type Classifier, fromPredicates, type Predicates } from './Classifier'
import { type Clock, monotonic } from './Clock'
import * as Config from './Config'
import type { Decision, Permit } from './Decision'
import * as Ev from './Event'
import * as Ref from './Ref'
import type { State } from './State'

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
  /** Records the outcome of an admitted call, settled at `now` after `duration` ms. */
  readonly record: (permit: Permit, verdict: Ev.Verdict, duration: number, now: number) => void
  /** Applies a manual control event (`Event.forceOpen`, `disable`, `metricsOnly`, `reset`). */
  readonly control: (event: Ev.Control) => IO<void>
}

const optionKeys: ReadonlyArray<keyof Options> = [
  'name',
  'clock',
  'classify',
  'isFailure',
  'isResultFailure',
  'isIgnored'
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
  return {
    _tag: 'Breaker',
    name,
    circuit,
    clock,
    classify,
    ref,
    state,
    retryAfter: () => circuit.retryAfter(state(), clock()),
    admit: (now) => ref.modify((s) => circuit.admit(s, now))(),
    record: (permit, verdict, duration, now) => {
      const s = state()
      const next = circuit.step(s, Ev.outcome(verdict, permit, duration), now)
      if (next !== s) ref.set(next)()
    },
    control: (event) => () => {
      ref.set(circuit.step(state(), event, clock()))()
    }
  }
}

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
  const { name, clock, classify, isFailure, isResultFailure, isIgnored, ...config } = breakerOrSettings
  const options: Options = {
    ...(name === undefined ? {} : { name }),
    ...(clock === undefined ? {} : { clock }),
    ...(classify === undefined ? {} : { classify }),
    ...(isFailure === undefined ? {} : { isFailure }),
    ...(isResultFailure === undefined ? {} : { isResultFailure }),
    ...(isIgnored === undefined ? {} : { isIgnored })
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
