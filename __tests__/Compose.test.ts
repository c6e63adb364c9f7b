/**
 * Stacking timeout, retry, breaker, bulkhead and fallback, for both audiences: one table test per
 * stacking (which policies saw which calls), and the answers of docs/composition.md, one test each.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import { constantDelay, limitRetries, Monoid } from 'retry-ts'
import {
  Breaker,
  Bulkhead,
  BulkheadRejectedError,
  CallTimeoutError,
  CircuitOpenError,
  ConfigError,
  guarded,
  isBulkheadRejectedError,
  isCircuitOpenError,
  orFallback,
  retryTE,
  withBreaker,
  withBulkhead,
  wrap,
  wrapSync
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { flush, manualTimers } from './_support/timers'

const boom = new Error('boom')

describe('Compose', () => {
  describe('plain functions: wrap(breaker)(fn, { bulkhead, retry, timeout, fallback })', () => {
    interface Row {
      readonly name: string
      readonly setup: 'closed' | 'open' | 'full'
      readonly fails: number
      readonly on?: 'open' | 'failure' | 'both'
      readonly expected: {
        readonly result: string
        readonly attempts: number
        readonly breaker: Partial<
          Record<'calls' | 'rejected' | 'successes' | 'failures' | 'fallbacks', number>
        >
        readonly bulkhead: Partial<Record<'calls' | 'ran' | 'full', number>>
      }
    }
    const rows: ReadonlyArray<Row> = [
      {
        name: 'a success runs once through every layer',
        setup: 'closed',
        fails: 0,
        expected: {
          result: 'ok',
          attempts: 1,
          breaker: { calls: 1, successes: 1 },
          bulkhead: { calls: 1, ran: 1 }
        }
      },
      {
        name: 'two failures then a success are 3 attempts and 1 breaker success',
        setup: 'closed',
        fails: 2,
        expected: {
          result: 'ok',
          attempts: 3,
          breaker: { calls: 1, successes: 1, failures: 0 },
          bulkhead: { ran: 1 }
        }
      },
      {
        name: 'three failures are 3 attempts and 1 breaker failure; the fallback on failure answers',
        setup: 'closed',
        fails: 3,
        on: 'failure',
        expected: {
          result: 'fallback:boom',
          attempts: 3,
          breaker: { calls: 1, failures: 1, fallbacks: 1 },
          bulkhead: { ran: 1 }
        }
      },
      {
        name: 'an open circuit: the bulkhead admits, the breaker rejects, nothing runs, the fallback answers',
        setup: 'open',
        fails: 0,
        expected: {
          result: 'fallback:CircuitOpenError',
          attempts: 0,
          breaker: { rejected: 1, fallbacks: 1 },
          bulkhead: { calls: 1, ran: 1 }
        }
      },
      {
        name: 'a full bulkhead: the breaker never sees the call, the fallback answers',
        setup: 'full',
        fails: 0,
        expected: {
          result: 'fallback:BulkheadRejectedError',
          attempts: 0,
          breaker: { calls: 0, failures: 0, rejected: 0, fallbacks: 1 },
          bulkhead: { calls: 2, ran: 1, full: 1 }
        }
      },
      {
        name: "on: 'failure' leaves a rejection alone",
        setup: 'open',
        fails: 0,
        on: 'failure',
        expected: {
          result: 'error:CircuitOpenError',
          attempts: 0,
          breaker: { rejected: 1, fallbacks: 0 },
          bulkhead: { ran: 1 }
        }
      }
    ]
    it.each(rows)('$name', async (row) => {
      const b = Breaker.make({ failureThreshold: 1 })()
      if (row.setup === 'open') Breaker.forceOpen(b)()
      const bh = Bulkhead.make({ limit: 1 })()
      let hold: (() => void) | undefined
      if (row.setup === 'full') {
        void withBulkhead(bh)(
          () => new Promise<E.Either<never, number>>((resolve) => (hold = () => resolve(E.right(0))))
        )()
      }
      let attempts = 0
      const call = wrap(b)(
        async (id: string) => {
          if (++attempts <= row.fails) throw boom
          return id
        },
        {
          bulkhead: bh,
          retry: { policy: limitRetries(2) },
          ...(row.on === undefined ? {} : { on: row.on }),
          fallback: async (_id: string, reason: unknown) =>
            `fallback:${reason instanceof Error ? (reason.name === 'Error' ? reason.message : reason.name) : String(reason)}`
        }
      )
      const result = await call('ok').then(
        (v) => v,
        (e: Error) => `error:${e.name}`
      )
      hold?.()
      expect(result).toBe(row.expected.result)
      expect(attempts).toBe(row.expected.attempts)
      expect(b.counts()).toMatchObject(row.expected.breaker)
      expect(bh.metrics().counts).toMatchObject(row.expected.bulkhead)
    })
  })

  describe('fp-ts: pipe(task, retryTE, withBreaker, withBulkhead, orFallback)', () => {
    it('stacks in the documented order and types every error that can come out', async () => {
      const b = Breaker.make({ failureThreshold: 1 })()
      const bh = Bulkhead.make({ limit: 1 })()
      let attempts = 0
      const task: TE.TaskEither<'down', number> = () =>
        Promise.resolve(++attempts < 3 ? E.left('down') : E.right(7))
      const program: TE.TaskEither<
        'down' | CircuitOpenError | CallTimeoutError | BulkheadRejectedError,
        number
      > = pipe(
        task,
        retryTE({ policy: limitRetries(2) }),
        withBreaker(b, { timeout: 1_000, scheduler: () => () => undefined }),
        withBulkhead(bh)
      )
      expect(await program()).toEqual(E.right(7))
      expect(attempts).toBe(3)
      expect(b.counts()).toMatchObject({ calls: 1, successes: 1 })
      expect(bh.metrics().counts).toMatchObject({ calls: 1, ran: 1 })
      const withFallback: TE.TaskEither<'down' | CallTimeoutError | BulkheadRejectedError, number> = pipe(
        program,
        orFallback(() => T.of(0))
      )
      Breaker.forceOpen(b)()
      expect(await withFallback()).toEqual(E.right(0))
      expect(b.counts().fallbacks).toBe(1)
    })

    it("the breaker's timeout bounds the whole retry sequence and stops it", async () => {
      const clock = testClock()
      const timers = manualTimers(clock)
      const b = Breaker.make({}, { clock: clock.now })()
      let attempts = 0
      let signalled: AbortSignal | undefined
      const hung = (signal: AbortSignal): TE.TaskEither<string, number> => {
        signalled = signal
        return () => {
          attempts++
          return new Promise(() => undefined)
        }
      }
      const pending = pipe(
        hung,
        retryTE({ policy: limitRetries(3) }),
        withBreaker(b, { timeout: 100, scheduler: timers.scheduler })
      )()
      await flush()
      timers.advance(100)
      const result = await pending
      expect(E.isLeft(result) && result.left).toBeInstanceOf(CallTimeoutError)
      expect(signalled?.aborted).toBe(true)
      expect(attempts).toBe(1)
      expect(b.counts()).toMatchObject({ calls: 1, failures: 1, timeouts: 1 })
    })
  })

  describe('the questions of opossum #60', () => {
    it('the bulkhead is checked before the open state: a refused call never reaches the breaker', async () => {
      const b = Breaker.make()()
      Breaker.forceOpen(b)()
      const bh = Bulkhead.make({ limit: 1 })()
      let hold: () => void = () => undefined
      const busy = withBulkhead(bh)(
        () => new Promise<E.Either<never, number>>((resolve) => (hold = () => resolve(E.right(0))))
      )()
      const result = await pipe(TE.right(1), withBreaker(b), withBulkhead(bh))()
      expect(E.isLeft(result) && isBulkheadRejectedError(result.left)).toBe(true)
      expect(b.counts()).toMatchObject({ calls: 0, rejected: 0 })
      hold()
      await busy
      const admitted = await pipe(TE.right(1), withBreaker(b), withBulkhead(bh))()
      expect(E.isLeft(admitted) && isCircuitOpenError(admitted.left)).toBe(true)
      expect(bh.metrics().active).toBe(0) // the rejected call freed its slot at once
    })

    it('a fallback does not count against the bulkhead: it runs after the slot is freed', async () => {
      const bh = Bulkhead.make({ limit: 1 })()
      const active: Array<number> = []
      const call = wrap({ name: 'x' })(async () => Promise.reject(boom), {
        bulkhead: bh,
        on: 'failure',
        fallback: async () => {
          active.push(bh.metrics().active)
          return 'fallback'
        }
      })
      expect(await call()).toBe('fallback')
      expect(active).toEqual([0])
    })

    it('rejected calls do not count as failures: neither open-circuit nor bulkhead rejections', async () => {
      const b = Breaker.make({ failureThreshold: 1 })()
      const bh = Bulkhead.make({ limit: 1 })()
      let hold: () => void = () => undefined
      const call = wrap(b)(() => new Promise<number>((resolve) => (hold = () => resolve(1))), {
        bulkhead: bh
      })
      const first = call()
      const refusals = await Promise.allSettled([call(), call(), call()])
      expect(refusals.every((r) => r.status === 'rejected' && isBulkheadRejectedError(r.reason))).toBe(true)
      hold()
      await first
      expect(b.counts()).toMatchObject({ calls: 1, successes: 1, failures: 0 })
      expect(b.state()._tag).toBe('Closed')
      Breaker.forceOpen(b)()
      await expect(call()).rejects.toBeInstanceOf(CircuitOpenError)
      expect(b.counts()).toMatchObject({ failures: 0, rejected: 1 })
    })
  })

  describe('timeouts for plain functions', () => {
    it('gives the function the AbortSignal last, aborted when the timeout fires, recorded as a failure', async () => {
      const clock = testClock()
      const timers = manualTimers(clock)
      const b = Breaker.make({}, { clock: clock.now })()
      let seen: AbortSignal | undefined
      const get = wrap(b)(
        (_url: string, signal: AbortSignal) => {
          seen = signal
          return new Promise<string>(() => undefined)
        },
        { timeout: 50, scheduler: timers.scheduler }
      )
      const pending = get('/slow')
      timers.advance(50)
      await expect(pending).rejects.toBeInstanceOf(CallTimeoutError)
      expect(seen?.aborted).toBe(true)
      expect(b.counts()).toMatchObject({ failures: 1, timeouts: 1 })
    })

    it('puts the signal at the last declared parameter when fewer arguments are passed', async () => {
      const seen: Array<unknown> = []
      const get = wrap({})(
        async (a: string, b: number | undefined, signal: AbortSignal) => {
          seen.push(a, b, signal instanceof AbortSignal)
          return a
        },
        { timeout: 1_000, scheduler: () => () => undefined }
      )
      expect(await get('x', undefined)).toBe('x')
      expect(seen).toEqual(['x', undefined, true])
    })

    it('takes a timeout on a decorated method; the method declares the signal as its last parameter', async () => {
      const clock = testClock()
      const timers = manualTimers(clock)
      class Users {
        @guarded({ name: 'users' }, { timeout: 20, scheduler: timers.scheduler })
        async get(id: string, signal?: AbortSignal): Promise<string> {
          return new Promise<string>((resolve, reject) => {
            signal?.addEventListener('abort', () => reject(new Error('aborted')))
            if (id === 'fast') resolve(id)
          })
        }
      }
      const users = new Users()
      expect(await users.get('fast')).toBe('fast')
      const slow = users.get('slow')
      timers.advance(20)
      await expect(slow).rejects.toBeInstanceOf(CallTimeoutError)
    })

    it('stacks a bulkhead and a retry on a decorated method, shared by every instance', async () => {
      let attempts = 0
      let release: () => void = () => undefined
      class Search {
        @guarded(
          { name: 'search' },
          { bulkhead: { name: 'search', limit: 1 }, retry: { policy: limitRetries(1) } }
        )
        async find(q: string): Promise<string> {
          if (++attempts === 1) throw boom
          await new Promise<void>((resolve) => (release = resolve))
          return q
        }
      }
      const a = new Search()
      const b = new Search()
      const first = a.find('x')
      await flush()
      await expect(b.find('y')).rejects.toBeInstanceOf(BulkheadRejectedError)
      release()
      expect(await first).toBe('x')
      expect(attempts).toBe(2)
    })

    it("combines the caller's own signal with the timeout's", async () => {
      let seen: AbortSignal | undefined
      const get = wrap({})(
        (signal: AbortSignal) => {
          seen = signal
          return new Promise<void>(() => undefined)
        },
        { timeout: 1_000, scheduler: () => () => undefined }
      ) as unknown as (signal: AbortSignal) => Promise<void>
      const controller = new AbortController()
      void get(controller.signal).catch(() => undefined)
      expect(seen).not.toBe(controller.signal)
      controller.abort()
      expect(seen?.aborted).toBe(true)
    })
  })

  it("stops a plain function's retries when its caller's signal (its last argument) aborts", async () => {
    const clock = testClock()
    const timers = manualTimers(clock)
    const controller = new AbortController()
    let attempts = 0
    const call = wrap({})(
      async (_signal: AbortSignal) => {
        attempts++
        throw boom
      },
      { retry: { policy: Monoid.concat(constantDelay(100), limitRetries(5)), scheduler: timers.scheduler } }
    )
    const pending = call(controller.signal)
    await flush()
    expect(attempts).toBe(1)
    controller.abort()
    await expect(pending).rejects.toBe(boom)
    expect(attempts).toBe(1)
    expect(timers.pending()).toBe(0)
  })

  it('checks the stacking options', () => {
    expect(() => wrap({})(async () => 1, { retries: 3 } as never)).toThrow(
      /wrap\.retries: unknown option \(known options: fallback, classify, isFailure, isResultFailure, isIgnored, on, timeout, scheduler, retry, bulkhead\)/
    )
    expect(() => wrapSync({})(() => 1, { timeout: 5 } as never)).toThrow(
      /wrapSync\.timeout: unknown option \(known options: fallback, classify, isFailure, isResultFailure, isIgnored\); timeouts, retries and bulkheads are for async functions: use wrap/
    )
    expect(() => wrap({})(async () => 1, { on: 'failure' })).toThrow(/wrap\.on: 'failure' needs a fallback/)
    expect(() => wrap({})(async () => 1, { on: 'sometimes' as never, fallback: async () => 0 })).toThrow(
      ConfigError
    )
    expect(() => wrap({})(async () => 1, { bulkhead: 3 as never })).toThrow(/wrap\.bulkhead/)
  })
})
