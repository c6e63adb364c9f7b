import * as E from 'fp-ts/Either'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import { concatAll } from 'fp-ts/Monoid'
import * as fc from 'fast-check'
import {
  Breaker,
  Decision,
  Event,
  Listener,
  once,
  Registry,
  type Scheduler,
  withBreaker,
  wrap,
  wrapSync
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import * as ListenerModule from '../src/Listener'

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const setup = (config: Breaker.Settings = {}, options: Breaker.Options = {}) => {
  const clock = testClock(1_000)
  const breaker = Breaker.make(config, { name: 'svc', clock: clock.now, ...options })()
  const events: Array<Listener.BreakerEvent> = []
  const unsubscribe = breaker.subscribe((e) => events.push(e))
  return { clock, breaker, events, unsubscribe }
}

/** Admits a call at the clock's time and records its verdict after `duration` ms. */
const call = (
  breaker: Breaker.Breaker,
  clock: ReturnType<typeof testClock>,
  verdict: 'success' | 'failure' | 'ignore',
  duration = 0
): Decision.Decision => {
  const decision = breaker.admit(clock.now())
  if (Decision.isPermit(decision)) {
    clock.advance(duration)
    breaker.record(decision, verdict, duration, clock.now())
  }
  return decision
}

const transitions = (events: ReadonlyArray<Listener.BreakerEvent>) =>
  events
    .filter((e): e is Listener.Transition => e._tag === 'Transition')
    .map(({ from, to, why, at }) => ({ from, to, why, at }))

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('Listener', () => {
  describe('events', () => {
    it('reports each outcome with its duration, then the transition it caused', () => {
      const { clock, breaker, events } = setup({ failureThreshold: 2 })
      call(breaker, clock, 'success', 5)
      call(breaker, clock, 'ignore', 7)
      call(breaker, clock, 'failure', 11)
      call(breaker, clock, 'failure', 13)
      expect(events.map((e) => e._tag)).toEqual(['Success', 'Ignored', 'Failure', 'Failure', 'Transition'])
      expect(events[0]).toEqual({ _tag: 'Success', breaker: 'svc', at: 1_005, duration: 5, probe: false })
      expect(events[2]).toEqual({ _tag: 'Failure', breaker: 'svc', at: 1_023, duration: 11, probe: false })
      const t = events[4] as Listener.Transition
      expect(t).toMatchObject({ breaker: 'svc', from: 'Closed', to: 'Open', why: 'tripped', at: 1_036 })
      expect(t.state).toEqual(breaker.state())
    })

    it('reports a rejection with its retryAfter', () => {
      const { clock, breaker, events } = setup({ failureThreshold: 1, openFor: 1_000 })
      call(breaker, clock, 'failure')
      clock.advance(400)
      call(breaker, clock, 'success')
      expect(events.at(-1)).toEqual({ _tag: 'Rejection', breaker: 'svc', at: 1_400, retryAfter: 600 })
    })

    it('names why a circuit moved: tripped, half-open, probe-failed, probe-succeeded', () => {
      const { clock, breaker, events } = setup({ failureThreshold: 1, openFor: 1_000 })
      call(breaker, clock, 'failure')
      clock.advance(1_000)
      call(breaker, clock, 'failure', 10)
      clock.advance(1_000)
      call(breaker, clock, 'success', 10)
      expect(transitions(events)).toEqual([
        { from: 'Closed', to: 'Open', why: 'tripped', at: 1_000 },
        { from: 'Open', to: 'HalfOpen', why: 'half-open', at: 2_000 },
        { from: 'HalfOpen', to: 'Open', why: 'probe-failed', at: 2_010 },
        { from: 'Open', to: 'HalfOpen', why: 'half-open', at: 3_010 },
        { from: 'HalfOpen', to: 'Closed', why: 'probe-succeeded', at: 3_020 }
      ])
      const probes = events.filter((e) => e._tag === 'Success' || e._tag === 'Failure')
      expect(probes.map((e) => (e as Listener.Success).probe)).toEqual([false, true, true])
    })

    it('emits after the update: a listener sees the new state already in the cell', () => {
      const { clock, breaker } = setup({ failureThreshold: 1 })
      const seen: Array<string> = []
      breaker.subscribe((e) => {
        if (e._tag === 'Transition') seen.push(`${e.to}:${breaker.state()._tag}`)
      })
      call(breaker, clock, 'failure')
      expect(seen).toEqual(['Open:Open'])
    })

    it('reports a late outcome but no transition for it', () => {
      const { clock, breaker, events } = setup({ failureThreshold: 1 })
      const permit = breaker.admit(clock.now())
      Breaker.reset(breaker)()
      events.length = 0
      if (Decision.isPermit(permit)) breaker.record(permit, 'failure', 3, clock.now())
      expect(events.map((e) => e._tag)).toEqual(['Failure'])
      expect(breaker.state()._tag).toBe('Closed')
    })

    it('reports fallbacks of withBreaker, used and failed', async () => {
      const { clock, breaker, events } = setup({ failureThreshold: 1 })
      call(breaker, clock, 'failure')
      const used = withBreaker(breaker, { fallback: () => T.of('stale') })
      expect(await used(TE.right('fresh'))()).toEqual(E.right('stale'))
      const failing = withBreaker(breaker, { fallback: () => () => Promise.reject(new Error('no cache')) })
      await expect(failing(TE.right('fresh'))()).rejects.toThrow('no cache')
      const tail = events.slice(-4)
      expect(tail.map((e) => e._tag)).toEqual(['Rejection', 'FallbackUsed', 'Rejection', 'FallbackFailed'])
      expect((tail[3] as Listener.FallbackFailed).error).toEqual(new Error('no cache'))
    })

    it('reports fallbacks of wrap and wrapSync, used and failed', async () => {
      const { clock, breaker, events } = setup({ failureThreshold: 1 })
      call(breaker, clock, 'failure')
      events.length = 0
      await wrap(breaker)(async () => 1, { fallback: async () => 2 })()
      await expect(
        wrap(breaker)(async () => 1, { fallback: () => Promise.reject(new Error('async')) })()
      ).rejects.toThrow('async')
      await expect(
        wrap(breaker)(async () => 1, {
          fallback: () => {
            throw new Error('thrown')
          }
        })()
      ).rejects.toThrow('thrown')
      expect(wrapSync(breaker)(() => 1, { fallback: () => 2 })()).toBe(2)
      expect(() =>
        wrapSync(breaker)(() => 1, {
          fallback: () => {
            throw new Error('sync')
          }
        })()
      ).toThrow('sync')
      expect(events.filter((e) => e._tag !== 'Rejection').map((e) => e._tag)).toEqual([
        'FallbackUsed',
        'FallbackFailed',
        'FallbackFailed',
        'FallbackUsed',
        'FallbackFailed'
      ])
    })

    it('reports a timed-out call as a Timeout, then a Failure', async () => {
      const { clock, breaker, events } = setup()
      let fire: () => void = () => undefined
      const scheduler: Scheduler = (callback) => {
        fire = callback
        return () => undefined
      }
      const guard = withBreaker(breaker, { timeout: 500, scheduler })
      const pending = guard(() => new Promise<E.Either<string, number>>(() => undefined))()
      clock.advance(500)
      fire()
      await pending
      expect(events.map((e) => e._tag)).toEqual(['Timeout', 'Failure'])
      expect(events[0]).toEqual({ _tag: 'Timeout', breaker: 'svc', at: 1_500, timeout: 500, duration: 500 })
    })
  })

  describe('WouldTrip', () => {
    const wouldTrips = (events: ReadonlyArray<Listener.BreakerEvent>) =>
      events.filter((e): e is Listener.WouldTrip => e._tag === 'WouldTrip')

    it('reports once, without a transition, when a metrics-only breaker would have tripped on the 3rd consecutive failure', () => {
      const { clock, breaker, events } = setup({ failureThreshold: 3 })
      breaker.control(Event.metricsOnly)()
      events.length = 0
      for (let i = 0; i < 5; i++) {
        clock.advance(10)
        call(breaker, clock, 'failure')
        expect(wouldTrips(events)).toHaveLength(i < 2 ? 0 : 1)
      }
      expect(transitions(events)).toEqual([])
      expect(breaker.state()._tag).toBe('MetricsOnly')
      const [e] = wouldTrips(events)
      expect(e).toMatchObject({
        _tag: 'WouldTrip',
        breaker: 'svc',
        at: 1_030,
        failureRate: 1,
        slowCallRate: null
      })
      expect(e?.state).toMatchObject({
        _tag: 'MetricsOnly',
        tally: { _tag: 'ConsecutiveFailures', failures: 3 }
      })
      // right after the outcome that crossed
      expect(events.map((x) => x._tag).slice(2, 4)).toEqual(['Failure', 'WouldTrip'])
    })

    it('reports again only after a success resets the tally and 3 more failures', () => {
      const { clock, breaker, events } = setup({ failureThreshold: 3 })
      breaker.control(Event.metricsOnly)()
      for (let i = 0; i < 4; i++) call(breaker, clock, 'failure')
      call(breaker, clock, 'success')
      for (let i = 0; i < 2; i++) call(breaker, clock, 'failure')
      expect(wouldTrips(events)).toHaveLength(1)
      call(breaker, clock, 'failure')
      expect(wouldTrips(events)).toHaveLength(2)
      expect(transitions(events)).toEqual([{ from: 'Closed', to: 'MetricsOnly', why: 'manual', at: 1_000 }])
    })

    it('is not reported by a closed breaker, which trips instead', () => {
      const { clock, breaker, events } = setup({ failureThreshold: 3 })
      for (let i = 0; i < 3; i++) call(breaker, clock, 'failure')
      expect(wouldTrips(events)).toEqual([])
      expect(transitions(events)).toMatchObject([{ to: 'Open', why: 'tripped' }])
    })

    it('asks the core nothing when no one listens', () => {
      const { clock, breaker, unsubscribe } = setup({ failureThreshold: 3 })
      unsubscribe()
      breaker.control(Event.metricsOnly)()
      const spy = jest.spyOn(breaker.circuit, 'wouldTrip')
      try {
        for (let i = 0; i < 4; i++) call(breaker, clock, 'failure')
        expect(spy).not.toHaveBeenCalled()
      } finally {
        spy.mockRestore()
      }
    })
  })

  describe('halfOpenExpiry', () => {
    it('names a close at the half-open deadline half-open-expired-closed', () => {
      const { clock, breaker, events } = setup({
        failureThreshold: 1,
        openFor: 1_000,
        halfOpenMaxDuration: 500,
        halfOpenExpiry: 'close'
      })
      call(breaker, clock, 'failure')
      clock.advance(1_000)
      breaker.admit(clock.now()) // the probe, never answered
      clock.advance(500)
      expect(breaker.retryAfter()).toBe(0)
      call(breaker, clock, 'success')
      expect(transitions(events)).toEqual([
        { from: 'Closed', to: 'Open', why: 'tripped', at: 1_000 },
        { from: 'Open', to: 'HalfOpen', why: 'half-open', at: 2_000 },
        { from: 'HalfOpen', to: 'Closed', why: 'half-open-expired-closed', at: 2_500 }
      ])
      expect(breaker.state()).toMatchObject({ _tag: 'Closed', since: 2_500 })
    })
  })

  describe('subscribe', () => {
    it('returns an unsubscribe; calling it twice is harmless', () => {
      const { clock, breaker, events, unsubscribe } = setup()
      call(breaker, clock, 'success')
      unsubscribe()
      unsubscribe()
      call(breaker, clock, 'success')
      expect(events).toHaveLength(1)
    })

    it('runs listeners in subscription order, and an unsubscribe inside a listener spares the current event', () => {
      const { clock, breaker } = setup()
      const log: Array<string> = []
      const offB = breaker.subscribe(() => log.push('b'))
      breaker.subscribe(() => {
        log.push('c')
        offB()
      })
      breaker.subscribe(() => log.push('d'))
      call(breaker, clock, 'success')
      call(breaker, clock, 'success')
      expect(log).toEqual(['b', 'c', 'd', 'c', 'd'])
    })

    it('allocates no event when nobody listens', () => {
      const clock = testClock()
      const breaker = Breaker.make({ failureThreshold: 1 }, { clock: clock.now })()
      const outcome = jest.spyOn(ListenerModule, 'outcome')
      const transition = jest.spyOn(ListenerModule, 'transition')
      try {
        call(breaker, clock, 'failure')
        expect(breaker.state()._tag).toBe('Open')
        expect(outcome).not.toHaveBeenCalled()
        expect(transition).not.toHaveBeenCalled()
        const off = breaker.subscribe(() => undefined)
        Breaker.reset(breaker)()
        call(breaker, clock, 'failure')
        expect(outcome).toHaveBeenCalledTimes(1)
        expect(transition).toHaveBeenCalledTimes(2)
        off()
      } finally {
        outcome.mockRestore()
        transition.mockRestore()
      }
    })
  })

  describe('listener errors', () => {
    it('a throwing listener breaks neither the call nor the other listeners, and goes to onListenerError', async () => {
      const reported: Array<readonly [unknown, string]> = []
      const { breaker, events } = setup(
        {},
        { onListenerError: (error, event) => reported.push([error, event._tag]) }
      )
      const boom = new Error('listener bug')
      breaker.subscribe(() => {
        throw boom
      })
      const after: Array<string> = []
      breaker.subscribe((e) => after.push(e._tag))
      const result = await withBreaker(breaker)(TE.right(42))()
      expect(result).toEqual(E.right(42))
      expect(events.map((e) => e._tag)).toEqual(['Success'])
      expect(after).toEqual(['Success'])
      expect(reported).toEqual([[boom, 'Success']])
    })

    it('warns once per breaker by default, not once per error', () => {
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
      try {
        const { clock, breaker } = setup()
        breaker.subscribe(() => {
          throw new Error('again')
        })
        for (let i = 0; i < 50; i++) call(breaker, clock, 'success')
        expect(warn).toHaveBeenCalledTimes(1)
        expect(String(warn.mock.calls[0]?.[0])).toContain('a listener of breaker "svc" threw')
        const other = setup().breaker
        other.subscribe(() => {
          throw new Error('other')
        })
        call(other, clock, 'success')
        expect(warn).toHaveBeenCalledTimes(2)
      } finally {
        warn.mockRestore()
      }
    })

    it('a throwing onListenerError does not reach the caller', () => {
      const { clock, breaker } = setup(
        {},
        {
          onListenerError: () => {
            throw new Error('hook bug')
          }
        }
      )
      breaker.subscribe(() => {
        throw new Error('listener bug')
      })
      expect(wrapSync(breaker)(() => 'ok')()).toBe('ok')
      expect(Decision.isPermit(call(breaker, clock, 'success'))).toBe(true)
    })
  })

  describe('combinators', () => {
    it('on narrows a listener to one kind of event', () => {
      const { clock, breaker } = setup({ failureThreshold: 1 })
      const whys: Array<string> = []
      breaker.subscribe(Listener.on('Transition', (e) => whys.push(e.why)))
      call(breaker, clock, 'success')
      call(breaker, clock, 'failure')
      Breaker.forceOpen(breaker)()
      expect(whys).toEqual(['tripped', 'manual'])
    })

    it('concat runs both listeners whatever throws and rethrows the first error', () => {
      const log: Array<string> = []
      const both = Listener.concat(
        () => {
          log.push('a')
          throw new Error('a')
        },
        () => {
          log.push('b')
          throw new Error('b')
        }
      )
      const event: Listener.BreakerEvent = { _tag: 'FallbackUsed', breaker: 'x', at: 0 }
      expect(() => both(event)).toThrow('a')
      expect(log).toEqual(['a', 'b'])
    })

    it('a concatenated listener reports to onListenerError and the others still run', () => {
      const reported: Array<unknown> = []
      const { clock, breaker, events } = setup({}, { onListenerError: (e) => reported.push(e) })
      const seen: Array<string> = []
      breaker.subscribe(
        concatAll(Listener.Monoid)([
          () => {
            throw new Error('first')
          },
          (e) => seen.push(e._tag)
        ])
      )
      call(breaker, clock, 'success')
      expect(seen).toEqual(['Success'])
      expect(events).toHaveLength(1)
      expect(reported).toEqual([new Error('first')])
    })

    it('obeys the monoid laws: associativity and identity, including which error is rethrown', () => {
      // A listener is modelled by its name and whether it throws; running one logs the name.
      const arbListener = fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), throws: fc.boolean() })
      type Spec = { readonly name: string; readonly throws: boolean }
      const run = (build: (make: (s: Spec) => Listener.Listener) => Listener.Listener) => {
        const log: Array<string> = []
        const make =
          (s: Spec): Listener.Listener =>
          () => {
            log.push(s.name)
            if (s.throws) throw new Error(s.name)
          }
        let thrown: unknown = undefined
        try {
          build(make)({ _tag: 'FallbackUsed', breaker: 'x', at: 0 })
        } catch (e) {
          thrown = e
        }
        return { log, thrown }
      }
      const { concat, empty } = Listener.Monoid
      fc.assert(
        fc.property(arbListener, arbListener, arbListener, (a, b, c) => {
          const left = run((m) => concat(concat(m(a), m(b)), m(c)))
          const right = run((m) => concat(m(a), concat(m(b), m(c))))
          expect(left).toEqual(right)
          const alone = run((m) => m(a))
          expect(run((m) => concat(empty, m(a)))).toEqual(alone)
          expect(run((m) => concat(m(a), empty))).toEqual(alone)
        })
      )
    })
  })
})

describe('once', () => {
  const subscriptions = (b: Breaker.Breaker): { count: () => number; source: Breaker.Breaker } => {
    let live = 0
    const subscribe = b.subscribe.bind(b)
    const source = Object.assign(Object.create(b) as Breaker.Breaker, {
      subscribe: (l: Listener.Listener) => {
        live++
        const off = subscribe(l)
        return () => {
          live--
          off()
        }
      }
    })
    return { count: () => live, source }
  }

  it('resolves with the next transition into a state, and unsubscribes', async () => {
    const clock = testClock()
    const b = Breaker.make({ name: 'p', failureThreshold: 1, openFor: 1_000, clock: clock.now })()
    const { count, source } = subscriptions(b)
    const closed = once(source, 'Closed')
    const opened = once(source, 'Open')
    expect(count()).toBe(2)
    await withBreaker(b)(TE.left('down'))()
    const t = await opened
    expect([t._tag, t.from, t.to, t.why]).toEqual(['Transition', 'Closed', 'Open', 'tripped'])
    expect(count()).toBe(1)
    clock.advance(1_000)
    await withBreaker(b)(TE.right(1))()
    expect((await closed).from).toBe('HalfOpen')
    expect(count()).toBe(0)
  })

  it('resolves with the next event of a tag, from a registry too', async () => {
    const clock = testClock()
    const registry = Registry.make({ defaults: { failureThreshold: 1, clock: clock.now } })()
    const failure = once(registry, 'Failure')
    const rejection = once(registry, 'Rejection')
    const call = withBreaker(registry.get('search'))
    await call(TE.left('down'))()
    await call(TE.left('down'))()
    expect((await failure).breaker).toBe('search')
    expect((await rejection).retryAfter).toBe(30_000)
  })

  it('rejects with the reason when its signal aborts, and unsubscribes', async () => {
    const { count, source } = subscriptions(Breaker.make()())
    const controller = new AbortController()
    const waiting = once(source, 'Open', controller.signal)
    controller.abort(new Error('shutting down'))
    await expect(waiting).rejects.toThrow('shutting down')
    expect(count()).toBe(0)
    await expect(once(source, 'Open', controller.signal)).rejects.toThrow('shutting down')
    expect(count()).toBe(0)
  })

  it('names the kinds it knows when given another', async () => {
    await expect(once(Breaker.make()(), 'open' as never)).rejects.toThrow(
      /once: expected the tag of an event or a state \(Transition, .*, MetricsOnly\), got open/
    )
  })
})
