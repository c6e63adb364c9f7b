import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import { Circuit, StateCodec } from 'tripswitch'
import * as HalfOpen from '../src/HalfOpen'
import { action, configInput, drive } from './_support/arbitraries'

const byCount = { halfOpenProbes: 3, successThreshold: 2 }
const byRate = { halfOpenProbes: 4, successThreshold: 1, halfOpenFailureRate: 0.5 }

/** A rule as `Config.resolve` can give it: a success threshold within the probes, or a failure rate. */
const rule: fc.Arbitrary<HalfOpen.Rule> = fc.integer({ min: 1, max: 6 }).chain((halfOpenProbes) =>
  fc.oneof(
    fc
      .integer({ min: 1, max: halfOpenProbes })
      .map((successThreshold) => ({ halfOpenProbes, successThreshold })),
    fc
      .integer({ min: 1, max: 10 })
      .map((n) => ({ halfOpenProbes, successThreshold: 1, halfOpenFailureRate: n / 10 }))
  )
)

const halfOpenDoc = (leases: number, successes: number, failures: number) => ({
  _tag: 'HalfOpen',
  generation: 1,
  since: 0,
  attempt: 0,
  nextTicket: leases,
  leases: Array.from({ length: leases }, (_, ticket) => ({ ticket, expiresAt: 1_000 })),
  successes,
  failures
})

describe('HalfOpen', () => {
  it.each([
    [byCount, 0, 0, 'pending'],
    [byCount, 1, 0, 'pending'],
    [byCount, 2, 0, 'close'],
    [byCount, 1, 1, 'open'],
    [byRate, 0, 1, 'pending'],
    [byRate, 0, 2, 'open'],
    [byRate, 2, 1, 'pending'],
    [byRate, 3, 0, 'close'],
    [byRate, 2, 2, 'open']
  ] as const)('decides %j with %i successes and %i failures: %s', (r, successes, failures, verdict) => {
    expect(HalfOpen.verdict(r, successes, failures)).toBe(verdict)
  })

  it('finds nothing wrong exactly when the counts fit (at most 2 × probes leases, live and recently expired) and no verdict is reached', () => {
    fc.assert(
      fc.property(rule, fc.nat(6), fc.nat(6), fc.nat(6), (r, leases, successes, failures) => {
        const fits = leases <= 2 * r.halfOpenProbes && successes + failures <= r.halfOpenProbes
        const pending = HalfOpen.verdict(r, successes, failures) === 'pending'
        expect(HalfOpen.problems(r, { leases, successes, failures }).length === 0).toBe(fits && pending)
      }),
      { numRuns: 2_000 }
    )
  })

  it('makes the decoder reject any counts the verdict has decided, and accept the others', () => {
    fc.assert(
      fc.property(rule, fc.nat(6), fc.nat(6), fc.nat(6), (r, leases, successes, failures) => {
        const { halfOpenProbes, successThreshold, halfOpenFailureRate } = r
        const circuit = Circuit.make(
          halfOpenFailureRate === undefined
            ? { halfOpenProbes, successThreshold }
            : { halfOpenProbes, halfOpenFailureRate }
        )
        const decoded = StateCodec.decodeStateFor(circuit)(halfOpenDoc(leases, successes, failures))
        const keeps =
          leases <= 2 * r.halfOpenProbes &&
          successes + failures <= r.halfOpenProbes &&
          HalfOpen.verdict(r, successes, failures) === 'pending'
        expect(E.isRight(decoded)).toBe(keeps)
      }),
      { numRuns: 1_000 }
    )
  })

  it('accepts, when decoding for the circuit, every half-open state the reducer reaches', () => {
    let seen = 0
    fc.assert(
      fc.property(
        configInput,
        fc.array(action, { minLength: 1, maxLength: 40, size: 'max' }),
        (config, script) => {
          const circuit = Circuit.make(config)
          for (let k = 1; k <= script.length; k++) {
            const { state } = drive(circuit, 0, script.slice(0, k))
            if (state._tag !== 'HalfOpen') continue
            seen++
            expect(StateCodec.decodeStateFor(circuit)(StateCodec.encodeState(state))).toStrictEqual(
              E.right(state)
            )
            expect(
              HalfOpen.problems(circuit.config, {
                leases: state.leases.length,
                successes: state.successes,
                failures: state.failures
              })
            ).toStrictEqual([])
          }
        }
      ),
      { numRuns: 200 }
    )
    expect(seen).toBeGreaterThan(100)
  })
})
