/**
 * Deterministic examples for what a mutation run of src/Timeout.ts (`npm run mutate -- --mutate
 * src/Timeout.ts`) found unchecked: each test names the behaviour it pins.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import { Breaker, CallTimeoutError, ConfigError, isCallTimeoutError, withBreaker } from 'tripswitch'
import { checkTimeout, maxTimeout, race } from '../src/Timeout'
import { thrownProblems } from './_support/problems'
import { flush } from './_support/timers'

// A second copy of the library, loaded as the file loads rather than inside a test: a mutation run's
// per-test coverage would otherwise count every module-level line of the core (which src/Timeout
// loads through Config) as covered by that one test, and test those mutants against it alone.
let Foreign: typeof CallTimeoutError | undefined
jest.isolateModules(() => {
  Foreign = (jest.requireActual('../src/Timeout') as { CallTimeoutError: typeof CallTimeoutError })
    .CallTimeoutError
})

describe('Timeout, pinned', () => {
  it('recognizes a CallTimeoutError made by another copy of the library (by its brand)', () => {
    const foreign = new Foreign!(50, 'db')
    expect(foreign instanceof CallTimeoutError).toBe(false)
    expect(isCallTimeoutError(foreign)).toBe(true)
    expect(isCallTimeoutError(new CallTimeoutError(50, 'db'))).toBe(true)
    expect(isCallTimeoutError(new Error('timeout'))).toBe(false)
  })

  it('accepts the largest timeout a timer can take, and refuses one more', () => {
    expect(checkTimeout(maxTimeout)).toBe(maxTimeout)
    expect(() => checkTimeout(maxTimeout + 1)).toThrow(ConfigError)
  })

  it('names the type and the value of a timeout that is not a number of milliseconds', () => {
    const message = (given: unknown): string =>
      thrownProblems(() => checkTimeout(given, 'wrap.timeout')).join('\n')
    expect(message('soon')).toBe(
      `wrap.timeout: expected a finite number of milliseconds > 0 and <= ${maxTimeout}, or a string such as "2s", got string "soon"`
    )
    expect(message(-5)).toMatch(/, got -5$/)
    expect(message(null)).toMatch(/, got object null$/)
  })

  it('ignores its timer when it fires after the call settled (a scheduler whose cancel does nothing)', async () => {
    const fire: Array<() => void> = []
    const scheduler = (callback: () => void) => {
      fire.push(callback)
      return () => undefined
    }
    const b = Breaker.make({ failureThreshold: 1 }, { name: 'late-timer' })()
    let signal: AbortSignal | undefined
    const task = pipe(
      (s: AbortSignal) => {
        signal = s
        return TE.right(1)
      },
      withBreaker(b, { timeout: 100, scheduler })
    )
    expect(await task()).toEqual(E.right(1))
    expect(fire).toHaveLength(1)
    fire[0]!()
    await flush()
    // the late timer neither answers the call again (a timeout is a failure: this breaker would open)
    // nor aborts the signal of a call that is over
    expect(b.state()._tag).toBe('Closed')
    expect(b.metrics().counts).toMatchObject({ calls: 1, successes: 1, failures: 0, timeouts: 0 })
    expect(signal?.aborted).toBe(false)
  })

  it('rejects with what its expiry handler threw, and still aborts the signal', async () => {
    let fire: (() => void) | undefined
    const controller = new AbortController()
    const boom = new Error('the expiry handler threw')
    const raced = race(
      new Promise<number>(() => undefined),
      10,
      (callback) => {
        fire = callback
        return () => undefined
      },
      'db',
      controller,
      {
        settled: (outcome) => outcome,
        expired: () => {
          throw boom
        },
        unscheduled: () => undefined
      }
    )
    fire!()
    await expect(raced).rejects.toBe(boom)
    expect(controller.signal.aborted).toBe(true)
    expect(isCallTimeoutError(controller.signal.reason)).toBe(true)
  })
})
