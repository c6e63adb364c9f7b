/**
 * fast-check arbitraries of circuits and of the states they can reach.
 *
 * States are reachable by construction: each one is the result of driving the real reducer
 * (`Circuit.make(config)`, its `admit` and `step`) from its initial state with a random script of
 * calls, outcomes, manual control events and clock advances. Nothing here builds a state by hand.
 */
import * as fc from 'fast-check'
import { Circuit, Decision, Event, type Config, type State } from 'tripswitch'

/** A small config, so that short scripts visit every state: trips, probes, leases that expire. */
export const configInput: fc.Arbitrary<Config.ConfigInput> = fc
  .record({
    failureThreshold: fc.integer({ min: 1, max: 4 }),
    openFor: fc.integer({ min: 0, max: 1_000 }),
    halfOpenProbes: fc.integer({ min: 1, max: 3 }),
    successRatio: fc.double({ min: 0, max: 1, noNaN: true }),
    probeLease: fc.integer({ min: 1, max: 800 })
  })
  .map(({ successRatio, ...c }) => ({
    ...c,
    successThreshold: Math.max(1, Math.ceil(successRatio * c.halfOpenProbes))
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
        state = circuit.step(state, Event.outcome(a.verdict, permit, a.dt), now)
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
