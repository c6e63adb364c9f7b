/**
 * Deterministic examples for what a mutation run of src/Guard.ts (`npm run mutate -- --mutate
 * src/Guard.ts`) found unchecked: each test names the behaviour it pins.
 */
import * as E from 'fp-ts/Either'
import { Breaker, withBreaker, wrap, type Listener } from 'tripswitch'
import { thrownProblems } from './_support/problems'

const noWarning = { onListenerError: () => undefined }

describe('Guard, pinned', () => {
  it.each([
    ['null', null, 'null'],
    ['a number', 42, 'number'],
    ['a string', 'Right', 'string'],
    ['an object without an Either tag', { _tag: 'Some', value: 1 }, 'an object'],
    ['an object without a tag', { right: 1 }, 'an object']
  ])('records a task that resolves to %s as a defect, naming what it was', async (_, value, shown) => {
    const b = Breaker.make({ failureThreshold: 1 }, { name: 'te', ...noWarning })()
    const task = withBreaker(b)(() => Promise.resolve(value as unknown as E.Either<string, number>))
    await expect(task()).rejects.toThrow(
      `tripswitch: a task guarded by breaker "te" resolved to ${shown} that is not an Either (a TaskEither must resolve to E.left or E.right); recorded as a failure`
    )
    expect(b.state()._tag).toBe('Open')
  })

  it('names the combinator whose scheduler is not a function', () => {
    const b = Breaker.make({}, { name: 'te' })()
    const message = (f: () => unknown): string => thrownProblems(f).join('\n')
    expect(message(() => withBreaker(b, { timeout: 10, scheduler: 42 as never }))).toBe(
      'withBreaker.scheduler: expected a function (callback, ms) => cancel, got number 42'
    )
    expect(message(() => wrap(b)(async () => 1, { timeout: 10, scheduler: 'soon' as never }))).toMatch(
      /^wrap\.scheduler: expected a function/
    )
  })

  it('accepts both Either tags as results', async () => {
    const b = Breaker.make({ failureThreshold: 1 }, { name: 'te' })()
    expect(await withBreaker(b)(() => Promise.resolve(E.right(1)))()).toEqual(E.right(1))
    expect(b.state()._tag).toBe('Closed')
    expect(await withBreaker(b)(() => Promise.resolve(E.left('no')))()).toEqual(E.left('no'))
    expect(b.state()._tag).toBe('Open')
  })

  it('answers each permit with its own handlers: a call after a reset is recorded in the new generation', async () => {
    // no latency sample, so the calls are untimed and share their generation's permit and handlers
    const b = Breaker.make({ failureThreshold: 1 }, { name: 'fn', latencySamplesPerSecond: 0 })()
    let fail = false
    const call = wrap(b)(async () => {
      if (fail) throw new Error('boom')
      return 1
    })
    expect(await call()).toBe(1)
    b.reset()
    fail = true
    await expect(call()).rejects.toThrow('boom')
    // a failure answered with the handlers of the permit before the reset would be late, and change nothing
    expect(b.state()._tag).toBe('Open')
  })

  it('times a call while someone listens and not after, whatever handlers the previous call used', async () => {
    // no latency sample: a call is timed only while someone listens
    const b = Breaker.make({ failureThreshold: 5 }, { name: 'fn', latencySamplesPerSecond: 0 })()
    const call = wrap(b)(async () => 1)
    const durations: Array<number> = []
    const listener: Listener.Listener = (e) => {
      if (e._tag === 'Success') durations.push(e.duration)
    }
    let stop = b.subscribe(listener)
    await call() // timed: someone listens
    stop()
    await call() // untimed
    await call() // untimed, the same permit
    expect(b.metrics().latency.count).toBe(1)
    stop = b.subscribe(listener)
    await call() // timed again
    stop()
    expect(durations).toHaveLength(2)
    expect(durations.every((d) => Number.isFinite(d) && d >= 0)).toBe(true)
    expect(b.metrics().latency.count).toBe(2)
  })
})
