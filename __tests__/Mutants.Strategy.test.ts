/**
 * Deterministic examples for what the `Any` kind of src/Strategy.ts does that no other test checked
 * (issue 18, see docs/testing.md "Mutation testing"), and what its checks say of values that are not
 * objects: each test names the behaviour it pins.
 */
import * as E from 'fp-ts/Either'
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

describe('Strategy checks: what they say of a value that is not an object', () => {
  const anyKind = Strategy.kinds.find((k) => k._tag === 'Any')
  if (anyKind === undefined) throw new Error('Strategy.kinds holds Any')

  it('names a strategy, a trip strategy in an any document, and an any strategy document', () => {
    expect(Strategy.problems(5)).toEqual(['strategy: expected a strategy (see Strategy), got 5'])
    expect(Strategy.documentCheck.decode({ kind: 'any', strategies: [5] })).toEqual(
      E.left([{ path: ['strategies', 0], message: 'expected a trip strategy, got 5' }])
    )
    expect(anyKind.document.decode(5)).toEqual(
      E.left([{ path: [], message: 'expected an any strategy, got 5' }])
    )
  })

  it('names a strategy tally inside an Any tally, and an Any tally', () => {
    expect(Strategy.tallyShapeCheck.decode({ _tag: 'Any', tallies: [5] })).toEqual(
      E.left([{ path: ['tallies', 0], message: 'expected a strategy tally, got 5' }])
    )
    expect(anyKind.tallyShapes.Any?.decode(5)).toEqual(
      E.left([{ path: [], message: 'expected an Any tally, got 5' }])
    )
  })
})

describe('Strategy.tallyShapeCheck: Any tallies', () => {
  it('accepts the shape of an Any tally, and names the field of one with more tallies than the limit', () => {
    const s = Strategy.any(Strategy.consecutiveFailures(3), Strategy.consecutiveFailures(5))
    expect(Strategy.tallyShapeCheck.is(Strategy.initial(s))).toBe(true)
    const many = Array.from({ length: Strategy.maxStrategies + 1 }, () =>
      Strategy.initial(Strategy.consecutiveFailures(1))
    )
    expect(Strategy.tallyShapeCheck.decode({ _tag: 'Any', tallies: many })).toEqual(
      E.left([{ path: ['tallies'], message: 'expected at most 100 tallies, got 101' }])
    )
  })
})
