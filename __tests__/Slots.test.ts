/**
 * The bulkhead's pure admission rule: table tests, and a model-based test of random sequences of
 * arrivals, releases and departures against a small reference model (a FIFO array and a counter).
 */
import * as fc from 'fast-check'
import * as O from 'fp-ts/Option'
import { Slots } from 'tripswitch'

/** The reference model, written straight from the rule: a counter and a first-in, first-out line. */
class Model {
  active = 0
  line: Array<number> = []
  next = 0
  constructor(readonly limits: Slots.Limits) {}
  arrive(): Slots.Admission['_tag'] {
    if (this.active < this.limits.limit) {
      this.active++
      return 'Run'
    }
    if (this.line.length >= this.limits.queue) return 'Full'
    this.line.push(this.next++)
    return 'Wait'
  }
  release(): number | undefined {
    if (this.active === 0) return undefined
    const first = this.line.shift()
    if (first === undefined) this.active--
    if (this.line.length === 0) this.next = 0
    return first
  }
  leave(ticket: number): boolean {
    const i = this.line.indexOf(ticket)
    if (i < 0) return false
    this.line.splice(i, 1)
    if (this.line.length === 0) this.next = 0
    return true
  }
}

type Command =
  | { readonly _tag: 'arrive' }
  | { readonly _tag: 'release' }
  | { readonly _tag: 'leave'; readonly pick: number }

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constant({ _tag: 'arrive' as const }),
  fc.constant({ _tag: 'release' as const }),
  fc.nat(40).map((pick) => ({ _tag: 'leave' as const, pick }))
)

describe('Slots', () => {
  const limits = { limit: 2, queue: 2 }

  it('runs calls while a slot is free, queues them while the queue has room, refuses them after', () => {
    let s = Slots.initial
    const tags: Array<string> = []
    for (let i = 0; i < 5; i++) {
      const [a, next] = Slots.arrive(limits, s)
      tags.push(a._tag === 'Wait' ? `Wait ${a.ticket}` : a._tag)
      s = next
    }
    expect(tags).toEqual(['Run', 'Run', 'Wait 0', 'Wait 1', 'Full'])
    expect(s.active).toBe(2)
    expect(Slots.queued(s)).toBe(2)
  })

  it('hands a freed slot to the oldest waiting ticket, keeping active at the limit', () => {
    let s = Slots.initial
    for (let i = 0; i < 4; i++) s = Slots.arrive(limits, s)[1]
    const [first, s1] = Slots.release(s)
    expect(first).toEqual(O.some(0))
    expect(s1.active).toBe(2)
    const [second, s2] = Slots.release(s1)
    expect(second).toEqual(O.some(1))
    const [none, s3] = Slots.release(s2)
    expect(none).toEqual(O.none)
    expect(s3.active).toBe(1)
  })

  it('skips tickets that left the line', () => {
    let s = Slots.initial
    for (let i = 0; i < 4; i++) s = Slots.arrive(limits, s)[1]
    const [left, s1] = Slots.leave(s, 0)
    expect(left).toBe(true)
    expect(Slots.isWaiting(s1, 0)).toBe(false)
    expect(Slots.release(s1)[0]).toEqual(O.some(1))
  })

  it('changes nothing for a release with nothing running, or a ticket that is not waiting', () => {
    expect(Slots.release(Slots.initial)).toEqual([O.none, Slots.initial])
    const [, s] = Slots.arrive(limits, Slots.initial)
    expect(Slots.leave(s, 0)).toEqual([false, s])
    expect(Slots.leave(s, 7)).toEqual([false, s])
  })

  it('numbers tickets again once nobody waits, and shares the states with nobody waiting', () => {
    const lim = { limit: 1, queue: 2 }
    const [, busy] = Slots.arrive(lim, Slots.initial)
    const [a, one] = Slots.arrive(lim, busy)
    const [b, two] = Slots.arrive(lim, one)
    expect([a, b]).toEqual([
      { _tag: 'Wait', ticket: 0 },
      { _tag: 'Wait', ticket: 1 }
    ])
    // ticket 0 leaves, ticket 1 takes the slot: nobody waits, so the next ticket is 0 again
    const [, three] = Slots.leave(two, 0)
    const [started, calm] = Slots.release(three)
    expect(O.toUndefined(started)).toBe(1)
    expect(calm).toEqual({ active: 1, waiting: [], next: 0 })
    expect(Slots.arrive(lim, calm)[0]).toEqual({ _tag: 'Wait', ticket: 0 })
    // the uncontended path allocates no state: the same value for the same count
    expect(calm).toBe(busy)
    expect(Slots.release(calm)[1]).toBe(Slots.initial)
    expect(Slots.arrive({ limit: 3, queue: 0 }, Slots.initial)[1]).toBe(busy)
    expect(Object.isFrozen(busy) && Object.isFrozen(busy.waiting)).toBe(true)
  })

  it('agrees with the reference model on every sequence, and keeps its invariants', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(command, { minLength: 10, maxLength: 120, size: 'max' }),
        (limit, queue, commands) => {
          const lim = { limit, queue }
          const model = new Model(lim)
          let s = Slots.initial
          for (const c of commands) {
            switch (c._tag) {
              case 'arrive': {
                const [a, next] = Slots.arrive(lim, s)
                expect(a._tag).toBe(model.arrive())
                if (a._tag === 'Wait') expect(a.ticket).toBe(model.next - 1)
                s = next
                break
              }
              case 'release': {
                const [started, next] = Slots.release(s)
                expect(O.toUndefined(started)).toBe(model.release())
                s = next
                break
              }
              case 'leave': {
                // mostly tickets in the line, sometimes any ticket
                const ticket =
                  model.line.length > 0 && c.pick % 4 !== 0 ? model.line[c.pick % model.line.length]! : c.pick
                const [left, next] = Slots.leave(s, ticket)
                expect(left).toBe(model.leave(ticket))
                s = next
                break
              }
            }
            expect(s.active).toBe(model.active)
            expect(s.next).toBe(model.next)
            expect(Slots.queued(s)).toBe(model.line.length)
            expect(s.active).toBeLessThanOrEqual(limit)
            expect(Slots.queued(s)).toBeLessThanOrEqual(queue)
            if (Slots.queued(s) > 0) expect(s.active).toBe(limit)
            for (const t of model.line) expect(Slots.isWaiting(s, t)).toBe(true)
            expect(JSON.parse(JSON.stringify(s))).toEqual(s)
          }
        }
      ),
      { numRuns: 150 }
    )
  })
})
