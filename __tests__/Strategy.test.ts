import * as fc from 'fast-check'
import { concatAll } from 'fp-ts/Semigroup'
import { Strategy, Window } from 'tripswitch'
import { strategy as anyStrategy } from './_support/arbitraries'

/** An outcome at time `t`: `F` failed, `S` succeeded, taking `ms` (unknown when absent). */
type Outcome = readonly [t: number, outcome: 'F' | 'S', ms?: number]

/** The tally after each outcome, and whether it was tripped then. */
const feed = (strategy: Strategy.Strategy, outcomes: ReadonlyArray<Outcome>): ReadonlyArray<boolean> => {
  let tally = Strategy.initial(strategy)
  return outcomes.map(([t, o, ms]) => {
    tally = Strategy.record(strategy, tally, { failure: o === 'F', duration: ms ?? NaN }, t)
    return Strategy.isTripped(strategy, tally, t)
  })
}

/** The index of the first outcome after which the strategy is tripped, or -1. */
const tripsAt = (strategy: Strategy.Strategy, outcomes: ReadonlyArray<Outcome>): number =>
  feed(strategy, outcomes).indexOf(true)

/** `FSF...` at t = 0, 1, 2, ... */
const seq = (spec: string, ms?: number): ReadonlyArray<Outcome> =>
  [...spec].map((c, i): Outcome => (ms === undefined ? [i, c as 'F' | 'S'] : [i, c as 'F' | 'S', ms]))

describe('Strategy', () => {
  describe('consecutiveFailures', () => {
    it.each([
      { threshold: 3, history: 'FFF', at: 2 },
      { threshold: 3, history: 'FFSFF', at: -1 },
      { threshold: 3, history: 'FFSFFF', at: 5 },
      { threshold: 1, history: 'SSF', at: 2 }
    ])('with threshold $threshold, "$history" trips at outcome $at', ({ threshold, history, at }) => {
      expect(tripsAt(Strategy.consecutiveFailures(threshold), seq(history))).toBe(at)
    })

    it('returns the same tally for a success with no failures to forget', () => {
      const s = Strategy.consecutiveFailures(3)
      const t0 = Strategy.initial(s)
      expect(Strategy.record(s, t0, { failure: false, duration: 5 }, 0)).toBe(t0)
    })
  })

  describe('failureCount', () => {
    it.each([
      { window: Window.count(5), threshold: 3, history: seq('FSFSF'), at: 4 },
      { window: Window.count(5), threshold: 3, history: seq('FSSSFSSF'), at: -1 },
      { window: Window.count(5), threshold: 3, history: seq('FFSSSSFF'), at: -1 },
      { window: Window.count(5), threshold: 3, history: seq('FSSSSFFF'), at: 7 },
      {
        window: Window.time(10_000, 10),
        threshold: 3,
        history: [
          [0, 'F'],
          [4_000, 'F'],
          [9_999, 'F']
        ] as ReadonlyArray<Outcome>,
        at: 2
      },
      {
        // the first failure's bucket expires at exactly 10 s
        window: Window.time(10_000, 10),
        threshold: 3,
        history: [
          [0, 'F'],
          [4_000, 'F'],
          [10_000, 'F']
        ] as ReadonlyArray<Outcome>,
        at: -1
      }
    ])(
      '$threshold failures in $window.size$window.duration trips at outcome $at',
      ({ window, threshold, history, at }) => {
        expect(tripsAt(Strategy.failureCount({ window, threshold }), history)).toBe(at)
      }
    )
  })

  describe('failureRate', () => {
    const last4 = (threshold: number, minimumCalls = 4) =>
      Strategy.failureRate({ window: Window.count(4), threshold, minimumCalls })

    it.each([
      { case: 'a rate exactly at the threshold trips', strategy: last4(0.5), history: 'FSFS', at: 3 },
      { case: 'a rate below the threshold does not trip', strategy: last4(0.5), history: 'FSSS', at: -1 },
      {
        case: 'below the minimum number of calls nothing trips',
        strategy: last4(0.5),
        history: 'FFF',
        at: -1
      },
      { case: 'the minimum reached, a full rate trips', strategy: last4(0.5), history: 'FFFF', at: 3 },
      { case: 'a smaller minimum trips earlier', strategy: last4(0.5, 2), history: 'FF', at: 1 },
      { case: 'a threshold of 1 needs every call to fail', strategy: last4(1), history: 'FFFSFFFF', at: 7 },
      { case: 'old failures leave the window', strategy: last4(0.75), history: 'FFSSSFSF', at: -1 },
      {
        case: 'a rate of 0.3 is exactly 3 of 10',
        strategy: Strategy.failureRate({ window: Window.count(10), threshold: 0.3 }),
        history: 'SSSSSSSFFF',
        at: 9
      }
    ])('$case', ({ strategy, history, at }) => {
      expect(tripsAt(strategy, seq(history))).toBe(at)
    })

    const minute = (threshold: number, minimumCalls: number) =>
      Strategy.failureRate({ window: Window.time(60_000, 6), threshold, minimumCalls })

    it.each([
      {
        case: 'trips over a time window once the minimum is in it',
        strategy: minute(0.5, 4),
        history: [
          [0, 'S'],
          [10_000, 'F'],
          [20_000, 'S'],
          [30_000, 'F']
        ] as ReadonlyArray<Outcome>,
        at: 3
      },
      {
        case: 'calls that expired do not count towards the minimum',
        strategy: minute(0.5, 4),
        history: [
          [0, 'F'],
          [10_000, 'F'],
          [60_000, 'F'],
          [65_000, 'F']
        ] as ReadonlyArray<Outcome>,
        at: -1
      },
      {
        case: 'successes that went stale during an idle hour do not dilute new failures',
        strategy: minute(0.5, 5),
        history: [
          ...Array.from({ length: 100 }, (_, i): Outcome => [i * 100, 'S']),
          ...Array.from({ length: 5 }, (_, i): Outcome => [3_600_000 + i, 'F'])
        ],
        at: 104
      }
    ])('$case', ({ strategy, history, at }) => {
      expect(tripsAt(strategy, history)).toBe(at)
    })

    it('defaults minimumCalls to a count window size, and to 100 for a time window', () => {
      expect(Strategy.failureRate({ window: Window.count(20), threshold: 0.5 }).minimumCalls).toBe(20)
      expect(Strategy.failureRate({ window: Window.time(10_000, 10), threshold: 0.5 }).minimumCalls).toBe(100)
    })
  })

  describe('slowCallRate', () => {
    const slow = (threshold: number) =>
      Strategy.slowCallRate({ window: Window.count(4), threshold, slowCallDuration: 1_000 })

    it.each([
      { case: 'slow successes trip while the failure rate is low', history: seq('SSSS', 1_500), at: 3 },
      { case: 'a call of exactly slowCallDuration is slow', history: seq('SSSS', 1_000), at: 3 },
      { case: 'a call just under it is not', history: seq('SSSS', 999), at: -1 },
      { case: 'a call of unknown duration is not slow', history: seq('SSSS'), at: -1 },
      { case: 'slow failures count as slow too', history: seq('FFFF', 2_000), at: 3 }
    ])('$case', ({ history, at }) => {
      expect(tripsAt(slow(0.75), history)).toBe(at)
    })

    it('trips on slowness when a failure rate over the same window does not', () => {
      const window = Window.count(10)
      const byFailures = Strategy.failureRate({ window, threshold: 0.5 })
      const bySlowness = Strategy.slowCallRate({ window, threshold: 0.5, slowCallDuration: 200 })
      const history: ReadonlyArray<Outcome> = Array.from({ length: 10 }, (_, i): Outcome => [
        i * 10,
        i === 0 ? 'F' : 'S',
        i % 2 === 0 ? 50 : 800
      ])
      expect(tripsAt(byFailures, history)).toBe(-1)
      expect(tripsAt(bySlowness, history)).toBe(9)
      expect(tripsAt(Strategy.any(byFailures, bySlowness), history)).toBe(9)
    })

    it('over a time window, forgets slow calls of a past incident', () => {
      const s = Strategy.slowCallRate({
        window: Window.time(10_000, 10),
        threshold: 0.5,
        slowCallDuration: 1_000,
        minimumCalls: 3
      })
      expect(
        tripsAt(s, [
          [0, 'S', 5_000],
          [100, 'S', 5_000],
          [20_000, 'S', 10],
          [20_001, 'S', 10],
          [20_002, 'S', 5_000]
        ])
      ).toBe(-1)
    })
  })

  describe('any and the Semigroup', () => {
    const a = Strategy.consecutiveFailures(3)
    const b = Strategy.failureRate({ window: Window.count(4), threshold: 0.5 })
    const c = Strategy.slowCallRate({
      window: Window.time(1_000, 10),
      threshold: 1,
      slowCallDuration: 100,
      minimumCalls: 2
    })

    it('trips when any of its strategies trips', () => {
      expect(tripsAt(Strategy.any(a, b), seq('FSFS'))).toBe(3)
      // the rate is 3 of the last 4 when the third failure in a row trips the consecutive part
      const strict = Strategy.failureRate({ window: Window.count(4), threshold: 0.8 })
      expect(tripsAt(strict, seq('SSSFFF'))).toBe(-1)
      expect(tripsAt(Strategy.any(a, strict), seq('SSSFFF'))).toBe(5)
      expect(tripsAt(Strategy.any(a, c), seq('SS', 150))).toBe(1)
    })

    it('flattens nested compositions and leaves a single strategy as it is', () => {
      expect(Strategy.any(a)).toBe(a)
      expect(Strategy.any(Strategy.any(a, b), c)).toEqual({ _tag: 'Any', strategies: [a, b, c] })
      expect(concatAll(Strategy.Semigroup)(a)([b, c])).toEqual({ _tag: 'Any', strategies: [a, b, c] })
    })

    const strategy: fc.Arbitrary<Strategy.Strategy> = fc.oneof(
      fc.integer({ min: 1, max: 4 }).map(Strategy.consecutiveFailures),
      fc
        .record({ size: fc.integer({ min: 1, max: 8 }), threshold: fc.integer({ min: 1, max: 8 }) })
        .map(({ size, threshold }) =>
          Strategy.failureCount({ window: Window.count(size), threshold: Math.min(size, threshold) })
        ),
      fc
        .record({
          size: fc.integer({ min: 1, max: 8 }),
          threshold: fc.double({ min: 0.05, max: 1, noNaN: true })
        })
        .map(({ size, threshold }) => Strategy.failureRate({ window: Window.count(size), threshold })),
      fc
        .record({
          buckets: fc.integer({ min: 1, max: 5 }),
          threshold: fc.double({ min: 0.05, max: 1, noNaN: true })
        })
        .map(({ buckets, threshold }) =>
          Strategy.slowCallRate({
            window: Window.time(100 * buckets, buckets),
            threshold,
            slowCallDuration: 50,
            minimumCalls: 2
          })
        )
    )

    const history: fc.Arbitrary<ReadonlyArray<Outcome>> = fc
      .array(
        fc.record({
          dt: fc.integer({ min: 0, max: 300 }),
          f: fc.boolean(),
          ms: fc.integer({ min: 0, max: 100 })
        }),
        {
          maxLength: 40
        }
      )
      .map((steps) => {
        let t = 0
        return steps.map(({ dt, f, ms }): Outcome => [(t += dt), f ? 'F' : 'S', ms])
      })

    it('is associative, as data', () => {
      fc.assert(
        fc.property(strategy, strategy, strategy, (x, y, z) => {
          const { concat } = Strategy.Semigroup
          expect(concat(concat(x, y), z)).toEqual(concat(x, concat(y, z)))
        })
      )
    })

    it('trips exactly when one of its parts trips on the same history', () => {
      fc.assert(
        fc.property(strategy, strategy, history, (x, y, h) => {
          const both = feed(Strategy.Semigroup.concat(x, y), h)
          const fx = feed(x, h)
          const fy = feed(y, h)
          expect(both).toEqual(fx.map((tx, i) => tx || (fy[i] ?? false)))
        })
      )
    })
  })

  describe('the limit on combined strategies', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => Strategy.consecutiveFailures(i + 1))

    it('accepts an Any of up to maxStrategies strategies and refuses a longer one, naming the limit', () => {
      const [first, ...rest] = many(Strategy.maxStrategies)
      if (first === undefined) throw new Error('unreachable')
      expect(Strategy.problems(Strategy.any(first, ...rest))).toStrictEqual([])
      expect(Strategy.problems(Strategy.any(first, ...rest, Strategy.consecutiveFailures(7)))).toStrictEqual([
        'strategy.strategies: expected at most 100 strategies, got 101'
      ])
    })

    it('refuses a long Any without looking at its strategies', () => {
      const strategies = many(20_000).map(() => ({ _tag: 'ConsecutiveFailures', threshold: -1 }))
      expect(Strategy.problems({ _tag: 'Any', strategies })).toStrictEqual([
        'strategy.strategies: expected at most 100 strategies, got 20000'
      ])
    })

    it('refuses an Any tally of more tallies than the limit', () => {
      const tallies = many(101).map(Strategy.initial)
      expect(Strategy.TallyShape.is({ _tag: 'Any', tallies })).toBe(false)
      expect(Strategy.TallyShape.is({ _tag: 'Any', tallies: tallies.slice(1) })).toBe(true)
    })

    it('builds the same flat Any by folding with concat as by one call of any', () => {
      const [first, ...rest] = many(Strategy.maxStrategies)
      if (first === undefined) throw new Error('unreachable')
      const folded = concatAll(Strategy.Semigroup)(first)(rest)
      expect(folded).toStrictEqual(Strategy.any(first, ...rest))
      expect(rest.reduce<Strategy.Strategy>((acc, s) => Strategy.any(acc, s), first)).toStrictEqual(folded)
    })
  })

  describe('slowCallDuration', () => {
    it('finds the shortest slow-call duration of a composition, if any', () => {
      const window = Window.count(10)
      expect(Strategy.slowCallDuration(Strategy.consecutiveFailures(3))).toBeUndefined()
      expect(
        Strategy.slowCallDuration(
          Strategy.any(
            Strategy.slowCallRate({ window, threshold: 0.5, slowCallDuration: 800 }),
            Strategy.consecutiveFailures(3),
            Strategy.slowCallRate({ window, threshold: 0.9, slowCallDuration: 300 })
          )
        )
      ).toBe(300)
    })
  })

  describe('validation', () => {
    const count10 = Window.count(10)
    it.each([
      {
        strategy: Strategy.consecutiveFailures(0),
        problem: 'strategy.threshold: expected a positive integer, got 0'
      },
      {
        strategy: Strategy.failureCount({ window: count10, threshold: 11 }),
        problem: "strategy.threshold: expected at most the window's size (10) failures, got 11"
      },
      {
        strategy: Strategy.failureRate({ window: count10, threshold: 0 }),
        problem: 'strategy.threshold: expected a rate in (0, 1], got 0'
      },
      {
        strategy: Strategy.failureRate({ window: count10, threshold: 1.5 }),
        problem: 'strategy.threshold: expected a rate in (0, 1], got 1.5'
      },
      {
        strategy: Strategy.failureRate({ window: count10, threshold: -0.1 }),
        problem: 'strategy.threshold: expected a rate in (0, 1], got -0.1'
      },
      {
        strategy: Strategy.failureRate({ window: count10, threshold: NaN }),
        problem: 'strategy.threshold: expected a rate in (0, 1], got NaN'
      },
      {
        strategy: Strategy.failureRate({ window: count10, threshold: 0.5, minimumCalls: 11 }),
        problem: "strategy.minimumCalls: expected at most the window's size (10) calls, got 11"
      },
      {
        strategy: Strategy.failureRate({ window: count10, threshold: 0.5, minimumCalls: 0 }),
        problem: 'strategy.minimumCalls: expected a positive integer, got 0'
      },
      {
        strategy: Strategy.slowCallRate({ window: count10, threshold: 0.5, slowCallDuration: 0 }),
        problem: 'strategy.slowCallDuration: expected a finite positive duration in milliseconds, got 0'
      },
      {
        strategy: Strategy.slowCallRate({ window: count10, threshold: 0.5, slowCallDuration: Infinity }),
        problem:
          'strategy.slowCallDuration: expected a finite positive duration in milliseconds, got Infinity'
      },
      {
        strategy: Strategy.failureRate({ window: Window.time(1_000, 7), threshold: 0.5, minimumCalls: 5 }),
        problem:
          'strategy.window.buckets: expected a divisor of duration (1000 ms), so that every bucket spans whole milliseconds, got 7'
      },
      {
        strategy: Strategy.failureRate({ window: Window.count(0), threshold: 0.5, minimumCalls: 1 }),
        problem: 'strategy.window.size: expected an integer from 1 to 1000000, got 0'
      },
      {
        strategy: { _tag: 'Any', strategies: [] },
        problem: 'strategy.strategies: expected a non-empty array of strategies, got an array'
      },
      {
        strategy: Strategy.any(
          Strategy.consecutiveFailures(2),
          Strategy.failureRate({ window: count10, threshold: 2 })
        ),
        problem: 'strategy.strategies[1].threshold: expected a rate in (0, 1], got 2'
      },
      {
        strategy: {
          _tag: 'Any',
          strategies: [{ _tag: 'Any', strategies: [Strategy.consecutiveFailures(2)] }]
        },
        problem:
          'strategy.strategies[0]: expected a strategy other than Any inside Any (list its strategies instead)'
      },
      {
        strategy: { _tag: 'FailureRatio', threshold: 0.5 },
        problem:
          'strategy._tag: expected one of ConsecutiveFailures, FailureCount, FailureRate, SlowCallRate, Any, got "FailureRatio"'
      },
      {
        strategy: { _tag: 'ConsecutiveFailures', threshold: 3, treshold: 3 },
        problem: 'strategy.treshold: unknown key; did you mean threshold?'
      }
    ])('reports $problem', ({ strategy, problem }) => {
      expect(Strategy.problems(strategy)).toEqual([problem])
    })

    it('lists every problem at once', () => {
      expect(
        Strategy.problems(
          Strategy.slowCallRate({
            window: Window.time(0, 0),
            threshold: 7,
            slowCallDuration: -1,
            minimumCalls: -1
          })
        )
      ).toEqual([
        'strategy.window.duration: expected a positive integer number of milliseconds, got 0',
        'strategy.window.buckets: expected an integer from 1 to 10000, got 0',
        'strategy.threshold: expected a rate in (0, 1], got 7',
        'strategy.minimumCalls: expected a positive integer, got -1',
        'strategy.slowCallDuration: expected a finite positive duration in milliseconds, got -1'
      ])
    })

    it('checks a tally against its strategy', () => {
      const s = Strategy.any(
        Strategy.consecutiveFailures(3),
        Strategy.failureRate({ window: count10, threshold: 0.5 })
      )
      let tally = Strategy.initial(s)
      for (let i = 0; i < 5; i++) tally = Strategy.record(s, tally, { failure: i % 2 === 0, duration: 1 }, i)
      expect(Strategy.tallyProblems(s, JSON.parse(JSON.stringify(tally)))).toEqual([])
      expect(
        Strategy.tallyProblems(s, { _tag: 'Any', tallies: [{ _tag: 'ConsecutiveFailures', failures: -1 }] })
      ).toEqual(['tally.tallies: expected 2 tallies, got an array'])
      expect(
        Strategy.tallyProblems(Strategy.consecutiveFailures(3), { _tag: 'ConsecutiveFailures', failures: -1 })
      ).toEqual(['tally.failures: expected a non-negative integer, got -1'])
    })
  })

  describe('readsClock', () => {
    const count = Window.count(10)
    const time = Window.time(10_000, 10)
    const of = (window: Window.Window): ReadonlyArray<Strategy.Strategy> => [
      Strategy.failureCount({ window, threshold: 3 }),
      Strategy.failureRate({ window, threshold: 0.5, minimumCalls: 5 }),
      Strategy.slowCallRate({ window, threshold: 0.5, slowCallDuration: 100, minimumCalls: 5 })
    ]

    it('says consecutive failures and count windows read no clock', () => {
      for (const s of [Strategy.consecutiveFailures(3), ...of(count)])
        expect(Strategy.readsClock(s)).toBe(false)
    })

    it('says a time window reads the clock', () => {
      for (const s of of(time)) expect(Strategy.readsClock(s)).toBe(true)
    })

    it('says any reads the clock exactly when one of its strategies does', () => {
      expect(Strategy.readsClock(Strategy.any(Strategy.consecutiveFailures(3), ...of(count)))).toBe(false)
      expect(Strategy.readsClock(Strategy.any(Strategy.consecutiveFailures(3), ...of(time)))).toBe(true)
      fc.assert(
        fc.property(anyStrategy, anyStrategy, (x, y) => {
          const either = Strategy.readsClock(x) || Strategy.readsClock(y)
          expect(Strategy.readsClock(Strategy.any(x, y))).toBe(either)
          expect(Strategy.readsClock(Strategy.Semigroup.concat(x, y))).toBe(either)
        })
      )
    })

    it('records the same tally at any time for a strategy that reads no clock', () => {
      const outcomes = fc.array(
        fc.tuple(fc.boolean(), fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 100 })), fc.nat(1e9)),
        { maxLength: 30 }
      )
      fc.assert(
        fc.property(anyStrategy, outcomes, (strategy, os) => {
          fc.pre(!Strategy.readsClock(strategy))
          let atTimes = Strategy.initial(strategy)
          let untimed = Strategy.initial(strategy)
          for (const [failure, duration, t] of os) {
            atTimes = Strategy.recordOutcome(strategy, atTimes, failure, duration, t)
            untimed = Strategy.recordOutcome(strategy, untimed, failure, duration, NaN)
            expect(untimed).toEqual(atTimes)
            expect(Strategy.isTrippedAsRecorded(strategy, untimed)).toBe(
              Strategy.isTripped(strategy, atTimes, t)
            )
          }
        })
      )
    })

    it('records outcomes in a time window by their time', () => {
      const [strategy] = of(time)
      const at = (t: number) =>
        Strategy.record(strategy!, Strategy.initial(strategy!), { failure: true, duration: NaN }, t)
      expect(at(0)).not.toEqual(at(60_000))
    })
  })
})
