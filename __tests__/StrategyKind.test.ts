import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import { Strategy, Window } from 'tripswitch'
import { literal, nonNegativeInteger, positiveInteger, struct, tagged, type TypeOf } from '../src/codec'
import { registered } from '../src/strategies'
import type { StrategyKind } from '../src/strategies/StrategyKind'
import { strategy as anyStrategy } from './_support/arbitraries'

const outcomes = fc.array(
  fc.tuple(
    fc.boolean(),
    fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 100 })),
    fc.integer({ min: 0, max: 50 })
  ),
  { maxLength: 40 }
)

/** The laws every kind keeps (see `strategies/StrategyKind.ts`), on strategies drawn from `strategies`. */
const laws = <
  S extends { readonly _tag: string },
  T extends { readonly _tag: string },
  D extends { readonly kind: string }
>(
  kind: StrategyKind<S, T, D>,
  strategies: fc.Arbitrary<S>
): void => {
  fc.assert(
    fc.property(strategies, outcomes, (s, os) => {
      expect(kind.codec.decode(s)).toStrictEqual(E.right(s))
      const tallyCodec = kind.tally(s)
      let tally = kind.initial(s)
      let now = 0
      for (const [failure, duration, dt] of os) {
        now += dt
        const next = kind.record(s, tally, failure, duration, now)
        if (JSON.stringify(next) === JSON.stringify(tally)) expect(next).toBe(tally)
        tally = next
        expect(kind.isTrippedAsRecorded(s, tally)).toBe(kind.isTripped(s, tally, now))
        const json: unknown = JSON.parse(JSON.stringify(tally))
        expect(tallyCodec.decode(json)).toStrictEqual(E.right(tally))
        expect(Object.keys(kind.tallyShapes)).toContain(tally._tag)
        if (kind.isUnmovedBySuccess(s, tally)) {
          expect(kind.record(s, tally, false, NaN, now)).toBe(tally)
        }
        if (!kind.readsClock(s)) {
          expect(kind.record(s, tally, failure, duration, NaN)).toStrictEqual(
            kind.record(s, tally, failure, duration, now)
          )
        }
      }
    }),
    { numRuns: 200 }
  )
}

const ofTag = <K extends Strategy.Strategy['_tag']>(tag: K) =>
  anyStrategy.filter((s): s is Extract<Strategy.Strategy, { _tag: K }> => s._tag === tag)

// A kind written as a user would write one: open after `threshold` slow calls in a row. It is not
// registered (registration is the static list in src/strategies/index.ts); it shows the interface is
// all a strategy needs, and is held to the same laws as the registered ones.
interface SlowStreak {
  readonly _tag: 'SlowStreak'
  readonly threshold: number
  readonly slowCallDuration: number
}
interface SlowStreakTally {
  readonly _tag: 'SlowStreak'
  readonly slow: number
}
const slowStreakTally = struct(
  'a SlowStreak tally',
  { _tag: literal('SlowStreak'), slow: nonNegativeInteger },
  {}
)
const slowStreakDocument = struct(
  'a slowStreak strategy',
  { kind: literal('slowStreak'), threshold: positiveInteger, slowCallDuration: positiveInteger },
  {}
)
const zero: SlowStreakTally = { _tag: 'SlowStreak', slow: 0 }
const slowStreak: StrategyKind<SlowStreak, SlowStreakTally, TypeOf<typeof slowStreakDocument>> = {
  _tag: 'SlowStreak',
  kind: 'slowStreak',
  codec: struct(
    'a SlowStreak strategy',
    { _tag: literal('SlowStreak'), threshold: positiveInteger, slowCallDuration: positiveInteger },
    {}
  ),
  document: slowStreakDocument,
  fromDocument: ({ threshold, slowCallDuration }) => ({ _tag: 'SlowStreak', threshold, slowCallDuration }),
  tallyShapes: { SlowStreak: slowStreakTally },
  tally: () => tagged('a SlowStreak tally', '_tag', { SlowStreak: slowStreakTally }),
  initial: () => zero,
  record: (s, tally, _, duration) =>
    duration >= s.slowCallDuration
      ? { _tag: 'SlowStreak', slow: tally.slow + 1 }
      : tally.slow === 0
        ? tally
        : zero,
  isUnmovedBySuccess: (_, tally) => tally.slow === 0,
  isTripped: (s, tally) => tally.slow >= s.threshold,
  isTrippedAsRecorded: (s, tally) => tally.slow >= s.threshold,
  readsClock: () => false,
  slowCallDuration: (s) => s.slowCallDuration
}

describe('StrategyKind', () => {
  it('registers every strategy but Any, and Strategy.kinds adds Any last', () => {
    expect(Strategy.kinds.map((k) => k._tag)).toStrictEqual([...registered.map((k) => k._tag), 'Any'])
  })

  it.each(registered.map((k) => [k._tag, k] as const))('holds %s to the laws of a kind', (tag, kind) => {
    laws(
      kind as unknown as StrategyKind<Strategy.Strategy, Strategy.Tally, { readonly kind: string }>,
      ofTag(tag)
    )
  })

  it('holds a hand-written kind to the same laws', () => {
    const s = fc.record({
      _tag: fc.constant('SlowStreak' as const),
      threshold: fc.integer({ min: 1, max: 4 }),
      slowCallDuration: fc.integer({ min: 1, max: 100 })
    })
    laws(
      slowStreak,
      s.map((x) => ({ ...x }))
    )
    expect(
      slowStreak.document.decode({ kind: 'slowStreak', threshold: 2, slowCallDuration: 50 })
    ).toStrictEqual(E.right({ kind: 'slowStreak', threshold: 2, slowCallDuration: 50 }))
  })

  it('derives the strategy codec from the registrations: every kind round-trips, any tag is named', () => {
    fc.assert(
      fc.property(anyStrategy, (s) => {
        expect(Strategy.Strategy.decode(JSON.parse(JSON.stringify(s)))).toStrictEqual(E.right(s))
      })
    )
    expect(Strategy.problems({ _tag: 'Nope' })).toStrictEqual([
      `strategy._tag: expected one of ${Strategy.kinds.map((k) => k._tag).join(', ')}, got "Nope"`
    ])
  })

  it('derives the document codec from the registrations: each kind decodes its document to its strategy', () => {
    const window = { kind: 'count', size: 10 }
    const docs: Readonly<Record<string, unknown>> = {
      consecutiveFailures: { kind: 'consecutiveFailures', threshold: 3 },
      failureCount: { kind: 'failureCount', window, threshold: 3 },
      failureRate: { kind: 'failureRate', window, threshold: 0.5 },
      slowCallRate: { kind: 'slowCallRate', window, threshold: 0.5, slowCallDuration: '1s' },
      any: {
        kind: 'any',
        strategies: [
          { kind: 'consecutiveFailures', threshold: 3 },
          { kind: 'failureRate', window, threshold: 0.5 }
        ]
      }
    }
    expect(Object.keys(docs)).toStrictEqual(Strategy.kinds.map((k) => k.kind))
    for (const k of Strategy.kinds) {
      const decoded = Strategy.StrategyDocument.decode(docs[k.kind])
      if (E.isLeft(decoded)) throw new Error(`${k.kind} does not decode`)
      const s = Strategy.fromDocument(decoded.right)
      expect(s._tag).toBe(k._tag)
      expect(Strategy.problems(s)).toStrictEqual([])
    }
  })

  it('derives the tally codecs from the registrations: every tally a strategy reaches decodes', () => {
    fc.assert(
      fc.property(anyStrategy, outcomes, (s, os) => {
        let tally = Strategy.initial(s)
        let now = 0
        for (const [failure, duration, dt] of os) {
          now += dt
          tally = Strategy.recordOutcome(s, tally, failure, duration, now)
        }
        const json: unknown = JSON.parse(JSON.stringify(tally))
        expect(Strategy.TallyShape.decode(json)).toStrictEqual(E.right(tally))
        expect(Strategy.tallyCodec(s).decode(json)).toStrictEqual(E.right(tally))
        expect(Strategy.tallyProblems(s, json)).toStrictEqual([])
      })
    )
    const w = Window.count(4)
    expect(Strategy.TallyShape.is(Window.empty(w))).toBe(true)
  })

  it('keeps Any flat: the codec refuses an Any inside an Any', () => {
    const inner = Strategy.any(Strategy.consecutiveFailures(1), Strategy.consecutiveFailures(2))
    expect(E.isLeft(Strategy.Strategy.decode({ _tag: 'Any', strategies: [inner] }))).toBe(true)
    expect(Strategy.any(inner, Strategy.consecutiveFailures(3))).toStrictEqual({
      _tag: 'Any',
      strategies: [
        Strategy.consecutiveFailures(1),
        Strategy.consecutiveFailures(2),
        Strategy.consecutiveFailures(3)
      ]
    })
  })
})
