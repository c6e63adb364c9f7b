/**
 * Deterministic examples for what a mutation run of src/Wrap.ts (`npm run mutate -- --mutate
 * src/Wrap.ts`) found unchecked: each test names the behaviour it pins.
 */
import * as E from 'fp-ts/Either'
import { Breaker, wrap, wrapSync } from 'tripswitch'
import { thrownProblems } from './_support/problems'

const problems = (f: () => unknown): string => thrownProblems(f).join('\n')

const asyncKeys =
  'fallback, classify, isFailure, isResultFailure, isIgnored, on, timeout, scheduler, retry, bulkhead'
const syncKeys = 'fallback, classify, isFailure, isResultFailure, isIgnored'

describe('Wrap, pinned', () => {
  const b = Breaker.make({}, { name: 'w' })()
  const fn = async (): Promise<number> => 1

  it('names what untyped callers get wrong, with the known options', () => {
    expect(problems(() => wrap(b)(42 as never))).toBe('wrap: expected a function to guard, got number')
    expect(problems(() => wrap(b)(fn, null as never))).toBe(
      `wrap: expected options { ${asyncKeys
        .split(', ')
        .map((k) => `${k}?`)
        .join(', ')} }, got null`
    )
    expect(problems(() => wrapSync(b)(() => 1, 5 as never))).toBe(
      `wrapSync: expected options { ${syncKeys
        .split(', ')
        .map((k) => `${k}?`)
        .join(', ')} }, got 5`
    )
    expect(problems(() => wrap(b)(fn, { retyr: 3 } as never))).toBe(
      `wrap.retyr: unknown option (known options: ${asyncKeys})`
    )
    expect(problems(() => wrap(b)(fn, { fallback: 'cached' as never }))).toBe(
      'wrap.fallback: expected a function, got string'
    )
    expect(problems(() => wrapSync(b)(() => 1, { timeout: 10 } as never))).toBe(
      `wrapSync.timeout: unknown option (known options: ${syncKeys}); timeouts, retries and bulkheads are for async functions: use wrap`
    )
    expect(problems(() => wrap(b)(fn, { classify: 5 as never }))).toBe(
      'wrap.classify: expected a function (result, duration) => verdict, got number'
    )
    expect(problems(() => wrapSync(b)(() => 1, { classify: 5 as never }))).toBe(
      'wrapSync.classify: expected a function (result, duration) => verdict, got number'
    )
    expect(problems(() => wrapSync(b)(() => 1, { extra: 1 } as never))).toBe(
      `wrapSync.extra: unknown option (known options: ${syncKeys})`
    )
  })

  it("uses the breaker's own classifier when the wrapped function gives none", async () => {
    // nothing is a failure for this breaker: a function that throws never opens it
    const lenient = Breaker.make({ failureThreshold: 1 }, { name: 'lenient', isFailure: () => false })()
    const failing = wrap(lenient)(async () => {
      throw new Error('boom')
    })
    await expect(failing()).rejects.toThrow('boom')
    await expect(failing()).rejects.toThrow('boom')
    expect(lenient.state()._tag).toBe('Closed')
    // and a function's own predicate replaces it
    const strict = wrap(lenient)(
      async () => {
        throw new Error('boom')
      },
      { isFailure: () => true }
    )
    await expect(strict()).rejects.toThrow('boom')
    expect(lenient.state()._tag).toBe('Open')
  })

  it("uses a wrapped function's own classify, given alone, for wrap and wrapSync", async () => {
    const b = Breaker.make({ failureThreshold: 1 }, { name: 'own' })()
    // a reply of 503 is a failure for this function's classifier, whatever the breaker's says
    const classify = (result: E.Either<unknown, number>) =>
      E.isRight(result) && result.right === 503 ? ('failure' as const) : ('success' as const)
    const status = wrap(b)(async (code: number) => code, { classify })
    expect(await status(200)).toBe(200)
    expect(b.state()._tag).toBe('Closed')
    expect(await status(503)).toBe(503)
    expect(b.state()._tag).toBe('Open')
    b.reset()
    const statusSync = wrapSync(b)((code: number) => code, { classify })
    expect(statusSync(503)).toBe(503)
    expect(b.state()._tag).toBe('Open')
  })
})
