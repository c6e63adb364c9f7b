/**
 * Deterministic examples for the mutants of src/Circuit.ts that no other test killed (issue 18, see
 * docs/testing.md "Mutation testing"): each test names the behaviour it pins.
 */
import * as O from 'fp-ts/Option'
import { Circuit, Decision, Event, State, Strategy, Window } from 'tripswitch'

describe('half-open: which expired leases a state keeps', () => {
  const c = Circuit.make({ halfOpenProbes: 1, probeLease: 100 })

  it('counts a lease expiring exactly now as expired: of two, only the most recent is kept', () => {
    const half = State.halfOpen(
      4,
      0,
      0,
      2,
      [
        { ticket: 0, expiresAt: 100 },
        { ticket: 1, expiresAt: 100 }
      ],
      0,
      0
    )
    // ticket 0 is forgotten at 100: its answer is late and moves nothing
    expect(c.step(half, Event.success(Decision.probe(4, 0), 5), 100)).toBe(half)
    // ticket 1 is kept: its answer still decides
    expect(c.step(half, Event.success(Decision.probe(4, 1), 5), 100)).toEqual(
      State.closed(5, 100, 0, Strategy.initial(c.strategy))
    )
  })

  it('keeps every live lease, wherever it comes among the leases, and forgets the oldest expired ones', () => {
    // a restored state need not list its leases by expiry: ticket 0 is still live at 300
    const half = State.halfOpen(
      4,
      0,
      0,
      3,
      [
        { ticket: 0, expiresAt: 10_000 },
        { ticket: 1, expiresAt: 100 },
        { ticket: 2, expiresAt: 200 }
      ],
      0,
      0
    )
    expect(c.step(half, Event.ignored(Decision.probe(4, 0)), 300)).toEqual(
      State.halfOpen(4, 0, 0, 3, [{ ticket: 2, expiresAt: 200 }], 0, 0)
    )
    // ticket 1, the oldest expired lease, is forgotten
    expect(c.step(half, Event.failure(Decision.probe(4, 1)), 300)).toBe(half)
  })

  it('forgets none while at most halfOpenProbes leases have expired: the oldest still decides', () => {
    const two = Circuit.make({ halfOpenProbes: 2, probeLease: 100 })
    const half = State.halfOpen(
      4,
      0,
      0,
      2,
      [
        { ticket: 0, expiresAt: 100 },
        { ticket: 1, expiresAt: 150 }
      ],
      0,
      0
    )
    // both expired at 200, as many as the probes: the oldest one's failure still re-opens the circuit
    expect(two.step(half, Event.failure(Decision.probe(4, 0)), 200)).toEqual(State.open(5, 200, 30_000, 1))
    // and its ignored outcome frees its lease alone
    expect(two.step(half, Event.ignored(Decision.probe(4, 0)), 200)).toEqual(
      State.halfOpen(4, 0, 0, 2, [{ ticket: 1, expiresAt: 150 }], 0, 0)
    )
  })
})

describe('step(Admitted) of a permit that is not a probe', () => {
  const c = Circuit.make({ halfOpenProbes: 2, openFor: 1_000, probeLease: 5_000 })
  // a plain permit carrying the ticket a probe would have: built by hand, not by admit
  const plain = (generation: number): Decision.Permit => ({ ...Decision.permit(generation), ticket: 0 })

  it('never starts HalfOpen in Open, whatever its ticket', () => {
    const open = State.open(3, 0, 1_000, 0)
    expect(c.step(open, Event.admitted(plain(4)), 1_000)).toBe(open)
  })

  it('never takes a half-open slot, whatever its ticket', () => {
    const half = State.halfOpen(4, 1_000, 0, 0, [], 0, 0)
    expect(c.step(half, Event.admitted(plain(4)), 1_001)).toBe(half)
  })

  it('decides nothing in HalfOpen by its outcome, whatever its ticket', () => {
    const half = State.halfOpen(4, 1_000, 0, 1, [{ ticket: 0, expiresAt: 6_000 }], 0, 0)
    expect(c.step(half, Event.success(plain(4), 5), 1_001)).toBe(half)
    expect(c.step(half, Event.failure(plain(4), 5), 1_001)).toBe(half)
  })
})

describe('step(Admitted) in a HalfOpen state whose slots an answered probe fills', () => {
  it('takes no slot while a success and a live lease hold them all', () => {
    const c = Circuit.make({ halfOpenProbes: 2, successThreshold: 2, openFor: 1_000, probeLease: 5_000 })
    const half = State.halfOpen(4, 1_000, 0, 2, [{ ticket: 1, expiresAt: 6_001 }], 1, 0)
    expect(c.admit(half, 1_002)[0]).toEqual(Decision.rejection(6_001 - 1_002))
    expect(c.step(half, Event.admitted(Decision.probe(4, 2)), 1_002)).toBe(half)
    // once the lease expires, the slot is free again
    expect(c.step(half, Event.admitted(Decision.probe(4, 2)), 6_001)).toMatchObject({ nextTicket: 3 })
  })
})

describe('MetricsOnly: an outcome that leaves the tally as it is', () => {
  it('leaves the state itself as it is (the same value, not a copy)', () => {
    const c = Circuit.make({ failureThreshold: 3 })
    const trial = c.step(c.initial(0), Event.metricsOnly, 0)
    const [d, admitted] = c.admit(trial, 1)
    if (!Decision.isPermit(d)) throw new Error('MetricsOnly admits every call')
    // no consecutive failures yet: a success leaves the tally, and so the state, unchanged
    expect(c.step(admitted, Event.success(d, 1), 2)).toBe(admitted)
  })
})

describe('admitUntimed: one shared permit per generation', () => {
  it('gives the same permit value for every call of a generation, and a new one for the next', () => {
    const c = Circuit.make()
    const s0 = c.initial(0)
    const first = c.admitUntimed(s0)
    expect(first).toEqual(O.some(Decision.permit(0)))
    expect(c.admitUntimed(s0)).toBe(first)
    const s1 = c.step(s0, Event.reset, 1)
    const next = c.admitUntimed(s1)
    expect(next).toEqual(O.some(Decision.permit(1)))
    expect(c.admitUntimed(s1)).toBe(next)
  })
})

describe('stepUntimed: when an outcome needs no clock', () => {
  const c = Circuit.make()
  const outcome = Event.failure(Decision.permit(2))

  it('is the state itself in Open, ForcedOpen and Disabled, which no outcome moves', () => {
    for (const s of [State.open(2, 0, 30_000, 0), State.forcedOpen(2, 0), State.disabled(2, 0)]) {
      expect(c.stepUntimed(s, outcome)).toEqual(O.some(s))
    }
  })

  it('is None in Closed when the strategy reads the clock (a time window)', () => {
    const timed = Circuit.make({
      strategy: Strategy.failureRate({ window: Window.time(10_000, 10), threshold: 0.5, minimumCalls: 5 })
    })
    const closed = timed.initial(0)
    expect(timed.stepUntimed(closed, Event.failure(Decision.permit(0)))).toEqual(O.none)
  })

  it('is the state itself for a late outcome, also when the strategy reads the clock', () => {
    const timed = Circuit.make({
      strategy: Strategy.failureRate({ window: Window.time(10_000, 10), threshold: 0.5, minimumCalls: 5 })
    })
    const closed = timed.step(timed.initial(0), Event.reset, 1)
    expect(timed.stepUntimed(closed, Event.failure(Decision.permit(0)))).toEqual(O.some(closed))
  })
})

describe('isUnmovedBySuccess: a late success', () => {
  it('is true for a permit of an earlier generation, even where a current success would move the tally', () => {
    const c = Circuit.make({ failureThreshold: 3 })
    const [d, s] = c.admit(c.step(c.initial(0), Event.reset, 0), 1)
    if (!Decision.isPermit(d)) throw new Error('a closed circuit admits')
    const afterFailure = c.step(s, Event.failure(d), 1)
    // one consecutive failure: a success of this generation resets it
    expect(c.isUnmovedBySuccess(afterFailure, Decision.permit(1))).toBe(false)
    // a success of generation 0, before the reset, is late: it moves nothing
    expect(c.isUnmovedBySuccess(afterFailure, Decision.permit(0))).toBe(true)
    expect(c.step(afterFailure, Event.success(Decision.permit(0)), 2)).toBe(afterFailure)
  })
})

describe('isUnmovedBySuccess where no outcome moves the state', () => {
  it('is true in Open, ForcedOpen and Disabled', () => {
    const c = Circuit.make()
    for (const s of [State.open(2, 0, 30_000, 0), State.forcedOpen(2, 0), State.disabled(2, 0)]) {
      expect(c.isUnmovedBySuccess(s, Decision.permit(2))).toBe(true)
    }
  })
})

describe('wouldTrip: only the crossing within one MetricsOnly generation', () => {
  const strategy = Strategy.failureRate({ window: Window.time(1_000, 10), threshold: 0.5, minimumCalls: 2 })
  const c = Circuit.make({ strategy })
  const tripped = [0, 1].reduce(
    (t, i) => Strategy.recordOutcome(strategy, t, true, 1, i),
    Strategy.initial(strategy)
  )

  it('is false across generations, even when the new tally trips', () => {
    const prev = State.metricsOnly(1, 0, Strategy.initial(strategy))
    const next = State.metricsOnly(2, 0, tripped)
    expect(c.wouldTrip(prev, State.metricsOnly(1, 0, tripped), 1)).toBe(true)
    expect(c.wouldTrip(prev, next, 1)).toBe(false)
  })

  it('is false for an update that left the tally as it was, though the window has moved on since', () => {
    const s = State.metricsOnly(1, 0, tripped)
    // at 5_000 the window no longer holds the failures: the tally is not tripped at that time
    expect(Strategy.isTripped(strategy, tripped, 5_000)).toBe(false)
    expect(c.wouldTrip(s, s, 5_000)).toBe(false)
  })
})
