/**
 * Deterministic examples for the mutants of src/HalfOpen.ts that no other test killed (issue 18, see
 * docs/testing.md "Mutation testing"): each test names the behaviour it pins.
 */
import { HalfOpen } from 'tripswitch'

describe('HalfOpen.problems: more answers than probes', () => {
  it('names successes + failures above halfOpenProbes, with their sum, besides the verdict they reach', () => {
    const rule = { halfOpenProbes: 2, successThreshold: 2 }
    expect(HalfOpen.problems(rule, { leases: 0, successes: 2, failures: 1 })).toEqual([
      'successes: expected successes + failures at most halfOpenProbes (2), got 3',
      'failures: expected 0 (a probe failure re-opens the circuit), got 1',
      'successes: expected below successThreshold (2), got 2'
    ])
  })

  it('accepts exactly halfOpenProbes answers: only the verdict is named', () => {
    const rule = { halfOpenProbes: 4, successThreshold: 1, halfOpenFailureRate: 0.75 }
    expect(HalfOpen.problems(rule, { leases: 0, successes: 1, failures: 3 })).toEqual([
      'failures: expected failures / halfOpenProbes below halfOpenFailureRate (0.75), got 3 of 4'
    ])
  })
})
