/**
 * Type-level tests: checked by `tsc` (npm test runs it over __tests__), with a runtime check that the
 * narrowing they rely on also holds at run time.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import { retrying } from 'retry-ts/Task'
import { limitRetries } from 'retry-ts'
import {
  Bulkhead,
  type BulkheadRejectedError,
  type BulkheadTask,
  type CallTimeoutError,
  type CircuitOpenError,
  type FallbackError,
  retryTE,
  withBulkhead,
  isCircuitOpenError,
  orFallback,
  orFallbackTE,
  withBreaker,
  wrap,
  wrapSync
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Mutual assignability, for types whose identity the compiler defers. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const assertType = <T extends true>(_: T): void => undefined
const assertNotType = <T extends false>(_: T): void => undefined

interface NotFound {
  readonly _tag: 'NotFound'
}

describe('Types', () => {
  const clock = testClock()
  const guard = withBreaker({ clock: clock.now, failureThreshold: 1 })
  const fetchUser: TE.TaskEither<NotFound, { readonly id: string }> = TE.right({ id: '1' })

  it('widens the error channel to E | CircuitOpenError', async () => {
    const guarded = pipe(fetchUser, guard)
    assertType<Equals<typeof guarded, TE.TaskEither<NotFound | CircuitOpenError, { readonly id: string }>>>(
      true
    )
    expect(await guarded()).toEqual(E.right({ id: '1' }))
  })

  it('narrows with isCircuitOpenError', async () => {
    await guard(TE.left<NotFound>({ _tag: 'NotFound' }))()
    const result = await pipe(fetchUser, guard)()
    if (E.isLeft(result)) {
      const error = result.left
      if (isCircuitOpenError(error)) {
        assertType<Equals<typeof error, CircuitOpenError>>(true)
        expect(error.retryAfter).toBe(30_000)
      } else {
        assertType<Equals<typeof error, NotFound>>(true)
        throw new Error('expected the circuit to be open')
      }
    } else {
      throw new Error('expected a Left')
    }
  })

  it('removes CircuitOpenError from the channel after orFallback, and adds FallbackError after orFallbackTE', () => {
    const a = pipe(
      fetchUser,
      guard,
      orFallback(() => T.of({ id: 'cached' }))
    )
    assertType<Mutual<typeof a, TE.TaskEither<NotFound, { readonly id: string }>>>(true)
    assertNotType<Mutual<typeof a, TE.TaskEither<NotFound | CircuitOpenError, { readonly id: string }>>>(
      false
    )
    const b = pipe(
      fetchUser,
      guard,
      orFallbackTE(() => TE.left<'replica-down', { id: string }>('replica-down'))
    )
    assertType<
      Equals<
        typeof b,
        TE.TaskEither<NotFound | FallbackError<'replica-down'>, { readonly id: string } | { id: string }>
      >
    >(true)
    const c = withBreaker({}, { fallback: () => T.of(0) })(TE.right<string, string>('x'))
    assertType<Mutual<typeof c, TE.TaskEither<string, string | number>>>(true)
    assertNotType<Mutual<typeof c, TE.TaskEither<string, string>>>(false)
    expect([a, b, c].map((t) => typeof t)).toEqual(['function', 'function', 'function'])
  })

  it('works as a retry-ts check that does not retry an open circuit', async () => {
    const open = withBreaker({ clock: clock.now, failureThreshold: 1 })
    await open(TE.left('boom'))()
    let attempts = 0
    const result = await retrying(
      limitRetries(3),
      () => {
        attempts += 1
        return pipe(TE.right<string, number>(1), open)
      },
      (e) => E.isLeft(e) && !isCircuitOpenError(e.left)
    )()
    expect(attempts).toBe(1)
    expect(E.isLeft(result) && isCircuitOpenError(result.left)).toBe(true)
  })

  it('keeps the parameter and return types of wrapped functions', () => {
    const f = wrap({})(async (a: string, b: number) => a.repeat(b))
    assertType<Mutual<Parameters<typeof f>, [a: string, b: number]>>(true)
    assertNotType<Mutual<Parameters<typeof f>, [a: string]>>(false)
    assertType<Equals<ReturnType<typeof f>, Promise<string>>>(true)
    const g = wrapSync({})((n: number) => n > 0)
    assertType<Equals<ReturnType<typeof g>, boolean>>(true)
    expect(f.name).toBe('')
    // @ts-expect-error: wrong argument type
    expect(() => g('x')).not.toThrow()
  })

  describe('composition', () => {
    it('shows every error of a piped stack, and what orFallback leaves', async () => {
      const bh = Bulkhead.make({ limit: 1 })()
      const rows = pipe(
        fetchUser,
        retryTE({ policy: limitRetries(1) }),
        withBreaker({}, { timeout: 1_000 }),
        withBulkhead(bh)
      )
      assertType<
        Mutual<
          typeof rows,
          BulkheadTask<
            NotFound | CallTimeoutError | CircuitOpenError | BulkheadRejectedError,
            { readonly id: string }
          >
        >
      >(true)
      const orCached = pipe(
        rows,
        orFallback(() => T.of(0))
      )
      assertType<
        Mutual<
          typeof orCached,
          TE.TaskEither<NotFound | CallTimeoutError | BulkheadRejectedError, { readonly id: string } | number>
        >
      >(true)
      expect(await rows()).toEqual(E.right({ id: '1' }))
      expect(await orCached()).toEqual(E.right({ id: '1' }))
    })

    it("types withBreaker's fallbacks by `on` and by what they return", async () => {
      const te = withBreaker({}, { fallback: () => TE.right('cached') })(TE.right<NotFound, string>('x'))
      assertType<Mutual<typeof te, TE.TaskEither<NotFound | FallbackError<never>, string>>>(true)
      const failure = withBreaker(
        {},
        { on: 'failure', fallback: () => T.of(0) }
      )(TE.right<NotFound, string>('x'))
      assertType<Mutual<typeof failure, TE.TaskEither<CircuitOpenError, string | number>>>(true)
      const both = withBreaker(
        {},
        { on: 'both', fallback: () => TE.left<'down', number>('down') }
      )(TE.right<NotFound, string>('x'))
      assertType<Mutual<typeof both, TE.TaskEither<FallbackError<'down', unknown>, string | number>>>(true)
      expect([await te(), await failure(), await both()]).toEqual([E.right('x'), E.right('x'), E.right('x')])
    })

    it("drops the signal a timed wrap gives its function from the wrapper's parameters", async () => {
      const timed = wrap({})(async (id: string, _signal: AbortSignal) => id.length, { timeout: 100 })
      assertType<Equals<Parameters<typeof timed>, [id: string]>>(true)
      const untimed = wrap({})(async (id: string, _signal: AbortSignal) => id.length)
      assertType<Equals<Parameters<typeof untimed>, [id: string, _signal: AbortSignal]>>(true)
      const withFallback = wrap({})(async (id: string) => ({ id }), {
        on: 'both',
        fallback: async (id: string, reason: unknown) => ({ id, stale: String(reason) })
      })
      assertType<
        Mutual<ReturnType<typeof withFallback>, Promise<{ id: string } | { id: string; stale: string }>>
      >(true)
      const never = { signal: new AbortController().signal }
      expect([await timed('ab'), await untimed('abc', never.signal), await withFallback('x')]).toEqual([
        2,
        3,
        { id: 'x' }
      ])
    })
  })
})
