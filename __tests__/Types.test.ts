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
  Breaker,
  Bulkhead,
  type BulkheadRejectedError,
  type BulkheadTask,
  type CallTimeoutError,
  Circuit,
  Decision,
  Event,
  guarded,
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
import { admitOrThrow, testClock } from 'tripswitch/testing'

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
      const byString = wrap({})(async (id: string, _signal: AbortSignal) => id.length, { timeout: '1s' })
      assertType<Equals<Parameters<typeof byString>, [id: string]>>(true)
      expect(await byString('abcd')).toBe(4)
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

describe('Types of classifier options', () => {
  interface Reply {
    readonly status: number
  }
  const reply = (status: number): TE.TaskEither<Error, Reply> => TE.right({ status })

  it('types withBreaker settings by the task of the pipe it is used in, with no cast', async () => {
    const clock = testClock()
    const guarded = pipe(
      reply(503),
      withBreaker({ clock: clock.now, failureThreshold: 1, isResultFailure: (r) => r.status >= 500 })
    )
    assertType<Equals<typeof guarded, TE.TaskEither<Error | CircuitOpenError, Reply>>>(true)
    expect(await guarded()).toEqual(E.right({ status: 503 }))
    const open = await pipe(
      reply(200),
      withBreaker({ isFailure: (e) => e.message !== 'not found', isResultFailure: (r) => r.status === 0 })
    )()
    expect(open).toEqual(E.right({ status: 200 }))
    const _thenFallback = pipe(
      reply(200),
      withBreaker({ isResultFailure: (r) => r.status >= 500 }),
      orFallback(() => T.of('cached' as const))
    )
    assertType<Mutual<typeof _thenFallback, TE.TaskEither<Error, Reply | 'cached'>>>(true)
  })

  it('rejects a classifier option that reads what the task does not have', () => {
    pipe(
      reply(200),
      // @ts-expect-error: a Reply has no `code`
      withBreaker({ isResultFailure: (r) => r.code === 1 })
    )
    // @ts-expect-error: the predicate reads a string, the task gives a Reply
    pipe(reply(200), withBreaker({ isResultFailure: (r: string) => r.length > 0 }))
  })

  it('takes the types as type arguments, and stays polymorphic when nothing reads them', async () => {
    const clock = testClock()
    const typed = withBreaker<Error, Reply>({ clock: clock.now, isResultFailure: (r) => r.status >= 500 })
    const one = typed(reply(200))
    assertType<Equals<typeof one, TE.TaskEither<Error | CircuitOpenError, Reply>>>(true)
    const _narrower = typed(
      TE.right<RangeError, Reply & { readonly body: string }>({ status: 200, body: 'x' })
    )
    assertType<
      Equals<
        typeof _narrower,
        TE.TaskEither<RangeError | CircuitOpenError, Reply & { readonly body: string }>
      >
    >(true)
    const any = withBreaker({ clock: clock.now })
    const _a = any(TE.right<never, number>(1))
    const _b = pipe(reply(200), any)
    assertType<Equals<typeof _a, TE.TaskEither<CircuitOpenError, number>>>(true)
    assertType<Equals<typeof _b, TE.TaskEither<Error | CircuitOpenError, Reply>>>(true)
    const _timed = pipe(
      reply(200),
      withBreaker({ isResultFailure: (r) => r.status >= 500 }, { timeout: '2s' })
    )
    assertType<Equals<typeof _timed, TE.TaskEither<Error | CircuitOpenError | CallTimeoutError, Reply>>>(true)
    expect(await one()).toEqual(E.right({ status: 200 }))
  })

  it('types a classify function of withBreaker options by the task too', async () => {
    const breaker = Breaker.make({ failureThreshold: 1 })()
    const result = await pipe(
      reply(503),
      withBreaker(breaker, {
        classify: (r) => (E.isRight(r) && r.right.status >= 500 ? 'failure' : 'success')
      })
    )()
    expect(result).toEqual(E.right({ status: 503 }))
    expect(breaker.state()._tag).toBe('Open')
  })

  it('types classifier options with a fallback on failures, a TaskEither fallback or a timeout', async () => {
    const clock = testClock()
    const failing = (): TE.TaskEither<Error, Reply> => TE.left(new Error('down'))
    const onFailure = pipe(
      failing(),
      withBreaker(
        { clock: clock.now, isResultFailure: (r) => r.status >= 500 },
        { on: 'failure', fallback: () => T.of('cached' as const) }
      )
    )
    assertType<Equals<typeof onFailure, TE.TaskEither<CircuitOpenError, Reply | 'cached'>>>(true)
    const fromReplica = pipe(
      reply(200),
      withBreaker(
        { clock: clock.now, isResultFailure: (r) => r.status >= 500 },
        { timeout: '2s', fallback: () => TE.right('replica' as const) }
      )
    )
    assertType<
      Equals<
        typeof fromReplica,
        TE.TaskEither<Error | CallTimeoutError | FallbackError<never>, Reply | 'replica'>
      >
    >(true)
    const breaker = Breaker.make({ clock: clock.now, failureThreshold: 1 })()
    const both = pipe(
      reply(503),
      withBreaker(breaker, {
        on: 'both',
        classify: (r) => (E.isRight(r) && r.right.status >= 500 ? 'failure' : 'success'),
        fallback: () => T.of(0)
      })
    )
    assertType<Equals<typeof both, TE.TaskEither<never, Reply | number>>>(true)
    const typed = withBreaker<Error, Reply>(
      { clock: clock.now, isResultFailure: (r) => r.status >= 500 },
      { timeout: '2s' }
    )(reply(200))
    assertType<Equals<typeof typed, TE.TaskEither<Error | CircuitOpenError | CallTimeoutError, Reply>>>(true)
    const maybe: number | undefined = [250][0]
    const timedMaybe = withBreaker({ clock: clock.now }, { timeout: maybe })(reply(200))
    assertType<Equals<typeof timedMaybe, TE.TaskEither<Error | CircuitOpenError | CallTimeoutError, Reply>>>(
      true
    )
    pipe(
      reply(200),
      // @ts-expect-error: a Reply has no `code`, with a fallback on failures too
      withBreaker({ isResultFailure: (r) => r.code === 1 }, { on: 'failure', fallback: () => T.of(0) })
    )
    expect([await onFailure(), await fromReplica(), await both(), await typed(), await timedMaybe()]).toEqual(
      [
        E.right('cached'),
        E.right({ status: 200 }),
        E.right({ status: 503 }),
        E.right({ status: 200 }),
        E.right({ status: 200 })
      ]
    )
    expect(breaker.state()._tag).toBe('Open')
  })

  it('types wrap options by the wrapped function, and wrap settings by type arguments', async () => {
    const fetchReply = async (status: number): Promise<Reply> => ({ status })
    const byOptions = wrap({ failureThreshold: 1 })(fetchReply, { isResultFailure: (r) => r.status >= 500 })
    await byOptions(503)
    expect(byOptions.breaker.state()._tag).toBe('Open')
    const bySettings = wrap<unknown, Reply>({ failureThreshold: 1, isResultFailure: (r) => r.status >= 500 })(
      fetchReply
    )
    await bySettings(503)
    expect(bySettings.breaker.state()._tag).toBe('Open')
    // @ts-expect-error: the settings are for functions that resolve to a Reply
    wrap<unknown, Reply>({ isResultFailure: (r) => r.status >= 500 })(async () => 'text')
    const parse = wrapSync({ failureThreshold: 1 })((s: string): Reply => ({ status: Number(s) }), {
      isResultFailure: (r) => r.status >= 500
    })
    parse('500')
    expect(parse.breaker.state()._tag).toBe('Open')
  })

  it('types @guarded settings by what the method resolves to', async () => {
    class Api {
      @guarded({ name: 'api', failureThreshold: 1, isResultFailure: (r) => r.status >= 500 })
      async get(status: number): Promise<Reply> {
        return { status }
      }
    }
    const api = new Api()
    expect(await api.get(503)).toEqual({ status: 503 })
    await expect(api.get(200)).rejects.toMatchObject({ _tag: 'CircuitOpenError', breaker: 'api' })
  })

  it('narrows an admission without a cast: Decision.isPermit, or admitOrThrow in tests', () => {
    const circuit = Circuit.make({ failureThreshold: 1 })
    const [decision, admitted] = circuit.admit(circuit.initial(0), 1)
    if (!Decision.isPermit(decision)) throw new Error('expected a permit')
    assertType<Equals<typeof decision, Decision.Permit>>(true)
    const [permit, again] = admitOrThrow(circuit, admitted, 2)
    assertType<Equals<typeof permit, Decision.Permit>>(true)
    const open = circuit.step(again, Event.failure(permit), 3)
    expect(() => admitOrThrow(circuit, open, 4)).toThrow(/rejected the call at 4: retry after 29999 ms/)
  })
})

describe('Types of durations', () => {
  it('accepts milliseconds and duration strings in code, and rejects what is neither', () => {
    const b = Breaker.make({ openFor: '1m30s', probeLease: '500ms', halfOpenMaxDuration: 2_000 })()
    expect(b.circuit.config).toMatchObject({ openFor: 90_000, probeLease: 500, halfOpenMaxDuration: 2_000 })
    // @ts-expect-error: not a duration string
    expect(() => Breaker.make({ openFor: 'soon' })()).toThrow(/openFor: expected a duration/)
    // @ts-expect-error: a count is not a duration
    expect(() => Breaker.make({ failureThreshold: '5s' })()).toThrow(
      /failureThreshold: expected a positive integer/
    )
    const guard = withBreaker({}, { timeout: '250ms' })
    expect(typeof guard).toBe('function')
  })
})
