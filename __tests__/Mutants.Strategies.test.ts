/**
 * Deterministic examples for the survivors of the mutation run of src/strategies/* that are not
 * module-level checks (issue 18, see docs/testing.md "Mutation testing"): each test names the
 * behaviour it pins.
 */
import * as E from 'fp-ts/Either'
import { Circuit, Event, Decision, type State, Strategy, Window } from 'tripswitch'

describe('a strategy document with and without minimumCalls', () => {
  const window = { kind: 'count', size: 20 } as const

  it('keeps the minimumCalls a failureRate document gives, and defaults it to the window size', () => {
    const given = Strategy.fromDocument({ kind: 'failureRate', window, threshold: 0.5, minimumCalls: 7 })
    expect(given).toEqual(Strategy.failureRate({ window: Window.count(20), threshold: 0.5, minimumCalls: 7 }))
    const defaulted = Strategy.fromDocument({ kind: 'failureRate', window, threshold: 0.5 })
    expect(defaulted).toEqual(
      Strategy.failureRate({ window: Window.count(20), threshold: 0.5, minimumCalls: 20 })
    )
  })

  it('keeps the minimumCalls a slowCallRate document gives, and defaults it to the window size', () => {
    const base = { kind: 'slowCallRate', window, threshold: 0.5, slowCallDuration: 250 } as const
    const expected = (minimumCalls: number) =>
      Strategy.slowCallRate({ window: Window.count(20), threshold: 0.5, slowCallDuration: 250, minimumCalls })
    expect(Strategy.fromDocument({ ...base, minimumCalls: 7 })).toEqual(expected(7))
    expect(Strategy.fromDocument(base)).toEqual(expected(20))
  })
})

describe('consecutiveFailures: a success with no failures counted', () => {
  it('leaves a tally of zero failures itself, also one decoded from a store (not the shared zero)', () => {
    const s = Strategy.consecutiveFailures(3)
    const restored = JSON.parse(JSON.stringify(Strategy.initial(s))) as ReturnType<typeof Strategy.initial>
    expect(Strategy.recordOutcome(s, restored, false, NaN, 0)).toBe(restored)
  })

  it('so the circuit leaves a restored closed state itself, as isUnmovedBySuccess says', () => {
    const c = Circuit.make({ failureThreshold: 3 })
    const restored = JSON.parse(JSON.stringify(c.initial(0))) as State.State
    const permit = Decision.permit(restored.generation)
    expect(c.isUnmovedBySuccess(restored, permit)).toBe(true)
    expect(c.step(restored, Event.success(permit), 10)).toBe(restored)
  })
})

describe("each kind's checks: what they say of a value that is not an object", () => {
  const kindOf = (tag: string) => {
    const k = Strategy.kinds.find((kind) => kind._tag === tag)
    if (k === undefined) throw new Error(`Strategy.kinds holds ${tag}`)
    return k
  }
  const said = (decoded: E.Either<ReadonlyArray<{ readonly message: string }>, unknown>) =>
    E.isLeft(decoded) ? decoded.left.map((e) => e.message) : []

  it.each([
    ['ConsecutiveFailures', 'consecutiveFailures'],
    ['FailureCount', 'failureCount'],
    ['FailureRate', 'failureRate'],
    ['SlowCallRate', 'slowCallRate']
  ])('names a %s strategy, and a %s document', (tag, kind) => {
    const k = kindOf(tag)
    expect(said(k.codec.decode(5))).toEqual([`expected a ${tag} strategy, got 5`])
    expect(said(k.document.decode(5))).toEqual([`expected a ${kind} strategy, got 5`])
  })

  it('names a ConsecutiveFailures tally, by its shape and as the tally of a strategy', () => {
    const k = kindOf('ConsecutiveFailures')
    expect(said(k.tallyShapes['ConsecutiveFailures']!.decode(5))).toEqual([
      'expected a ConsecutiveFailures tally, got 5'
    ])
    expect(said(k.tally(Strategy.consecutiveFailures(3) as never).decode(5))).toEqual([
      'expected a ConsecutiveFailures tally, got 5'
    ])
  })
})

describe('slowCallRate: minimumCalls within a count window', () => {
  it('refuses a SlowCallRate strategy that needs more calls than its count window holds, naming the field', () => {
    const k = Strategy.kinds.find((kind) => kind._tag === 'SlowCallRate')!
    const strategy = { _tag: 'SlowCallRate', window: Window.count(10), threshold: 0.5, slowCallDuration: 100 }
    expect(E.isRight(k.codec.decode({ ...strategy, minimumCalls: 10 }))).toBe(true)
    expect(k.codec.decode({ ...strategy, minimumCalls: 11 })).toEqual(
      E.left([{ path: ['minimumCalls'], message: "expected at most the window's size (10) calls, got 11" }])
    )
  })
})
