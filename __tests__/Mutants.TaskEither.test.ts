/**
 * Deterministic examples for what a mutation run of src/TaskEither.ts (`npm run mutate -- --mutate
 * src/TaskEither.ts`) can find unchecked: each test names the behaviour it pins (see docs/testing.md
 * "Mutation testing").
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import { Breaker, CircuitOpenError, isFallbackError, orFallback, orFallbackTE, withBreaker } from 'tripswitch'
import { thrownProblems } from './_support/problems'

// a breaker that rejects every call, so that each guarded call runs the fallback
const forcedOpen = (name: string): Breaker.Breaker => {
  const b = Breaker.make({}, { name })()
  b.forceOpen()
  return b
}

describe('TaskEither, pinned', () => {
  it('names a fallback that is not a function', () => {
    expect(thrownProblems(() => withBreaker({}, { fallback: 'cached' as never }))).toEqual([
      'withBreaker.fallback: expected a function (reason) => Task or TaskEither, got string'
    ])
  })

  it('says what a fallback returned instead of a Task, naming the breaker, and counts it as failed', async () => {
    const b = forcedOpen('te')
    const guard = withBreaker(b, { fallback: (() => 42) as never })
    await expect(guard(TE.right(1))()).rejects.toThrow(
      new TypeError(
        'tripswitch: the fallback of breaker "te" returned number, not a Task (a function returning a Promise): write () => promise'
      )
    )
    expect(b.counts()).toMatchObject({ fallbacks: 0, fallbackFailures: 1 })
  })

  it('names no breaker for a rejection that no breaker made, and runs its fallbacks uncounted', async () => {
    const handMade = TE.left<CircuitOpenError, number>(new CircuitOpenError('elsewhere', 10))
    await expect(pipe(handMade, orFallback((() => 'stale') as never))()).rejects.toThrow(
      new TypeError(
        'tripswitch: the fallback returned string, not a Task (a function returning a Promise): write () => promise'
      )
    )
    expect(
      await pipe(
        handMade,
        orFallback(() => T.of(2))
      )()
    ).toEqual(E.right(2))
    expect(
      await pipe(
        handMade,
        orFallbackTE(() => TE.right(3))
      )()
    ).toEqual(E.right(3))
    const failed = await pipe(
      handMade,
      orFallbackTE(() => TE.left('replica down'))
    )()
    expect(E.isLeft(failed) && isFallbackError(failed.left) && failed.left.cause).toBe('replica down')
  })

  it("takes a Task fallback's value as it is unless it is tagged Right or Left", async () => {
    const b = forcedOpen('te')
    const through = (value: unknown) => withBreaker(b, { fallback: () => T.of(value) })(TE.right(1))()
    expect(await through(O.some(1))).toEqual(E.right(O.some(1)))
    expect(await through(null)).toEqual(E.right(null))
    expect(await through(7)).toEqual(E.right(7))
    expect(await through('Right')).toEqual(E.right('Right'))
    // a function is no Either, whatever it carries
    const tagged = Object.assign(() => 0, { _tag: 'Right', right: 1 })
    expect(await through(tagged)).toEqual(E.right(tagged))
    expect(await through(E.right(5))).toEqual(E.right(5))
    const left: E.Either<unknown, unknown> = await through(E.left('no'))
    expect(E.isLeft(left) && isFallbackError(left.left) && left.left.cause).toBe('no')
    expect(b.counts()).toMatchObject({ fallbacks: 6, fallbackFailures: 1 })
  })

  it('lets the error of a fallback Task that rejects propagate, counted as a failed fallback', async () => {
    const b = forcedOpen('te')
    const boom = new Error('replica unreachable')
    const guard = withBreaker(b, { fallback: () => () => Promise.reject(boom) })
    await expect(guard(TE.right(1))()).rejects.toBe(boom)
    expect(b.counts()).toMatchObject({ fallbacks: 0, fallbackFailures: 1 })
  })

  it("with on: 'failure', runs the fallback for another breaker's rejection, the call's own Left", async () => {
    const inner = forcedOpen('inner')
    const outer = Breaker.make({ failureThreshold: 5 }, { name: 'outer' })()
    const reasons: Array<unknown> = []
    const guard = withBreaker(outer, {
      on: 'failure',
      fallback: (reason) => {
        reasons.push(reason)
        return T.of('stale')
      }
    })
    expect(await guard(withBreaker(inner)(TE.right('fresh')))()).toEqual(E.right('stale'))
    expect(reasons).toHaveLength(1)
    expect(reasons[0]).toMatchObject({ _tag: 'CircuitOpenError', breaker: 'inner' })
    // counted by the guard whose fallback ran, and recorded as the outer call's failure
    expect(outer.counts()).toMatchObject({ failures: 1, fallbacks: 1 })
    expect(inner.counts()).toMatchObject({ fallbacks: 0 })
  })

  it("with on: 'failure' or 'both' but no fallback, gives every Left as it is", async () => {
    for (const on of ['failure', 'both'] as const) {
      const b = Breaker.make({ failureThreshold: 1 }, { name: 'te' })()
      const guard = withBreaker(b, { on })
      expect(await guard(TE.left('down'))()).toEqual(E.left('down'))
      const rejected = await guard(TE.right(1))()
      expect(E.isLeft(rejected) && rejected.left).toMatchObject({ _tag: 'CircuitOpenError', breaker: 'te' })
      expect(b.counts()).toMatchObject({ failures: 1, rejected: 1, fallbacks: 0 })
    }
  })
})
