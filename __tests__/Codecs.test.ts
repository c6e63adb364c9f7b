/**
 * The io-ts codecs of `src/codecs/` are built from the plain checks the runtime uses (`toType`): they
 * accept and reject the same values, with the same lines, and the runtime never imports them or io-ts.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import type * as t from 'io-ts'
import { Config, ConfigCodec, Duration, StateCodec, Strategy, Window } from 'tripswitch'
import { type Check, report as reportProblems } from '../src/codec'
import { report } from '../src/codecs/io'
import { configInput, mutated, reachableState, strategy, window } from './_support/arbitraries'

/** A value, or the same with one field replaced by anything. */
const spoiled = <A extends object>(arb: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof(
    arb,
    fc.tuple(arb, fc.nat(), fc.anything()).map(([a, i, junk]) => {
      const keys = Object.keys(a)
      return keys.length === 0 ? junk : { ...a, [keys[i % keys.length] as string]: junk }
    }),
    fc.anything()
  )

const agree = <A, O>(codec: t.Type<A, O, unknown>, check: Check<A>, u: unknown): void => {
  const byCodec = codec.decode(u)
  const byCheck = check.decode(u)
  expect(codec.is(u)).toBe(check.is(u))
  if (E.isRight(byCheck)) {
    expect(byCodec).toStrictEqual(byCheck)
  } else {
    expect(E.isLeft(byCodec)).toBe(true)
    if (E.isLeft(byCodec))
      expect(report(byCodec.left, 'value')).toEqual(reportProblems(byCheck.left, 'value'))
  }
}

describe('Codecs', () => {
  it.each<readonly [string, (u: unknown) => void, fc.Arbitrary<unknown>]>([
    ['Config.ConfigInput', (u) => agree(Config.ConfigInput, Config.inputCheck, u), spoiled(configInput)],
    ['Strategy.Strategy', (u) => agree(Strategy.Strategy, Strategy.check, u), spoiled(strategy)],
    ['Window.Window', (u) => agree(Window.Window, Window.check, u), spoiled(window)],
    [
      'Duration.Duration',
      (u) => agree(Duration.Duration, Duration.check, u),
      fc.oneof(fc.double(), fc.string(), fc.anything())
    ],
    [
      'StateCodec.StateShape',
      (u) => agree(StateCodec.StateShape, StateCodec.shapeCheck, u),
      mutated.map((m) => m.doc)
    ]
  ])('%s accepts and rejects what its check does, with the same lines', (_, agrees, values) => {
    fc.assert(fc.property(values, agrees), { numRuns: 300 })
  })

  it('renders an array index in a path as [i], in the check and in the codec', () => {
    const bad = {
      _tag: 'Any',
      strategies: [Strategy.consecutiveFailures(2), { _tag: 'ConsecutiveFailures', threshold: 0 }]
    }
    const line = 'strategy.strategies[1].threshold: expected a positive integer, got 0'
    expect(Strategy.problems(bad)).toEqual([line])
    const decoded = Strategy.Strategy.decode(bad)
    expect(E.isLeft(decoded) && report(decoded.left, 'strategy', 'strategy')).toEqual([line])
  })

  it('encodes a state to a fresh copy of its known keys', () => {
    fc.assert(
      fc.property(reachableState, (state) => {
        const encoded = StateCodec.StateShape.encode(state)
        expect(encoded).toStrictEqual(StateCodec.encodeState(state))
        expect(encoded).toStrictEqual(JSON.parse(JSON.stringify(state)))
        expect(encoded).not.toBe(state)
      }),
      { numRuns: 100 }
    )
  })

  it('ConfigCodec.ConfigDocument decodes as decodeConfig does, and lists the keys it knows', () => {
    const doc = { failureThreshold: 5, openFor: '10s' }
    const expected = { failureThreshold: 5, openFor: 10_000 }
    expect(ConfigCodec.ConfigDocument.decode(doc)).toStrictEqual(E.right(expected))
    expect(ConfigCodec.decodeConfig(doc)).toStrictEqual(E.right(expected))
    const bad = { openFor: 'soon' }
    const decoded = ConfigCodec.ConfigDocument.decode(bad)
    const line = E.isLeft(decoded) ? report(decoded.left, 'config') : []
    expect(line).toEqual([expect.stringMatching(/^openFor: expected a duration/)])
    expect(E.mapLeft((e: Error) => e.message)(ConfigCodec.decodeConfig(bad))).toStrictEqual(
      E.left(`Invalid circuit breaker config:\n  - ${line[0] ?? ''}`)
    )
    expect(ConfigCodec.ConfigDocument.keys).toContain('halfOpenExpiry')
  })

  it('keeps io-ts and src/codecs/ out of every module the runtime reaches', () => {
    const src = join(__dirname, '..', 'src')
    const imports = (file: string): ReadonlyArray<string> =>
      [
        ...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)'/gm)
      ].map((m) => m[1] ?? '')
    const reached = new Set<string>()
    const offending: Array<string> = []
    const visit = (file: string): void => {
      if (reached.has(file)) return
      reached.add(file)
      for (const specifier of imports(file)) {
        if (specifier === 'io-ts' || specifier.startsWith('io-ts/') || specifier.includes('codecs/')) {
          offending.push(`${file.slice(src.length + 1)} imports ${specifier}`)
        }
        if (!specifier.startsWith('.')) continue
        const target = resolve(dirname(file), specifier)
        const candidates = [`${target}.ts`, join(target, 'index.ts')]
        const found = candidates.find((c) => {
          try {
            readFileSync(c)
            return true
          } catch {
            return false
          }
        })
        if (found === undefined) throw new Error(`${file}: cannot resolve ${specifier}`)
        visit(found)
      }
    }
    for (const entry of ['TaskEither.ts', 'Wrap.ts', 'Breaker.ts', 'Registry.ts', 'Decorator.ts']) {
      visit(join(src, entry))
    }
    expect(reached.has(join(src, 'StateCodec.ts'))).toBe(true)
    expect(reached.has(join(src, 'Config.ts'))).toBe(true)
    expect(offending).toEqual([])
  })
})
