/**
 * Deterministic examples for what the `Any` kind of src/Strategy.ts does that no other test checked
 * (issue 18, see docs/testing.md "Mutation testing"): each test names the behaviour it pins. Written
 * from reading the module, before a mutation run of it finished.
 */
import { Strategy, Window } from 'tripswitch'

const rate = Strategy.failureRate({ window: Window.count(4), threshold: 0.5 })

describe('Strategy: an Any of strategies', () => {
  it('returns its tally itself when no strategy in it moved', () => {
    const s = Strategy.any(Strategy.consecutiveFailures(3), Strategy.consecutiveFailures(5))
    const t = Strategy.initial(s)
    expect(Strategy.recordOutcome(s, t, false, NaN, 0)).toBe(t)
    const moved = Strategy.recordOutcome(s, t, true, 5, 0)
    expect(moved).not.toBe(t)
    expect(moved).toEqual({
      _tag: 'Any',
      tallies: [
        { _tag: 'ConsecutiveFailures', failures: 1 },
        { _tag: 'ConsecutiveFailures', failures: 1 }
      ]
    })
  })

  it('is unmoved by a success only when every strategy in it is', () => {
    const both = Strategy.any(Strategy.consecutiveFailures(3), Strategy.consecutiveFailures(5))
    expect(Strategy.isUnmovedBySuccess(both, Strategy.initial(both))).toBe(true)
    const withWindow = Strategy.any(Strategy.consecutiveFailures(3), rate)
    expect(Strategy.isUnmovedBySuccess(withWindow, Strategy.initial(withWindow))).toBe(false)
    const failed = Strategy.recordOutcome(both, Strategy.initial(both), true, 5, 0)
    expect(Strategy.isUnmovedBySuccess(both, failed)).toBe(false)
  })

  it('starts a strategy whose tally is missing from a fresh one, and does not trip on it', () => {
    const s = Strategy.any(Strategy.consecutiveFailures(1), Strategy.consecutiveFailures(2))
    const short: Strategy.Tally = { _tag: 'Any', tallies: [{ _tag: 'ConsecutiveFailures', failures: 0 }] }
    expect(Strategy.isTripped(s, short, 0)).toBe(false)
    expect(Strategy.isTrippedAsRecorded(s, short)).toBe(false)
    expect(Strategy.isUnmovedBySuccess(s, short)).toBe(false)
    expect(Strategy.recordOutcome(s, short, true, 5, 0)).toEqual({
      _tag: 'Any',
      tallies: [
        { _tag: 'ConsecutiveFailures', failures: 1 },
        { _tag: 'ConsecutiveFailures', failures: 1 }
      ]
    })
  })
})
