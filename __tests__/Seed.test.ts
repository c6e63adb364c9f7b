/**
 * Properties run from a fixed seed (see `_support/seed.ts`), and `FC_SEED` chooses another.
 */
import * as fc from 'fast-check'
import { fixedSeed, seedFrom } from './_support/seed'

describe('fast-check seeds', () => {
  it('runs every property from the seed FC_SEED names, or the fixed one', () => {
    expect(fc.readConfigureGlobal().seed).toBe(seedFrom(process.env['FC_SEED']))
    expect(seedFrom(undefined)).toBe(fixedSeed)
    expect(seedFrom('')).toBe(fixedSeed)
    expect(seedFrom('42')).toBe(42)
  })

  it('draws the same values from the same seed', () => {
    const draw = () => fc.sample(fc.integer(), { numRuns: 5 })
    expect(draw()).toEqual(draw())
  })

  it('rejects a seed that is not an integer, naming the variable', () => {
    expect(() => seedFrom('soon')).toThrow(/FC_SEED: expected an integer seed or "random", got "soon"/)
    expect(Number.isSafeInteger(seedFrom('random'))).toBe(true)
  })
})
