/**
 * Model-based test: random sequences of admit, succeed, fail, ignore, advance-time and adopt-a-fleet-
 * record (`Circuit.merge`), checked step by step against a small imperative reference model written
 * straight from the decided semantics.
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

  /**
   * A record adopted from the fleet: its phase under a new generation, deadlines from the time
   * remaining; another process's probe lease holds every slot until it expires (at most `probeLease`).
   */
  adopt(phase: 'Closed' | 'Open' | 'HalfOpen', remaining: number, held: boolean, now: number): void {
    this.mode = phase
    this.generation += 1
    this.consecutive = 0
    this.successes = 0
    if (phase === 'Open') this.openedAt = now + Math.min(remaining, this.s.openFor) - this.s.openFor
    if (phase === 'HalfOpen') {
      const taken = held ? 0 : this.s.halfOpenProbes
      const expiresAt = now + Math.min(remaining, this.s.probeLease)
      this.leases = new Map(Array.from({ length: taken }, (_, ticket) => [ticket, expiresAt]))
      this.nextTicket = taken
    }
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
  | {
      readonly _tag: 'adopt'
      readonly phase: 'Closed' | 'Open' | 'HalfOpen'
      readonly epoch: number
      readonly remaining: number
      readonly held: boolean
    }
  | { readonly _tag: 'admit' }
  | { readonly _tag: 'answer'; readonly pick: number; readonly answer: Answer }
  | { readonly _tag: 'advance'; readonly ms: number }

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant('adopt' as const),
      phase: fc.constantFrom<'Closed' | 'Open' | 'HalfOpen'>('Closed', 'Open', 'HalfOpen'),
      epoch: fc.nat({ max: 1_000 }),
      remaining: fc.integer({ min: 0, max: 2_000 }),
      held: fc.boolean()
    })
  },
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
              case 'adopt': {
                const record = {
                  phase: a.phase,
                  epoch: a.epoch,
                  attempt: 0,
                  openFor: a.phase === 'Open' ? config.openFor : 0,
                  remaining: a.remaining,
                  holder: ''
                }
                state = circuit.merge(state, record, now, a.held)
                model.adopt(a.phase, a.remaining, a.held, now)
                break
              }
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
