import type * as E from 'fp-ts/Either'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import { Breaker, Decision, Metrics, type Scheduler, Strategy, Window, withBreaker } from 'tripswitch'
import { testClock } from 'tripswitch/testing'

const setup = (config: Breaker.Settings = {}) => {
  const clock = testClock(1_000)
  const breaker = Breaker.make(config, { name: 'payments', clock: clock.now })()
  const call = (verdict: 'success' | 'failure' | 'ignore', duration = 0) => {
    const d = breaker.admit(clock.now())
    if (Decision.isPermit(d)) {
      clock.advance(duration)
      breaker.record(d, verdict, duration, clock.now())
    }
    return d
  }
  return { clock, breaker, call }
}

describe('Metrics', () => {
  it('starts with zero counts, no rates and no latency', () => {
    const { breaker } = setup()
    expect(breaker.metrics()).toEqual({
      name: 'payments',
      state: 'Closed',
      since: 1_000,
      timeInState: 0,
      retryAfter: 0,
      failureRate: null,
      slowCallRate: null,
      counts: {
        calls: 0,
        successes: 0,
        failures: 0,
        ignored: 0,
        rejected: 0,
        timeouts: 0,
        fallbacks: 0,
        fallbackFailures: 0,
        inFlight: 0
      },
      latency: { count: 0, mean: null, min: null, max: null, p50: null, p90: null, p99: null }
    })
  })

  it('counts calls, outcomes, rejections and calls in flight', () => {
    const { breaker, call } = setup({ failureThreshold: 2 })
    call('success', 10)
    call('ignore', 20)
    call('failure', 30)
    breaker.admit(0) // admitted, never settled
    call('failure', 40)
    call('success')
    call('success')
    expect(breaker.metrics().counts).toEqual({
      calls: 7,
      successes: 1,
      failures: 2,
      ignored: 1,
      rejected: 2,
      timeouts: 0,
      fallbacks: 0,
      fallbackFailures: 0,
      inFlight: 1
    })
  })

  it('reports the state, time in state and retryAfter of an open circuit', () => {
    const { clock, breaker, call } = setup({ failureThreshold: 1, openFor: 5_000 })
    call('failure', 100)
    clock.advance(1_500)
    const m = breaker.metrics()
    expect([m.state, m.since, m.timeInState, m.retryAfter]).toEqual(['Open', 1_100, 1_500, 3_500])
  })

  it('keeps the rates that opened the circuit while open, and starts afresh on half-open', () => {
    const { clock, breaker, call } = setup({ failureThreshold: 2, openFor: 1_000 })
    call('success')
    call('success')
    call('failure')
    call('failure')
    expect(breaker.metrics().failureRate).toBe(0.5)
    clock.advance(1_000)
    breaker.admit(clock.now())
    expect(breaker.metrics().state).toBe('HalfOpen')
    expect(breaker.metrics().failureRate).toBeNull()
  })

  it('gives latency percentiles from the recorded durations', () => {
    const { breaker, call } = setup({ failureThreshold: 1_000 })
    for (let ms = 1; ms <= 100; ms++) call(ms % 10 === 0 ? 'failure' : 'success', ms)
    const { latency } = breaker.metrics()
    expect(latency.count).toBe(100)
    expect(latency.min).toBe(1)
    expect(latency.max).toBe(100)
    expect(latency.mean).toBe(50.5)
    expect(Math.abs(latency.p50! - 50) / 50).toBeLessThanOrEqual(1 / 16)
    expect(Math.abs(latency.p90! - 90) / 90).toBeLessThanOrEqual(1 / 16)
    expect(Math.abs(latency.p99! - 99) / 99).toBeLessThanOrEqual(1 / 16)
    expect(breaker.metrics().failureRate).toBe(0.1)
  })

  it('counts fallbacks and timeouts (a timeout also counts as a failure)', async () => {
    const { clock, breaker } = setup({ failureThreshold: 1 })
    let fire: () => void = () => undefined
    const scheduler: Scheduler = (callback) => {
      fire = callback
      return () => undefined
    }
    const slow = withBreaker(breaker, { timeout: 200, scheduler })
    const pending = slow(() => new Promise<E.Either<string, number>>(() => undefined))()
    clock.advance(250)
    fire()
    await pending
    await withBreaker(breaker, { fallback: () => T.of(0) })(TE.right(1))()
    await withBreaker(breaker, { fallback: () => () => Promise.reject(new Error('x')) })(TE.right(1))().catch(
      () => undefined
    )
    expect(breaker.metrics().counts).toMatchObject({
      calls: 3,
      failures: 1,
      timeouts: 1,
      rejected: 2,
      fallbacks: 1,
      fallbackFailures: 1,
      inFlight: 0
    })
    expect(breaker.metrics().latency.max).toBe(250)
  })

  it('is JSON-safe: a forced-open circuit has retryAfter null, not Infinity', () => {
    const { breaker } = setup()
    Breaker.forceOpen(breaker)()
    const m = breaker.metrics()
    expect(m.retryAfter).toBeNull()
    expect(JSON.parse(JSON.stringify(m))).toEqual(m)
  })

  it('counts slow calls when the breaker has a slow-call threshold', () => {
    const r = Metrics.recorder(100)
    Metrics.recordOutcome(r, 'Success', 50)
    Metrics.recordOutcome(r, 'Success', 100)
    Metrics.recordOutcome(r, 'Failure', 300)
    Metrics.recordOutcome(r, 'Ignored', 500)
    const s = Metrics.snapshot('x', r, { _tag: 'Disabled', generation: 1, since: 0 }, 0, 10)
    expect(s.slowCallRate).toBeCloseTo(2 / 3)
    expect(s.failureRate).toBeCloseTo(1 / 3)
    expect(s.counts.ignored).toBe(1)
  })

  it("takes the rates from the trip strategy's windows while closed: a count window of 4 forgets the oldest call", () => {
    const window = Window.count(4)
    const { breaker, call } = setup({
      strategy: Strategy.any(
        Strategy.failureRate({ window, threshold: 0.9 }),
        Strategy.slowCallRate({ window, threshold: 0.9, slowCallDuration: 100 })
      )
    })
    call('failure', 150)
    call('success', 10)
    call('success', 10)
    call('success', 10)
    expect([breaker.metrics().failureRate, breaker.metrics().slowCallRate]).toEqual([0.25, 0.25])
    call('success', 10)
    // the period (since the breaker was made) still holds the failure; the window no longer does
    expect([breaker.metrics().failureRate, breaker.metrics().slowCallRate]).toEqual([0, 0])
  })

  it('expires the rates of a time window after an idle period', () => {
    const { clock, breaker, call } = setup({
      strategy: Strategy.failureRate({ window: Window.time(10_000, 10), threshold: 0.9, minimumCalls: 100 })
    })
    call('failure')
    call('success')
    expect(breaker.metrics().failureRate).toBe(0.5)
    clock.advance(60_000)
    expect(breaker.metrics().failureRate).toBeNull()
  })

  it('has no slow-call rate without a threshold', () => {
    const r = Metrics.recorder()
    Metrics.recordOutcome(r, 'Success', 1e9)
    expect(
      Metrics.snapshot('x', r, { _tag: 'Disabled', generation: 1, since: 0 }, 0, 0).slowCallRate
    ).toBeNull()
  })

  it('keeps a fixed memory footprint: the histogram does not grow with traffic', () => {
    const { breaker, call } = setup({ failureThreshold: 1_000_000 })
    call('success', 1)
    const before = JSON.stringify(breaker.metrics().latency).length
    for (let i = 0; i < 20_000; i++) call(i % 3 === 0 ? 'failure' : 'success', i % 977)
    expect(breaker.metrics().latency.count).toBe(20_001)
    expect(JSON.stringify(breaker.metrics().latency).length).toBeLessThan(before + 64)
  })
})

describe('Metrics views for people', () => {
  it('shows times in whole milliseconds, retryAfter rounded up, latencies to the microsecond', async () => {
    let t = 1_796_139_399_255.0146
    const b = Breaker.make({ failureThreshold: 1, openFor: 200, clock: () => t })()
    await withBreaker(b)(() => {
      t += 1.38119
      return Promise.resolve({ _tag: 'Left', left: 'down' } as const)
    })()
    t += 1.3
    const m = b.metrics()
    expect(m.since).toBe(1_796_139_399_256)
    expect(m.timeInState).toBe(1)
    expect(m.retryAfter).toBe(199)
    expect(m.latency.max).toBeCloseTo(1.381, 3)
    for (const n of [m.since, m.timeInState, m.retryAfter]) expect(Number.isInteger(n)).toBe(true)
    const ms = m.latency.max ?? NaN
    expect(Math.round(ms * 1_000)).toBe(ms * 1_000)
    const rejected = await withBreaker(b)(TE.right(1))()
    expect(JSON.parse(JSON.stringify(rejected))).toMatchObject({ left: { retryAfter: 199 } })
  })
})
