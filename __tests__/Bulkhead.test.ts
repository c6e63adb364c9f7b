import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import {
  Bulkhead,
  BulkheadRejectedError,
  bulkheaded,
  ConfigError,
  isBulkheadRejectedError,
  timeoutTE,
  withBulkhead
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { flush, manualTimers } from './_support/timers'

/** A task that settles when told to, counting how many run at once. */
const gate = () => {
  let running = 0
  let peak = 0
  const opened: Array<(v: E.Either<string, number>) => void> = []
  const started: Array<number> = []
  const task =
    (id: number): TE.TaskEither<string, number> =>
    () => {
      running++
      peak = Math.max(peak, running)
      started.push(id)
      return new Promise<E.Either<string, number>>((resolve) => opened.push(resolve)).finally(() => running--)
    }
  const openAll = (): void => {
    for (const r of opened.splice(0)) r(E.right(1))
  }
  const openOne = (): void => opened.shift()?.(E.right(1))
  return { task, openAll, openOne, started, running: () => running, peak: () => peak }
}

describe('Bulkhead', () => {
  it('runs exactly `limit` calls at once with 10,000 concurrent callers, and the rest in order', async () => {
    const bh = Bulkhead.make({ name: 'db', limit: 8, queue: 10_000 })()
    const g = gate()
    const guard = withBulkhead(bh)
    const results = Array.from({ length: 10_000 }, (_, i) => guard(g.task(i))())
    await flush()
    expect(g.running()).toBe(8)
    expect(bh.metrics()).toMatchObject({ active: 8, queued: 9_992, saturated: false })
    while (g.started.length < 10_000 || g.running() > 0) {
      g.openAll()
      await flush()
      expect(g.running()).toBeLessThanOrEqual(8)
    }
    expect(g.peak()).toBe(8)
    expect(g.started).toEqual(Array.from({ length: 10_000 }, (_, i) => i))
    expect((await Promise.all(results)).every(E.isRight)).toBe(true)
    expect(bh.metrics()).toMatchObject({
      active: 0,
      queued: 0,
      counts: { calls: 10_000, ran: 10_000, waited: 9_992 }
    })
    expect(guard.bulkhead).toBe(bh)
  })

  it('refuses a call at once with Left(BulkheadRejectedError) when every slot is taken and the queue is full', async () => {
    const bh = Bulkhead.make({ name: 'db', limit: 1, queue: 1 })()
    const g = gate()
    const guard = withBulkhead(bh)
    const first = guard(g.task(1))()
    const second = guard(g.task(2))()
    expect(bh.metrics().saturated).toBe(true)
    const third = await guard(g.task(3))()
    expect(E.isLeft(third) && isBulkheadRejectedError(third.left) && third.left.reason).toBe('full')
    expect(third).toMatchObject({ left: { bulkhead: 'db', limit: 1, queue: 1 } })
    await flush()
    g.openAll()
    await flush()
    g.openAll()
    expect(await first).toEqual(E.right(1))
    expect(await second).toEqual(E.right(1))
    expect(g.started).toEqual([1, 2])
    expect(bh.metrics().counts).toEqual({ calls: 3, ran: 2, waited: 1, full: 1, timedOut: 0, aborted: 0 })
  })

  it('refuses a queued call after maxWait on the test clock, with one timer per wait and none when idle', async () => {
    const clock = testClock()
    const timers = manualTimers(clock)
    const bh = Bulkhead.make({ name: 'db', limit: 1, queue: 5, maxWait: 100, scheduler: timers.scheduler })()
    const g = gate()
    const guard = withBulkhead(bh)
    const running = guard(g.task(1))()
    expect(timers.made()).toBe(0)
    const waiting = guard(g.task(2))()
    expect(timers.pending()).toBe(1)
    timers.advance(99)
    await flush()
    expect(bh.metrics().queued).toBe(1)
    timers.advance(1)
    const refused = await waiting
    expect(E.isLeft(refused) && isBulkheadRejectedError(refused.left) && refused.left.reason).toBe('timeout')
    expect(bh.metrics()).toMatchObject({ queued: 0, counts: { timedOut: 1 } })
    g.openAll()
    await running
    expect(g.started).toEqual([1])
    expect(timers.pending()).toBe(0)
  })

  it('clears the wait timer of a queued call that gets its slot', async () => {
    const clock = testClock()
    const timers = manualTimers(clock)
    const bh = Bulkhead.make({ limit: 1, queue: 1, maxWait: 100, scheduler: timers.scheduler })()
    const g = gate()
    const guard = withBulkhead(bh)
    const a = guard(g.task(1))()
    const b = guard(g.task(2))()
    expect(timers.pending()).toBe(1)
    g.openOne()
    await flush()
    expect(timers.pending()).toBe(0)
    g.openOne()
    expect([await a, await b]).toEqual([E.right(1), E.right(1)])
  })

  it('ignores a late wait timer whose ticket is now held by another call (tickets are numbered again)', async () => {
    // a scheduler whose cancel does nothing: every timer fires, cancelled or not
    const fire: Array<() => void> = []
    const scheduler = (callback: () => void) => {
      fire.push(callback)
      return () => undefined
    }
    const bh = Bulkhead.make({ limit: 1, queue: 1, maxWait: 100, scheduler })()
    const g = gate()
    const guard = withBulkhead(bh)
    const a = guard(g.task(1))()
    const b = guard(g.task(2))() // ticket 0
    g.openOne() // b takes the slot: nobody waits, so ticket 0 is free again
    await flush()
    const c = guard(g.task(3))() // ticket 0 again
    fire[0]!() // b's timer, cancelled but fired anyway
    expect(bh.metrics()).toMatchObject({ active: 1, queued: 1, counts: { timedOut: 0 } })
    fire[1]!() // c's own timer: c leaves
    expect(await c).toEqual(E.left(expect.objectContaining({ reason: 'timeout' })))
    g.openOne()
    expect([await a, await b]).toEqual([E.right(1), E.right(1)])
    expect(bh.metrics()).toMatchObject({ active: 0, queued: 0, counts: { timedOut: 1 } })
  })

  it("lets a queued call leave at once when its caller's signal aborts, and refuses an aborted caller up front", async () => {
    const bh = Bulkhead.make({ name: 'db', limit: 1, queue: 5 })()
    const g = gate()
    const guard = withBulkhead(bh)
    const running = guard(g.task(1))()
    const controller = new AbortController()
    const waiting = guard(g.task(2))(controller.signal)
    const behind = guard(g.task(3))()
    controller.abort()
    const left = await waiting
    expect(E.isLeft(left) && isBulkheadRejectedError(left.left) && left.left.reason).toBe('aborted')
    expect(bh.metrics().queued).toBe(1)
    const late = await guard(g.task(4))(controller.signal)
    expect(E.isLeft(late) && isBulkheadRejectedError(late.left) && late.left.reason).toBe('aborted')
    g.openOne()
    await flush()
    g.openOne()
    expect([await running, await behind]).toEqual([E.right(1), E.right(1)])
    expect(g.started).toEqual([1, 3])
    expect(bh.metrics().counts.aborted).toBe(2)
  })

  it('frees the slot of a task that throws, rejects or resolves to something odd', async () => {
    const bh = Bulkhead.make({ limit: 1 })()
    const guard = withBulkhead(bh)
    const throwing = (() => {
      throw new Error('sync')
    }) as unknown as TE.TaskEither<never, number>
    await expect(guard(throwing)()).rejects.toThrow('sync')
    await expect(guard(() => Promise.reject(new Error('async')))()).rejects.toThrow('async')
    await expect(guard('nope' as unknown as TE.TaskEither<never, number>)()).rejects.toThrow(
      /withBulkhead\("bulkhead"\)/
    )
    expect(await guard(TE.right(1))()).toEqual(E.right(1))
    expect(bh.metrics().active).toBe(0)
  })

  it('frees the slot of a call that never settles once its timeout inside the bulkhead fires', async () => {
    const clock = testClock()
    const timers = manualTimers(clock)
    const bh = Bulkhead.make({ limit: 1 })()
    const never: TE.TaskEither<string, number> = () => new Promise(() => undefined)
    const hung = pipe(never, timeoutTE(50, { scheduler: timers.scheduler }), withBulkhead(bh))()
    expect(bh.metrics().active).toBe(1)
    timers.advance(50)
    const result = await hung
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'CallTimeoutError' })
    expect(bh.metrics().active).toBe(0)
  })

  it('guards plain functions and methods; the last argument (or its signal) is the caller signal', async () => {
    const bh = Bulkhead.make({ name: 'render', limit: 1, queue: 1 })()
    let release: () => void = () => undefined
    const slow = bulkheaded(bh)(
      (page: string, _init?: { readonly signal?: AbortSignal }) =>
        new Promise<string>((resolve) => {
          release = () => resolve(page)
        })
    )
    const a = slow('a')
    const controller = new AbortController()
    const b = slow('b', { signal: controller.signal })
    controller.abort()
    await expect(b).rejects.toMatchObject({ _tag: 'BulkheadRejectedError', reason: 'aborted' })
    release()
    expect(await a).toBe('a')
    expect(slow.bulkhead).toBe(bh)

    class Pages {
      @bulkheaded({ name: 'pages', limit: 1 })
      async render(page: string): Promise<string> {
        return `<${page}>`
      }
    }
    const pages = new Pages()
    const [first, second] = await Promise.allSettled([pages.render('x'), pages.render('y')])
    expect(first).toEqual({ status: 'fulfilled', value: '<x>' })
    expect(second.status === 'rejected' && second.reason).toBeInstanceOf(BulkheadRejectedError)
  })

  it('tells listeners of each refusal; a throwing listener never reaches the caller', async () => {
    const clock = testClock(5)
    const errors: Array<unknown> = []
    const bh = Bulkhead.make({
      name: 'db',
      limit: 1,
      clock: clock.now,
      onListenerError: (e) => errors.push(e)
    })()
    const events: Array<unknown> = []
    bh.subscribe((e) => events.push(e))
    bh.subscribe(() => {
      throw new Error('listener')
    })
    const g = gate()
    const guard = withBulkhead(bh)
    const running = guard(g.task(1))()
    const refused = await guard(g.task(2))()
    expect(E.isLeft(refused)).toBe(true)
    expect(events).toEqual([
      { _tag: 'BulkheadRejected', bulkhead: 'db', at: 5, reason: 'full', active: 1, queued: 0 }
    ])
    expect(errors).toHaveLength(1)
    g.openAll()
    await running
  })

  it('checks its settings and names every bad one', () => {
    expect(() => Bulkhead.make({ limit: 0, queue: -1, maxWait: 0 } as Bulkhead.Settings)()).toThrow(
      ConfigError
    )
    try {
      Bulkhead.unsafeMake({ limit: 1.5, queue: -1, maxWait: -3, size: 3 } as unknown as Bulkhead.Settings)
    } catch (e) {
      expect((e as ConfigError).problems).toEqual([
        'bulkhead.size: unknown setting (known settings: name, limit, queue, maxWait, scheduler, clock, onListenerError)',
        'bulkhead.limit: expected an integer >= 1, got 1.5',
        'bulkhead.queue: expected an integer >= 0, got -1',
        'bulkhead.maxWait: expected a finite number of milliseconds > 0 and <= 2147483647, or a string such as "2s", got -3'
      ])
    }
    expect.assertions(2)
  })

  it('takes maxWait in milliseconds or as a duration string', () => {
    expect(Bulkhead.unsafeMake({ limit: 1, maxWait: '1.5s' }).metrics().maxWait).toBe(1_500)
    expect(Bulkhead.unsafeMake({ limit: 1, maxWait: 250 }).metrics().maxWait).toBe(250)
    // @ts-expect-error: not a duration string
    expect(() => Bulkhead.unsafeMake({ limit: 1, maxWait: 'soon' })).toThrow(/bulkhead\.maxWait: expected/)
  })
})
