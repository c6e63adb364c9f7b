/**
 * fast-check arbitraries of circuits and of the states they can reach.
 *
 * States are reachable by construction: each one is the result of driving the real reducer
 * (`Circuit.make(config)`, its `admit` and `step`) from its initial state with a random script of
 * calls, outcomes, manual control events and clock advances. Nothing here builds a state by hand.
 */
import * as fc from 'fast-check'
import * as O from 'fp-ts/Option'
import { type Backoff, Circuit, type Config, Decision, Event, type State, Strategy, Window } from 'tripswitch'

/** A small window: the last 1 to 8 calls, or 1 to 5 buckets of 1 to 200 ms. */
export const window: fc.Arbitrary<Window.Window> = fc.oneof(
  fc.integer({ min: 1, max: 8 }).map(Window.count),
  fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 200 }))
    .map(([buckets, width]) => Window.time(buckets * width, buckets))
)

const countLimit = (w: Window.Window): number => (w._tag === 'CountWindow' ? w.size : 6)

const rate = fc.integer({ min: 1, max: 10 }).map((n) => n / 10)

const windowed: fc.Arbitrary<Strategy.Strategy> = window.chain((w) =>
  fc.oneof(
    fc
      .integer({ min: 1, max: countLimit(w) })
      .map((threshold) => Strategy.failureCount({ window: w, threshold })),
    fc
      .record({ threshold: rate, minimumCalls: fc.integer({ min: 1, max: countLimit(w) }) })
      .map((o) => Strategy.failureRate({ window: w, ...o })),
    fc
      .record({
        threshold: rate,
        minimumCalls: fc.integer({ min: 1, max: countLimit(w) }),
        slowCallDuration: fc.integer({ min: 1, max: 60 })
      })
      .map((o) => Strategy.slowCallRate({ window: w, ...o }))
  )
)

const single: fc.Arbitrary<Strategy.Strategy> = fc.oneof(
  fc.integer({ min: 1, max: 4 }).map(Strategy.consecutiveFailures),
  windowed
)

/** Every kind of trip strategy, over small windows. */
export const strategy: fc.Arbitrary<Strategy.Strategy> = fc.oneof(
  { weight: 3, arbitrary: single },
  { weight: 1, arbitrary: fc.tuple(single, single).map(([a, b]) => Strategy.any(a, b)) }
)

/** retry-ts style policies: constant, doubling, doubling with a cap, and one that gives up after a few levels. */
const backoff: fc.Arbitrary<Backoff.RetryPolicy> = fc
  .tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }))
  .map(
    ([base, factor, levels]): Backoff.RetryPolicy =>
      (status) =>
        status.iterNumber > levels && factor === 3
          ? O.none
          : O.some(Math.min(5_000, base * Math.pow(factor, status.iterNumber)))
  )

/**
 * A small config exercising every option, so that short scripts visit every state: trips, backoff
 * levels, probes, leases that expire, half-open deadlines, both half-open verdicts.
 */
export const configInput: fc.Arbitrary<Config.ConfigInput> = fc
  .record(
    {
      trip: fc.oneof(
        fc.integer({ min: 1, max: 4 }).map((failureThreshold) => ({ failureThreshold })),
        strategy.map((s) => ({ strategy: s }))
      ),
      open: fc.oneof(
        fc.integer({ min: 0, max: 1_000 }).map((openFor) => ({ openFor })),
        backoff.map((b) => ({ backoff: b }))
      ),
      jitter: fc.integer({ min: 0, max: 10 }).map((n) => n / 10),
      healthyPeriod: fc.integer({ min: 1, max: 2_000 }),
      halfOpenProbes: fc.integer({ min: 1, max: 3 }),
      successRatio: fc.integer({ min: 0, max: 10 }).map((n) => n / 10),
      halfOpenFailureRate: rate,
      byRate: fc.boolean(),
      halfOpenMaxDuration: fc.integer({ min: 1, max: 3_000 }),
      probeLease: fc.integer({ min: 1, max: 800 })
    },
    { requiredKeys: ['trip', 'open', 'halfOpenProbes', 'successRatio', 'byRate'] }
  )
  .map(({ trip, open, successRatio, byRate, halfOpenFailureRate, ...rest }) => ({
    ...trip,
    ...open,
    ...rest,
    ...(byRate && halfOpenFailureRate !== undefined
      ? { halfOpenFailureRate }
      : { successThreshold: Math.max(1, Math.ceil(successRatio * rest.halfOpenProbes)) })
  }))

/** One step of a script. `dt` is how far the clock moves before the step. */
export type Action =
  | { readonly _tag: 'Call'; readonly dt: number }
  | {
      readonly _tag: 'Settle'
      readonly dt: number
      /** Which held permit to answer, counting back from the latest. */
      readonly pick: number
      readonly verdict: Event.Verdict
      /** For a failure: open for this long at once, as a `Retry-After` asks. */
      readonly openFor: number | undefined
    }
  | { readonly _tag: 'Control'; readonly dt: number; readonly event: Event.Control }

const dt = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2_000 }) }
)

export const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 16, arbitrary: fc.record({ _tag: fc.constant('Call' as const), dt }) },
  {
    weight: 16,
    arbitrary: fc.record({
      _tag: fc.constant('Settle' as const),
      dt,
      pick: fc.nat({ max: 3 }),
      verdict: fc.oneof(
        { weight: 3, arbitrary: fc.constant<Event.Verdict>('failure') },
        { weight: 2, arbitrary: fc.constant<Event.Verdict>('success') },
        { weight: 1, arbitrary: fc.constant<Event.Verdict>('ignore') }
      ),
      openFor: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_500 }) }
      )
    })
  },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant('Control' as const),
      dt,
      event: fc.oneof(
        { weight: 3, arbitrary: fc.constant<Event.Control>(Event.reset) },
        {
          weight: 1,
          arbitrary: fc.constantFrom<Event.Control>(Event.forceOpen, Event.disable, Event.metricsOnly)
        }
      )
    })
  }
)

/** A circuit, a state it reached, and the time it reached it. */
export interface Reached {
  readonly circuit: Circuit.Circuit
  readonly state: State.State
  readonly now: number
}

/**
 * Runs `script` on `circuit` from its initial state at `start`. A `Settle` answers one of the four most
 * recently admitted calls still held (`pick` counts back from the latest), so outcomes arrive out of
 * order and late, as they do in production.
 */
export const drive = (circuit: Circuit.Circuit, start: number, script: ReadonlyArray<Action>): Reached => {
  let state = circuit.initial(start)
  let now = start
  let held: Array<Decision.Permit> = []
  for (const a of script) {
    now += a.dt
    switch (a._tag) {
      case 'Call': {
        const [decision, next] = circuit.admit(state, now)
        state = next
        if (Decision.isPermit(decision)) held.push(decision)
        break
      }
      case 'Settle': {
        if (held.length === 0) break
        const i = held.length - 1 - (a.pick % held.length)
        const permit = held[i] as Decision.Permit
        held = held.filter((_, j) => j !== i)
        const event =
          a.verdict === 'failure' && a.openFor !== undefined
            ? Event.failureOpenFor(permit, a.openFor, a.dt)
            : Event.outcome(a.verdict, permit, a.dt)
        state = circuit.step(state, event, now)
        break
      }
      case 'Control':
        state = circuit.step(state, a.event, now)
        break
    }
  }
  return { circuit, state, now }
}

/** A state reachable from a fresh circuit of a random config, with the circuit that reached it. */
export const reached: fc.Arbitrary<Reached> = fc
  .tuple(configInput, fc.integer({ min: 0, max: 1e12 }), fc.array(action, { maxLength: 60, size: 'max' }))
  .map(([config, start, script]) => drive(Circuit.make(config), start, script))

/** A reachable state (see `reached`). */
export const reachableState: fc.Arbitrary<State.State> = reached.map((r) => r.state)

/** Numbers at and past the edges a decoder must judge: safe-integer limits, huge and tiny times, non-finite values. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER - 1,
    Number.MAX_SAFE_INTEGER - 2,
    Number.MAX_SAFE_INTEGER + 1,
    1e15,
    1e15 + 1,
    -1e15,
    1e16,
    1e300,
    -1e300,
    86_400_000,
    86_400_001,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -0,
    NaN,
    Infinity,
    -Infinity
  ),
  fc.integer({ min: -10, max: 2_000 }),
  fc.double()
)

/**
 * A reachable state as JSON (what `encodeState` gives) with one field, or one field of one lease,
 * replaced by `edgeNumber` or by anything at all, with the circuit that reached the original. The
 * tally is replaced whole, not field by field: its own checks belong to `Strategy` and `Window`.
 */
export const mutated: fc.Arbitrary<{ readonly circuit: Circuit.Circuit; readonly doc: unknown }> = fc
  .tuple(
    reached,
    fc.nat(),
    fc.nat(),
    fc.oneof({ weight: 3, arbitrary: edgeNumber }, { weight: 1, arbitrary: fc.anything() })
  )
  .map(([{ circuit, state }, pick, inner, junk]) => {
    const doc = JSON.parse(JSON.stringify(state)) as Record<string, unknown>
    const keys = Object.keys(doc)
    const key = keys[pick % keys.length] as string
    const field = doc[key]
    if (Array.isArray(field) && field.length > 0) {
      const i = inner % field.length
      const item = field[i] as Record<string, unknown>
      const itemKeys = Object.keys(item)
      field[i] = { ...item, [itemKeys[inner % itemKeys.length] as string]: junk }
    } else {
      doc[key] = junk
    }
    return { circuit, doc }
  })
