import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import {
  Breaker,
  CallTimeoutError,
  type CircuitOpenError,
  ConfigError,
  type Classifier,
  isCallTimeoutError,
  isCircuitOpenError,
  realTimers,
  timeoutTE,
  withBreaker,
  type Scheduler
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { flush, manualTimers } from './_support/timers'

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** A `TaskEither` that settles when told to. */
const deferred = <E, A>() => {
  let settle: (result: E.Either<E, A>) => void = () => {}
  let fail: (defect: unknown) => void = () => {}
  const promise = new Promise<E.Either<E, A>>((resolve, reject) => {
    settle = resolve
    fail = reject
  })
  return { task: () => promise, settle, fail }
}

/**
 * Records what a breaker is told, as its listeners see it: each outcome's verdict and duration, with
 * a `Timeout` event standing for the failure that follows it.
 */
const spied = (breaker: Breaker.Breaker) => {
  const records: Array<{
    readonly verdict: Classifier.Classification | 'timeout'
    readonly duration: number
  }> = []
  let timedOut = false
  breaker.subscribe((e) => {
    if (e._tag === 'Timeout') {
      timedOut = true
      records.push({ verdict: 'timeout', duration: e.duration })
    } else if (e._tag === 'Success' || e._tag === 'Failure' || e._tag === 'Ignored') {
      if (timedOut) timedOut = false
      else
        records.push({
          verdict: e._tag === 'Ignored' ? 'ignore' : e._tag === 'Success' ? 'success' : 'failure',
          duration: e.duration
        })
    }
  })
  return { breaker, records }
}

const setup = (config: Breaker.Settings = {}) => {
  const clock = testClock(1_000)
  const timers = manualTimers(clock)
  const { breaker, records } = spied(Breaker.make(config, { clock: clock.now, name: 'users' })())
  return { clock, timers, breaker, records }
}

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('Timeout', () => {
  describe('CallTimeoutError', () => {
    it('is a tagged Error carrying the timeout and the breaker name', () => {
      const e = new CallTimeoutError(500, 'payments')
      expect(e).toBeInstanceOf(Error)
      expect(e._tag).toBe('CallTimeoutError')
      expect(e.name).toBe('CallTimeoutError')
      expect(e.timeout).toBe(500)
      expect(e.breaker).toBe('payments')
      expect(e.message).toBe('Call through "payments" timed out after 500 ms')
      expect(String(e)).toBe('CallTimeoutError: Call through "payments" timed out after 500 ms')
      expect(JSON.parse(JSON.stringify(e))).toEqual({
        _tag: 'CallTimeoutError',
        timeout: 500,
        breaker: 'payments',
        message: 'Call through "payments" timed out after 500 ms'
      })
    })

    it('leaves the breaker out of the message when there is none', () => {
      const e = new CallTimeoutError(20)
      expect(e.breaker).toBeUndefined()
      expect(e.message).toBe('Call timed out after 20 ms')
      expect(e.toJSON().breaker).toBeNull()
    })

    it('is built without capturing a stack', () => {
      const e = new CallTimeoutError(500)
      expect(Object.getOwnPropertyNames(e)).not.toContain('stack')
      expect(e.stack).toBe('CallTimeoutError: Call timed out after 500 ms')
    })

    it('is recognised by isCallTimeoutError and nothing else is', () => {
      expect(isCallTimeoutError(new CallTimeoutError(1))).toBe(true)
      expect(isCallTimeoutError(new Error('timed out'))).toBe(false)
      expect(isCallTimeoutError({ _tag: 'CallTimeoutError' })).toBe(false)
      expect(isCallTimeoutError(undefined)).toBe(false)
    })
  })

  describe('timeoutTE', () => {
    it('passes through a result that arrives in time and clears its timer', async () => {
      const clock = testClock()
      const timers = manualTimers(clock)
      const work = deferred<string, number>()
      const pending = timeoutTE(500, { scheduler: timers.scheduler })(work.task)()
      expect(timers.pending()).toBe(1)
      timers.advance(499)
      work.settle(E.right(42))
      expect(await pending).toEqual(E.right(42))
      expect(timers.pending()).toBe(0)
    })

    it('passes a Left that arrives in time through unchanged', async () => {
      const timers = manualTimers(testClock())
      const result = await timeoutTE(500, { scheduler: timers.scheduler })(TE.left('nope'))()
      expect(result).toEqual(E.left('nope'))
      expect(timers.pending()).toBe(0)
    })

    it('yields Left(CallTimeoutError) on expiry, aborts the signal with it, and discards the late result', async () => {
      const timers = manualTimers(testClock())
      const work = deferred<string, number>()
      let seen: AbortSignal | undefined
      const pending = timeoutTE(500, { scheduler: timers.scheduler })((signal) => {
        seen = signal
        return work.task
      })()
      expect(seen?.aborted).toBe(false)
      timers.advance(500)
      const result = await pending
      expect(E.isLeft(result) && isCallTimeoutError(result.left)).toBe(true)
      const error = (result as E.Left<CallTimeoutError>).left
      expect(error.timeout).toBe(500)
      expect(error.breaker).toBeUndefined()
      expect(seen?.aborted).toBe(true)
      expect(seen?.reason).toBe(error)
      work.settle(E.right(42))
      await flush()
      expect(await pending).toBe(result)
    })

    it('stops work that honours the AbortSignal', async () => {
      const timers = manualTimers(testClock())
      const steps: Array<string> = []
      const work = (signal: AbortSignal): TE.TaskEither<Error, string> =>
        TE.tryCatch(
          () =>
            new Promise<string>((_resolve, reject) => {
              steps.push('started')
              const onAbort = () => reject(signal.reason as Error)
              signal.addEventListener('abort', () => {
                steps.push('aborted')
                onAbort()
              })
            }),
          (e) => e as Error
        )
      const pending = timeoutTE(100, { scheduler: timers.scheduler })(work)()
      timers.advance(100)
      const result = await pending
      expect(steps).toEqual(['started', 'aborted'])
      expect(E.isLeft(result) && isCallTimeoutError(result.left)).toBe(true)
    })

    it('works in a pipe on a plain TaskEither', async () => {
      const timers = manualTimers(testClock())
      const result = await pipe(TE.right(7), timeoutTE(500, { scheduler: timers.scheduler }))()
      expect(result).toEqual(E.right(7))
    })

    it('lets a rejection before expiry propagate and clears the timer', async () => {
      const timers = manualTimers(testClock())
      const work = deferred<never, never>()
      const pending = timeoutTE(500, { scheduler: timers.scheduler })(work.task)()
      const boom = new Error('boom')
      work.fail(boom)
      await expect(pending).rejects.toBe(boom)
      expect(timers.pending()).toBe(0)
    })

    it('rejects, without making a timer, when the task throws synchronously', async () => {
      const timers = manualTimers(testClock())
      const boom = new Error('sync boom')
      const run = timeoutTE(500, { scheduler: timers.scheduler })((): TE.TaskEither<never, never> => {
        throw boom
      })
      await expect(run()).rejects.toBe(boom)
      expect(timers.made()).toBe(0)
    })

    it('swallows a rejection that arrives after expiry: no unhandled rejection', async () => {
      const unhandled: Array<unknown> = []
      const onUnhandled = (reason: unknown) => unhandled.push(reason)
      process.on('unhandledRejection', onUnhandled)
      try {
        const timers = manualTimers(testClock())
        const work = deferred<never, never>()
        const pending = timeoutTE(500, { scheduler: timers.scheduler })(work.task)()
        timers.advance(500)
        const result = await pending
        work.fail(new Error('late defect'))
        await flush()
        await flush()
        expect(E.isLeft(result) && isCallTimeoutError(result.left)).toBe(true)
        expect(unhandled).toEqual([])
      } finally {
        process.off('unhandledRejection', onUnhandled)
      }
    })

    it.each([0, -1, NaN, Infinity, 2 ** 31, '500'])('rejects a timeout of %p, naming the option', (ms) => {
      expect(() => timeoutTE(ms as number)).toThrow(ConfigError)
      expect(() => timeoutTE(ms as number)).toThrow(/timeout: expected a finite number of milliseconds > 0/)
    })

    it('rejects a scheduler that is not a function, naming the option', () => {
      expect(() => timeoutTE(10, { scheduler: 5 as unknown as Scheduler })).toThrow(
        /scheduler: expected a function \(callback, ms\) => cancel, got number 5/
      )
    })
  })

  describe('withBreaker timeout option', () => {
    it('records a timed-out call once, as a failure lasting at least the timeout, and drops the late result', async () => {
      const { timers, breaker, records } = setup()
      const guard = withBreaker(breaker, { timeout: 500, scheduler: timers.scheduler })
      const work = deferred<string, number>()
      const pending = guard(work.task)()
      timers.advance(500)
      const result = await pending
      expect(E.isLeft(result) && isCallTimeoutError(result.left)).toBe(true)
      expect((result as E.Left<CallTimeoutError>).left.breaker).toBe('users')
      expect(records).toEqual([{ verdict: 'timeout', duration: 500 }])
      work.settle(E.right(1))
      await flush()
      expect(records).toHaveLength(1)
    })

    it('gives a timed-out call a duration of at least the timeout even when the clock lags the timer', async () => {
      const clock = testClock(0)
      let fire: () => void = () => {}
      const early: Scheduler = (callback) => {
        fire = callback
        return () => {}
      }
      const { breaker, records } = spied(Breaker.make({}, { clock: clock.now })())
      const pending = withBreaker(breaker, { timeout: 800, scheduler: early })(
        deferred<never, never>().task
      )()
      clock.advance(795)
      fire()
      await pending
      expect(records).toEqual([{ verdict: 'timeout', duration: 800 }])
    })

    it('counts timeouts as failures whatever the classifier says, and opens the circuit', async () => {
      const { timers, breaker } = setup({ failureThreshold: 2 })
      const guard = withBreaker(breaker, {
        timeout: 100,
        scheduler: timers.scheduler,
        classify: () => 'ignore'
      })
      for (let i = 0; i < 2; i++) {
        const pending = guard(deferred<never, never>().task)()
        timers.advance(100)
        await pending
      }
      expect(breaker.state()._tag).toBe('Open')
      const rejected = await guard(TE.right(1))()
      expect(E.isLeft(rejected) && isCircuitOpenError(rejected.left)).toBe(true)
    })

    it('records a call that settles in time through the classifier, once, and clears its timer', async () => {
      const { clock, timers, breaker, records } = setup()
      const guard = withBreaker(breaker, { timeout: 500, scheduler: timers.scheduler })
      const work = deferred<string, number>()
      const pending = guard(work.task)()
      clock.advance(120)
      work.settle(E.left('bad'))
      expect(await pending).toEqual(E.left('bad'))
      expect(records).toEqual([{ verdict: 'failure', duration: 120 }])
      expect(timers.pending()).toBe(0)
      timers.advance(1_000)
      expect(records).toHaveLength(1)
    })

    it('gives an Abortable guarded call a signal that aborts on expiry', async () => {
      const { timers, breaker } = setup()
      let seen: AbortSignal | undefined
      const pending = withBreaker(breaker, { timeout: 50, scheduler: timers.scheduler })((signal) => {
        seen = signal
        return deferred<never, string>().task
      })()
      timers.advance(50)
      const result = await pending
      expect(seen?.aborted).toBe(true)
      expect(seen?.reason).toEqual((result as E.Left<CallTimeoutError>).left)
    })

    it('records a defect before expiry as one failure, lets it propagate, and clears the timer', async () => {
      const { timers, breaker, records } = setup()
      const work = deferred<never, never>()
      const pending = withBreaker(breaker, { timeout: 500, scheduler: timers.scheduler })(work.task)()
      const boom = new Error('boom')
      work.fail(boom)
      await expect(pending).rejects.toBe(boom)
      expect(records.map((r) => r.verdict)).toEqual(['failure'])
      expect(timers.pending()).toBe(0)
    })

    it('makes one timer per admitted call, and none for a rejected call', async () => {
      const { timers, breaker } = setup({ failureThreshold: 1 })
      const guard = withBreaker(breaker, { timeout: 500, scheduler: timers.scheduler })
      await guard(TE.left('down'))()
      expect(timers.made()).toBe(1)
      const rejected = await guard(TE.right(1))()
      expect(E.isLeft(rejected) && isCircuitOpenError(rejected.left)).toBe(true)
      expect(timers.made()).toBe(1)
    })

    it('makes no timer when no timeout is set, and gives an Abortable a signal that never aborts', async () => {
      const { timers, breaker } = setup()
      let seen: AbortSignal | undefined
      const result = await withBreaker(breaker, { scheduler: timers.scheduler })((signal) => {
        seen = signal
        return TE.right('ok')
      })()
      expect(result).toEqual(E.right('ok'))
      expect(timers.made()).toBe(0)
      expect(seen?.aborted).toBe(false)
    })

    it('keeps the fallback for an open circuit apart from the timeout', async () => {
      const { timers, breaker } = setup({ failureThreshold: 1 })
      const guard = withBreaker(breaker, {
        timeout: 100,
        scheduler: timers.scheduler,
        fallback: () => () => Promise.resolve('cached')
      })
      const pending = guard(deferred<never, string>().task)()
      timers.advance(100)
      const timedOut = await pending
      expect(E.isLeft(timedOut) && isCallTimeoutError(timedOut.left)).toBe(true)
      expect(await guard(TE.right('fresh'))()).toEqual(E.right('cached'))
    })

    it.each([0, -5, NaN, Infinity])('rejects a timeout of %p, naming the option', (timeout) => {
      expect(() => withBreaker({}, { timeout })).toThrow(
        /timeout: expected a finite number of milliseconds > 0/
      )
    })
  })

  describe('real timers', () => {
    it('times out a call that never settles after a small real timeout', async () => {
      const result = await timeoutTE(15)(() => new Promise<E.Either<never, never>>(() => {}))()
      expect(E.isLeft(result) && isCallTimeoutError(result.left)).toBe(true)
    })

    it("keeps its timer ref'd while the call is in flight and clears it when the call settles", async () => {
      const setSpy = jest.spyOn(globalThis, 'setTimeout')
      const clearSpy = jest.spyOn(globalThis, 'clearTimeout')
      try {
        const work = deferred<never, string>()
        const pending = timeoutTE(60_000, { scheduler: realTimers })(work.task)()
        const timer = setSpy.mock.results.at(-1)?.value as NodeJS.Timeout
        expect(timer.hasRef()).toBe(true)
        expect(clearSpy).not.toHaveBeenCalledWith(timer)
        work.settle(E.right('quick'))
        expect(await pending).toEqual(E.right('quick'))
        expect(clearSpy).toHaveBeenCalledWith(timer)
      } finally {
        setSpy.mockRestore()
        clearSpy.mockRestore()
      }
    })

    it('lets a process that ran timed-out calls exit on its own', () => {
      const root = path.resolve(__dirname, '..')
      const script = `
        const E = require('fp-ts/Either')
        const { withBreaker, timeoutTE } = require('./src/index.ts')
        const guard = withBreaker({ name: 'child' }, { timeout: 50 })
        // Work that honours its signal: its own (ref'd) 60 s timer is cleared on abort.
        const honours = (signal) => () => new Promise((resolve) => {
          const t = setTimeout(() => resolve(E.right('too late')), 60000)
          signal.addEventListener('abort', () => { clearTimeout(t); resolve(E.left(signal.reason)) })
        })
        // Work that ignores its signal and settles late: its result must be dropped.
        const ignores = () => new Promise((resolve) => setTimeout(() => resolve(E.right('late')), 200))
        // A quick call under a long timeout: its 60 s timer must be cleared.
        const quick = () => Promise.resolve(E.right('quick'))
        Promise.all([guard(honours)(), guard(ignores)(), timeoutTE(60000)(quick)()]).then((rs) => {
          console.log(JSON.stringify(rs.map((r) => (r._tag === 'Left' ? r.left._tag : r.right))))
          console.log(guard.breaker.state()._tag)
        })
      `
      const started = process.hrtime.bigint()
      const child = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
        cwd: root,
        encoding: 'utf8',
        timeout: 10_000
      })
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6
      expect(child.error).toBeUndefined()
      expect(child.stderr).toBe('')
      expect(child.status).toBe(0)
      expect(child.stdout.trim().split('\n')).toEqual([
        JSON.stringify(['CallTimeoutError', 'CallTimeoutError', 'quick']),
        'Closed'
      ])
      expect(elapsedMs).toBeLessThan(5_000)
    })
  })

  describe('schedulers that return a timer handle', () => {
    it("accepts Node's setTimeout as a scheduler: a hung call times out", async () => {
      const breaker = Breaker.make({}, { name: 'node' })()
      const result = await withBreaker(breaker, { timeout: 20, scheduler: setTimeout })(
        () => new Promise<E.Either<never, never>>(() => {})
      )()
      expect(E.isLeft(result) && isCallTimeoutError(result.left)).toBe(true)
      expect(breaker.counts()).toMatchObject({ inFlight: 0, failures: 1, timeouts: 1 })
    })

    it('cancels the handle setTimeout returns with clearTimeout when the call settles', async () => {
      const clearSpy = jest.spyOn(globalThis, 'clearTimeout')
      const handles: Array<NodeJS.Timeout> = []
      const scheduler = (callback: () => void, ms: number): NodeJS.Timeout => {
        const handle = setTimeout(callback, ms)
        handles.push(handle)
        return handle
      }
      try {
        const breaker = Breaker.make({}, { name: 'node' })()
        expect(await withBreaker(breaker, { timeout: 60_000, scheduler })(TE.right(1))()).toEqual(E.right(1))
        expect(await timeoutTE(60_000, { scheduler })(TE.right(2))()).toEqual(E.right(2))
        expect(handles).toHaveLength(2)
        for (const handle of handles) expect(clearSpy).toHaveBeenCalledWith(handle)
        expect(breaker.counts()).toMatchObject({ inFlight: 0, successes: 1 })
      } finally {
        clearSpy.mockRestore()
      }
    })

    it('passes a numeric handle (a browser timer id) to clearTimeout', async () => {
      const cleared: Array<unknown> = []
      const clearSpy = jest.spyOn(globalThis, 'clearTimeout').mockImplementation((id) => {
        cleared.push(id)
      })
      try {
        const result = await timeoutTE(500, { scheduler: () => 42 })(TE.right('ok'))()
        expect(result).toEqual(E.right('ok'))
        expect(cleared).toEqual([42])
      } finally {
        clearSpy.mockRestore()
      }
    })
  })

  describe('schedulers that throw', () => {
    /** Collects unhandled rejections while `body` runs, and a few turns after. */
    const unhandledDuring = async (body: () => Promise<void>): Promise<ReadonlyArray<unknown>> => {
      const unhandled: Array<unknown> = []
      const onUnhandled = (reason: unknown) => unhandled.push(reason)
      process.on('unhandledRejection', onUnhandled)
      try {
        await body()
        for (let i = 0; i < 3; i++) await flush()
      } finally {
        process.off('unhandledRejection', onUnhandled)
      }
      return unhandled
    }
    const broken = new Error('no timers today')
    const throwing: Scheduler = () => {
      throw broken
    }
    const throwingCancel: Scheduler = () => () => {
      throw broken
    }

    it('rejects a call whose scheduler throws, releases its permit and aborts its signal', async () => {
      const breaker = Breaker.make({}, { name: 'users' })()
      const work = deferred<never, never>()
      let seen: AbortSignal | undefined
      const unhandled = await unhandledDuring(async () => {
        const pending = withBreaker(breaker, { timeout: 500, scheduler: throwing })((signal) => {
          seen = signal
          return work.task
        })()
        const error: unknown = await pending.then(
          () => undefined,
          (e: unknown) => e
        )
        expect(error).toBeInstanceOf(Error)
        expect((error as Error).message).toMatch(
          /^tripswitch: the scheduler of breaker "users" threw when asked for a 500 ms timer, so the call was not timed .*no timers today$/
        )
        expect((error as Error).cause).toBe(broken)
        expect(seen?.aborted).toBe(true)
        expect(seen?.reason).toBe(error)
        expect(breaker.counts()).toMatchObject({ inFlight: 0, ignored: 1, failures: 0 })
        work.fail(new Error('late defect'))
      })
      expect(unhandled).toEqual([])
      expect(breaker.counts()).toMatchObject({ inFlight: 0, ignored: 1, failures: 0 })
    })

    it('records the outcome of a call whose cancel throws, then rejects saying so', async () => {
      const breaker = Breaker.make({}, { name: 'users' })()
      const unhandled = await unhandledDuring(async () => {
        const pending = withBreaker(breaker, { timeout: 500, scheduler: throwingCancel })(TE.right(1))()
        await expect(pending).rejects.toThrow(
          /^tripswitch: the cancel of a 500 ms timer from the scheduler of breaker "users" threw when the call settled \(its result is not returned\): /
        )
        await expect(pending).rejects.toHaveProperty('cause', broken)
        expect(breaker.counts()).toMatchObject({ inFlight: 0, successes: 1 })
        const defect = withBreaker(breaker, { timeout: 500, scheduler: throwingCancel })(() =>
          Promise.reject(new Error('boom'))
        )()
        await expect(defect).rejects.toHaveProperty('cause', broken)
        expect(breaker.counts()).toMatchObject({ inFlight: 0, successes: 1, failures: 1 })
      })
      expect(unhandled).toEqual([])
    })

    it('rejects a timeoutTE call whose scheduler throws, with no unhandled rejection', async () => {
      const work = deferred<never, never>()
      const unhandled = await unhandledDuring(async () => {
        const pending = timeoutTE(200, { scheduler: throwing })(work.task)()
        await expect(pending).rejects.toThrow(
          /^tripswitch: the scheduler threw when asked for a 200 ms timer, so the call was not timed/
        )
        await expect(pending).rejects.toHaveProperty('cause', broken)
        work.fail(new Error('late defect'))
      })
      expect(unhandled).toEqual([])
    })

    it('rejects a timeoutTE call whose cancel throws, with no unhandled rejection', async () => {
      const unhandled = await unhandledDuring(async () => {
        const pending = timeoutTE(200, { scheduler: throwingCancel })(TE.right(1))()
        await expect(pending).rejects.toThrow(
          /^tripswitch: the cancel of a 200 ms timer from the scheduler threw/
        )
        const defect = timeoutTE(200, { scheduler: throwingCancel })(() =>
          Promise.reject(new Error('boom'))
        )()
        await expect(defect).rejects.toHaveProperty('cause', broken)
      })
      expect(unhandled).toEqual([])
    })

    it('keeps the timeout of a scheduler that fires at once and then throws', async () => {
      const breaker = Breaker.make({}, { name: 'users' })()
      const unhandled = await unhandledDuring(async () => {
        const result = await withBreaker(breaker, {
          timeout: 10,
          scheduler: (callback) => {
            callback()
            throw broken
          }
        })(deferred<never, never>().task)()
        expect(E.isLeft(result) && isCallTimeoutError(result.left)).toBe(true)
        expect(breaker.counts()).toMatchObject({ inFlight: 0, timeouts: 1, ignored: 0 })
      })
      expect(unhandled).toEqual([])
    })
  })

  describe('types', () => {
    it('adds CallTimeoutError to the error channel only when a timeout is set', () => {
      const ok: TE.TaskEither<string, number> = TE.right(1)
      const timed: TE.TaskEither<string | CircuitOpenError | CallTimeoutError, number> = withBreaker(
        {},
        { timeout: 10 }
      )(ok)
      const plain: TE.TaskEither<string | CircuitOpenError, number> = withBreaker({})(ok)
      // @ts-expect-error a guard with a timeout can yield a CallTimeoutError
      const notPlain: TE.TaskEither<string | CircuitOpenError, number> = withBreaker({}, { timeout: 10 })(ok)
      const standalone: TE.TaskEither<string | CallTimeoutError, number> = pipe(ok, timeoutTE(10))
      const abortable: TE.TaskEither<Error | CallTimeoutError, string> = timeoutTE(10)(
        (signal: AbortSignal) =>
          TE.tryCatch(
            () => Promise.resolve(String(signal.aborted)),
            (e) => e as Error
          )
      )
      expect([timed, plain, notPlain, standalone, abortable].every((t) => typeof t === 'function')).toBe(true)
    })

    it('takes setTimeout itself, and a scheduler returning a cancel function, as a Scheduler', () => {
      const node: Scheduler = setTimeout
      const manual: Scheduler = () => () => undefined
      const guard = withBreaker({}, { timeout: 10, scheduler: setTimeout })
      expect(
        [node, manual, guard, timeoutTE(10, { scheduler: setTimeout })].every((f) => typeof f === 'function')
      ).toBe(true)
    })
  })
})
