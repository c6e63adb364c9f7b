/**
 * Deterministic examples for the mutants of src/Backoff.ts that no other test killed (issue 18, see
 * docs/testing.md "Mutation testing"): each test names the behaviour it pins.
 */
import * as O from 'fp-ts/Option'
import { Backoff } from 'tripswitch'

describe('Backoff.fromPolicy: a policy that gave up', () => {
  it('is not asked again, and a later answer of its does not extend the levels', () => {
    const asked: Array<number> = []
    // gives up at iteration 2 the first time it is asked, and would give a delay if asked again
    const policy = (s: Backoff.RetryStatus): O.Option<number> => {
      asked.push(s.iterNumber)
      return s.iterNumber === 2 && asked.filter((n) => n === 2).length === 1
        ? O.none
        : O.some(100 * (s.iterNumber + 1))
    }
    const backoff = Backoff.fromPolicy(policy)
    expect(backoff.delay(5)).toEqual([1, 200])
    expect(backoff.delay(5)).toEqual([1, 200])
    expect(backoff.delay(9)).toEqual([1, 200])
    expect(asked).toEqual([0, 1, 2])
  })
})

describe('Backoff.unit: the fraction of a millisecond of a large timestamp', () => {
  it('tells apart instants that differ by the finest fraction a timestamp near 2^40 ms holds', () => {
    // 2^40 ms is in 2004; a double holds 2^-12 ms there, and that last bit still changes the hash
    const whole = 2 ** 40
    expect(whole + 2 ** -12).not.toBe(whole)
    expect(Backoff.unit(3, whole + 2 ** -12)).not.toBe(Backoff.unit(3, whole))
  })
})

describe('Backoff.decayed: level 0', () => {
  it('stays 0 whatever the times, even those that give no count of healthy periods (NaN)', () => {
    expect(Backoff.decayed(0, 5_000, 5_000, 0)).toBe(0) // 0 / 0 periods
    expect(Backoff.decayed(0, 0, NaN, 60_000)).toBe(0)
    expect(Backoff.decayed(0, 0, 125_000, 60_000)).toBe(0)
    // above level 0 the same times decay as the formula says
    expect(Backoff.decayed(3, 0, 125_000, 60_000)).toBe(1)
  })
})
