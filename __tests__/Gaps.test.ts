/**
 * Deterministic examples for combinations that mutation testing found unchecked (issue 18): each test
 * pins one behaviour that a mutant of the code broke without any other test failing, so that killing
 * it never depends on a property's seed. See docs/testing.md.
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type * as TE from 'fp-ts/TaskEither'
import { capDelay, exponentialBackoff } from 'retry-ts'
import {
  Backoff,
  Breaker,
  Circuit,
  CircuitOpenError,
  Config,
  Decision,
  Event,
  fallbackError,
  isFallbackError,
  type Listener,
  State,
  Strategy,
  Window,
  withBreaker,
  wrap,
  wrapSync
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'

/** The probe permit `admit` gives at `now`, and the state it leaves; fails the test on a rejection. */
const probeAt = (
  c: Circuit.Circuit,
  s: State.State,
  now: number
): readonly [Decision.Permit, State.State] => {
  const [d, next] = c.admit(s, now)
  if (!Decision.isPermit(d))
    throw new Error(`expected a permit at ${now}, got a rejection (${d.retryAfter} ms)`)
  return [d, next]
}

describe('half-open: a probe failure carrying openFor', () => {
  it('re-opens under the next generation, for exactly openFor, at the next backoff level', () => {
    const c = Circuit.make()
    const [probe, half] = probeAt(c, State.open(5, 0, 30_000, 2), 30_000)
    expect(half).toMatchObject({ _tag: 'HalfOpen', generation: 6, attempt: 2 })
    const next = c.step(half, Event.failureOpenFor(probe, 5_000, 10), 30_010)
    expect(next).toEqual(State.open(7, 30_010, 5_000, 3))
    // the probe's permit is late now: it moves nothing
    expect(c.step(next, Event.failure(probe), 30_020)).toBe(next)
  })
})

describe('MetricsOnly: successes and ignored outcomes', () => {
  const strategy = Strategy.consecutiveFailures(3)
  const c = Circuit.make({ strategy })
  const record = (s: State.State, outcome: 'success' | 'failure' | 'ignore', now: number): State.State => {
    const [d, admitted] = c.admit(s, now)
    if (!Decision.isPermit(d)) throw new Error('MetricsOnly admits every call')
    return c.step(admitted, Event.outcome(outcome, d, 1), now + 1)
  }
  const tallyOf = (failures: ReadonlyArray<boolean>): Strategy.Tally =>
    failures.reduce(
      (t, failure, i) => Strategy.recordOutcome(strategy, t, failure, 1, i),
      Strategy.initial(strategy)
    )

  it('records a success as a success: it resets the consecutive failures', () => {
    const trial = c.step(c.initial(0), Event.metricsOnly, 0)
    const afterFailures = record(record(trial, 'failure', 1), 'failure', 2)
    expect(afterFailures).toMatchObject({ _tag: 'MetricsOnly', tally: tallyOf([true, true]) })
    const afterSuccess = record(afterFailures, 'success', 3)
    expect(afterSuccess).toMatchObject({ _tag: 'MetricsOnly', tally: tallyOf([true, true, false]) })
    expect(record(afterSuccess, 'failure', 4)).toMatchObject({ tally: tallyOf([false, true]) })
  })

  it('leaves the tally as it is on an ignored outcome (not counted as a success)', () => {
    const trial = c.step(c.initial(0), Event.metricsOnly, 0)
    const afterFailure = record(trial, 'failure', 1)
    expect(record(afterFailure, 'ignore', 2)).toBe(afterFailure)
  })
})

describe('halfOpenFailureRate: slots after a probe failure that does not decide yet', () => {
  const c = Circuit.make({ halfOpenProbes: 4, halfOpenFailureRate: 0.5, openFor: 1_000, probeLease: 60_000 })

  it('keeps the answered failure in its slot, frees the slot of an ignored probe, and re-opens at the rate', () => {
    const [p0, h0] = probeAt(c, State.open(1, 0, 1_000, 0), 1_000)
    const [p1, h1] = probeAt(c, h0, 1_001)
    const [p2, h2] = probeAt(c, h1, 1_002)
    const [p3, h3] = probeAt(c, h2, 1_003)
    expect([p0.ticket, p1.ticket, p2.ticket, p3.ticket]).toEqual([0, 1, 2, 3])
    expect(Decision.isRejection(c.admit(h3, 1_004)[0])).toBe(true)

    // 1 failure of 4 probes: below the rate, pending; its slot stays taken (3 leases + 1 failure)
    const f = c.step(h3, Event.failure(p0, 5), 1_005)
    expect(f).toMatchObject({ _tag: 'HalfOpen', successes: 0, failures: 1 })
    expect((f as State.HalfOpen).leases.map((l) => l.ticket)).toEqual([1, 2, 3])
    expect(c.admit(f, 1_006)).toEqual([Decision.rejection(61_001 - 1_006), f])

    // an ignored probe frees its slot: the next call is the probe with ticket 4
    const i = c.step(f, Event.ignored(p1, 5), 1_007)
    expect(i).toMatchObject({ _tag: 'HalfOpen', successes: 0, failures: 1, nextTicket: 4 })
    const [p4, h4] = probeAt(c, i, 1_008)
    expect(p4).toEqual(Decision.probe(1 + 1, 4))
    expect(Decision.isRejection(c.admit(h4, 1_009)[0])).toBe(true)

    // a second failure reaches 2 / 4 = 0.5: re-open at the next level
    expect(c.step(h4, Event.failure(p2, 5), 1_010)).toEqual(State.open(3, 1_010, 1_000, 1))
  })
})

describe('step(Admitted) replayed or duplicated', () => {
  const c = Circuit.make({ halfOpenProbes: 2, openFor: 1_000, probeLease: 5_000 })
  const open = State.open(3, 0, 1_000, 0)

  it('in Open: only the first probe of the next generation, once the open time ran out, starts HalfOpen', () => {
    expect(c.step(open, Event.admitted(Decision.probe(4, 0)), 1_000)).toEqual(
      State.halfOpen(4, 1_000, 0, 1, [{ ticket: 0, expiresAt: 6_000 }], 0, 0)
    )
    expect(c.step(open, Event.admitted(Decision.probe(4, 0)), 999)).toBe(open)
    expect(c.step(open, Event.admitted(Decision.probe(3, 0)), 1_000)).toBe(open)
    expect(c.step(open, Event.admitted(Decision.probe(5, 0)), 1_000)).toBe(open)
    expect(c.step(open, Event.admitted(Decision.probe(4, 1)), 1_000)).toBe(open)
    expect(c.step(open, Event.admitted(Decision.permit(4)), 1_000)).toBe(open)
  })

  it('in HalfOpen: a wrong generation, a wrong or replayed ticket, a plain permit or a full state change nothing', () => {
    const [p0, h0] = probeAt(c, open, 1_000)
    expect(p0).toEqual(Decision.probe(4, 0))
    // the admission recorded twice: ticket 0 is no longer the next one
    expect(c.step(h0, Event.admitted(p0), 1_001)).toBe(h0)
    expect(c.step(h0, Event.admitted(Decision.probe(3, 1)), 1_001)).toBe(h0)
    expect(c.step(h0, Event.admitted(Decision.probe(5, 1)), 1_001)).toBe(h0)
    expect(c.step(h0, Event.admitted(Decision.probe(4, 2)), 1_001)).toBe(h0)
    expect(c.step(h0, Event.admitted(Decision.permit(4)), 1_001)).toBe(h0)

    const h1 = c.step(h0, Event.admitted(Decision.probe(4, 1)), 1_001)
    expect(h1).toEqual(
      State.halfOpen(
        4,
        1_000,
        0,
        2,
        [
          { ticket: 0, expiresAt: 6_000 },
          { ticket: 1, expiresAt: 6_001 }
        ],
        0,
        0
      )
    )
    // both slots taken: the next ticket is refused until a lease expires
    expect(c.step(h1, Event.admitted(Decision.probe(4, 2)), 1_002)).toBe(h1)
    const h2 = c.step(h1, Event.admitted(Decision.probe(4, 2)), 6_000)
    expect(h2).toMatchObject({ _tag: 'HalfOpen', nextTicket: 3 })
    expect((h2 as State.HalfOpen).leases.map((l) => l.ticket)).toEqual([0, 1, 2])
  })
})

describe('retryAfter of a full HalfOpen near halfOpenMaxDuration', () => {
  // levels 0, 1, 2, ... open for 1 s, 2 s, 4 s, ...
  const backoff = capDelay(60_000, exponentialBackoff(1_000))

  it('answers with the re-open at the next backoff level when the deadline comes before a lease expires', () => {
    const c = Circuit.make({ backoff, halfOpenMaxDuration: 3_000, probeLease: 10_000 })
    const [, half] = probeAt(c, State.open(2, 0, 2_000, 1), 2_000)
    expect(half).toMatchObject({ _tag: 'HalfOpen', since: 2_000, attempt: 1 })
    // deadline 5_000, then open for level 2 (4 s): a call may pass at 9_000
    expect(c.retryAfter(half, 2_500)).toBe(9_000 - 2_500)
    expect(c.admit(half, 2_500)[0]).toEqual(Decision.rejection(6_500))
    expect(c.retryAfter(half, 5_000)).toBe(4_000)
    expect(c.admit(half, 5_000)).toEqual([Decision.rejection(4_000), State.open(4, 5_000, 4_000, 2)])
  })

  it('with jitter, answers with the jittered re-open of the new generation dated at the deadline', () => {
    const c = Circuit.make({ backoff, jitter: 0.5, halfOpenMaxDuration: 3_000, probeLease: 10_000 })
    const [, half] = probeAt(c, State.open(2, 0, 2_000, 1), 2_000)
    const openFor = Backoff.jittered(4_000, 0.5, 4, 5_000)
    expect(openFor).toBeLessThan(4_000)
    expect(c.retryAfter(half, 2_500)).toBe(5_000 + openFor - 2_500)
    expect(c.asOf(half, 5_000)).toEqual(State.open(4, 5_000, openFor, 2))
  })

  it('a lease expiring exactly at the deadline frees no slot: the re-open answers', () => {
    const c = Circuit.make({ backoff, halfOpenMaxDuration: 3_000, probeLease: 3_000 })
    const [, half] = probeAt(c, State.open(2, 0, 2_000, 1), 2_000)
    expect((half as State.HalfOpen).leases).toEqual([{ ticket: 0, expiresAt: 5_000 }])
    expect(c.retryAfter(half, 4_000)).toBe(9_000 - 4_000)
    // a lease expiring one millisecond before the deadline does free a slot then
    const d = Circuit.make({ backoff, halfOpenMaxDuration: 3_001, probeLease: 3_000 })
    const [, early] = probeAt(d, State.open(2, 0, 2_000, 1), 2_000)
    expect(d.retryAfter(early, 4_000)).toBe(1_000)
  })

  it('with halfOpenExpiry close, answers with the deadline itself', () => {
    const c = Circuit.make({
      backoff,
      halfOpenMaxDuration: 3_000,
      halfOpenExpiry: 'close',
      probeLease: 10_000
    })
    const [, half] = probeAt(c, State.open(2, 0, 2_000, 1), 2_000)
    expect(c.retryAfter(half, 2_500)).toBe(2_500)
    expect(c.retryAfter(half, 5_000)).toBe(0)
  })
})

describe('Strategy and Window guards', () => {
  it('slowCallDuration of a composition is the smallest, wherever it comes', () => {
    const window = Window.count(10)
    const slow = (slowCallDuration: number) =>
      Strategy.slowCallRate({ window, threshold: 0.5, slowCallDuration })
    expect(Strategy.slowCallDuration(Strategy.any(slow(300), slow(800)))).toBe(300)
    expect(Strategy.slowCallDuration(Strategy.any(slow(800), slow(300), slow(500)))).toBe(300)
    expect(Strategy.slowCallDuration(Strategy.any(Strategy.consecutiveFailures(2), slow(700)))).toBe(700)
  })

  it('isSlow: at least slowCallDuration, NaN never', () => {
    expect(Strategy.isSlow(100, { failure: false, duration: 100 })).toBe(true)
    expect(Strategy.isSlow(100, { failure: true, duration: 150 })).toBe(true)
    expect(Strategy.isSlow(100, { failure: false, duration: 99.9 })).toBe(false)
    expect(Strategy.isSlow(100, { failure: true, duration: NaN })).toBe(false)
  })

  it('isCountWindow and isTimeWindow tell the two windows apart', () => {
    const count = Window.count(5)
    const time = Window.time(10_000, 10)
    expect([Window.isCountWindow(count), Window.isTimeWindow(count)]).toEqual([true, false])
    expect([Window.isCountWindow(time), Window.isTimeWindow(time)]).toEqual([false, true])
  })
})

describe('Backoff: no delay at level 0, and the jitter hash', () => {
  it('a policy with no delay at level 0 gives NaN at level 0, and the circuit opens for openFor instead', () => {
    const none = Backoff.fromPolicy(() => O.none)
    expect(none.delay(0)).toEqual([0, NaN])
    expect(none.delay(3)).toEqual([0, NaN])
    const config = { ...Config.resolve({ openFor: 7_000, failureThreshold: 1 }), backoff: () => O.none }
    const c = Circuit.fromConfig(config)
    const [d, s] = c.admit(c.initial(0), 10)
    if (!Decision.isPermit(d)) throw new Error('a closed circuit admits')
    expect(c.step(s, Event.failure(d), 10)).toEqual(State.open(1, 10, 7_000, 0))
  })

  it('unit depends on the generation, the low and high words of openedAt and its fraction', () => {
    const base = Backoff.unit(3, 1_000)
    expect(base).toBeGreaterThanOrEqual(0)
    expect(base).toBeLessThan(1)
    const others = [
      Backoff.unit(4, 1_000),
      Backoff.unit(3, 1_001),
      Backoff.unit(3, 1_000 + 2 ** 32),
      Backoff.unit(3, 1_000.5),
      Backoff.unit(3, 1_000 + 2 ** -20)
    ]
    for (const u of others) {
      expect(u).not.toBe(base)
      expect(u).toBeGreaterThanOrEqual(0)
      expect(u).toBeLessThan(1)
    }
    expect(new Set(others).size).toBe(others.length)
    expect(Backoff.unit(3, 1_000)).toBe(base)
  })
})

describe('runtime: guards, durations, metrics and listeners', () => {
  const events = (b: Breaker.Breaker) => {
    const seen: Array<Listener.BreakerEvent> = []
    const unsubscribe = b.subscribe((e) => {
      seen.push(e)
    })
    return { seen, unsubscribe }
  }
  const outcomes = (seen: ReadonlyArray<Listener.BreakerEvent>) =>
    seen.flatMap((e) =>
      e._tag === 'Success' || e._tag === 'Failure' || e._tag === 'Ignored'
        ? [[e._tag, e.duration] as const]
        : []
    )

  it('isFallbackError is true of a FallbackError only', () => {
    const rejection = new CircuitOpenError('svc', 1_000)
    expect(isFallbackError(fallbackError('cause', rejection))).toBe(true)
    expect(isFallbackError({ _tag: 'FallbackError' })).toBe(true)
    for (const u of [
      null,
      undefined,
      'FallbackError',
      0,
      {},
      { _tag: 'Fallback' },
      { tag: 'FallbackError' },
      rejection,
      Object.assign(() => 0, { _tag: 'FallbackError' })
    ]) {
      expect(isFallbackError(u)).toBe(false)
    }
  })

  it('records how long a function that throws or rejects ran (wrap, wrapSync, withBreaker)', async () => {
    const clock = testClock(1_000)
    const b = Breaker.make({ failureThreshold: 10 }, { name: 'svc', clock: clock.now })()
    const { seen } = events(b)
    await expect(
      wrap(b)(async () => {
        clock.advance(250)
        throw new Error('down')
      })()
    ).rejects.toThrow('down')
    expect(() =>
      wrapSync(b)(() => {
        clock.advance(40)
        throw new Error('sync down')
      })()
    ).toThrow('sync down')
    const defect: TE.TaskEither<string, number> = () => {
      clock.advance(7)
      return Promise.reject(new Error('defect'))
    }
    await expect(withBreaker(b)(defect)()).rejects.toThrow('defect')
    expect(outcomes(seen)).toEqual([
      ['Failure', 250],
      ['Failure', 40],
      ['Failure', 7]
    ])
    expect(b.metrics().latency).toMatchObject({ count: 3, max: 250 })
  })

  it('counts calls of at least the strategy slowCallDuration as slow in the metrics', async () => {
    const clock = testClock(0)
    const strategy = Strategy.slowCallRate({
      window: Window.count(3),
      threshold: 0.6,
      slowCallDuration: 100,
      minimumCalls: 3
    })
    const b = Breaker.make({ strategy }, { name: 'svc', clock: clock.now })()
    const call = wrap(b)(async (ms: number) => {
      clock.advance(ms)
      return ms
    })
    for (const ms of [100, 99, 100]) await call(ms)
    // the window tripped the circuit; an open circuit shows the rate of the period that opened it
    expect(b.state()._tag).toBe('Open')
    expect(b.metrics().slowCallRate).toBeCloseTo(2 / 3, 10)
  })

  it('a listener subscribed after calls went through the untimed fast path sees the next call, timed', async () => {
    const clock = testClock(0)
    const b = Breaker.make({}, { name: 'svc', clock: clock.now })()
    const task = (): Promise<E.Either<string, string>> => {
      clock.advance(3)
      return Promise.resolve(E.right('ok'))
    }
    const guarded = withBreaker(b)(task)
    for (let i = 0; i < 50; i++) await guarded()
    const { seen } = events(b)
    await guarded()
    expect(outcomes(seen)).toEqual([['Success', 3]])
  })

  it('unsubscribing twice removes the one subscription, not another of the same listener', async () => {
    const b = Breaker.make({ failureThreshold: 10 }, { name: 'svc', clock: testClock(0).now })()
    const seen: Array<string> = []
    const listener = (e: Listener.BreakerEvent) => {
      seen.push(e._tag)
    }
    const first = b.subscribe(listener)
    b.subscribe(listener)
    first()
    first()
    await wrap(b)(async () => 1)()
    expect(seen).toEqual(['Success'])
  })
})

describe('runtime: the latency sampling rate', () => {
  afterEach(() => {
    jest.restoreAllMocks()
  })

  /** How many of `calls` calls, `gap` ms apart, the breaker times (the sample's jitter pinned to its mean). */
  const timedOf = (calls: number, gap: number, latencySamplesPerSecond?: number, random = 0.5): number => {
    jest.spyOn(Math, 'random').mockReturnValue(random)
    const clock = testClock(0)
    const options = latencySamplesPerSecond === undefined ? {} : { latencySamplesPerSecond }
    const b = Breaker.make({}, { ...options, clock: clock.now })()
    let timed = 0
    for (let i = 0; i < calls; i++) {
      clock.advance(gap)
      if (O.isSome(b.start())) timed++
    }
    return timed
  }

  it('times about latencySamplesPerSecond calls a second above that rate', () => {
    // 10,000 calls a second for 2 s: about 1,000 a second are timed, after a ramp of a few calls
    const timed = timedOf(20_000, 0.1)
    expect(timed).toBeGreaterThanOrEqual(2_000)
    expect(timed).toBeLessThanOrEqual(2_010)
    // 100 a second asked for: about 200 in 2 s
    const fewer = timedOf(20_000, 0.1, 100)
    expect(fewer).toBeGreaterThanOrEqual(200)
    expect(fewer).toBeLessThanOrEqual(210)
  })

  it('jitters the span between timed calls within half of it either way', () => {
    // 10,000 calls a second, 1,000 timed a second on average: spans of 10 calls, jittered by a factor
    // of 0.5 + Math.random(). A fifth below the mean, spans settle at 10 * 0.8 = 8 calls (2,500 timed
    // in 2 s); near half above it, at round(10 * 1.499) = 15 (1,333 in 2 s).
    const at = (random: number): number => {
      jest.restoreAllMocks()
      return timedOf(20_000, 0.1, undefined, random)
    }
    const below = at(0.3)
    expect(below).toBeGreaterThanOrEqual(2_500)
    expect(below).toBeLessThanOrEqual(2_510)
    const above = at(0.999)
    expect(above).toBeGreaterThanOrEqual(1_333)
    expect(above).toBeLessThanOrEqual(1_345)
  })

  it('lets the span between timed calls at most double at once', () => {
    // the first calls after a quiet breaker: 1, 1, 2, 4, 8, then 10 calls between timed ones
    jest.spyOn(Math, 'random').mockReturnValue(0.5)
    const clock = testClock(0)
    const b = Breaker.make({}, { clock: clock.now })()
    const timedAt: Array<number> = []
    for (let i = 1; i <= 60; i++) {
      clock.advance(0.1)
      if (O.isSome(b.start())) timedAt.push(i)
    }
    expect(timedAt.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 26, 36])
  })
})
