import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import { type Circuit, Decision, Event, type State, StateCodec } from 'tripswitch'
import { configInput, mutated, reached } from './_support/arbitraries'
import { Circuit as C } from 'tripswitch'

const { decodeState, decodeStateFor, encodeState, maxRetryAfter, maxTime } = StateCodec

const viaJson = (s: State.State): unknown => JSON.parse(JSON.stringify(encodeState(s)))

/** The times a state holds, and those at which it moves next (its open's end, its deadline). */
const timesOf = (circuit: Circuit.Circuit, s: State.State): ReadonlyArray<number> => {
  switch (s._tag) {
    case 'Open':
      return [s.openedAt, s.openedAt + s.openFor]
    case 'HalfOpen': {
      const deadline = circuit.config.halfOpenMaxDuration
      return [
        s.since,
        ...s.leases.map((l) => l.expiresAt),
        ...(deadline === undefined ? [] : [s.since + deadline])
      ]
    }
    default:
      return [s.since]
  }
}

/**
 * A next state decodes: always by `decodeState` (its generation and tickets are still safe integers),
 * and for the circuit but for the bounds on `generation` and `nextTicket`, which a state at such a
 * bound steps past by design (they leave room for one more step, not for every step after it).
 */
const expectDecodes = (circuit: Circuit.Circuit, next: State.State): void => {
  // compared as JSON text reads it back: a `-0` the input held comes back as `0`
  expect(decodeState(viaJson(next))).toStrictEqual(E.right(viaJson(next)))
  const r = decodeStateFor(circuit)(viaJson(next))
  const problems = E.isLeft(r) ? r.left.problems : []
  expect(problems.filter((p) => !/^(generation|nextTicket): /.test(p))).toStrictEqual([])
}

/** Every move of `s` at `now`: an admission and each outcome of its permit, a late outcome, manual events. */
const expectEveryNextDecodes = (circuit: Circuit.Circuit, s: State.State, now: number): void => {
  const [decision, admitted] = circuit.admit(s, now)
  expectDecodes(circuit, admitted)
  const permits = Decision.isPermit(decision) ? [decision] : []
  permits.push(Decision.permit(s.generation), Decision.probe(s.generation, 0))
  for (const p of permits) {
    for (const e of [
      Event.success(p, 1),
      Event.failure(p, 1),
      Event.ignored(p, 1),
      Event.failureOpenFor(p, maxRetryAfter, 1),
      Event.failureOpenFor(p, 0, 1)
    ]) {
      // the admitted state is a step already: it steps on only if the circuit would accept it too
      if (E.isRight(decodeStateFor(circuit)(viaJson(admitted)))) {
        expectDecodes(circuit, circuit.step(admitted, e, now))
      }
      expectDecodes(circuit, circuit.step(s, e, now))
    }
  }
  for (const e of [Event.reset, Event.forceOpen, Event.disable, Event.metricsOnly]) {
    expectDecodes(circuit, circuit.step(s, e, now))
  }
}

describe('StateFuzz', () => {
  it('accepts every state a circuit reaches, read back from JSON text, for that circuit', () => {
    fc.assert(
      fc.property(reached, ({ circuit, state }) => {
        expect(decodeStateFor(circuit)(viaJson(state))).toStrictEqual(E.right(state))
      }),
      { numRuns: 1_000 }
    )
  })

  it('never throws on anything at all, whatever the circuit', () => {
    fc.assert(
      fc.property(
        configInput,
        fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }),
        (config, u) => {
          expect(E.isLeft(decodeStateFor(C.make(config))(u))).toBe(true)
        }
      ),
      { numRuns: 500 }
    )
  })

  it('never throws on a mutated reachable state, and every state it accepts steps to states that decode', () => {
    fc.assert(
      fc.property(mutated, fc.integer({ min: 0, max: 3_000 }), fc.nat(), ({ circuit, doc }, dt, pick) => {
        const r = decodeStateFor(circuit)(doc)
        if (E.isLeft(r)) return
        const s = r.right
        const times = timesOf(circuit, s)
        const now = (times[pick % times.length] as number) + dt
        // a sane clock: what the circuit is given as `now` is itself within the bound on times
        if (!(Math.abs(now) <= maxTime)) return
        expectEveryNextDecodes(circuit, s, now)
      }),
      { numRuns: 2_000 }
    )
  })

  it('steps every reachable state to states that decode', () => {
    fc.assert(
      fc.property(reached, fc.integer({ min: 0, max: 3_000 }), ({ circuit, state, now }, dt) => {
        expectEveryNextDecodes(circuit, state, now + dt)
      }),
      { numRuns: 300 }
    )
  })
})
