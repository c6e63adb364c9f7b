import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  Circuit,
  Config,
  ConfigCodec,
  decodeConfig,
  decodeRegistryConfig,
  Strategy,
  Window
} from 'tripswitch'
import { resolveProblems } from './_support/problems'

const problemsOf = (r: E.Either<Config.ConfigError, unknown>): ReadonlyArray<string> =>
  E.isLeft(r) ? r.left.problems : []

const right = <A>(r: E.Either<Config.ConfigError, A>): A => {
  if (E.isLeft(r)) throw r.left
  return r.right
}

const untouchedPrototypes = (): void => {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  expect(Object.getPrototypeOf({})).toBe(Object.prototype)
}

// Type-level: the document codec knows every option of `ConfigInput`. When Config grows and the codec
// does not, `tsc` fails here.
type Missing = Exclude<keyof Config.ConfigInput, keyof ConfigCodec.ConfigDocument>
const covers: Record<Missing, never> = {}

describe('ConfigCodec', () => {
  it('knows every option of Config, at the type level and at run time', () => {
    expect(covers).toStrictEqual({})
    const every = Object.keys(Config.resolve({ strategy: Strategy.consecutiveFailures(2) }))
    for (const key of every) expect(ConfigCodec.ConfigDocument.keys).toContain(key)
  })

  it('decodes an empty document to no overrides, so every default applies', () => {
    const input = right(decodeConfig({}))
    expect(input).toStrictEqual({})
    expect(Circuit.make(input).config).toStrictEqual(Config.defaults)
  })

  it('decodes every scalar option, durations in milliseconds or as strings', () => {
    const input = right(
      decodeConfig({
        failureThreshold: 5,
        openFor: '10s',
        jitter: 0.2,
        healthyPeriod: '5m',
        halfOpenProbes: 3,
        successThreshold: 2,
        halfOpenMaxDuration: 90_000,
        probeLease: '2s'
      })
    )
    expect(input).toStrictEqual({
      failureThreshold: 5,
      openFor: 10_000,
      jitter: 0.2,
      healthyPeriod: 300_000,
      halfOpenProbes: 3,
      successThreshold: 2,
      halfOpenMaxDuration: 90_000,
      probeLease: 2_000
    })
  })

  it('decodes the half-open failure-rate verdict', () => {
    expect(right(decodeConfig({ halfOpenProbes: 10, halfOpenFailureRate: 0.3 }))).toStrictEqual({
      halfOpenProbes: 10,
      halfOpenFailureRate: 0.3
    })
  })

  it('decodes each trip strategy described as data into the Strategy it names', () => {
    const count = { kind: 'count', size: 20 }
    const time = { kind: 'time', duration: '1m', buckets: 12 }
    const cases: ReadonlyArray<readonly [unknown, Strategy.Strategy]> = [
      [{ kind: 'consecutiveFailures', threshold: 4 }, Strategy.consecutiveFailures(4)],
      [
        { kind: 'failureCount', window: count, threshold: 5 },
        Strategy.failureCount({ window: Window.count(20), threshold: 5 })
      ],
      [
        { kind: 'failureRate', window: time, threshold: 0.5, minimumCalls: 10 },
        Strategy.failureRate({ window: Window.time(60_000, 12), threshold: 0.5, minimumCalls: 10 })
      ],
      [
        { kind: 'failureRate', window: count, threshold: 0.5 },
        Strategy.failureRate({ window: Window.count(20), threshold: 0.5 })
      ],
      [
        { kind: 'slowCallRate', window: count, threshold: 0.8, slowCallDuration: '2s' },
        Strategy.slowCallRate({ window: Window.count(20), threshold: 0.8, slowCallDuration: 2_000 })
      ],
      [
        {
          kind: 'any',
          strategies: [
            { kind: 'consecutiveFailures', threshold: 3 },
            { kind: 'failureRate', window: count, threshold: 0.5 }
          ]
        },
        Strategy.any(
          Strategy.consecutiveFailures(3),
          Strategy.failureRate({ window: Window.count(20), threshold: 0.5 })
        )
      ]
    ]
    for (const [doc, strategy] of cases) {
      expect(right(decodeConfig({ strategy: doc }))).toStrictEqual({ strategy })
    }
  })

  it('decodes a backoff described as data into a retry-ts policy of the same delays', () => {
    const delays = (doc: unknown): ReadonlyArray<number> => {
      const { backoff } = right(decodeConfig({ backoff: doc }))
      if (backoff === undefined) throw new Error('no backoff')
      return [0, 1, 2, 3, 4, 5, 6].map((iterNumber) => {
        const d = backoff({ iterNumber, cumulativeDelay: 0, previousDelay: { _tag: 'None' } })
        return d._tag === 'Some' ? d.value : NaN
      })
    }
    expect(delays({ kind: 'constant', delay: '30s' })).toStrictEqual([
      30_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000
    ])
    expect(delays({ kind: 'exponential', initial: '1s', max: '30s' })).toStrictEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000
    ])
    expect(delays({ kind: 'exponential', initial: 500 })).toStrictEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000
    ])
  })

  it('drives a circuit with the decoded backoff: each re-open lasts longer', () => {
    const circuit = Circuit.make(
      right(decodeConfig({ failureThreshold: 1, backoff: { kind: 'exponential', initial: '1s' } }))
    )
    const open = circuit.step(
      circuit.initial(0),
      { _tag: 'Failure', permit: { _tag: 'Permit', generation: 0, probe: false, ticket: -1 }, duration: 1 },
      0
    )
    expect(open).toMatchObject({ _tag: 'Open', openFor: 1_000 })
    const [probe, half] = circuit.admit(open, 1_000)
    if (probe._tag !== 'Permit') throw new Error('expected a probe')
    expect(circuit.step(half, { _tag: 'Failure', permit: probe, duration: 1 }, 1_001)).toMatchObject({
      _tag: 'Open',
      openFor: 2_000
    })
  })

  it('catches a typo in an option name and suggests the right one', () => {
    expect(problemsOf(decodeConfig({ failureTreshold: 3 }))).toStrictEqual([
      'failureTreshold: unknown key; did you mean failureThreshold?'
    ])
    expect(problemsOf(decodeConfig({ OpenFor: 3 }))).toStrictEqual([
      'OpenFor: unknown key; did you mean openFor?'
    ])
  })

  it('lists the known options for an unknown key that resembles none of them', () => {
    const [problem] = problemsOf(decodeConfig({ colour: 'blue' }))
    expect(problem).toBe(
      `colour: unknown key (expected one of: ${ConfigCodec.ConfigDocument.keys.join(', ')})`
    )
  })

  it('reports every problem at once, each with its path and what was expected, in one message', () => {
    const result = decodeConfig({
      failureTreshold: 3,
      openFor: '30 seconds',
      halfOpenProbes: 0,
      probeLease: '500',
      strategy: { kind: 'failureRate', window: { kind: 'time', duration: '1m', bucket: 6 }, threshold: 50 }
    })
    expect(problemsOf(result)).toStrictEqual([
      'failureTreshold: unknown key; did you mean failureThreshold?',
      'strategy.window.bucket: unknown key; did you mean buckets?',
      'strategy.window.buckets: missing, expected an integer from 1 to 10000',
      'strategy.threshold: expected a rate in (0, 1], got 50',
      'openFor: expected a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m", got "30 seconds" (not a sequence of <number><unit> with units ms, s, m, h and no spaces)',
      'halfOpenProbes: expected a positive integer, got 0',
      'probeLease: expected a finite positive duration in milliseconds, or a string such as "500ms", "30s", "2m", got "500" (a unit is missing: write 500 (a number of milliseconds) or "500ms")'
    ])
    if (E.isRight(result)) throw new Error('expected a Left')
    expect(result.left).toBeInstanceOf(Config.ConfigError)
    expect(result.left.message).toBe(
      `Invalid circuit breaker config:\n${result.left.problems.map((p) => `  - ${p}`).join('\n')}`
    )
  })

  it('names the strategy kinds it knows when given another', () => {
    expect(problemsOf(decodeConfig({ strategy: { kind: 'vibes' } }))).toStrictEqual([
      'strategy.kind: expected one of consecutiveFailures, failureCount, failureRate, slowCallRate, any, got "vibes"'
    ])
    expect(problemsOf(decodeConfig({ strategy: { kind: 'any', strategies: [] } }))).toStrictEqual([
      'strategy.strategies: expected a non-empty array of trip strategies, got an array'
    ])
  })

  it("runs Config.resolve's cross-field checks on the decoded config, with the same words", () => {
    const input = { halfOpenProbes: 2, successThreshold: 3 }
    expect(problemsOf(decodeConfig(input))).toStrictEqual(resolveProblems(input))
    expect(problemsOf(decodeConfig(input))).toStrictEqual([
      'successThreshold: expected at most halfOpenProbes (2), got 3'
    ])
    expect(
      problemsOf(decodeConfig({ openFor: '1s', backoff: { kind: 'constant', delay: '2s' } }))
    ).toStrictEqual(resolveProblems({ openFor: 1_000, backoff: () => ({ _tag: 'Some', value: 2_000 }) }))
    expect(
      problemsOf(
        decodeConfig({
          strategy: {
            kind: 'failureRate',
            window: { kind: 'count', size: 5 },
            threshold: 0.5,
            minimumCalls: 9
          }
        })
      )
    ).toStrictEqual(["strategy.minimumCalls: expected at most the window's size (5) calls, got 9"])
  })

  it('accepts exactly the numeric documents that Config.resolve accepts', () => {
    const value = fc.oneof(
      fc.integer({ min: -2, max: 6 }),
      fc.double({ min: -1, max: 2 }),
      fc.constantFrom(NaN, Infinity, -Infinity, 1e300)
    )
    const doc = fc.record(
      {
        failureThreshold: value,
        openFor: value,
        jitter: value,
        healthyPeriod: value,
        halfOpenProbes: value,
        successThreshold: value,
        halfOpenFailureRate: value,
        halfOpenMaxDuration: value,
        probeLease: value
      },
      { requiredKeys: [] }
    )
    fc.assert(
      fc.property(doc, (d) => {
        expect(E.isRight(decodeConfig(d))).toBe(resolveProblems(d).length === 0)
      }),
      { numRuns: 2_000 }
    )
  })

  it('rejects what is not an object', () => {
    expect(problemsOf(decodeConfig(null))).toStrictEqual([
      'config: expected a circuit breaker config, got null'
    ])
    expect(problemsOf(decodeConfig([]))).toStrictEqual([
      'config: expected a circuit breaker config, got an array'
    ])
    expect(problemsOf(decodeConfig('openFor=1s'))).toStrictEqual([
      'config: expected a circuit breaker config, got "openFor=1s"'
    ])
  })

  it('rejects __proto__, constructor and prototype keys and pollutes nothing', () => {
    const result = decodeConfig(
      JSON.parse(
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": 1}'
      )
    )
    expect(problemsOf(result)).toStrictEqual([
      '__proto__: not allowed as a key (it could tamper with object prototypes)',
      'constructor: not allowed as a key (it could tamper with object prototypes)',
      'prototype: not allowed as a key (it could tamper with object prototypes)'
    ])
    untouchedPrototypes()
  })

  it('never throws on random junk', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true }), (u) => {
        expect(() => decodeConfig(u)).not.toThrow()
        expect(() => decodeRegistryConfig(u)).not.toThrow()
      }),
      { numRuns: 1_000 }
    )
  })

  describe('bounds on costly input', () => {
    const failing = (i: number) => ({ kind: 'consecutiveFailures', threshold: i + 1 })

    // an array that counts how often its elements are read
    const counted = <A>(xs: ReadonlyArray<A>): { readonly array: ReadonlyArray<A>; reads: () => number } => {
      let reads = 0
      const array = new Proxy(xs, {
        get: (target, key, receiver) => {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++
          return Reflect.get(target, key, receiver) as unknown
        }
      })
      return { array, reads: () => reads }
    }

    it('refuses an any strategy of more than 100 strategies, naming strategy.strategies and the limit', () => {
      const { array, reads } = counted(Array.from({ length: 20_000 }, (_, i) => failing(i)))
      expect(problemsOf(decodeConfig({ strategy: { kind: 'any', strategies: array } }))).toStrictEqual([
        'strategy.strategies: expected at most 100 strategies, got 20000'
      ])
      // refused before any of its elements is looked at
      expect(reads()).toBe(0)
      expect(Strategy.maxStrategies).toBe(100)
    })

    it('reads each strategy of an any list a bounded number of times, so decoding is linear', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 300 }), (n) => {
          const { array, reads } = counted(Array.from({ length: n }, (_, i) => failing(i)))
          const decoded = decodeConfig({ strategy: { kind: 'any', strategies: array } })
          expect(E.isRight(decoded)).toBe(n <= Strategy.maxStrategies)
          expect(reads()).toBeLessThanOrEqual(n <= Strategy.maxStrategies ? 2 * n : 0)
        }),
        { numRuns: 50 }
      )
    })

    it('accepts an any strategy of exactly 100 strategies', () => {
      const strategies = Array.from({ length: 100 }, (_, i) => failing(i))
      expect(problemsOf(decodeConfig({ strategy: { kind: 'any', strategies } }))).toStrictEqual([])
    })

    it('applies the limit in every config of a registry document', () => {
      const strategies = Array.from({ length: 101 }, (_, i) => failing(i))
      expect(
        problemsOf(
          decodeRegistryConfig({ breakers: { payments: { strategy: { kind: 'any', strategies } } } })
        )
      ).toStrictEqual(['breakers.payments.strategy.strategies: expected at most 100 strategies, got 101'])
    })

    it('lists the first 20 unknown keys of a document, then how many more', () => {
      const keys = Array.from({ length: 10_000 }, (_, i) => `${i}`.padEnd(1_000, 'k'))
      const problems = problemsOf(decodeConfig(Object.fromEntries(keys.map((k) => [k, 1]))))
      expect(problems).toHaveLength(21)
      for (const [i, line] of problems.slice(0, 20).entries()) {
        // a key too long to be a typo gets no hint, and the path shows its first 64 characters
        const shown = JSON.stringify(`${keys[i]?.slice(0, 64) ?? ''}…`)
        expect(line).toBe(
          `[${shown}]: unknown key (expected one of: ${ConfigCodec.ConfigDocument.keys.join(', ')})`
        )
      }
      expect(problems[20]).toBe('config: and 9980 more unknown keys')
    })

    it('still gives a hint for a short unknown key among many', () => {
      const junk = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`junk${i}`, 1]))
      const problems = problemsOf(decodeConfig({ failureTreshold: 5, ...junk }))
      expect(problems[0]).toBe('failureTreshold: unknown key; did you mean failureThreshold?')
      expect(problems).toHaveLength(21)
      expect(problems[20]).toBe('config: and 11 more unknown keys')
    })

    it('bounds the unknown keys of each object of a registry document', () => {
      const junk = Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`junk${i}`, 1]))
      const problems = problemsOf(decodeRegistryConfig({ breakers: { payments: junk } }))
      expect(problems).toHaveLength(21)
      expect(problems[20]).toBe('breakers.payments: and 2 more unknown keys')
    })

    it('refuses a breaker name of more than 256 characters', () => {
      const name = 'n'.repeat(257)
      expect(
        problemsOf(decodeRegistryConfig({ breakers: { [name]: {}, ['m'.repeat(256)]: {} } }))
      ).toStrictEqual([
        `breakers["${'n'.repeat(64)}…"]: expected a breaker name of at most 256 characters, got 257`
      ])
    })
  })

  describe('decodeRegistryConfig', () => {
    it('decodes defaults and per-breaker overrides', () => {
      expect(
        right(
          decodeRegistryConfig({
            defaults: { openFor: '30s' },
            breakers: { payments: { failureThreshold: 5 }, search: { openFor: '5s' } }
          })
        )
      ).toStrictEqual({
        defaults: { openFor: 30_000 },
        breakers: { payments: { failureThreshold: 5 }, search: { openFor: 5_000 } }
      })
    })

    it('accepts an empty document', () => {
      expect(right(decodeRegistryConfig({}))).toStrictEqual({ defaults: {}, breakers: {} })
    })

    it('reports the problems of every breaker at once, each under its name', () => {
      expect(
        problemsOf(
          decodeRegistryConfig({
            defualts: {},
            breakers: {
              payments: { openFor: 'soon' },
              'api.v2': { succesThreshold: 1 },
              search: { halfOpenProbes: 1, successThreshold: 2 }
            }
          })
        )
      ).toStrictEqual([
        'defualts: unknown key; did you mean defaults?',
        'breakers.payments.openFor: expected a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m", got "soon" (not a sequence of <number><unit> with units ms, s, m, h and no spaces)',
        'breakers["api.v2"].succesThreshold: unknown key; did you mean successThreshold?',
        'breakers.search.successThreshold: expected at most halfOpenProbes (1), got 2'
      ])
    })

    it('checks each breaker merged over the defaults, and reports a problem of the defaults once', () => {
      expect(
        problemsOf(
          decodeRegistryConfig({
            defaults: { halfOpenProbes: 2 },
            breakers: { a: { successThreshold: 3 }, b: { successThreshold: 2 } }
          })
        )
      ).toStrictEqual(['breakers.a.successThreshold: expected at most halfOpenProbes (2), got 3'])
      expect(
        problemsOf(
          decodeRegistryConfig({
            defaults: { successThreshold: 2 },
            breakers: { a: {}, b: { halfOpenProbes: 2 }, c: { openFor: 5 } }
          })
        )
      ).toStrictEqual(['defaults.successThreshold: expected at most halfOpenProbes (1), got 2'])
    })

    it('rejects breaker names that could reach a prototype, and pollutes nothing', () => {
      const doc = JSON.parse('{"breakers": {"__proto__": {"polluted": true}, "constructor": {}, "ok": {}}}')
      expect(problemsOf(decodeRegistryConfig(doc))).toStrictEqual([
        'breakers.__proto__: not allowed as a key (it could tamper with object prototypes)',
        'breakers.constructor: not allowed as a key (it could tamper with object prototypes)'
      ])
      untouchedPrototypes()
    })
  })

  describe('docs/configuration.md', () => {
    const markdown = readFileSync(join(__dirname, '..', 'docs', 'configuration.md'), 'utf8')
    const blocks = [
      ...markdown.matchAll(
        /<!-- decode: ([\w-]+) -->\s*```json\n([\s\S]*?)```(?:\s*gives:\s*```text\n([\s\S]*?)```)?/g
      )
    ]

    it('has example documents to decode', () => {
      expect(blocks.map(([, kind]) => kind)).toStrictEqual(['config', 'registry', 'invalid-registry'])
    })

    it('decodes its example documents, and gives the errors it shows for the bad one', () => {
      for (const [, kind, json, errors] of blocks) {
        const doc: unknown = JSON.parse(json ?? '')
        if (kind === 'config') expect(E.isRight(decodeConfig(doc))).toBe(true)
        if (kind === 'registry') expect(E.isRight(decodeRegistryConfig(doc))).toBe(true)
        if (kind === 'invalid-registry') {
          const result = decodeRegistryConfig(doc)
          if (E.isRight(result)) throw new Error('expected the bad example to fail')
          expect(result.left.message).toBe((errors ?? '').trimEnd())
        }
      }
    })

    it('documents every option', () => {
      for (const key of ConfigCodec.ConfigDocument.keys) expect(markdown).toContain(`| \`${key}\``)
    })
  })
})

describe('ConfigCodec: overrides and every problem at once', () => {
  const rate = { kind: 'failureRate', window: { kind: 'count', size: 20 }, threshold: 0.5 }

  it('lets an override replace what it overrides: a strategy over defaults with a failureThreshold', () => {
    const doc = right(
      decodeRegistryConfig({
        defaults: { failureThreshold: 5, openFor: '10s' },
        breakers: { payments: { strategy: rate }, search: { backoff: { kind: 'constant', delay: '1s' } } }
      })
    )
    expect(doc.defaults).toEqual({ failureThreshold: 5, openFor: 10_000 })
    const payments = Circuit.make(Config.merge(doc.defaults, doc.breakers['payments'] ?? {}))
    expect(payments.config.strategy?._tag).toBe('FailureRate')
    expect(payments.config.openFor).toBe(10_000)
    const search = Config.merge(doc.defaults, doc.breakers['search'] ?? {})
    expect(Object.keys(search).sort()).toEqual(['backoff', 'failureThreshold'])
  })

  it('still names a clash within one config', () => {
    expect(
      problemsOf(decodeRegistryConfig({ breakers: { payments: { strategy: rate, failureThreshold: 3 } } }))
    ).toEqual([
      'breakers.payments.strategy: give either failureThreshold or strategy, not both (failureThreshold: n is shorthand for strategy: consecutiveFailures(n); combine strategies with Strategy.any)'
    ])
  })

  it('reports a bad field and a cross-field problem of the same config together, not one round at a time', () => {
    expect(
      problemsOf(
        decodeRegistryConfig({
          defaults: { halfOpenProbes: 2 },
          breakers: { payments: { openFor: '10 s', successThreshold: 3, halfOpenExpiry: 'close' } }
        })
      )
    ).toEqual([
      'breakers.payments.openFor: expected a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m", got "10 s" (not a sequence of <number><unit> with units ms, s, m, h and no spaces)',
      'breakers.payments.successThreshold: expected at most halfOpenProbes (2), got 3',
      'breakers.payments.halfOpenExpiry: only with halfOpenMaxDuration (the deadline it applies at)'
    ])
  })

  it('leaves out the cross-field rules that read a field which is itself wrong', () => {
    expect(problemsOf(decodeConfig({ halfOpenProbes: 'two', successThreshold: 2 }))).toEqual([
      'halfOpenProbes: expected a positive integer, got "two"'
    ])
  })

  it('checks the overrides of bad defaults over the defaults that decode', () => {
    expect(
      problemsOf(
        decodeRegistryConfig({
          defaults: { halfOpenProbes: 2, jitter: 7 },
          breakers: { payments: { successThreshold: 3 } }
        })
      )
    ).toEqual([
      'defaults.jitter: expected a number in [0, 1], got 7',
      'breakers.payments.successThreshold: expected at most halfOpenProbes (2), got 3'
    ])
  })
})
