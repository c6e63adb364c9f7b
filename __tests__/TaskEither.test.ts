import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import {
  Breaker,
  type CircuitOpenError,
  type FallbackError,
  isCircuitOpenError,
  isFallbackError,
  orFallback,
  orFallbackTE,
  withBreaker
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'

/** A TaskEither that counts its invocations and answers as told. */
const service = () => {
  let calls = 0
  let healthy = true
  const task: TE.TaskEither<string, string> = () => {
    calls += 1
    return Promise.resolve(healthy ? E.right('ok') : E.left('boom'))
  }
  return {
    task,
    calls: () => calls,
    fail: () => {
      healthy = false
    },
    heal: () => {
      healthy = true
    }
  }
}

const setup = () => {
  const clock = testClock()
  const guard = withBreaker({ name: 'users', clock: clock.now })
  return { clock, guard, svc: service() }
}

describe('withBreaker', () => {
  it('passes results through while the circuit is closed (normal operation)', async () => {
    const { guard, svc } = setup()
    expect(await pipe(svc.task, guard)()).toEqual(E.right('ok'))
    expect(await pipe(svc.task, guard)()).toEqual(E.right('ok'))
    expect(svc.calls()).toBe(2)
    expect(guard.breaker.state()._tag).toBe('Closed')
  })

  it('opens after 3 failures and keeps each Left as it was', async () => {
    const { guard, svc } = setup()
    svc.fail()
    for (let i = 0; i < 3; i++) expect(await guard(svc.task)()).toEqual(E.left('boom'))
    expect(guard.breaker.state()._tag).toBe('Open')
  })

  it('fails fast while open without calling the task', async () => {
    const { guard, svc, clock } = setup()
    svc.fail()
    for (let i = 0; i < 3; i++) await guard(svc.task)()
    clock.advance(1_000)
    const result = await guard(svc.task)()
    expect(svc.calls()).toBe(3)
    expect(E.isLeft(result) && isCircuitOpenError(result.left)).toBe(true)
    const error = (result as E.Left<CircuitOpenError>).left
    expect(error.breaker).toBe('users')
    expect(error.retryAfter).toBe(29_000)
  })

  it('recovers through half-open once the clock has moved 30 s', async () => {
    const { guard, svc, clock } = setup()
    svc.fail()
    for (let i = 0; i < 3; i++) await guard(svc.task)()
    svc.heal()
    clock.advance(29_999)
    expect(E.isLeft(await guard(svc.task)())).toBe(true)
    expect(svc.calls()).toBe(3)
    clock.advance(1)
    expect(await guard(svc.task)()).toEqual(E.right('ok'))
    expect(guard.breaker.state()._tag).toBe('Closed')
    expect(svc.calls()).toBe(4)
  })

  it('re-opens when the probe fails', async () => {
    const { guard, svc, clock } = setup()
    svc.fail()
    for (let i = 0; i < 3; i++) await guard(svc.task)()
    clock.advance(30_000)
    expect(await guard(svc.task)()).toEqual(E.left('boom'))
    expect(guard.breaker.state()).toMatchObject({ _tag: 'Open', openedAt: 30_000, openFor: 30_000 })
  })

  it('shares one breaker among every task a guard made from settings protects', async () => {
    const { guard } = setup()
    await guard(TE.left('a'))()
    await guard(TE.left('b'))()
    await guard(TE.left(3))()
    expect(guard.breaker.state()._tag).toBe('Open')
  })

  it('accepts an existing breaker and records into it', async () => {
    const clock = testClock()
    const breaker = Breaker.make({ failureThreshold: 1 }, { name: 'b', clock: clock.now })()
    const result = await pipe(TE.left('x'), withBreaker(breaker))()
    expect(result).toEqual(E.left('x'))
    expect(breaker.state()._tag).toBe('Open')
  })

  it('counts Right values as failures when the classifier says so', async () => {
    const clock = testClock()
    const guard = withBreaker({ clock: clock.now, failureThreshold: 2, isResultFailure: (r) => r === 503 })
    await guard(TE.right(503))()
    await guard(TE.right(503))()
    expect(guard.breaker.state()._tag).toBe('Open')
  })

  it('ignores Lefts that the classifier ignores', async () => {
    const clock = testClock()
    const guard = withBreaker({ clock: clock.now, failureThreshold: 1, isIgnored: (e) => e === 'cancelled' })
    await guard(TE.left('cancelled'))()
    expect(guard.breaker.state()._tag).toBe('Closed')
  })

  it('records a rejected task as a failure and lets the rejection propagate', async () => {
    const clock = testClock()
    const guard = withBreaker({ clock: clock.now, failureThreshold: 1 })
    const defect: TE.TaskEither<never, number> = () => Promise.reject(new Error('contract broken'))
    await expect(guard(defect)()).rejects.toThrow('contract broken')
    expect(guard.breaker.state()._tag).toBe('Open')
  })

  it('records a task that throws synchronously as a failure and rethrows it', async () => {
    const clock = testClock()
    const guard = withBreaker({ clock: clock.now, failureThreshold: 1 })
    const defect: TE.TaskEither<never, number> = () => {
      throw new Error('sync throw')
    }
    await expect(guard(defect)()).rejects.toThrow('sync throw')
    expect(guard.breaker.state()._tag).toBe('Open')
  })

  it('never leaves a probe permit out when the probe rejects', async () => {
    const clock = testClock()
    const guard = withBreaker({ clock: clock.now, failureThreshold: 1, openFor: 1_000 })
    await guard(TE.left('x'))()
    clock.advance(1_000)
    await expect(guard(() => Promise.reject(new Error('defect')))()).rejects.toThrow('defect')
    expect(guard.breaker.state()).toMatchObject({ _tag: 'Open', openedAt: 1_000 })
  })

  it('measures call durations with the clock', async () => {
    const clock = testClock()
    const seen: Array<number> = []
    const guard = withBreaker({
      clock: clock.now,
      classify: (result, duration) => {
        seen.push(duration)
        return E.isLeft(result) ? 'failure' : 'success'
      }
    })
    await guard(() => {
      clock.advance(250)
      return Promise.resolve(E.right(1))
    })()
    expect(seen).toEqual([250])
  })

  describe('concurrency', () => {
    it('admits exactly the configured number of probes among 1,000 concurrent calls in half-open', async () => {
      for (const probes of [1, 3]) {
        const clock = testClock()
        const guard = withBreaker({ clock: clock.now, failureThreshold: 1, halfOpenProbes: probes })
        await guard(TE.left('x'))()
        clock.advance(30_000)
        let invoked = 0
        const release: Array<() => void> = []
        const slow: TE.TaskEither<string, string> = () => {
          invoked += 1
          return new Promise((resolve) => release.push(() => resolve(E.right('ok'))))
        }
        const all = Promise.all(Array.from({ length: 1_000 }, () => guard(slow)()))
        expect(invoked).toBe(probes)
        release.forEach((r) => r())
        const results = await all
        expect(results.filter(E.isRight)).toHaveLength(probes)
        expect(results.filter((r) => E.isLeft(r) && isCircuitOpenError(r.left))).toHaveLength(1_000 - probes)
        expect(guard.breaker.state()._tag).toBe('Closed')
      }
    })

    it('lets the next probe in after the lease of a probe that never settles', async () => {
      const clock = testClock()
      const guard = withBreaker({ clock: clock.now, failureThreshold: 1, probeLease: 5_000 })
      await guard(TE.left('x'))()
      clock.advance(30_000)
      let invoked = 0
      const hung: TE.TaskEither<string, string> = () => {
        invoked += 1
        return new Promise(() => undefined)
      }
      void guard(hung)()
      expect(invoked).toBe(1)
      clock.advance(4_999)
      const rejected = await guard(TE.right('ok'))()
      expect(E.isLeft(rejected) && rejected.left).toMatchObject({ retryAfter: 1 })
      clock.advance(1)
      expect(await guard(TE.right('ok'))()).toEqual(E.right('ok'))
      expect(guard.breaker.state()._tag).toBe('Closed')
    })

    it('does not let a late success from before a trip close an open circuit', async () => {
      const clock = testClock()
      const guard = withBreaker({ clock: clock.now })
      let finishSlow: (() => void) | undefined
      const slow = guard(
        () => new Promise<E.Either<string, string>>((r) => (finishSlow = () => r(E.right('late'))))
      )()
      for (let i = 0; i < 3; i++) await guard(TE.left('boom'))()
      expect(guard.breaker.state()._tag).toBe('Open')
      finishSlow?.()
      expect(await slow).toEqual(E.right('late'))
      expect(guard.breaker.state()._tag).toBe('Open')
    })
  })

  describe('fallback', () => {
    it('runs the fallback when the circuit is open, without running the task', async () => {
      const clock = testClock()
      const svc = service()
      const guard = withBreaker({ clock: clock.now, failureThreshold: 1 }, { fallback: () => T.of('cached') })
      svc.fail()
      expect(await guard(svc.task)()).toEqual(E.left('boom'))
      expect(await guard(svc.task)()).toEqual(E.right('cached'))
      expect(svc.calls()).toBe(1)
    })

    it('does not run the fallback while the circuit is closed, even on failures', async () => {
      const clock = testClock()
      let used = 0
      const guard = withBreaker(
        { clock: clock.now },
        {
          fallback: () => {
            used += 1
            return T.of('cached')
          }
        }
      )
      expect(await guard(TE.right('fresh'))()).toEqual(E.right('fresh'))
      expect(await guard(TE.left('boom'))()).toEqual(E.left('boom'))
      expect(used).toBe(0)
    })

    it('passes the rejection to the fallback', async () => {
      const clock = testClock()
      const guard = withBreaker({ clock: clock.now, failureThreshold: 1, name: 'n' })
      await guard(TE.left('x'))()
      const seen: Array<CircuitOpenError> = []
      const result = await pipe(
        TE.right('fresh'),
        guard,
        orFallback((e) => {
          seen.push(e)
          return T.of('stale')
        })
      )()
      expect(result).toEqual(E.right('stale'))
      expect(seen[0]).toMatchObject({ breaker: 'n', retryAfter: 30_000 })
    })

    it('orFallback leaves ordinary Lefts alone', async () => {
      const result = await pipe(
        TE.left<string, number>('boom'),
        withBreaker({}),
        orFallback(() => T.of(0))
      )()
      expect(result).toEqual(E.left('boom'))
    })

    it('orFallbackTE reports a failing fallback as a typed FallbackError', async () => {
      const clock = testClock()
      const guard = withBreaker({ clock: clock.now, failureThreshold: 1 })
      await guard(TE.left('x'))()
      const result = await pipe(
        TE.right(1),
        guard,
        orFallbackTE(() => TE.left('replica down'))
      )()
      expect(E.isLeft(result) && isFallbackError(result.left)).toBe(true)
      expect(result).toMatchObject({ left: { _tag: 'FallbackError', cause: 'replica down' } })
      expect(E.isLeft(result) && isFallbackError(result.left) && isCircuitOpenError(result.left.reason)).toBe(
        true
      )
    })

    it('orFallbackTE returns the fallback value when it succeeds', async () => {
      const clock = testClock()
      const guard = withBreaker({ clock: clock.now, failureThreshold: 1 })
      await guard(TE.left('x'))()
      expect(
        await pipe(
          TE.right(1),
          guard,
          orFallbackTE(() => TE.right(2))
        )()
      ).toEqual(E.right(2))
    })
  })

  describe('fallback on failure, with its reason, as a Task or a TaskEither', () => {
    it("gives a TaskEither fallback's Right as the value, not a Right inside a Right", async () => {
      const b = Breaker.make()()
      Breaker.forceOpen(b)()
      const guard = withBreaker(b, { fallback: () => TE.right('cached') })
      const result: E.Either<string | FallbackError<never>, string> = await guard(
        TE.right<string, string>('x')
      )()
      expect(result).toEqual(E.right('cached'))
      expect(b.counts()).toMatchObject({ fallbacks: 1, fallbackFailures: 0 })
    })

    it("makes a TaskEither fallback's Left a FallbackError with the reason, counted as failed", async () => {
      const b = Breaker.make()()
      Breaker.forceOpen(b)()
      const result = await withBreaker(b, { fallback: () => TE.left('replica down') })(
        TE.right<string, string>('x')
      )()
      expect(E.isLeft(result) && isFallbackError(result.left) && isCircuitOpenError(result.left.reason)).toBe(
        true
      )
      expect(result).toMatchObject({ left: { cause: 'replica down' } })
      expect(b.counts()).toMatchObject({ fallbacks: 0, fallbackFailures: 1 })
    })

    it("runs on: 'failure' for the call's Left, given that error, and leaves rejections alone", async () => {
      const b = Breaker.make({ failureThreshold: 2 })()
      const reasons: Array<unknown> = []
      const guard = withBreaker(b, {
        on: 'failure',
        fallback: (reason) => {
          reasons.push(reason)
          return T.of('stale')
        }
      })
      const recovered: E.Either<CircuitOpenError, string> = await guard(TE.left<string, string>('boom'))()
      expect(recovered).toEqual(E.right('stale'))
      expect(reasons).toEqual(['boom'])
      expect(b.counts()).toMatchObject({ failures: 1, fallbacks: 1 })
      Breaker.forceOpen(b)()
      const rejected = await guard(TE.right<string, string>('x'))()
      expect(E.isLeft(rejected) && isCircuitOpenError(rejected.left)).toBe(true)
    })

    it("runs on: 'both' for rejections and failures (a timeout too), leaving no error in the type", async () => {
      const b = Breaker.make()()
      const reasons: Array<string> = []
      const guard = withBreaker(b, {
        on: 'both',
        timeout: 10,
        scheduler: (callback) => {
          callback()
          return () => undefined
        },
        fallback: (reason) => {
          reasons.push((reason as Error).name)
          return T.of(0)
        }
      })
      const timedOut: E.Either<never, number> = await guard(
        () => new Promise<E.Either<string, number>>(() => undefined)
      )()
      expect(timedOut).toEqual(E.right(0))
      Breaker.forceOpen(b)()
      expect(await guard(TE.right(1))()).toEqual(E.right(0))
      expect(reasons).toEqual(['CallTimeoutError', 'CircuitOpenError'])
      expect(b.counts().fallbacks).toBe(2)
    })

    it("runs a failing fallback of on: 'both' once for a rejection, its Left a FallbackError", async () => {
      const b = Breaker.make()()
      Breaker.forceOpen(b)()
      let runs = 0
      const guard = withBreaker(b, {
        on: 'both',
        fallback: () => {
          runs++
          return TE.left('replica down')
        }
      })
      const result = await guard(TE.right(1))()
      expect(runs).toBe(1)
      expect(E.isLeft(result) && isFallbackError(result.left) && isCircuitOpenError(result.left.reason)).toBe(
        true
      )
      expect(b.counts()).toMatchObject({ fallbacks: 0, fallbackFailures: 1 })
    })

    it('counts orFallback and orFallbackTE in the metrics of the breaker that rejected', async () => {
      const b = Breaker.make()()
      const guard = withBreaker(b)
      Breaker.forceOpen(b)()
      expect(
        await pipe(
          TE.right(1),
          guard,
          orFallback(() => T.of(2))
        )()
      ).toEqual(E.right(2))
      expect(
        await pipe(
          TE.right(1),
          guard,
          orFallbackTE(() => TE.right(3))
        )()
      ).toEqual(E.right(3))
      const failed = await pipe(
        TE.right(1),
        guard,
        orFallbackTE(() => TE.left('no'))
      )()
      expect(E.isLeft(failed) && isFallbackError(failed.left)).toBe(true)
      expect(b.metrics().counts).toMatchObject({ fallbacks: 2, fallbackFailures: 1 })
    })

    it('refuses an unknown `on`', () => {
      expect(() => withBreaker({}, { on: 'sometimes' as never, fallback: () => T.of(1) } as never)).toThrow(
        /withBreaker\.on: expected 'open', 'failure' or 'both', got "sometimes"/
      )
    })
  })

  describe('bad input', () => {
    it.each<readonly [Record<string, unknown>, RegExp]>([
      [{ failureThreshold: -1 }, /failureThreshold: expected a positive integer, got -1/],
      [{ failureThreshold: 2.5 }, /failureThreshold: expected a positive integer, got 2.5/],
      [
        { openFor: Infinity },
        /openFor: expected a duration: milliseconds \(a finite number >= 0\)[^\n]*, got Infinity/
      ],
      [{ openFor: -5 }, /openFor: expected a duration: milliseconds[^\n]*got -5/],
      [{ probeLease: 0 }, /probeLease: expected a finite positive duration/],
      [{ halfOpenProbes: 2, successThreshold: 3 }, /successThreshold: expected at most halfOpenProbes \(2\)/],
      [{ failureTreshold: 3 }, /failureTreshold: unknown setting; did you mean failureThreshold\?/],
      [{ name: '' }, /name: expected a non-empty string/]
    ])('rejects %j at construction with a message naming the field', (settings, message) => {
      expect(() => withBreaker(settings as never)).toThrow(message)
    })

    it('reports every problem at once', () => {
      expect(() => withBreaker({ failureThreshold: 0, openFor: NaN } as never)).toThrow(
        /failureThreshold[\s\S]*openFor/
      )
    })
  })
})
