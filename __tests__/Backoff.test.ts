import * as O from 'fp-ts/Option'
import {
  applyPolicy,
  capDelay,
  constantDelay,
  defaultRetryStatus,
  exponentialBackoff,
  limitRetries,
  limitRetriesByDelay,
  Monoid,
  type RetryStatus
} from 'retry-ts'
import { Backoff } from 'tripswitch'

const delays = (backoff: Backoff.Backoff, levels: number): ReadonlyArray<number> =>
  Array.from({ length: levels }, (_, n) => backoff.delay(n)[1])

describe('Backoff', () => {
  describe('fromPolicy', () => {
    it('backoff 1 s, 2 s, 4 s, 8 s capped at 10 s gives 1, 2, 4, 8, 10, 10', () => {
      const backoff = Backoff.fromPolicy(capDelay(10_000, exponentialBackoff(1_000)))
      expect(delays(backoff, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000])
    })

    it.each([
      { name: 'constantDelay(500)', policy: constantDelay(500), expected: [500, 500, 500, 500] },
      { name: 'exponentialBackoff(100)', policy: exponentialBackoff(100), expected: [100, 200, 400, 800] },
      {
        name: 'capDelay(300, exponentialBackoff(100))',
        policy: capDelay(300, exponentialBackoff(100)),
        expected: [100, 200, 300, 300]
      }
    ])('takes retry-ts $name as it is', ({ policy, expected }) => {
      expect(delays(Backoff.fromPolicy(policy), 4)).toEqual(expected)
    })

    it('keeps the last delay and level once the policy gives up (None)', () => {
      const backoff = Backoff.fromPolicy(Monoid.concat(exponentialBackoff(1_000), limitRetries(3)))
      expect([0, 1, 2, 3, 4, 50].map((n) => backoff.delay(n))).toEqual([
        [0, 1_000],
        [1, 2_000],
        [2, 4_000],
        [2, 4_000],
        [2, 4_000],
        [2, 4_000]
      ])
      const byDelay = Backoff.fromPolicy(limitRetriesByDelay(5_000, exponentialBackoff(1_000)))
      expect(byDelay.delay(10)).toEqual([2, 4_000])
    })

    it('asks the policy with the status retry-ts would build, once per level', () => {
      const asked: Array<RetryStatus> = []
      const policy = (status: RetryStatus) => {
        asked.push(status)
        return O.some(100 * (status.iterNumber + 1))
      }
      const backoff = Backoff.fromPolicy(policy)
      backoff.delay(3)
      backoff.delay(1)
      backoff.delay(3)
      let expected = defaultRetryStatus
      const statuses: Array<RetryStatus> = []
      for (let i = 0; i < 4; i++) {
        statuses.push(expected)
        expected = applyPolicy((s) => O.some(100 * (s.iterNumber + 1)), expected)
      }
      expect(asked).toEqual(statuses)
    })

    it('treats a policy that throws, or gives no usable delay, as one that gave up', () => {
      const throwing = Backoff.fromPolicy((s) => {
        if (s.iterNumber === 2) throw new Error('boom')
        return O.some(10)
      })
      expect(throwing.delay(5)).toEqual([1, 10])
      for (const bad of [NaN, -1, Infinity]) {
        const b = Backoff.fromPolicy((s) => O.some(s.iterNumber < 1 ? 10 : bad))
        expect(b.delay(3)).toEqual([0, 10])
      }
    })

    it('asks for no level above maxLevel', () => {
      let highest = -1
      const backoff = Backoff.fromPolicy((s) => {
        highest = Math.max(highest, s.iterNumber)
        return O.some(s.iterNumber)
      })
      expect(backoff.delay(1e9)).toEqual([Backoff.maxLevel, Backoff.maxLevel])
      expect(highest).toBe(Backoff.maxLevel)
    })

    it('gives the same delay at every level for a constant backoff', () => {
      expect(delays(Backoff.constant(30_000), 3)).toEqual([30_000, 30_000, 30_000])
      expect(Backoff.constant(30_000).delay(7)).toEqual([7, 30_000])
    })
  })

  describe('policyProblem', () => {
    it.each([
      { policy: 30_000, problem: 'backoff: expected a retry-ts RetryPolicy (a function), got number' },
      { policy: null, problem: 'backoff: expected a retry-ts RetryPolicy (a function), got null' },
      {
        policy: limitRetries(0),
        problem:
          'backoff: expected a policy that gives a finite delay >= 0 for the first open (iteration 0), got none'
      },
      {
        policy: () => {
          throw new Error('nope')
        },
        problem: 'backoff: the policy threw for the first open (iteration 0): nope'
      },
      {
        policy: () => O.some(-5),
        problem:
          'backoff: expected a policy that gives a finite delay >= 0 for the first open (iteration 0), got -5'
      }
    ])('reports $problem', ({ policy, problem }) => {
      expect(Backoff.policyProblem(policy)).toBe(problem)
    })

    it('accepts a policy with a first delay', () => {
      expect(Backoff.policyProblem(exponentialBackoff(10))).toBeUndefined()
    })
  })

  describe('jittered', () => {
    it('is the delay itself without jitter', () => {
      expect(Backoff.jittered(10_000, 0, 3, 1_234.5)).toBe(10_000)
    })

    it('shortens by at most the jitter fraction, the same way every time for the same state', () => {
      for (let g = 0; g < 200; g++) {
        const d = Backoff.jittered(10_000, 0.2, g, 1_000 + g * 7.25)
        expect(d).toBeGreaterThan(8_000)
        expect(d).toBeLessThanOrEqual(10_000)
        expect(Backoff.jittered(10_000, 0.2, g, 1_000 + g * 7.25)).toBe(d)
      }
    })

    it('spreads breakers that opened at different instants over the whole range', () => {
      const ds = Array.from({ length: 1_000 }, (_, i) =>
        Backoff.jittered(10_000, 1, 1, 1_700_000_000_000 + i)
      )
      expect(new Set(ds).size).toBeGreaterThan(990)
      expect(Math.min(...ds)).toBeLessThan(500)
      expect(Math.max(...ds)).toBeGreaterThan(9_500)
      const mean = ds.reduce((a, b) => a + b, 0) / ds.length
      expect(mean).toBeGreaterThan(4_500)
      expect(mean).toBeLessThan(5_500)
    })

    it('tells apart instants a fraction of a millisecond apart, and generations', () => {
      expect(Backoff.unit(1, 1_000.25)).not.toBe(Backoff.unit(1, 1_000.5))
      expect(Backoff.unit(1, 1_000)).not.toBe(Backoff.unit(2, 1_000))
    })
  })

  describe('decayed', () => {
    it.each([
      { level: 3, closedFor: 0, expected: 3 },
      { level: 3, closedFor: 59_999, expected: 3 },
      { level: 3, closedFor: 60_000, expected: 2 },
      { level: 3, closedFor: 125_000, expected: 1 },
      { level: 3, closedFor: 10 * 60_000, expected: 0 },
      { level: 0, closedFor: 1e9, expected: 0 },
      { level: 2, closedFor: -5, expected: 2 }
    ])('level $level closed for $closedFor ms with a 60 s healthy period is $expected', (c) => {
      expect(Backoff.decayed(c.level, 1_000, 1_000 + c.closedFor, 60_000)).toBe(c.expected)
    })
  })
})
