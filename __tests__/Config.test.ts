import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import { Config, ConfigCodec, decodeConfig, Strategy, Window } from 'tripswitch'
import { strategy as anyStrategy } from './_support/arbitraries'
import { resolveProblems } from './_support/problems'

const decodeProblems = (input: unknown): ReadonlyArray<string> => {
  const r = decodeConfig(input)
  return E.isLeft(r) ? r.left.problems : []
}

/** The fields a list of problems names (the first segment of each path). */
const named = (problems: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...new Set(problems.map((p) => p.split(/[.:[]/)[0] ?? ''))].sort()

/** A strategy written as a config document (`kind`, windows as documents), as `decodeConfig` reads it. */
const documentOf = (s: Strategy.Strategy): unknown => {
  const window = (w: Window.Window) =>
    w._tag === 'CountWindow'
      ? { kind: 'count', size: w.size }
      : { kind: 'time', duration: w.duration, buckets: w.buckets }
  switch (s._tag) {
    case 'ConsecutiveFailures':
      return { kind: 'consecutiveFailures', threshold: s.threshold }
    case 'FailureCount':
      return { kind: 'failureCount', window: window(s.window), threshold: s.threshold }
    case 'FailureRate':
      return {
        kind: 'failureRate',
        window: window(s.window),
        threshold: s.threshold,
        minimumCalls: s.minimumCalls
      }
    case 'SlowCallRate':
      return {
        kind: 'slowCallRate',
        window: window(s.window),
        threshold: s.threshold,
        minimumCalls: s.minimumCalls,
        slowCallDuration: s.slowCallDuration
      }
    case 'Any':
      return { kind: 'any', strategies: s.strategies.map(documentOf) }
  }
}

describe('Config', () => {
  describe('halfOpenExpiry', () => {
    it('keeps the option in the resolved config, and leaves it out when not given', () => {
      expect(Config.resolve({ halfOpenMaxDuration: 5_000, halfOpenExpiry: 'close' })).toMatchObject({
        halfOpenMaxDuration: 5_000,
        halfOpenExpiry: 'close'
      })
      expect(Config.resolve({ halfOpenMaxDuration: 5_000 })).not.toHaveProperty('halfOpenExpiry')
    })

    it('accepts it only with halfOpenMaxDuration, the deadline it applies at', () => {
      expect(resolveProblems({ halfOpenExpiry: 'close' })).toStrictEqual([
        'halfOpenExpiry: only with halfOpenMaxDuration (the deadline it applies at)'
      ])
      expect(resolveProblems({ halfOpenExpiry: 'open' })).toHaveLength(1)
      expect(decodeProblems({ halfOpenExpiry: 'close' })).toStrictEqual(
        resolveProblems({ halfOpenExpiry: 'close' })
      )
    })

    it('names a wrong value, and leaves the cross-field rule to valid fields', () => {
      expect(resolveProblems({ halfOpenMaxDuration: 1_000, halfOpenExpiry: 'shut' })).toStrictEqual([
        'halfOpenExpiry: expected "open" or "close", got "shut"'
      ])
      expect(resolveProblems({ halfOpenMaxDuration: -1, halfOpenExpiry: 'close' })).toStrictEqual([
        'halfOpenMaxDuration: expected a finite positive duration in milliseconds, or a string such as "500ms", "30s", "2m", got -1'
      ])
    })

    it('reads from a config document with a duration string', () => {
      expect(decodeConfig({ halfOpenMaxDuration: '1m', halfOpenExpiry: 'close' })).toStrictEqual(
        E.right({ halfOpenMaxDuration: 60_000, halfOpenExpiry: 'close' })
      )
    })
  })

  it('rejects null for a field, naming it, as a config document does', () => {
    expect(resolveProblems({ failureThreshold: null })).toStrictEqual([
      'failureThreshold: expected a positive integer, got null'
    ])
    expect(decodeProblems({ failureThreshold: null })).toStrictEqual(
      resolveProblems({ failureThreshold: null })
    )
    expect(resolveProblems({ openFor: null, strategy: null })).toStrictEqual([
      'strategy: expected a strategy (see Strategy), got null',
      'openFor: expected a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m", got null'
    ])
  })

  it('treats a field given as undefined as absent', () => {
    expect(Config.resolve({ failureThreshold: undefined, openFor: undefined } as never)).toStrictEqual(
      Config.defaults
    )
    expect(
      Config.resolve({ strategy: Strategy.consecutiveFailures(2), failureThreshold: undefined } as never)
    ).toStrictEqual({ ...Config.defaults, strategy: Strategy.consecutiveFailures(2) })
  })

  it('catches a typo in an option name and suggests the right one', () => {
    expect(resolveProblems({ failureTreshold: 3 })).toStrictEqual([
      'failureTreshold: unknown option; did you mean failureThreshold?'
    ])
  })

  it('leaves alone the keys the caller handles itself', () => {
    expect(Config.resolve({ failureThreshold: 2, name: 'x' } as never, ['name'])).toStrictEqual({
      ...Config.defaults,
      failureThreshold: 2
    })
  })

  it('reports a cross-field rule even when another field is wrong, but never against a wrong field', () => {
    expect(resolveProblems({ jitter: 2, halfOpenProbes: 1, successThreshold: 2 })).toStrictEqual([
      'jitter: expected a number in [0, 1], got 2',
      'successThreshold: expected at most halfOpenProbes (1), got 2'
    ])
    expect(resolveProblems({ halfOpenProbes: 0, successThreshold: 2 })).toStrictEqual([
      'halfOpenProbes: expected a positive integer, got 0'
    ])
  })

  it('derives probeLease from openFor when it is positive', () => {
    expect(Config.resolve({ openFor: 5_000 }).probeLease).toBe(5_000)
    expect(Config.resolve({ openFor: 0 }).probeLease).toBe(Config.defaults.probeLease)
    expect(Config.resolve({ openFor: 5_000, probeLease: 200 }).probeLease).toBe(200)
  })

  it('refuses a strategy combining more than 100 strategies, as decodeConfig does', () => {
    const [first, ...rest] = Array.from({ length: 101 }, (_, i) => Strategy.consecutiveFailures(i + 1))
    if (first === undefined) throw new Error('unreachable')
    expect(resolveProblems({ strategy: Strategy.any(first, ...rest) })).toStrictEqual([
      'strategy.strategies: expected at most 100 strategies, got 101'
    ])
  })

  it('lists at most 20 unknown options, then how many more', () => {
    const input = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`junk${i}`, 1]))
    const problems = resolveProblems(input as Config.ConfigInput)
    expect(problems).toHaveLength(21)
    expect(problems[20]).toBe('config: and 5 more unknown options')
  })

  describe('agrees with decodeConfig', () => {
    const count5 = Window.count(5)
    it.each<readonly [string, Record<string, unknown>, Record<string, unknown>]>([
      ['the empty config', {}, {}],
      ['every scalar option', { failureThreshold: 4, openFor: 10, jitter: 0.5, probeLease: 3 }, {}],
      ['a zero threshold', { failureThreshold: 0 }, {}],
      ['a fractional probe count', { halfOpenProbes: 1.5 }, {}],
      ['a string threshold', { failureThreshold: '3' }, {}],
      ['a boolean jitter', { jitter: true }, {}],
      ['an infinite open time', { openFor: Infinity }, {}],
      ['successes beyond the probes', { halfOpenProbes: 2, successThreshold: 3 }, {}],
      ['a rate with a success threshold', { halfOpenFailureRate: 0.5, successThreshold: 1 }, {}],
      [
        'a strategy with a failure threshold',
        { failureThreshold: 3 },
        { strategy: Strategy.consecutiveFailures(3) }
      ],
      [
        'minimumCalls beyond a count window',
        {},
        { strategy: Strategy.failureRate({ window: count5, threshold: 0.5, minimumCalls: 9 }) }
      ],
      [
        'a time window of fractional buckets',
        {},
        { strategy: Strategy.failureRate({ window: Window.time(1_000, 3), threshold: 0.5 }) }
      ],
      [
        'a nested any',
        {},
        {
          strategy: {
            _tag: 'Any',
            strategies: [Strategy.any(Strategy.consecutiveFailures(1), Strategy.consecutiveFailures(2))]
          }
        }
      ],
      ['an unknown option', { colour: 'blue' }, {}]
    ])('on %s', (_, scalars, withStrategy) => {
      const data = { ...scalars, ...withStrategy }
      const strategy = withStrategy['strategy']
      const doc = {
        ...scalars,
        ...(strategy === undefined
          ? {}
          : {
              strategy:
                (strategy as Strategy.Strategy)._tag === 'Any' &&
                (strategy as Strategy.Any).strategies.some((s) => s._tag === 'Any')
                  ? { kind: 'any', strategies: [{ kind: 'any', strategies: [] }] }
                  : documentOf(strategy as Strategy.Strategy)
            })
      }
      expect(resolveProblems(data).length === 0).toBe(decodeProblems(doc).length === 0)
      expect(named(resolveProblems(data))).toStrictEqual(named(decodeProblems(doc)))
    })

    it('accepts and rejects the same configs, naming the same fields once a document has the right shape', () => {
      const value = fc.oneof(
        fc.integer({ min: -1, max: 4 }),
        fc.double({ min: -1, max: 2 }),
        fc.constantFrom(NaN, Infinity, null, '1', true)
      )
      // every option, in the data form (a strategy as data, durations in milliseconds)
      const config = fc.record(
        Object.fromEntries(
          Object.keys(Config.fields)
            .filter((k) => k !== 'backoff')
            .map((k) => [k, k === 'strategy' ? anyStrategy : value])
        ),
        { requiredKeys: [] }
      )
      fc.assert(
        fc.property(config, (c) => {
          const doc =
            c['strategy'] === undefined
              ? c
              : { ...c, strategy: documentOf(c['strategy'] as Strategy.Strategy) }
          const fromData = resolveProblems(c)
          const fromDoc = decodeProblems(doc)
          expect(fromData.length === 0).toBe(fromDoc.length === 0)
          // a document's cross-field rules wait until all its fields have the right shape (see
          // ConfigCodec); when they do, both name the same fields
          if (E.isRight(ConfigCodec.ConfigDocument.decode(doc))) {
            expect(named(fromData)).toStrictEqual(named(fromDoc))
          }
        }),
        { numRuns: 2_000 }
      )
    })
  })
})
