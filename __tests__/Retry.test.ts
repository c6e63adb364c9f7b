import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type * as TE from 'fp-ts/TaskEither'
import { constantDelay, limitRetries, Monoid } from 'retry-ts'
import {
  Breaker,
  BulkheadRejectedError,
  CircuitOpenError,
  ConfigError,
  isRejection,
  retryTE,
  withBreaker,
  wrap
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { flush, manualTimers } from './_support/timers'

/** A `TaskEither` failing with `errors` in turn, then succeeding; counts its attempts. */
const flaky = <L>(errors: ReadonlyArray<L>) => {
  let attempts = 0
  const task: TE.TaskEither<L, string> = () => {
    const error = errors[attempts++]
    return Promise.resolve(error === undefined ? E.right('ok') : E.left(error))
  }
  return { task, attempts: () => attempts }
}

describe('Retry', () => {
  it('retries a TaskEither on a retry-ts policy and gives the first success', async () => {
    const f = flaky(['a', 'b'])
    expect(await retryTE({ policy: limitRetries(5) })(f.task)()).toEqual(E.right('ok'))
    expect(f.attempts()).toBe(3)
  })

  it('gives the last error when the policy gives up', async () => {
    const f = flaky(['a', 'b', 'c', 'd'])
    expect(await retryTE({ policy: limitRetries(2) })(f.task)()).toEqual(E.left('c'))
    expect(f.attempts()).toBe(3)
  })

  it('records a whole retry sequence inside withBreaker as one outcome (3 attempts, 1 failure)', async () => {
    const b = Breaker.make({ failureThreshold: 2 })()
    const f = flaky(['a', 'b', 'c'])
    const result = await pipe(f.task, retryTE({ policy: limitRetries(2) }), withBreaker(b))()
    expect(result).toEqual(E.left('c'))
    expect(f.attempts()).toBe(3)
    expect(b.counts()).toMatchObject({ calls: 1, failures: 1, successes: 0 })
    expect(b.state()._tag).toBe('Closed')
  })

  it('never retries a rejection unless asked', async () => {
    const open = new CircuitOpenError('inner', 10)
    const full = new BulkheadRejectedError('pool', 'full', 1, 0)
    for (const rejection of [open, full]) {
      const f = flaky([rejection, rejection])
      expect(await retryTE({ policy: limitRetries(3) })(f.task)()).toEqual(E.left(rejection))
      expect(f.attempts()).toBe(1)
      const g = flaky([rejection, rejection])
      expect(await retryTE({ policy: limitRetries(3), retryRejected: true })(g.task)()).toEqual(E.right('ok'))
      expect(g.attempts()).toBe(3)
    }
    expect(isRejection(open) && isRejection(full) && !isRejection(new Error('x'))).toBe(true)
  })

  it('asks retryIf with the error and the retry-ts status', async () => {
    const seen: Array<readonly [unknown, number]> = []
    const f = flaky(['transient', 'fatal', 'never'])
    const retryIf = (error: unknown, status: { readonly iterNumber: number }) => {
      seen.push([error, status.iterNumber])
      return error === 'transient'
    }
    expect(await retryTE({ policy: limitRetries(5), retryIf })(f.task)()).toEqual(E.left('fatal'))
    expect(seen).toEqual([
      ['transient', 0],
      ['fatal', 1]
    ])
  })

  it('waits the delays the policy asks for on its scheduler, one timer each', async () => {
    const clock = testClock()
    const timers = manualTimers(clock)
    const f = flaky(['a', 'b'])
    const policy = Monoid.concat(constantDelay(100), limitRetries(3))
    const pending = retryTE({ policy, scheduler: timers.scheduler })(f.task)()
    await flush()
    expect(f.attempts()).toBe(1)
    expect(timers.pending()).toBe(1)
    timers.advance(100)
    await flush()
    expect(f.attempts()).toBe(2)
    timers.advance(100)
    expect(await pending).toEqual(E.right('ok'))
    expect(timers.made()).toBe(2)
  })

  it('stops retrying when the signal fires: the pending delay ends and its timer is cleared', async () => {
    const clock = testClock()
    const timers = manualTimers(clock)
    const f = flaky(['a', 'b'])
    const controller = new AbortController()
    const policy = Monoid.concat(constantDelay(100), limitRetries(3))
    const pending = retryTE({ policy, scheduler: timers.scheduler })(f.task)(controller.signal)
    await flush()
    controller.abort()
    expect(await pending).toEqual(E.left('a'))
    expect(timers.pending()).toBe(0)
    expect(f.attempts()).toBe(1)
  })

  it('does not retry a defect (a TaskEither that rejects)', async () => {
    let attempts = 0
    const broken: TE.TaskEither<string, number> = () => {
      attempts++
      return Promise.reject(new Error('defect'))
    }
    await expect(retryTE({ policy: limitRetries(3) })(broken)()).rejects.toThrow('defect')
    expect(attempts).toBe(1)
  })

  it('retries a plain function inside its breaker: 3 attempts are 1 breaker outcome', async () => {
    const b = Breaker.make({ failureThreshold: 1 })()
    let attempts = 0
    const fetchUser = wrap(b)(
      async (id: string) => {
        attempts++
        if (attempts < 3) throw new Error('ECONNRESET')
        return { id }
      },
      { retry: { policy: limitRetries(2) } }
    )
    expect(await fetchUser('42')).toEqual({ id: '42' })
    expect(attempts).toBe(3)
    expect(b.counts()).toMatchObject({ calls: 1, successes: 1, failures: 0 })
    attempts = -10
    await expect(fetchUser('43')).rejects.toThrow('ECONNRESET')
    expect(attempts).toBe(-7)
    expect(b.counts()).toMatchObject({ calls: 2, failures: 1 })
    expect(b.state()._tag).toBe('Open')
    await expect(fetchUser('44')).rejects.toBeInstanceOf(CircuitOpenError)
    expect(attempts).toBe(-7)
  })

  it('retries a plain function that throws synchronously', async () => {
    let attempts = 0
    const parse = wrap({ name: 'parse' })(
      (text: string): Promise<unknown> => {
        if (++attempts < 2) throw new SyntaxError('bad')
        return Promise.resolve(JSON.parse(text))
      },
      { retry: { policy: limitRetries(1) } }
    )
    expect(await parse('1')).toBe(1)
    expect(attempts).toBe(2)
  })

  it('checks its options and names every bad one', () => {
    expect(() => retryTE({ policy: 3, retryIf: 'x', extra: 1 } as never)).toThrow(ConfigError)
    try {
      retryTE({ policy: 3, retryIf: 'x', extra: 1 } as never)
    } catch (e) {
      expect((e as ConfigError).problems).toEqual([
        'retryTE.extra: unknown option (known options: policy, retryIf, retryRejected, scheduler)',
        'retryTE.policy: expected a retry-ts RetryPolicy (status => Option<ms>), got 3',
        'retryTE.retryIf: expected a function (error, status) => boolean, got "x"'
      ])
    }
    expect(() => wrap({})(async () => 1, { retry: {} as never })).toThrow(/wrap\.retry\.policy/)
  })
})
