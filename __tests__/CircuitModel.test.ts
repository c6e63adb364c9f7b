/**
 * Model-based test: random sequences of admit, succeed, fail, ignore and advance-time, checked step by
 * step against a small imperative reference model written straight from the decided semantics.
 */
import * as fc from 'fast-check'
import { Circuit, Decision, Event, type State } from 'tripswitch'

interface Settings {
  readonly failureThreshold: number
  readonly openFor: number
  readonly halfOpenProbes: number
  readonly successThreshold: number
  readonly probeLease: number
}

type Answer = 'success' | 'failure' | 'ignore'

/** A permit as the model sees it. */
interface Ticket {
  readonly generation: number
  readonly probe: boolean
  readonly ticket: number
}

class Model {
  mode: 'Closed' | 'Open' | 'HalfOpen' = 'Closed'
  generation = 0
  consecutive = 0
  openedAt = 0
  leases = new Map<number, number>() // ticket -> expiresAt
  successes = 0
  nextTicket = 0

  constructor(readonly s: Settings) {}

  /** Forgets expired leases but the `halfOpenProbes` most recent: their slow probes may still decide. */
  private expire(now: number): void {
    const expired = [...this.leases].filter(([, expiresAt]) => now >= expiresAt).map(([ticket]) => ticket)
    for (const ticket of expired.slice(0, Math.max(0, expired.length - this.s.halfOpenProbes))) {
      this.leases.delete(ticket)
    }
  }

  private live(now: number): number {
    return [...this.leases.values()].filter((expiresAt) => now < expiresAt).length
  }

  private open(now: number): void {
    this.mode = 'Open'
    this.generation += 1
    this.openedAt = now
  }

  admit(now: number): Ticket | { readonly retryAfter: number } {
    if (this.mode === 'Closed') return { generation: this.generation, probe: false, ticket: -1 }
    if (this.mode === 'Open') {
      if (now < this.openedAt + this.s.openFor) return { retryAfter: this.openedAt + this.s.openFor - now }
      this.mode = 'HalfOpen'
      this.generation += 1
      this.leases = new Map([[0, now + this.s.probeLease]])
      this.successes = 0
      this.nextTicket = 1
      return { generation: this.generation, probe: true, ticket: 0 }
    }
    if (this.live(now) + this.successes < this.s.halfOpenProbes) {
      this.expire(now)
      const ticket = this.nextTicket++
      this.leases.set(ticket, now + this.s.probeLease)
      return { generation: this.generation, probe: true, ticket }
    }
    const soonest = Math.min(...[...this.leases.values()].filter((expiresAt) => now < expiresAt))
    return { retryAfter: Number.isFinite(soonest) ? soonest - now : 0 }
  }

  answer(t: Ticket, answer: Answer, now: number): void {
    if (t.generation !== this.generation) return
    if (this.mode === 'Closed') {
      if (answer === 'ignore') return
      this.consecutive = answer === 'failure' ? this.consecutive + 1 : 0
      if (this.consecutive >= this.s.failureThreshold) this.open(now)
      return
    }
    if (this.mode !== 'HalfOpen' || !t.probe) return
    this.expire(now)
    if (!this.leases.delete(t.ticket)) return
    if (answer === 'failure') this.open(now)
    if (answer === 'success' && ++this.successes >= this.s.successThreshold) {
      this.mode = 'Closed'
      this.generation += 1
      this.consecutive = 0
    }
  }
}

type Action =
  | { readonly _tag: 'admit' }
  | { readonly _tag: 'answer'; readonly pick: number; readonly answer: Answer }
  | { readonly _tag: 'advance'; readonly ms: number }

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Action>({ _tag: 'admit' }) },
  {
    weight: 4,
    arbitrary: fc.record({
      _tag: fc.constant('answer' as const),
      pick: fc.nat(),
      answer: fc.constantFrom<Answer>('success', 'failure', 'ignore')
    })
  },
  {
    weight: 2,
    arbitrary: fc.record({
      _tag: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2_000 }))
    })
  }
)

const settings: fc.Arbitrary<Settings> = fc
  .record({
    failureThreshold: fc.integer({ min: 1, max: 4 }),
    openFor: fc.integer({ min: 0, max: 1_000 }),
    halfOpenProbes: fc.integer({ min: 1, max: 4 }),
    successThreshold: fc.integer({ min: 1, max: 4 }),
    probeLease: fc.integer({ min: 1, max: 1_500 })
  })
  .map((s) => ({ ...s, successThreshold: Math.min(s.successThreshold, s.halfOpenProbes) }))

describe('Circuit (model-based)', () => {
  it('agrees with the reference model on every decision and state, step by step', () => {
    fc.assert(
      fc.property(
        settings,
        fc.array(action, { minLength: 20, maxLength: 300, size: 'max' }),
        (config, actions) => {
          const circuit = Circuit.make(config)
          const model = new Model(config)
          let state: State.State = circuit.initial(0)
          let now = 0
          const outstanding: Array<Decision.Permit> = []
          for (const a of actions) {
            switch (a._tag) {
              case 'advance':
                now += a.ms
                break
              case 'admit': {
                const [decision, next] = circuit.admit(state, now)
                const expected = model.admit(now)
                state = next
                if (Decision.isPermit(decision)) {
                  expect(expected).toEqual({
                    generation: decision.generation,
                    probe: decision.probe,
                    ticket: decision.ticket
                  })
                  outstanding.push(decision)
                } else {
                  expect(expected).toEqual({ retryAfter: decision.retryAfter })
                }
                break
              }
              case 'answer': {
                if (outstanding.length === 0) break
                const [permit] = outstanding.splice(a.pick % outstanding.length, 1)
                if (permit === undefined) break
                state = circuit.step(state, Event.outcome(a.answer, permit), now)
                model.answer(permit, a.answer, now)
                break
              }
            }
            expect(state._tag).toBe(model.mode)
            expect(state.generation).toBe(model.generation)
            if (model.mode === 'Open') {
              expect(circuit.retryAfter(state, now)).toBe(Math.max(0, model.openedAt + config.openFor - now))
            }
          }
        }
      ),
      { numRuns: 300 }
    )
  })
})
