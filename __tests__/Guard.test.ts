/**
 * The call protocol under fault: whatever the guarded code, its classifier, its fallback, the clock or
 * a listener does, the permit is answered exactly once, the caller gets exactly one result or one error
 * that says what went wrong, and the breaker stays in a state its own decoder accepts. Each case here
 * was a defect of the runtime before it was rebuilt around the cell (issue "Rebuild the runtime").
 */
import * as E from 'fp-ts/Either'
import type * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import {
  Breaker,
  type Classifier,
  ConfigError,
  decodeStateFor,
  encodeState,
  Event,
  isCircuitOpenError,
  type Listener,
  Strategy,
  Window,
  withBreaker,
  wrap,
  wrapSync
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** The breaker's state passes its own decoder. */
const decodable = (b: Breaker.Breaker): boolean =>
  E.isRight(decodeStateFor(b.circuit)(encodeState(b.state())))

const quiet = () => jest.spyOn(console, 'warn').mockImplementation(() => undefined)

afterEach(() => jest.restoreAllMocks())

describe('Guard', () => {
  describe('guarded code', () => {
    it('records a wrapped function that returns a plain value once, and resolves with it', async () => {
      const b = Breaker.make({ failureThreshold: 1 })()
      const plain = wrap(b)((() => 42) as unknown as () => Promise<number>)
      await expect(plain()).resolves.toBe(42)
      expect(b.counts()).toMatchObject({ calls: 1, successes: 1, failures: 0, inFlight: 0 })
    })

    it('records a TaskEither that returns a non-promise as one failure, with a timeout too, and rejects saying why', async () => {
      const task = (() => 'not a promise') as unknown as TE.TaskEither<never, number>
      const untimed = Breaker.make({ failureThreshold: 5 })()
      await expect(withBreaker(untimed)(task)()).rejects.toThrow(/not an Either/)
      expect(untimed.counts()).toMatchObject({ calls: 1, failures: 1, inFlight: 0 })
      const timed = Breaker.make({ failureThreshold: 5 })()
      await expect(withBreaker(timed, { timeout: 1_000 })(task)()).rejects.toThrow(/not an Either/)
      expect(timed.counts()).toMatchObject({ calls: 1, failures: 1, timeouts: 0, inFlight: 0 })
    })

    it('records a thenable that settles three times once', async () => {
      const b = Breaker.make({ failureThreshold: 5 })()
      const thrice = {
        then: (ok: (v: number) => void, fail: (e: unknown) => void) => {
          ok(1)
          fail(new Error('late'))
          ok(2)
        }
      }
      const guarded = wrap(b)(() => thrice as PromiseLike<number>)
      await expect(guarded()).resolves.toBe(1)
      const task = (() => ({
        then: (ok: (v: E.Either<never, number>) => void) => {
          ok(E.right(1))
          ok(E.right(2))
          ok(E.right(3))
        }
      })) as unknown as TE.TaskEither<never, number>
      await expect(withBreaker(b)(task)()).resolves.toEqual(E.right(1))
      expect(b.counts()).toMatchObject({ calls: 2, successes: 2, failures: 0, inFlight: 0 })
    })

    it('records a function that throws synchronously as a failure and rejects with its error', async () => {
      const b = Breaker.make({ failureThreshold: 5 })()
      const boom = new Error('boom')
      await expect(
        wrap(b)(() => {
          throw boom
        })()
      ).rejects.toBe(boom)
      const task: TE.TaskEither<never, number> = () => {
        throw boom
      }
      await expect(withBreaker(b)(task)()).rejects.toBe(boom)
      expect(b.counts()).toMatchObject({ calls: 2, failures: 2, inFlight: 0 })
    })
  })

  describe('classifiers', () => {
    it("gives the caller its own result when the classifier returns undefined, and frees the probe's slot", async () => {
      const warn = quiet()
      const clock = testClock(0)
      const b = Breaker.make({ failureThreshold: 1, openFor: 100 }, { clock: clock.now })()
      const odd = (() => undefined) as unknown as Classifier.Classifier
      await withBreaker(b)(TE.left('down'))()
      clock.advance(100)
      const guard = withBreaker(b, { classify: odd })
      expect(await guard(TE.right(7))()).toEqual(E.right(7))
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/returned undefined/)
      // counted as a failure: the probe re-opened the circuit at once rather than holding its lease
      expect(b.state()._tag).toBe('Open')
      expect(b.counts().inFlight).toBe(0)
      expect(decodable(b)).toBe(true)
    })

    it('refuses a classify option that is not a function, naming it', () => {
      const b = Breaker.make()()
      expect(() => withBreaker(b, { classify: {} as never })).toThrow(ConfigError)
      expect(() => withBreaker(b, { classify: 'x' as never })).toThrow(
        /withBreaker\.classify: expected a function/
      )
      expect(() => Breaker.make({}, { classify: {} as never })()).toThrow(/classify: expected a function/)
    })
  })

  describe('fallbacks', () => {
    it('reports a fallback that throws synchronously as FallbackFailed and rejects with its error', async () => {
      const b = Breaker.make()()
      b.control(Event.forceOpen)()
      const events: Array<Listener.BreakerEvent> = []
      b.subscribe((e) => events.push(e))
      const boom = new Error('no fallback today')
      const guard = withBreaker(b, {
        fallback: (): T.Task<number> => {
          throw boom
        }
      })
      await expect(guard(TE.right(1))()).rejects.toBe(boom)
      const wrapped = wrap(b)(async () => 1, {
        fallback: () => {
          throw boom
        }
      })
      await expect(wrapped()).rejects.toBe(boom)
      expect(events.filter((e) => e._tag === 'FallbackFailed')).toHaveLength(2)
      expect(b.counts().fallbackFailures).toBe(2)
    })

    it('rejects a fallback that returns a Promise instead of a Task, saying so, and reports it', async () => {
      const b = Breaker.make()()
      b.control(Event.forceOpen)()
      const events: Array<string> = []
      b.subscribe((e) => events.push(e._tag))
      const guard = withBreaker(b, {
        fallback: (() => Promise.resolve(1)) as unknown as () => T.Task<number>
      })
      await expect(guard(TE.right(1))()).rejects.toThrow(/returned a Promise, not a Task/)
      expect(events).toContain('FallbackFailed')
    })
  })

  describe('clocks', () => {
    it('answers the permit and gives the caller its result when the clock throws', async () => {
      let broken = false
      const clock = testClock(0)
      const b = Breaker.make(
        { failureThreshold: 1, openFor: 100 },
        {
          clock: () => {
            if (broken) throw new Error('clock gone')
            return clock.now()
          },
          latencySamplesPerSecond: Infinity
        }
      )()
      broken = true
      await expect(wrap(b)(async () => 'ok')()).resolves.toBe('ok')
      expect(wrapSync(b)(() => 3)()).toBe(3)
      expect(await withBreaker(b)(TE.left('down'))()).toEqual(E.left('down'))
      expect(b.counts()).toMatchObject({ calls: 3, inFlight: 0 })
      // the failure opened the circuit at the latest good reading, never at a broken one
      expect(b.state()).toMatchObject({ _tag: 'Open', openedAt: 0 })
      expect(decodable(b)).toBe(true)
    })

    it('reports a failing clock once, after the call, to a listener or else to onListenerError', async () => {
      let t: number = 5
      const seen: Array<Listener.BreakerEvent> = []
      const b = Breaker.make(
        { failureThreshold: 1 },
        { clock: () => t, onListenerError: (_, e) => seen.push(e) }
      )()
      t = NaN
      b.control(Event.forceOpen)()
      b.control(Event.reset)()
      expect(seen).toEqual([]) // never inside the update
      await flush()
      expect(seen).toMatchObject([{ _tag: 'ClockFailed', breaker: 'breaker', at: 5 }])
      expect(String((seen[0] as Listener.ClockFailed).error)).toMatch(/read NaN, not a finite number/)
      const heard: Array<string> = []
      const c = Breaker.make(
        {},
        {
          clock: () => {
            throw new Error('no clock')
          }
        }
      )()
      c.subscribe((e) => heard.push(e._tag))
      c.control(Event.forceOpen)()
      c.control(Event.reset)()
      await flush()
      expect(heard.filter((tag) => tag === 'ClockFailed')).toEqual(['ClockFailed'])
    })

    it('never lets a non-finite clock reading reach the state', () => {
      let t: number = 5
      const b = Breaker.make({ failureThreshold: 1 }, { clock: () => t })()
      t = NaN
      b.control(Event.forceOpen)()
      expect(b.state()).toMatchObject({ _tag: 'ForcedOpen', since: 5 })
      t = Infinity
      b.control(Event.reset)()
      expect(b.state()).toMatchObject({ _tag: 'Closed', since: 5 })
      expect(decodable(b)).toBe(true)
    })
  })

  describe('controls', () => {
    it('refuses a control event that is not one, from untyped JavaScript, and keeps the state', async () => {
      const b = Breaker.make()()
      const before = b.state()
      expect(() => b.control({ _tag: 'HalfOpen' } as never)()).toThrow(/control: expected one of/)
      expect(() => b.control(undefined as never)()).toThrow(ConfigError)
      expect(b.state()).toBe(before)
      await expect(wrap(b)(async () => 1)()).resolves.toBe(1)
    })

    it('names a null failureThreshold as the problem instead of taking the default', () => {
      expect(() => Breaker.make({ failureThreshold: null as never })()).toThrow(/failureThreshold/)
    })

    it('names a non-function clock or onListenerError', () => {
      expect(() => Breaker.make({}, { clock: 5 as never })()).toThrow(/clock: expected a function/)
      expect(() => Breaker.make({}, { onListenerError: 'x' as never })()).toThrow(
        /onListenerError: expected a function/
      )
    })
  })

  describe('listeners', () => {
    it('sends the rejection of an async listener to onListenerError, never to the process', async () => {
      const errors: Array<unknown> = []
      const b = Breaker.make({}, { onListenerError: (error) => errors.push(error) })()
      b.subscribe(async () => {
        throw new Error('async listener')
      })
      await expect(wrap(b)(async () => 1)()).resolves.toBe(1)
      await flush()
      // one event (the Success), one rejection reported
      expect(errors.map(String)).toEqual(['Error: async listener'])
    })

    it('delivers transitions in order when a listener resets the breaker while handling a failure', async () => {
      const b = Breaker.make({ failureThreshold: 1 })()
      const seen: Array<string> = []
      b.subscribe((e) => {
        if (e._tag === 'Transition') seen.push(`${e.from}->${e.to}`)
        if (e._tag === 'Failure') b.control(Event.reset)()
      })
      await withBreaker(b)(TE.left('down'))()
      expect(seen).toEqual(['Closed->Open', 'Open->Closed'])
      expect(b.state()._tag).toBe('Closed')
    })

    it('keeps going when onListenerError itself throws', async () => {
      const b = Breaker.make(
        {},
        {
          onListenerError: () => {
            throw new Error('hook')
          }
        }
      )()
      b.subscribe(() => {
        throw new Error('listener')
      })
      await expect(wrap(b)(async () => 1)()).resolves.toBe(1)
    })
  })

  describe('slow probes', () => {
    /** A task that settles when told to, as a dependency slower than the probe lease. */
    const deferred = () => {
      let settle: (result: E.Either<string, number>) => void = () => undefined
      const task: TE.TaskEither<string, number> = () =>
        new Promise((resolve) => {
          settle = resolve
        })
      return { task, settle: (result: E.Either<string, number>) => settle(result) }
    }

    it.each([
      ['recovered: its slow success closes the circuit', E.right(1), 'Closed'],
      ['still failing: its slow failure re-opens it', E.left('down'), 'Open']
    ] as const)(
      'decides with a probe slower than its lease when the dependency is %s',
      async (_, answer, to) => {
        const clock = testClock(0)
        const b = Breaker.make({ failureThreshold: 1, openFor: 1_000 }, { clock: clock.now })() // lease 1 s
        const guard = withBreaker(b)
        await guard(TE.left('down'))()
        clock.advance(1_000)
        const first = deferred()
        const pending = guard(first.task)() // the probe; it answers after 1.5 s
        expect(b.state()._tag).toBe('HalfOpen')
        clock.advance(1_000) // its lease has expired: another probe may pass
        const second = deferred()
        const other = guard(second.task)()
        clock.advance(500)
        first.settle(answer)
        expect(await pending).toEqual(answer)
        expect(b.state()._tag).toBe(to)
        second.settle(E.right(2)) // the second probe's answer comes after the verdict: late, decides nothing
        await other
        expect(b.state()._tag).toBe(to)
        expect(b.counts().inFlight).toBe(0)
      }
    )
  })

  describe('slow calls while half-open', () => {
    it('re-opens when the probe succeeds but slower than the slow-call duration', async () => {
      const clock = testClock(0)
      const strategy = Strategy.slowCallRate({ window: Window.count(2), threshold: 1, slowCallDuration: 100 })
      const b = Breaker.make({ strategy, openFor: 1_000 }, { clock: clock.now })()
      const slow: TE.TaskEither<never, number> = () =>
        Promise.resolve().then(() => {
          clock.advance(150)
          return E.right(1)
        })
      await withBreaker(b)(slow)()
      await withBreaker(b)(slow)() // two slow calls of two: the rate trips the circuit
      expect(b.state()._tag).toBe('Open')
      clock.advance(1_000)
      expect(await withBreaker(b)(slow)()).toEqual(E.right(1)) // the probe succeeds, slowly
      expect(b.state()._tag).toBe('Open')
      clock.advance(1_000)
      expect(await withBreaker(b)(TE.right(2))()).toEqual(E.right(2)) // a quick probe closes it
      expect(b.state()._tag).toBe('Closed')
    })
  })

  describe('rejections', () => {
    it('never runs the guarded code while open, and answers with CircuitOpenError', async () => {
      const b = Breaker.make()()
      b.control(Event.forceOpen)()
      let ran = 0
      const result = await withBreaker(b)(() => {
        ran++
        return Promise.resolve(E.right(1))
      })()
      expect(E.isLeft(result) && isCircuitOpenError(result.left)).toBe(true)
      expect(() =>
        wrapSync(b)(() => {
          ran++
        })()
      ).toThrow(/open/)
      expect(ran).toBe(0)
    })
  })
})
