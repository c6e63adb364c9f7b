import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as IO from 'fp-ts/IO'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import { constantDelay } from 'retry-ts'
import {
  Breaker,
  Classifier,
  ConfigError,
  type Config,
  Decision,
  Event,
  guarded,
  guardedSync,
  type Listener,
  Registry,
  type Scheduler,
  Strategy,
  Window,
  withBreaker,
  wrap,
  wrapSync
} from 'tripswitch'
import { testClock, type TestClock } from 'tripswitch/testing'
import { type Action, action, configInput } from './_support/arbitraries'
import { thrownProblems } from './_support/problems'

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** A clock that counts how often it is read. */
const counting = (clock: TestClock) => {
  let reads = 0
  return {
    now: (): number => {
      reads++
      return clock.now()
    },
    reads: (): number => reads
  }
}

const isTimed = (start: number): boolean => !Number.isNaN(start)

/** `start()` as a number: the clock's reading for a timed call, `NaN` for an untimed one. */
const startOf = (b: Breaker.Breaker): number => O.getOrElse(() => NaN)(b.start())

/** A time or duration for `admit` and `record`: given when known, left out when `NaN`. */
const at = (t: number): number | undefined => (Number.isNaN(t) ? undefined : t)

/**
 * One call the way the combinators make it: `start`, `admit` at that reading, and, once the call has
 * taken `ms`, `record` at the clock's reading if the call was timed, else at `NaN`.
 */
const callThrough = (
  b: Breaker.Breaker,
  clock: TestClock,
  verdict: Classifier.Classification = 'success',
  ms = 0
): { readonly start: number; readonly decision: Decision.Decision } => {
  const start = startOf(b)
  const decision = b.admit(at(start))
  if (Decision.isPermit(decision)) {
    clock.advance(ms)
    const end = isTimed(start) ? clock.now() : NaN
    b.record(decision, verdict, at(end - start), at(end))
  }
  return { start, decision }
}

/** Timers that never fire: the guarded tasks below settle at once. */
const idleTimers: Scheduler = () => () => undefined

describe('Breaker', () => {
  // -------------------------------------------------------------------------------------
  // timing
  // -------------------------------------------------------------------------------------

  describe('timing', () => {
    it('times the first call of a default breaker but few of the calls that come faster than 1,000 a second', () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now })()
      const starts: Array<number> = []
      for (let i = 0; i < 1_000; i++) {
        clock.advance(0.01)
        starts.push(startOf(b))
      }
      expect(starts[0]).toBe(0.01)
      const timed = starts.filter(isTimed)
      // 10 ms of calls: about 10 timed, plus the few of the sample's ramp-up
      expect(timed.length).toBeGreaterThanOrEqual(2)
      expect(timed.length).toBeLessThan(100)
      expect(starts.slice(-100).filter(isTimed).length).toBeLessThan(20)
    })

    it('returns the clock reading as the start of a timed call', () => {
      const clock = testClock(500)
      const b = Breaker.make({}, { clock: clock.now })()
      let timed = 0
      for (let i = 0; i < 1_000; i++) {
        clock.advance(0.01)
        const start = startOf(b)
        if (isTimed(start)) {
          timed++
          expect(start).toBe(clock.now())
        } else expect(start).toBeNaN()
      }
      expect(timed).toBeGreaterThan(0)
    })

    it('times every call that comes 2 ms after the last', () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now })()
      for (let i = 0; i < 500; i++) {
        clock.advance(2)
        expect(startOf(b)).toBe(clock.now())
      }
    })

    it('times every call while a listener is subscribed, and samples again once it is gone', () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now })()
      const unsubscribe = b.subscribe(() => undefined)
      for (let i = 0; i < 1_000; i++) {
        clock.advance(0.01)
        expect(startOf(b)).toBe(clock.now())
      }
      unsubscribe()
      let timed = 0
      for (let i = 0; i < 1_000; i++) {
        clock.advance(0.01)
        if (isTimed(startOf(b))) timed++
      }
      expect(timed).toBeLessThan(100)
    })

    it('times every call when the strategy counts slow calls', () => {
      const clock = testClock(0)
      const strategy = Strategy.slowCallRate({
        window: Window.count(10),
        threshold: 0.5,
        slowCallDuration: 100
      })
      const b = Breaker.make({ strategy }, { clock: clock.now, latencySamplesPerSecond: 0 })()
      for (let i = 0; i < 1_000; i++) {
        clock.advance(0.01)
        expect(startOf(b)).toBe(clock.now())
      }
    })

    it('times every call when the classifier reads durations', () => {
      const clock = testClock(0)
      const classify: Classifier.Classifier = (result, ms) =>
        E.isLeft(result) || ms > 1_000 ? 'failure' : 'success'
      const b = Breaker.make({}, { clock: clock.now, classify, latencySamplesPerSecond: 0 })()
      for (let i = 0; i < 1_000; i++) {
        clock.advance(0.01)
        expect(startOf(b)).toBe(clock.now())
      }
    })

    it('does not time calls for a classifier that reads only the result', () => {
      const clock = testClock(0)
      const classify = Classifier.ofResult((result) => (E.isLeft(result) ? 'failure' : 'success'))
      const b = Breaker.make({}, { clock: clock.now, classify, latencySamplesPerSecond: 0 })()
      for (let i = 0; i < 100; i++) {
        clock.advance(2)
        expect(startOf(b)).toBeNaN()
      }
    })

    it('times every call with latencySamplesPerSecond: Infinity', () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: Infinity })()
      for (let i = 0; i < 1_000; i++) {
        clock.advance(0.01)
        expect(startOf(b)).toBe(clock.now())
      }
    })

    it('times no call with latencySamplesPerSecond: 0, however sparse the calls', () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      for (let i = 0; i < 100; i++) {
        clock.advance(i % 2 === 0 ? 2 : 1_000)
        expect(callThrough(b, clock, 'success', 1).start).toBeNaN()
      }
      expect(b.metrics().latency.count).toBe(0)
      expect(b.counts().successes).toBe(100)
    })

    it('times about 1,000 calls a second when a million come each second, spread over the second', () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now })()
      const perTenth = Array.from({ length: 10 }, () => 0)
      let timed = 0
      for (let i = 0; i < 1_000_000; i++) {
        const start = startOf(b)
        const decision = b.admit(at(start))
        clock.advance(0.001)
        if (isTimed(start)) {
          timed++
          perTenth[Math.min(9, Math.floor(start / 100))]!++
          b.record(decision as Decision.Permit, 'success', clock.now() - start, clock.now())
        } else {
          b.record(decision as Decision.Permit, 'success')
        }
      }
      expect(timed).toBeGreaterThanOrEqual(300)
      expect(timed).toBeLessThanOrEqual(3_000)
      for (const n of perTenth) {
        expect(n).toBeGreaterThanOrEqual(30)
        expect(n).toBeLessThanOrEqual(300)
      }
      const m = b.metrics()
      expect(m.counts.successes).toBe(1_000_000)
      expect(m.latency.count).toBe(timed)
    })

    it.each([2_000, 10_000, 100_000])('times about 1,000 calls a second when %i come each second', (rate) => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now })()
      let timed = 0
      for (let i = 0; i < rate; i++) {
        if (isTimed(callThrough(b, clock).start)) timed++
        clock.advance(1_000 / rate)
      }
      expect(timed).toBeGreaterThanOrEqual(500)
      expect(timed).toBeLessThanOrEqual(2_000)
    })

    it('times a quiet breaker every call again soon after a burst at one instant', () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now })()
      const burst = 10_000
      let timedInBurst = 0
      for (let i = 0; i < burst; i++) if (isTimed(callThrough(b, clock).start)) timedInBurst++
      // the gap between timed calls grows by a factor of about 2 (at most 3) per timed call: about
      // log2(burst) of them
      expect(timedInBurst).toBeGreaterThanOrEqual(2)
      expect(timedInBurst).toBeLessThan(100)
      // then calls 10 ms apart: the gap left by the burst is at most 3 times the burst, the one after
      // that shorter, and from then on every call is timed
      for (let i = 0; i < 4 * burst; i++) {
        clock.advance(10)
        callThrough(b, clock)
      }
      for (let i = 0; i < 100; i++) {
        clock.advance(10)
        expect(callThrough(b, clock).start).toBe(clock.now())
      }
    })

    it('counts the latency of every timed call in its metrics', () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now })()
      let timed = 0
      for (let i = 0; i < 5_000; i++) {
        clock.advance(0.01)
        if (isTimed(callThrough(b, clock, i % 7 === 0 ? 'failure' : 'success', 0.5).start)) timed++
      }
      const m = b.metrics()
      expect(m.latency.count).toBe(timed)
      expect(m.latency.count).toBeLessThan(m.counts.successes + m.counts.failures)
      expect(m.latency.min).toBeCloseTo(0.5, 9)
      expect(m.latency.max).toBeCloseTo(0.5, 9)
    })

    it('uses 1,000 calls a second as the default sample', () => {
      expect(Breaker.defaultLatencySamplesPerSecond).toBe(1_000)
    })

    it.each([
      ['-1', -1],
      ['NaN', NaN],
      ['-Infinity', -Infinity],
      ["'5'", '5']
    ])('rejects latencySamplesPerSecond: %s with a ConfigError naming it', (_, value) => {
      const make = () => Breaker.make({}, { latencySamplesPerSecond: value as number })()
      expect(make).toThrow(ConfigError)
      expect(make).toThrow(/latencySamplesPerSecond/)
    })
  })

  // -------------------------------------------------------------------------------------
  // clock reads
  // -------------------------------------------------------------------------------------

  describe('clock reads', () => {
    it('reads no clock for successful calls through wrap while closed and unsampled', async () => {
      const clock = counting(testClock(0))
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const fetchOne = wrap(b)(async (n: number) => n + 1)
      const before = clock.reads()
      for (let i = 0; i < 100; i++) expect(await fetchOne(i)).toBe(i + 1)
      expect(clock.reads()).toBe(before)
      expect(b.counts()).toMatchObject({ calls: 100, successes: 100 })
    })

    it('reads no clock for successful calls through wrapSync while closed and unsampled', () => {
      const clock = counting(testClock(0))
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const double = wrapSync(b)((n: number) => 2 * n)
      const before = clock.reads()
      for (let i = 0; i < 100; i++) expect(double(i)).toBe(2 * i)
      expect(clock.reads()).toBe(before)
      expect(b.counts()).toMatchObject({ calls: 100, successes: 100 })
    })

    it('reads no clock for successful calls through withBreaker while closed and unsampled', async () => {
      const clock = counting(testClock(0))
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const guard = withBreaker(b)
      const before = clock.reads()
      for (let i = 0; i < 100; i++) expect(await guard(TE.right(i))()).toEqual(E.right(i))
      expect(clock.reads()).toBe(before)
      expect(b.counts()).toMatchObject({ calls: 100, successes: 100 })
    })

    it('steps a tripping untimed failure once, at one clock reading, which is the time it opened at', () => {
      let t = 0
      let reads = 0
      const b = Breaker.make(
        { failureThreshold: 1 },
        {
          clock: () => {
            reads++
            return (t += 7)
          },
          latencySamplesPerSecond: 0
        }
      )()
      const d = b.admit()
      const before = reads
      b.record(d as Decision.Permit, 'failure')
      expect(reads - before).toBe(1)
      expect(b.ref.get()).toMatchObject({ _tag: 'Open', openedAt: t })
    })

    it('reads no clock for a failure that does not trip a closed circuit', () => {
      const clock = counting(testClock(0))
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const before = clock.reads()
      const d = b.admit()
      b.record(d as Decision.Permit, 'failure')
      expect(clock.reads()).toBe(before)
      expect(b.counts().failures).toBe(1)
    })

    it('reads the clock to admit a call while open', () => {
      const t = testClock(0)
      const clock = counting(t)
      const b = Breaker.make({ openFor: 1_000 }, { clock: clock.now, latencySamplesPerSecond: 0 })()
      for (let i = 0; i < 3; i++) callThrough(b, t, 'failure', 10)
      expect(b.state()._tag).toBe('Open')
      t.advance(400)
      const before = clock.reads()
      const d = b.admit()
      expect(clock.reads()).toBeGreaterThan(before)
      expect(d).toEqual(Decision.rejection(600))
    })

    it('reads the clock to record an outcome with a time-window strategy', () => {
      const clock = counting(testClock(0))
      const strategy = Strategy.failureRate({
        window: Window.time(10_000, 10),
        threshold: 0.5,
        minimumCalls: 10
      })
      const b = Breaker.make({ strategy }, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const before = clock.reads()
      const d = b.admit()
      expect(clock.reads()).toBe(before)
      b.record(d as Decision.Permit, 'success')
      expect(clock.reads()).toBe(before + 1)
    })

    it('reads the clock for every call while a listener is subscribed', () => {
      const t = testClock(0)
      const clock = counting(t)
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const events: Array<Listener.BreakerEvent> = []
      b.subscribe((e) => events.push(e))
      t.advance(5)
      callThrough(b, t, 'success', 3)
      expect(events).toEqual([{ _tag: 'Success', breaker: 'breaker', at: 8, duration: 3, probe: false }])
    })
  })

  // -------------------------------------------------------------------------------------
  // transitions
  // -------------------------------------------------------------------------------------

  describe('transitions of untimed calls', () => {
    const setup = (config: Config.ConfigInput = {}) => {
      const clock = testClock(1_000)
      const b = Breaker.make(config, { clock: clock.now, latencySamplesPerSecond: 0 })()
      /** Admits an untimed call now and records `verdict` for it `ms` later, untimed. */
      const call = (verdict: Classifier.Classification, ms: number) => {
        const d = b.admit()
        clock.advance(ms)
        if (Decision.isPermit(d)) b.record(d, verdict)
        return d
      }
      return { clock, b, call }
    }

    it('opens at the time the tripping failure was recorded', () => {
      const { clock, b, call } = setup({ openFor: 5_000 })
      call('failure', 10)
      clock.advance(100)
      call('failure', 10)
      clock.advance(100)
      call('failure', 25)
      expect(clock.now()).toBe(1_245)
      expect(b.state()).toMatchObject({ _tag: 'Open', openedAt: 1_245, openFor: 5_000 })
    })

    it('counts retryAfter from the time the tripping failure was recorded', () => {
      const { clock, b, call } = setup({ openFor: 5_000 })
      call('failure', 10)
      call('failure', 10)
      call('failure', 10)
      clock.advance(1_000)
      expect(b.retryAfter()).toBe(4_000)
      expect(b.admit()).toEqual(Decision.rejection(4_000))
      clock.advance(4_000)
      expect(b.retryAfter()).toBe(0)
      expect(Decision.isPermit(b.admit())).toBe(true)
      expect(b.state()).toMatchObject({ _tag: 'HalfOpen', since: 6_030 })
    })

    it('opens for a Trip at the time it was recorded', () => {
      const { b, call } = setup()
      call('success', 10)
      call(Classifier.trip(2_000), 40)
      expect(b.state()).toMatchObject({ _tag: 'Open', openedAt: 1_050, openFor: 2_000 })
    })

    it('closes after a probe at the time the probe succeeded', () => {
      const { clock, b, call } = setup({ openFor: 1_000 })
      for (let i = 0; i < 3; i++) call('failure', 10)
      clock.advance(1_000)
      call('success', 70)
      expect(b.state()).toMatchObject({ _tag: 'Closed', since: 2_100 })
    })

    it('decays the backoff level by the time the tripping failure was recorded', () => {
      const config = { backoff: constantDelay(1_000), healthyPeriod: 10_000 }
      const untimed = setup(config)
      const timed = (() => {
        const clock = testClock(1_000)
        return { clock, b: Breaker.make(config, { clock: clock.now, latencySamplesPerSecond: Infinity })() }
      })()
      const both = (f: (b: Breaker.Breaker, clock: TestClock) => void) => {
        f(untimed.b, untimed.clock)
        f(timed.b, timed.clock)
      }
      // trip, probe, close, then stay closed a long while and trip again: the level decays by then
      both((b, clock) => {
        for (let i = 0; i < 3; i++) callThrough(b, clock, 'failure', 10)
        clock.advance(1_000)
        callThrough(b, clock, 'success', 10)
        clock.advance(25_000)
        for (let i = 0; i < 3; i++) callThrough(b, clock, 'failure', 10)
      })
      expect(untimed.b.state()).toMatchObject({ _tag: 'Open', openedAt: untimed.clock.now() })
      expect(untimed.b.state()).toEqual(timed.b.state())
    })
  })

  // -------------------------------------------------------------------------------------
  // equivalence
  // -------------------------------------------------------------------------------------

  describe('untimed calls decide as timed ones', () => {
    /**
     * Drives breakers of one config on one clock through the same script, each the way the combinators
     * do, and checks after every step that they agree on decisions, states and counts.
     */
    const agree = (config: Config.ConfigInput, script: ReadonlyArray<Action>): void => {
      const clock = testClock(10_000)
      const breakers = [0, Breaker.defaultLatencySamplesPerSecond, Infinity].map((latencySamplesPerSecond) =>
        Breaker.make(config, { clock: clock.now, latencySamplesPerSecond })()
      )
      const held = breakers.map((): Array<{ readonly permit: Decision.Permit; readonly start: number }> => [])
      for (const a of script) {
        clock.advance(a.dt)
        switch (a._tag) {
          case 'Call': {
            const decisions = breakers.map((b, i) => {
              const start = startOf(b)
              const decision = b.admit(at(start))
              if (Decision.isPermit(decision)) held[i]!.push({ permit: decision, start })
              return decision
            })
            expect(decisions[1]).toEqual(decisions[0])
            expect(decisions[2]).toEqual(decisions[0])
            break
          }
          case 'Settle':
            breakers.forEach((b, i) => {
              const calls = held[i]!
              if (calls.length === 0) return
              const { permit, start } = calls.splice(calls.length - 1 - (a.pick % calls.length), 1)[0]!
              const end = isTimed(start) ? clock.now() : NaN
              const verdict =
                a.verdict === 'failure' && a.openFor !== undefined ? Classifier.trip(a.openFor) : a.verdict
              b.record(permit, verdict, at(end - start), at(end))
            })
            break
          case 'Control':
            for (const b of breakers) b.control(a.event)()
            break
        }
        const [untimed, sampled, timed] = breakers.map((b) => ({
          state: b.state(),
          retryAfter: b.retryAfter(),
          counts: b.counts()
        }))
        expect(untimed).toEqual(timed)
        expect(sampled).toEqual(timed)
      }
    }

    /** Calls answered out of order and late, across transitions and manual controls. */
    const script = fc.array(action, { maxLength: 60, size: 'max' })
    /** Each call answered before the next one, so that no outcome is late. */
    const inTurn = script.map((actions) =>
      actions.flatMap((a): ReadonlyArray<Action> => {
        switch (a._tag) {
          case 'Call':
            return []
          case 'Settle':
            return [
              { _tag: 'Call', dt: a.dt },
              { ...a, dt: 0, pick: 0 }
            ]
          case 'Control':
            return [a]
        }
      })
    )
    const withWindow = (window: Window.Window): Config.ConfigInput => ({
      strategy: Strategy.failureRate({ window, threshold: 0.5, minimumCalls: 3 }),
      openFor: 200,
      halfOpenProbes: 2,
      successThreshold: 2,
      probeLease: 100
    })

    it('with the default config', () => {
      fc.assert(
        fc.property(script, (s) => agree({}, s)),
        { numRuns: 200 }
      )
    })

    it('with a failure rate over a time window', () => {
      fc.assert(
        fc.property(script, (s) => agree(withWindow(Window.time(1_000, 5)), s)),
        { numRuns: 200 }
      )
    })

    it('with a failure rate over a count window, each call answered in turn', () => {
      fc.assert(
        fc.property(inTurn, (s) => agree(withWindow(Window.count(5)), s)),
        { numRuns: 200 }
      )
    })

    it('with any config, each call answered in turn', () => {
      fc.assert(
        fc.property(configInput, inTurn, (config, s) => agree(config, s)),
        { numRuns: 200 }
      )
    })

    it('with a failure rate over a count window', () => {
      fc.assert(
        fc.property(script, (s) => agree(withWindow(Window.count(5)), s)),
        { numRuns: 200 }
      )
    })

    it('with any config', () => {
      fc.assert(
        fc.property(configInput, script, (config, s) => agree(config, s)),
        { numRuns: 200 }
      )
    })

    it('counts the successes that follow a late success from before a reset', () => {
      const strategy = Strategy.failureRate({ window: Window.count(4), threshold: 0.75, minimumCalls: 2 })
      const clock = testClock(0)
      const b = Breaker.make({ strategy }, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const late = b.admit() as Decision.Permit
      b.control(Event.reset)()
      b.record(late, 'success')
      for (let i = 0; i < 4; i++) callThrough(b, clock, 'success', 1)
      for (let i = 0; i < 2; i++) callThrough(b, clock, 'failure', 1)
      // the last 4 calls: 2 successes and 2 failures, a rate of 0.5
      expect(b.state()).toMatchObject({ _tag: 'Closed', tally: { calls: 4, marked: 2 } })
    })

    it('with a manual control and a late outcome', () => {
      agree({ openFor: 100 }, [
        { _tag: 'Call', dt: 0 },
        { _tag: 'Call', dt: 5 },
        { _tag: 'Control', dt: 5, event: Event.metricsOnly },
        { _tag: 'Settle', dt: 5, pick: 0, verdict: 'failure', openFor: undefined },
        { _tag: 'Call', dt: 5 },
        { _tag: 'Settle', dt: 5, pick: 0, verdict: 'failure', openFor: undefined },
        { _tag: 'Control', dt: 5, event: Event.reset },
        { _tag: 'Settle', dt: 5, pick: 0, verdict: 'success', openFor: undefined }
      ])
    })
  })

  // -------------------------------------------------------------------------------------
  // shared circuits
  // -------------------------------------------------------------------------------------

  describe('shared circuits', () => {
    it('shares one circuit between breakers made from equal configs', () => {
      const a = Breaker.make({ failureThreshold: 5, openFor: 1_234, probeLease: 99 })()
      const b = Breaker.make({ probeLease: 99, openFor: 1_234, failureThreshold: 5 })()
      expect(a.circuit).toBe(b.circuit)
      const window = () => Window.time(60_000, 12)
      const c = Breaker.make({
        strategy: Strategy.failureRate({ window: window(), threshold: 0.25 }),
        jitter: 0.1
      })()
      const d = Breaker.make({
        jitter: 0.1,
        strategy: Strategy.failureRate({ window: window(), threshold: 0.25 })
      })()
      expect(c.circuit).toBe(d.circuit)
    })

    it('shares the default circuit with a config that spells out the defaults', () => {
      expect(Breaker.make()().circuit).toBe(Breaker.make({ failureThreshold: 3, openFor: 30_000 })().circuit)
    })

    it('keeps the state of each breaker its own when they share a circuit', () => {
      const clock = testClock(0)
      const a = Breaker.make({ failureThreshold: 1 }, { clock: clock.now })()
      const b = Breaker.make({ failureThreshold: 1 }, { clock: clock.now })()
      expect(a.circuit).toBe(b.circuit)
      callThrough(a, clock, 'failure')
      expect(a.state()._tag).toBe('Open')
      expect(b.state()._tag).toBe('Closed')
    })

    it('does not share a circuit between different configs', () => {
      const circuits = [
        {},
        { failureThreshold: 4 },
        { openFor: 30_001 },
        { openFor: Number.MAX_VALUE },
        { openFor: 0 },
        { halfOpenProbes: 2 },
        { halfOpenProbes: 2, successThreshold: 2 },
        { jitter: 0.5 },
        { healthyPeriod: 30_000 },
        { strategy: Strategy.failureRate({ window: Window.count(10), threshold: 0.5 }) },
        { strategy: Strategy.failureRate({ window: Window.count(10), threshold: 0.6 }) },
        {
          strategy: Strategy.failureRate({
            window: Window.time(10_000, 10),
            threshold: 0.5,
            minimumCalls: 10
          })
        }
      ].map((config) => Breaker.make(config)().circuit)
      expect(new Set(circuits).size).toBe(circuits.length)
    })

    it('rejects openFor: Infinity rather than take the circuit of another openFor', () => {
      const long = Breaker.make({ openFor: Number.MAX_VALUE })()
      expect(long.circuit).not.toBe(Breaker.make()().circuit)
      expect(long.circuit.config.openFor).toBe(Number.MAX_VALUE)
      expect(() => Breaker.make({ openFor: Infinity })()).toThrow(ConfigError)
      expect(() => Breaker.make({ openFor: NaN })()).toThrow(ConfigError)
    })

    it('shares a circuit for the same backoff policy, and not for another one', () => {
      const policy = constantDelay(1_000)
      const a = Breaker.make({ backoff: policy })()
      const b = Breaker.make({ backoff: policy })()
      const c = Breaker.make({ backoff: constantDelay(1_000) })()
      expect(a.circuit).toBe(b.circuit)
      expect(c.circuit).not.toBe(a.circuit)
    })

    it('still rejects an invalid config with a ConfigError', () => {
      Breaker.make({ failureThreshold: 2 })()
      expect(() => Breaker.make({ failureThreshold: 0 })()).toThrow(ConfigError)
      expect(() => Breaker.make({ failureThreshold: 0 })()).toThrow(ConfigError)
      expect(() => Breaker.make({ openFor: -1 })()).toThrow(/openFor/)
      expect(() =>
        Breaker.make({ strategy: Strategy.failureRate({ window: Window.count(10), threshold: 2 }) })()
      ).toThrow(ConfigError)
    })
  })

  // -------------------------------------------------------------------------------------
  // functions
  // -------------------------------------------------------------------------------------

  describe('functions', () => {
    it('runs its views and controls as methods', () => {
      const clock = testClock(0)
      const breaker = Breaker.make({ failureThreshold: 1, openFor: 100 }, { clock: clock.now })()
      const seen: Array<string> = []
      const unsubscribe = breaker.subscribe((e) => seen.push(e._tag))
      const start = breaker.start()
      const d = breaker.admit(O.toUndefined(start))
      clock.advance(5)
      breaker.record(d as Decision.Permit, 'failure', 5, clock.now())
      unsubscribe()
      expect(breaker.state()).toMatchObject({ _tag: 'Open', openedAt: 5 })
      expect(breaker.retryAfter()).toBe(100)
      expect(breaker.counts()).toMatchObject({ calls: 1, failures: 1 })
      expect(breaker.metrics().latency.count).toBe(1)
      expect(seen).toEqual(['Failure', 'Transition'])
      breaker.control(Event.reset)()
      expect(breaker.state()._tag).toBe('Closed')
    })

    it('runs its views and controls as IO module functions in a pipe', () => {
      const b = Breaker.make()()
      expect(
        pipe(
          Breaker.state(b),
          IO.map((s) => s._tag)
        )()
      ).toBe('Closed')
      expect(
        pipe(
          Breaker.metrics(b),
          IO.map((m) => m.counts.calls)
        )()
      ).toBe(0)
      expect(Breaker.counts(b)().calls).toBe(0)
      Breaker.forceOpen(b)()
      expect(Breaker.retryAfter(b)()).toBe(Infinity)
      Breaker.reset(b)()
      expect(b.state()._tag).toBe('Closed')
    })

    it('copies none of its functions into a spread, which is not a breaker', () => {
      const copy: Record<string, unknown> = { ...Breaker.make()() }
      expect(copy['state']).toBeUndefined()
      expect(copy['admit']).toBeUndefined()
      expect(Breaker.isBreaker(copy)).toBe(false)
    })

    it('shows the state as of now: a half-open circuit past its deadline reads open, the cell unchanged', () => {
      const clock = testClock(0)
      const b = Breaker.make(
        { failureThreshold: 1, openFor: 100, halfOpenMaxDuration: 50 },
        { clock: clock.now }
      )()
      const d = b.admit()
      b.record(d as Decision.Permit, 'failure')
      clock.advance(100)
      b.admit() // the probe: half-open, never answered
      expect(b.state()._tag).toBe('HalfOpen')
      clock.advance(50)
      expect(b.state()).toMatchObject({ _tag: 'Open', openedAt: 150 })
      expect(b.metrics().state).toBe('Open')
      expect(b.ref.get()._tag).toBe('HalfOpen')
    })

    it('holds its state in its Ref: every change is seen through ref.get', () => {
      const clock = testClock(0)
      const b = Breaker.make({ failureThreshold: 1 }, { clock: clock.now })()
      expect(b.ref.get()).toBe(b.state())
      const d = b.admit()
      b.record(d as Decision.Permit, 'failure')
      expect(b.ref.get()._tag).toBe('Open')
      b.control(Event.forceOpen)()
      expect(b.ref.get()._tag).toBe('ForcedOpen')
    })

    it('reports and counts a change made through ref.set like any other transition', () => {
      const clock = testClock(0)
      const b = Breaker.make({ failureThreshold: 1 }, { clock: clock.now })()
      const events: Array<Listener.BreakerEvent> = []
      b.subscribe((e) => events.push(e))
      b.ref.set({ _tag: 'ForcedOpen', generation: 1, since: 0 })()
      expect(b.state()._tag).toBe('ForcedOpen')
      expect(events).toMatchObject([{ _tag: 'Transition', from: 'Closed', to: 'ForcedOpen' }])
      expect(b.metrics().state).toBe('ForcedOpen')
      const r = b.ref.modify((s) => [
        s.generation,
        { _tag: 'Disabled', generation: s.generation + 1, since: 1 }
      ])()
      expect(r).toBe(1)
      expect(b.state()._tag).toBe('Disabled')
      expect(events).toHaveLength(2)
    })

    it('refuses a state through ref.set that its own decoder rejects, and keeps the state', () => {
      const b = Breaker.make({ failureThreshold: 3 })()
      const before = b.state()
      const bad = {
        _tag: 'Closed',
        generation: 1,
        since: 0,
        attempt: 0,
        tally: { _tag: 'ConsecutiveFailures', failures: 9 }
      }
      expect(() => b.ref.set(bad as never)()).toThrow(/tally/)
      expect(() => b.ref.set({ _tag: 'HalfOpen' } as never)()).toThrow(/generation/)
      expect(b.state()).toBe(before)
    })
  })

  describe('settings', () => {
    it('takes latencySamplesPerSecond in the settings of withBreaker, wrap and wrapSync', async () => {
      const clock = counting(testClock(0))
      const settings = { clock: clock.now, latencySamplesPerSecond: 0, failureThreshold: 5 }
      const guard = withBreaker(settings)
      const fetchOne = wrap(settings)(async (n: number) => n)
      const double = wrapSync(settings)((n: number) => 2 * n)
      const before = clock.reads()
      for (let i = 0; i < 10; i++) {
        await guard(TE.right(i))()
        await fetchOne(i)
        double(i)
      }
      expect(clock.reads()).toBe(before)
      for (const b of [guard.breaker, fetchOne.breaker, double.breaker]) {
        expect(b.counts().successes).toBe(10)
        expect(b.circuit.config.failureThreshold).toBe(5)
      }
    })

    it('takes latencySamplesPerSecond in the breaker options of a registry', () => {
      const t = testClock(0)
      const clock = counting(t)
      const registry = Registry.make({ breakerOptions: { clock: clock.now, latencySamplesPerSecond: 0 } })()
      const b = registry.get('payments')
      const before = clock.reads()
      for (let i = 0; i < 10; i++) expect(callThrough(b, t).start).toBeNaN()
      expect(clock.reads()).toBe(before)
    })

    it('rejects a bad latencySamplesPerSecond in settings with a ConfigError naming it', () => {
      expect(() => withBreaker({ latencySamplesPerSecond: -1 })).toThrow(/latencySamplesPerSecond/)
      expect(() => wrap({ latencySamplesPerSecond: NaN })).toThrow(ConfigError)
    })
  })

  describe('a breaker or settings', () => {
    // every combinator that takes "a breaker or settings", named as its errors name it
    const takers: ReadonlyArray<readonly [string, (u: never) => unknown]> = [
      ['withBreaker', (u) => withBreaker(u)],
      ['wrap', (u) => wrap(u)(async () => 1)],
      ['wrapSync', (u) => wrapSync(u)(() => 1)],
      ['@guarded', (u) => guarded(u)(async () => 1, { kind: 'method', name: 'm' } as never)],
      ['@guardedSync', (u) => guardedSync(u)(() => 1, { kind: 'method', name: 'm' } as never)]
    ]
    const wrong: ReadonlyArray<readonly [string, unknown, RegExp]> = [
      [
        'an IO not run (Breaker.make(...))',
        Breaker.make({ failureThreshold: 2 }),
        /got an IO .*run it, Breaker\.make\(\.\.\.\)\(\)/
      ],
      ['a function', (a: number) => a, /got a function$/],
      ['a registry', Registry.make()(), /got a Registry \(pass one of its breakers: registry\.get\(name\)\)/],
      ['a promise', Promise.resolve(Breaker.unsafeMake()), /got a promise \(await it first\)/],
      ['a spread copy of a breaker', { ...Breaker.unsafeMake() }, /got a copy of a breaker/],
      ['an array', [Breaker.unsafeMake()], /got an array/],
      ['another tagged value', { _tag: 'Closed' }, /got a value tagged "Closed"/],
      ['a number', 3, /got 3$/],
      ['null', null, /got null$/]
    ]
    for (const [where, take] of takers) {
      it.each(wrong)(`${where} rejects %s, naming it, before any call`, (_, value, message) => {
        let error: unknown
        try {
          take(value as never)
        } catch (e) {
          error = e
        }
        expect(error).toBeInstanceOf(ConfigError)
        const [problem] = (error as ConfigError).problems
        expect(problem).toMatch(
          new RegExp(`^${where.replace('@', '@?')}: expected a Breaker or settings, got `)
        )
        expect(problem).toMatch(message)
      })

      it(`${where} rejects settings with an unknown key, naming the key`, () => {
        expect(() => take({ name: 'x', failureTreshold: 3 } as never)).toThrow(/failureTreshold/)
      })

      it(`${where} takes a breaker and settings`, () => {
        expect(() => take(Breaker.unsafeMake() as never)).not.toThrow()
        expect(() => take({ name: 'x', failureThreshold: 3 } as never)).not.toThrow()
      })
    }
  })

  describe('names', () => {
    it('makes an independent breaker from each settings, whatever its name', async () => {
      const settings = { name: 'users', failureThreshold: 1 }
      const guard = withBreaker(settings)
      const fetchUser = wrap(settings)(async (id: string) => id)
      class Users {
        @guarded(settings)
        async get(id: string): Promise<string> {
          return id
        }
      }
      await guard(TE.left('down'))()
      expect(guard.breaker.state()._tag).toBe('Open')
      expect(fetchUser.breaker).not.toBe(guard.breaker)
      expect(fetchUser.breaker.name).toBe('users')
      expect(await fetchUser('42')).toBe('42')
      expect(await new Users().get('7')).toBe('7')
    })

    it('shares one breaker by passing it, or by its name in a registry', async () => {
      const registry = Registry.make({ config: { defaults: { failureThreshold: 1 } } })()
      const guard = withBreaker(registry.get('users'))
      const fetchUser = wrap(registry.get('users'))(async (id: string) => id)
      expect(fetchUser.breaker).toBe(guard.breaker)
      await guard(TE.left('down'))()
      await expect(fetchUser('42')).rejects.toThrow(/Circuit "users" is open/)
    })
  })

  // -------------------------------------------------------------------------------------
  // callsOf
  // -------------------------------------------------------------------------------------

  // -------------------------------------------------------------------------------------
  // withBreaker
  // -------------------------------------------------------------------------------------

  describe('withBreaker', () => {
    it('does not read the clock for a closed call of a guard without a timeout on an unsampled breaker', async () => {
      const clock = counting(testClock(100))
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const before = clock.reads()
      expect(await withBreaker(b)(TE.right(1))()).toEqual(E.right(1))
      expect(await withBreaker(b)(TE.left('bad'))()).toEqual(E.left('bad'))
      expect(clock.reads()).toBe(before)
      expect(b.counts()).toMatchObject({ calls: 2, successes: 1, failures: 1 })
    })

    it('times every call of a guard with a timeout', async () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const guard = withBreaker(b, { timeout: 1_000, scheduler: idleTimers })
      for (let i = 0; i < 20; i++) {
        clock.advance(0.01)
        expect(await guard(TE.right(i))()).toEqual(E.right(i))
      }
      expect(b.metrics().latency.count).toBe(20)
    })

    it('reports the duration of a timed-out call to a listener', async () => {
      const clock = testClock(0)
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      let fire: () => void = () => undefined
      const scheduler: Scheduler = (callback) => {
        fire = callback
        return () => undefined
      }
      const events: Array<Listener.BreakerEvent> = []
      b.subscribe((e) => events.push(e))
      const pending = withBreaker(b, { timeout: 50, scheduler })(
        () => new Promise<E.Either<never, number>>(() => undefined)
      )()
      clock.advance(50)
      fire()
      expect(E.isLeft(await pending)).toBe(true)
      expect(events.map((e) => e._tag)).toEqual(['Timeout', 'Failure'])
      expect(events[1]).toMatchObject({ _tag: 'Failure', duration: 50 })
    })

    it("gives a guard's classifier the measured duration, also with a defaulted duration parameter", async () => {
      const clock = testClock(100)
      const b = Breaker.make({}, { clock: clock.now, latencySamplesPerSecond: 0 })()
      const seen: Array<number> = []
      const guard = withBreaker(b, {
        classify: (result, ms = 0) => {
          seen.push(ms)
          return E.isLeft(result) ? 'failure' : 'success'
        }
      })
      const slow: TE.TaskEither<never, number> = () =>
        Promise.resolve().then(() => {
          clock.advance(30)
          return E.right(1)
        })
      for (let i = 0; i < 5; i++) await guard(slow)()
      expect(seen).toEqual([30, 30, 30, 30, 30])
      expect(b.metrics().latency).toMatchObject({ count: 5, min: 30, max: 30 })
    })

    it("gives a guard's classifier declared to read the result alone NaN for an untimed call", async () => {
      const b = Breaker.make({}, { latencySamplesPerSecond: 0 })()
      const seen: Array<number> = []
      const classify = (result: E.Either<unknown, unknown>, ...rest: ReadonlyArray<number>) => {
        seen.push(rest[0]!)
        return E.isLeft(result) ? ('failure' as const) : ('success' as const)
      }
      await withBreaker(b, { classify: Classifier.ofResult(classify) })(TE.right(1))()
      expect(seen).toHaveLength(1)
      expect(seen[0]).toBeNaN()
    })
  })
})

describe('Breaker settings', () => {
  const problemsOf = thrownProblems

  it('takes thresholds and options in one object, durations as numbers or strings', () => {
    const b = Breaker.make({ name: 'users', failureThreshold: 2, openFor: '2s', storeTimeout: '250ms' })()
    expect(b.name).toBe('users')
    expect(b.circuit.config).toMatchObject({ failureThreshold: 2, openFor: 2_000, probeLease: 2_000 })
    const two = Breaker.make({ failureThreshold: 2, openFor: 2_000 }, { name: 'users' })()
    expect(two.circuit).toBe(b.circuit)
  })

  it('names an unknown setting with a hint from thresholds and options alike', () => {
    expect(problemsOf(() => Breaker.make({ nmae: 'users' } as never)())).toEqual([
      'nmae: unknown setting; did you mean name?'
    ])
    expect(problemsOf(() => Breaker.make({ failureTreshold: 2 } as never)())).toEqual([
      'failureTreshold: unknown setting; did you mean failureThreshold?'
    ])
  })

  it('says where a setting belongs in the two-object form, and when one is given twice', () => {
    expect(
      problemsOf(() => Breaker.make({ name: 'a' } as never, { openFor: 5, name: 'b' } as never)())
    ).toEqual([
      'openFor: a threshold, not an option: give it in the first argument, or all settings in one object',
      'name: given in both arguments; give it once'
    ])
  })

  it('names every problem of thresholds and options at once', () => {
    expect(
      problemsOf(() =>
        Breaker.make({ failureThreshold: 0, openFor: '2 s', storeTimeout: -1, clock: 5 } as never)()
      )
    ).toEqual([
      'failureThreshold: expected a positive integer, got 0',
      'openFor: expected a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m", got "2 s" (not a sequence of <number><unit> with units ms, s, m, h and no spaces)',
      'clock: expected a function, got 5',
      'storeTimeout: expected a duration > 0 (finite milliseconds, or a string such as "2s"), got -1'
    ])
    expect(Breaker.problems({ name: 'users', openFor: '1m30s' })).toEqual([])
  })

  describe('initialState and toJSON', () => {
    it('restores what toJSON wrote: the same state, open for the rest of its time, with a Restored event', async () => {
      const clock = testClock(1_000)
      const settings = { name: 'payments', failureThreshold: 1, openFor: '30s', clock: clock.now } as const
      const before = Breaker.make(settings)()
      await withBreaker(before)(TE.left('down'))()
      const saved = JSON.stringify(before)
      clock.advance(10_000) // the process restarts
      const events: Array<Listener.BreakerEvent> = []
      const after = Breaker.make({
        ...settings,
        initialState: JSON.parse(saved),
        listeners: [(e) => void events.push(e)]
      })()
      expect(after.ref.get()).toEqual(before.ref.get())
      expect(after.state()._tag).toBe('Open')
      expect(after.retryAfter()).toBe(20_000)
      expect(events).toEqual([{ _tag: 'Restored', breaker: 'payments', at: 11_000, state: before.ref.get() }])
    })

    it('rejects a state the circuit could not have produced, naming initialState', () => {
      const persisted = Breaker.make({ failureThreshold: 1, openFor: '1s' })()
      persisted.control(Event.forceOpen)()
      persisted.control(Event.reset)()
      const state = { ...(persisted.toJSON() as object), generation: -1 }
      const problems = problemsOf(() => Breaker.make({ openFor: 1_000, initialState: state })())
      expect(problems.length).toBeGreaterThan(0)
      expect(problems.every((p) => p.startsWith('initialState.'))).toBe(true)
      expect(problemsOf(() => Breaker.make({ initialState: { _tag: 'Shut' } })())[0]).toMatch(
        /^initialState\./
      )
    })

    it('starts fresh without initialState, and reports no Restored event', () => {
      const events: Array<string> = []
      const b = Breaker.make({ listeners: [(e) => void events.push(e._tag)] })()
      expect(b.state()._tag).toBe('Closed')
      expect(events).toEqual([])
      expect(problemsOf(() => Breaker.make({ listeners: [1] } as never)())).toEqual([
        'listeners: expected an array of functions (see Listener), got an array'
      ])
    })
  })
})
