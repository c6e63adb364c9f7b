/**
 * The laws of `Circuit.merge`, the one way a record of the fleet enters a process (see `Store`):
 * checked for random configs, random reachable local states, random valid records and random times.
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { type Circuit, Event, StateCodec, type Store } from 'tripswitch'
import { reached } from './_support/arbitraries'

/** A record the circuit's fleet could share: an open period its backoff gives, a lease it grants. */
const recordFor = (circuit: Circuit.Circuit): fc.Arbitrary<Store.Shared> =>
  fc
    .record({
      phase: fc.constantFrom<Store.Phase>(
        'Closed',
        'Open',
        'HalfOpen',
        'ForcedOpen',
        'Disabled',
        'MetricsOnly'
      ),
      epoch: fc.nat({ max: 1e9 }),
      level: fc.nat({ max: 5 }),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      holder: fc.constantFrom('', 'other', 'self')
    })
    .map(({ phase, epoch, level, fraction, holder }) => {
      const [attempt, openFor] = circuit.backoff.delay(level)
      const span = phase === 'Open' ? openFor : phase === 'HalfOpen' ? circuit.config.probeLease : 0
      return {
        phase,
        epoch,
        attempt: phase === 'Open' || phase === 'HalfOpen' ? attempt : 0,
        openFor: phase === 'Open' ? openFor : 0,
        remaining: Math.floor(span * fraction),
        holder: phase === 'HalfOpen' ? holder : ''
      }
    })

const withRecord = reached.chain((r) =>
  fc.tuple(fc.constant(r), recordFor(r.circuit), fc.integer({ min: 0, max: 1e6 }))
)

describe('Circuit.merge', () => {
  it("starts a new local generation, at least the record's level: no outcome of an earlier permit moves the result", () => {
    fc.assert(
      fc.property(
        withRecord,
        fc.constantFrom<'success' | 'failure'>('success', 'failure'),
        ([r, record, dt], verdict) => {
          const now = r.now + dt
          const merged = r.circuit.merge(r.state, record, now, record.holder === 'self')
          expect(merged.generation).toBe(Math.max(r.state.generation + 1, record.attempt))
          const [, admitted] = r.circuit.admit(r.state, r.now)
          for (const permit of [
            { _tag: 'Permit' as const, generation: r.state.generation, probe: false, ticket: -1 },
            { _tag: 'Permit' as const, generation: admitted.generation, probe: true, ticket: 0 }
          ]) {
            if (permit.generation >= merged.generation) continue
            expect(r.circuit.step(merged, Event.outcome(verdict, permit), now)).toEqual(merged)
          }
        }
      )
    )
  })

  it("takes the record's phase, and its deadline as time remaining whatever the local clock reads", () => {
    fc.assert(
      fc.property(withRecord, fc.integer({ min: -1e12, max: 1e12 }), ([r, record, dt], offset) => {
        const held = record.holder === 'self'
        const here = r.now + dt
        const there = here + offset // another process's clock
        const a = r.circuit.merge(r.state, record, here, held)
        const b = r.circuit.merge(r.state, record, there, held)
        expect(a._tag).toBe(record.phase)
        // another's lease holds every slot; when the local half-open deadline (`halfOpenMaxDuration`)
        // comes first, the circuit re-opens then on its own, for an open period whose jitter is drawn
        // from the time
        const deadline = r.circuit.config.halfOpenMaxDuration ?? Infinity
        if (record.phase === 'HalfOpen' && !held && deadline <= record.remaining) return
        expect(r.circuit.retryAfter(a, here)).toBe(r.circuit.retryAfter(b, there))
        const expected =
          record.phase === 'Open' || (record.phase === 'HalfOpen' && !held)
            ? record.remaining
            : record.phase === 'ForcedOpen'
              ? Infinity
              : 0
        expect(r.circuit.retryAfter(a, here)).toBe(expected)
      })
    )
  })

  it('merging a record twice is merging it once, but for the generation', () => {
    fc.assert(
      fc.property(withRecord, ([r, record, dt]) => {
        const now = r.now + dt
        const held = record.holder === 'self'
        const once = r.circuit.merge(r.state, record, now, held)
        const twice = r.circuit.merge(once, record, now, held)
        expect({ ...twice, generation: 0 }).toEqual({ ...once, generation: 0 })
        expect(twice.generation).toBe(once.generation + 1)
        expect(once.generation).toBeGreaterThanOrEqual(record.attempt)
      })
    )
  })

  it('gives a state its own decoder accepts, for every record of its config', () => {
    fc.assert(
      fc.property(withRecord, ([r, record, dt]) => {
        const merged = r.circuit.merge(r.state, record, r.now + dt, record.holder === 'self')
        const decoded = StateCodec.decodeStateFor(r.circuit)(StateCodec.encodeState(merged))
        if (E.isLeft(decoded)) throw decoded.left
      })
    )
  })
})
