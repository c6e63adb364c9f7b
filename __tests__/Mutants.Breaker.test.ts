/**
 * Deterministic examples for what a mutation run of src/Breaker.ts (`npm run mutate -- --mutate
 * src/Breaker.ts`, or a range of its lines) can find unchecked: each test names the behaviour it pins
 * (see docs/testing.md "Mutation testing").
 */
import * as O from 'fp-ts/Option'
import { Breaker, Config, Decision, Event, type Listener, State, StateCodec, Store } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { thrownProblems } from './_support/problems'
import { flush } from './_support/timers'

// A second copy of the library's Breaker module, loaded as the file loads (not inside a test, see
// TimeoutGaps.test.ts): a breaker made by another copy is recognized by its brand.
let ForeignBreaker: typeof Breaker | undefined
jest.isolateModules(() => {
  ForeignBreaker = jest.requireActual<typeof Breaker>('../src/Breaker')
})

// the calls of a store, none of which is made by `problems`
const store = {
  id: 'p1',
  load: () => Promise.resolve(null),
  propose: () => Promise.resolve(null),
  claim: () => Promise.resolve(null),
  watch: () => () => undefined
}

describe('Breaker settings: each problem named exactly', () => {
  it('names settings or options that are not objects', () => {
    expect(Breaker.problems(42)).toEqual([
      'settings: expected an object of settings (thresholds and options), got 42'
    ])
    expect(Breaker.problems(null)).toEqual([
      'settings: expected an object of settings (thresholds and options), got null'
    ])
    expect(Breaker.problems({}, 'fast')).toEqual(['options: expected an object, got "fast"'])
    expect(Breaker.problems({}, null)).toEqual(['options: expected an object, got null'])
    expect(Breaker.problems({}, {})).toEqual([])
  })

  it('takes an option given in one argument and left undefined in the other as given once', () => {
    const clock = (): number => 0
    expect(Breaker.problems({ name: 'a', clock }, { clock: undefined, name: undefined })).toEqual([])
    expect(Breaker.problems({ name: undefined }, { name: 'b' })).toEqual([])
    expect(Breaker.problems({ name: 'a' }, { name: 'b' })).toEqual([
      'name: given in both arguments; give it once'
    ])
  })

  it('checks the settings a maker is given when it is made, not per name', () => {
    expect(thrownProblems(() => Breaker.maker({ failureThreshold: 0 }))).toEqual([
      'failureThreshold: expected a positive integer, got 0'
    ])
    const make = Breaker.maker({ failureThreshold: 2 })
    expect(make('a').name).toBe('a')
    expect(thrownProblems(() => make(''))).toEqual([
      'name: expected a non-empty string of at most 256 characters, got ""'
    ])
  })

  it('names each option that must be a function', () => {
    expect(
      Breaker.problems({
        clock: 1,
        classify: 'all',
        isFailure: true,
        isResultFailure: {},
        isIgnored: 2n,
        onListenerError: 'warn'
      })
    ).toEqual([
      'clock: expected a function, got 1',
      'classify: expected a function, got "all"',
      'isFailure: expected a function, got true',
      'isResultFailure: expected a function, got an object',
      'isIgnored: expected a function, got 2n',
      'onListenerError: expected a function, got "warn"',
      'classify: give either classify or the isFailure/isResultFailure/isIgnored predicates'
    ])
  })

  it('refuses classify beside any one of the predicates, and takes each alone', () => {
    const message = 'classify: give either classify or the isFailure/isResultFailure/isIgnored predicates'
    const classify = () => 'success' as const
    const predicate = () => false
    for (const key of ['isFailure', 'isResultFailure', 'isIgnored']) {
      expect(Breaker.problems({ classify, [key]: predicate })).toEqual([message])
      expect(Breaker.problems({ [key]: predicate })).toEqual([])
    }
    expect(Breaker.problems({ classify })).toEqual([])
  })

  it('names a latencySamplesPerSecond that is not a number >= 0, and takes 0 and Infinity', () => {
    const message = (got: string) =>
      `latencySamplesPerSecond: expected a number >= 0 (Infinity to time every call), got ${got}`
    expect(Breaker.problems({ latencySamplesPerSecond: -1 })).toEqual([message('-1')])
    expect(Breaker.problems({ latencySamplesPerSecond: NaN })).toEqual([message('NaN')])
    expect(Breaker.problems({ latencySamplesPerSecond: '100' })).toEqual([message('"100"')])
    expect(Breaker.problems({ latencySamplesPerSecond: 0 })).toEqual([])
    expect(Breaker.problems({ latencySamplesPerSecond: Infinity })).toEqual([])
  })

  it('names a storeTimeout that is not a finite duration > 0, and takes one as a string', () => {
    const message = (got: string) =>
      `storeTimeout: expected a duration > 0 (finite milliseconds, or a string such as "2s"), got ${got}`
    expect(Breaker.problems({ storeTimeout: 0 })).toEqual([message('0')])
    expect(Breaker.problems({ storeTimeout: Infinity })).toEqual([message('Infinity')])
    expect(Breaker.problems({ storeTimeout: 'soon' })).toEqual([message('"soon"')])
    expect(Breaker.problems({ storeTimeout: true })).toEqual([message('true')])
    expect(Breaker.problems({ storeTimeout: 1 })).toEqual([])
    expect(Breaker.problems({ storeTimeout: '250ms' })).toEqual([])
  })

  it('names each call a store lacks, and a store id that is not a non-empty string', () => {
    expect(Breaker.problems({ store })).toEqual([])
    expect(Breaker.problems({ store: { ...store, claim: 'claim', id: '' } })).toEqual([
      'store.claim: expected a function (see Store), got "claim"',
      'store.id: expected a non-empty string naming this process, got ""'
    ])
    expect(Breaker.problems({ store: { load: store.load, id: 7 } })).toEqual([
      'store.propose: expected a function (see Store), got undefined',
      'store.claim: expected a function (see Store), got undefined',
      'store.watch: expected a function (see Store), got undefined',
      'store.id: expected a non-empty string naming this process, got 7'
    ])
    expect(Breaker.problems({ store: 5 })).toEqual(
      ['load', 'propose', 'claim', 'watch'].map(
        (f) => `store.${f}: expected a function (see Store), got undefined`
      )
    )
    expect(Breaker.problems({ store: null })).toEqual(
      ['load', 'propose', 'claim', 'watch'].map(
        (f) => `store.${f}: expected a function (see Store), got undefined`
      )
    )
    // a store is an object: a function carrying the calls is not one
    const callable = Object.assign(() => undefined, store)
    expect(Breaker.problems({ store: callable }).map((p) => p.split(':')[0])).toEqual(
      ['load', 'propose', 'claim', 'watch'].map((f) => `store.${f}`)
    )
  })

  it('names listeners that are not an array of functions', () => {
    const message = (got: string) => `listeners: expected an array of functions (see Listener), got ${got}`
    expect(Breaker.problems({ listeners: () => undefined })).toEqual([message('a function')])
    expect(Breaker.problems({ listeners: [() => undefined, 1] })).toEqual([message('an array')])
    expect(Breaker.problems({ listeners: [() => undefined] })).toEqual([])
  })

  it('names a name that is empty, too long or not a string, by its length or value', () => {
    const message = (got: string) =>
      `name: expected a non-empty string of at most ${Config.maxNameLength} characters, got ${got}`
    expect(Breaker.problems({ name: '' })).toEqual([message('""')])
    expect(Breaker.problems({ name: 'x'.repeat(Config.maxNameLength + 1) })).toEqual([
      message(`${Config.maxNameLength + 1} characters`)
    ])
    expect(Breaker.problems({ name: 5 })).toEqual([message('5')])
    expect(Breaker.problems({ name: 'x'.repeat(Config.maxNameLength) })).toEqual([])
  })

  it('names a listener given to subscribe that is not a function', () => {
    const b = Breaker.make()()
    expect(thrownProblems(() => b.subscribe(42 as never))).toEqual(['listener: expected a function, got 42'])
  })

  it('names what was given instead of a breaker or settings, exactly', () => {
    const from = (u: unknown) => thrownProblems(() => Breaker.from(u as never, 'te'))
    expect(from(() => undefined)).toEqual([
      'te: expected a Breaker or settings, got an IO or another function of no arguments (Breaker.make(...) returns an IO: run it, Breaker.make(...)(), or use Breaker.unsafeMake)'
    ])
    expect(from((a: number) => a)).toEqual(['te: expected a Breaker or settings, got a function'])
    expect(from(Promise.resolve(1))).toEqual([
      'te: expected a Breaker or settings, got a promise (await it first)'
    ])
    expect(from({ _tag: 'Registry' })).toEqual([
      'te: expected a Breaker or settings, got a Registry (pass one of its breakers: registry.get(name))'
    ])
    expect(from({ ref: 1, circuit: 2 })).toEqual([
      'te: expected a Breaker or settings, got a copy of a breaker (a spread { ...breaker } is no breaker: pass the breaker)'
    ])
    // an object with only one of the two is settings, whose unknown key is then named
    expect(from({ ref: 1 })).toEqual([expect.stringMatching(/^ref: unknown setting \(expected one of: /)])
    expect(thrownProblems(() => Breaker.from(1 as never))).toEqual([
      'breaker: expected a Breaker or settings, got 1'
    ])
  })
})

describe('Breaker: the call protocol, by hand', () => {
  const listened = (name: string) => {
    const clock = testClock(1_000)
    const b = Breaker.make({ failureThreshold: 10 }, { name, clock: clock.now })()
    const seen: Array<Listener.BreakerEvent> = []
    b.subscribe((e) => {
      seen.push(e)
    })
    const permit = (): Decision.Permit => {
      const d = b.admit(clock.now())
      if (!Decision.isPermit(d)) throw new Error('a closed circuit admits')
      return d
    }
    return { clock, b, seen, permit }
  }

  it('records a timeout as a failure lasting at least the timeout, after a Timeout event', () => {
    const { clock, b, seen, permit } = listened('t')
    b.recordTimeout(permit(), 100, 40, 1_100)
    b.recordTimeout(permit(), 100, 150, 1_150)
    clock.advance(500)
    b.recordTimeout(permit(), 100)
    expect(seen.map((e) => [e._tag, e.at, 'duration' in e ? e.duration : undefined])).toEqual([
      ['Timeout', 1_100, 100],
      ['Failure', 1_100, 100],
      ['Timeout', 1_150, 150],
      ['Failure', 1_150, 150],
      ['Timeout', 1_500, 100],
      ['Failure', 1_500, 100]
    ])
    expect(seen[0]).toEqual({ _tag: 'Timeout', breaker: 't', at: 1_100, timeout: 100, duration: 100 })
    expect(b.counts()).toMatchObject({ calls: 3, failures: 3, timeouts: 3 })
  })

  it('answers a timed-out call that was not timed with the timeout as its duration', () => {
    const { clock, b, seen, permit } = listened('t')
    const p = permit()
    clock.advance(70)
    b.settleTimeout(p, O.none, 50)
    const q = permit()
    const start = O.some(clock.now())
    clock.advance(80)
    b.settleTimeout(q, start, 50)
    expect(seen.filter((e) => e._tag === 'Timeout')).toEqual([
      { _tag: 'Timeout', breaker: 't', at: 1_070, timeout: 50, duration: 50 },
      { _tag: 'Timeout', breaker: 't', at: 1_150, timeout: 50, duration: 80 }
    ])
  })

  it('reports each fallback used or failed, at the time it happened, and counts it', () => {
    const { clock, b, seen } = listened('f')
    clock.advance(5)
    b.recordFallback()
    const boom = new Error('replica down')
    clock.advance(5)
    b.recordFallbackFailure(boom)
    expect(seen).toEqual([
      { _tag: 'FallbackUsed', breaker: 'f', at: 1_005 },
      { _tag: 'FallbackFailed', breaker: 'f', at: 1_010, error: boom }
    ])
    expect(b.counts()).toMatchObject({ fallbacks: 1, fallbackFailures: 1 })
  })
})

describe('Breaker: the IO module functions', () => {
  it('act only when run, each as its method', () => {
    const clock = testClock(0)
    const b = Breaker.make({ openFor: 1_000 }, { clock: clock.now })()
    const disable = Breaker.disable(b)
    const metricsOnly = Breaker.metricsOnly(b)
    const forceOpen = Breaker.forceOpen(b)
    const reset = Breaker.reset(b)
    expect(b.state()._tag).toBe('Closed')
    disable()
    expect(Breaker.state(b)()._tag).toBe('Disabled')
    metricsOnly()
    expect(Breaker.state(b)()._tag).toBe('MetricsOnly')
    forceOpen()
    expect(Breaker.state(b)()._tag).toBe('ForcedOpen')
    expect(Breaker.retryAfter(b)()).toBe(Infinity)
    expect(Breaker.metrics(b)()).toEqual(b.metrics())
    expect(Breaker.counts(b)()).toEqual(b.counts())
    reset()
    expect(Breaker.state(b)()._tag).toBe('Closed')
    expect(Breaker.retryAfter(b)()).toBe(0)
  })
})

describe("Breaker: the breaker's time", () => {
  const failures = () => {
    const seen: Array<Listener.BreakerEvent> = []
    return { seen, onListenerError: (_: unknown, e: Listener.BreakerEvent) => void seen.push(e) }
  }

  it('starts at its first clock reading, or at 0 with a clock that fails from the start', () => {
    expect(Breaker.make({}, { clock: () => 5_000 })().state()).toMatchObject({ _tag: 'Closed', since: 5_000 })
    const { onListenerError } = failures()
    const broken = (clock: () => number) => Breaker.make({}, { clock, onListenerError })()
    expect(
      broken(() => {
        throw new Error('no clock')
      }).state()
    ).toMatchObject({ _tag: 'Closed', since: 0 })
    expect(broken(() => NaN).state()).toMatchObject({ _tag: 'Closed', since: 0 })
  })

  it('takes readings up to ±maxTime, and reports one beyond it, naming the reading and the bound', async () => {
    const { maxTime } = StateCodec
    expect(Breaker.make({}, { clock: () => maxTime })().state()).toMatchObject({ since: maxTime })
    expect(Breaker.make({}, { clock: () => -maxTime })().state()).toMatchObject({ since: -maxTime })
    const { seen, onListenerError } = failures()
    // beyond it from the start, either way: the breaker starts at 0
    for (const beyond of [maxTime + 1, -maxTime - 1]) {
      const quiet = { clock: () => beyond, onListenerError: () => undefined }
      expect(Breaker.make({}, quiet)().state()).toMatchObject({ since: 0 })
    }
    let t = 1_000
    const b = Breaker.make({}, { clock: () => t, onListenerError })()
    t = maxTime + 1
    b.forceOpen()
    expect(b.state()).toMatchObject({ _tag: 'ForcedOpen', since: 1_000 })
    t = -maxTime - 1
    b.reset()
    expect(b.state()).toMatchObject({ _tag: 'Closed', since: 1_000 })
    await new Promise<void>((resolve) => queueMicrotask(resolve))
    expect(seen).toHaveLength(1)
    expect(String((seen[0] as Listener.ClockFailed).error)).toBe(
      `Error: the clock read ${maxTime + 1}, not a finite number of milliseconds within ±${maxTime}`
    )
  })

  it('does not follow a clock back: time stands at the latest reading, then goes on at the clock pace', () => {
    // a wall clock stepped back by hand (the test clock never goes back)
    let t = 10_000
    const b = Breaker.make({ failureThreshold: 1, openFor: 1_000 }, { clock: () => t })()
    b.record(b.admit() as Decision.Permit, 'failure')
    expect(b.state()).toMatchObject({ _tag: 'Open', openedAt: 10_000 })
    t = 4_000 // 6 s back
    expect(b.retryAfter()).toBe(1_000)
    t = 4_400
    expect(b.retryAfter()).toBe(600)
    t = 5_000
    expect(b.retryAfter()).toBe(0)
    expect(Decision.isPermit(b.admit())).toBe(true)
    expect(b.state()).toMatchObject({ _tag: 'HalfOpen', since: 11_000 })
  })

  it('records the latency of an untimed success given a duration', () => {
    const b = Breaker.make({}, { latencySamplesPerSecond: 0 })()
    b.record(b.admit() as Decision.Permit, 'success', 25)
    b.record(b.admit() as Decision.Permit, 'success')
    expect(b.metrics().latency).toMatchObject({ count: 1, max: 25 })
    expect(b.counts()).toMatchObject({ calls: 2, successes: 2 })
  })

  it('reports changes by a control or through ref as manual transitions', () => {
    const clock = testClock(0)
    const b = Breaker.make({ failureThreshold: 1 }, { clock: clock.now })()
    const why: Array<string> = []
    b.subscribe((e) => void (e._tag === 'Transition' && why.push(`${e.from}>${e.to}:${e.why}`)))
    b.control(Event.forceOpen)()
    b.reset()
    b.ref.set(State.open(1, 0, 1_000, 0))()
    expect(why).toEqual(['Closed>ForcedOpen:manual', 'ForcedOpen>Closed:manual', 'Closed>Open:manual'])
  })
})

describe('Breaker: manual controls and a store, by hand', () => {
  it('names what a control was given instead of an event, exactly, and changes nothing', () => {
    const b = Breaker.make({}, { name: 'ctl' })()
    const message = (given: unknown): string => thrownProblems(() => b.control(given as never)()).join('\n')
    const expected =
      "control: expected one of { _tag: 'ForceOpen' }, { _tag: 'Disable' }, { _tag: 'MetricsOnly' }, { _tag: 'Reset' }, got"
    expect(message(null)).toBe(`${expected} null`)
    expect(message({ _tag: 'HalfOpen' })).toBe(`${expected} "HalfOpen"`)
    expect(message('reset')).toBe(`${expected} "reset"`)
    expect(b.state()._tag).toBe('Closed')
  })

  it('reports no StoreRecovered while its store has never failed, and StoreDegraded at the first failure', async () => {
    let down = false
    const healthy = Store.memory().connect()
    const flaky: Store.Store = {
      id: healthy.id,
      load: (n) => (down ? Promise.reject(new Error('down')) : healthy.load(n)),
      propose: (n, p) => (down ? Promise.reject(new Error('down')) : healthy.propose(n, p)),
      claim: (n, e, l) => (down ? Promise.reject(new Error('down')) : healthy.claim(n, e, l)),
      watch: (n, w) => healthy.watch(n, w)
    }
    const b = Breaker.make({ failureThreshold: 1 }, { name: 'users', store: flaky })()
    const events: Array<string> = []
    b.subscribe((e) => void (e._tag.startsWith('Store') && events.push(e._tag)))
    await flush()
    b.record(b.admit() as Decision.Permit, 'success')
    await flush()
    expect(events).toEqual([])
    down = true
    b.record(b.admit() as Decision.Permit, 'failure')
    await flush()
    expect(events).toEqual(['StoreFailed', 'StoreDegraded'])
  })
})

describe('Breaker: what its clock throws', () => {
  it('reports the error a clock threw, as it threw it, and goes on at its latest reading', async () => {
    const thrown = new Error('no clock')
    let t = 5_000
    let broken = false
    const b = Breaker.make(
      { failureThreshold: 1 },
      {
        clock: () => {
          if (broken) throw thrown
          return t
        }
      }
    )()
    const seen: Array<Listener.BreakerEvent> = []
    b.subscribe((e) => void seen.push(e))
    t = 6_000
    b.record(b.admit() as Decision.Permit, 'success')
    broken = true
    b.record(b.admit() as Decision.Permit, 'failure')
    await flush()
    const failed = seen.filter((e): e is Listener.ClockFailed => e._tag === 'ClockFailed')
    expect(failed).toHaveLength(1)
    expect(failed[0]!.error).toBe(thrown)
    expect(b.state()).toMatchObject({ _tag: 'Open', openedAt: 6_000 })
  })
})

describe('Breaker: its store, by hand', () => {
  // a handle on a memory store that fails while `down()`, and keeps the watcher the breaker gives it
  const flakyHandle = (backend: ReturnType<typeof Store.memory>, down: () => boolean) => {
    const real = backend.connect()
    let watcher: Store.Watcher | undefined
    const failing = <A>(op: () => Promise<A>): Promise<A> =>
      down() ? Promise.reject(new Error('down')) : op()
    const store: Store.Store = {
      id: real.id,
      load: (n) => failing(() => real.load(n)),
      propose: (n, p) => failing(() => real.propose(n, p)),
      claim: (n, e, l) => failing(() => real.claim(n, e, l)),
      watch: (n, w) => {
        watcher = w
        // while down, what the store pushes is lost on the way
        return real.watch(n, { ...w, onRecord: (r) => (down() ? undefined : w.onRecord(r)) })
      }
    }
    return { real, store, watcher: (): Store.Watcher => watcher! }
  }
  const failOnce = (b: Breaker.Breaker): void => b.record(b.admit() as Decision.Permit, 'failure')
  // the store's failures are what these tests make: no warning for them
  const quiet = (): void => undefined

  it("tells its store's poller whether it ran calls since the poller last asked", () => {
    const clock = testClock(0)
    const handle = flakyHandle(Store.memory({ clock: clock.now }), () => false)
    const b = Breaker.make({}, { name: 'users', clock: clock.now, store: handle.store })()
    expect(handle.watcher().active()).toBe(false)
    b.record(b.admit() as Decision.Permit, 'success')
    expect(handle.watcher().active()).toBe(true)
    expect(handle.watcher().active()).toBe(false)
  })

  it('reports a watch that throws as a failed store, and protects alone', async () => {
    const seen: Array<string> = []
    const broken: Store.Store = {
      ...Store.memory().connect(),
      watch: () => {
        throw new Error('no watch')
      }
    }
    const b = Breaker.make(
      { failureThreshold: 1 },
      {
        name: 'users',
        store: broken,
        listeners: [(e) => void seen.push(e._tag === 'StoreFailed' ? `StoreFailed:${e.operation}` : e._tag)]
      }
    )()
    await flush()
    expect(seen.slice(0, 2)).toEqual(['StoreFailed:watch', 'StoreDegraded'])
    failOnce(b)
    expect(b.state()._tag).toBe('Open')
  })

  // breaker `a`, whose store is down from the start, and `other`, a breaker of the same name whose is not
  const outage = async () => {
    const clock = testClock(0)
    const backend = Store.memory({ clock: clock.now })
    let down = true
    const handle = flakyHandle(backend, () => down)
    const a = Breaker.make(
      { failureThreshold: 1 },
      { name: 'users', clock: clock.now, store: handle.store, onListenerError: quiet }
    )()
    const other = Breaker.make(
      { failureThreshold: 1 },
      { name: 'users', clock: clock.now, store: backend.connect() }
    )()
    await flush()
    return { a, other, handle, up: () => void (down = false) }
  }

  it.each<[string, (a: Breaker.Breaker) => void]>([
    ['with nothing of its own meanwhile', () => undefined],
    [
      'after its own changes went unshared but left it closed',
      (a) => {
        failOnce(a) // a trip the store never hears of
        a.reset() // and a reset, as unshared
      }
    ]
  ])(
    'adopts what the fleet did while its store was down, once the store answers again: %s',
    async (_, meanwhile) => {
      const { a, other, handle, up } = await outage()
      meanwhile(a)
      await flush()
      failOnce(other)
      await flush()
      expect(a.state()._tag).toBe('Closed')
      up()
      handle.watcher().onRecord(await handle.real.load('users'))
      await flush()
      expect(a.state()._tag).toBe('Open')
    }
  )

  it('refuses a fleet record that does not fit its circuit, reporting it, and keeps its state', async () => {
    const clock = testClock(0)
    const handle = flakyHandle(Store.memory({ clock: clock.now }), () => false)
    const seen: Array<Listener.BreakerEvent> = []
    const b = Breaker.make({ openFor: 30_000 }, { name: 'users', clock: clock.now, store: handle.store })()
    b.subscribe((e) => void seen.push(e))
    await flush()
    const twoDays = 2 * 24 * 60 * 60 * 1_000
    handle
      .watcher()
      .onRecord({ phase: 'Open', epoch: 5, attempt: 0, openFor: twoDays, remaining: twoDays, holder: '' })
    await flush()
    expect(b.state()._tag).toBe('Closed')
    const failed = seen.filter((e): e is Listener.StoreFailed => e._tag === 'StoreFailed')
    expect(failed.map((e) => e.operation)).toEqual(['adopt'])
    expect(String(failed[0]!.error)).toMatch(
      /openFor: expected the backoff's delay at attempt 0 \(30000 ms\)/
    )
    expect(seen.map((e) => e._tag)).not.toContain('StoreDegraded')
    // a record that fits is adopted after it: the refusal did not count as seen
    handle
      .watcher()
      .onRecord({ phase: 'Open', epoch: 5, attempt: 0, openFor: 30_000, remaining: 30_000, holder: '' })
    await flush()
    expect(b.state()._tag).toBe('Open')
  })

  it('runs its own probe when a refused claim brings a fleet record that does not fit its circuit', async () => {
    const clock = testClock(0)
    const twoDays = 2 * 24 * 60 * 60 * 1_000
    const unfit = { phase: 'Open', epoch: 9, attempt: 0, openFor: twoDays, remaining: twoDays, holder: 'p2' }
    const store: Store.Store = {
      ...Store.memory({ clock: clock.now }).connect(),
      claim: () => Promise.resolve({ outcome: 'refused', record: unfit } as Store.Reply)
    }
    const b = Breaker.make(
      { failureThreshold: 1, openFor: 1_000 },
      { name: 'users', clock: clock.now, store, onListenerError: quiet }
    )()
    await flush()
    failOnce(b)
    clock.advance(1_000)
    const probe = b.admit()
    expect(Decision.isPermit(probe) && probe.probe).toBe(true)
    expect(await b.claim(probe as Decision.Permit)).toBe(probe)
    expect(b.state()._tag).toBe('HalfOpen')
  })
})

describe('Breaker: what a breaker is', () => {
  it('is tagged Breaker, an enumerable property that is not its own (no per-breaker cost)', () => {
    const b = Breaker.make()()
    expect(b._tag).toBe('Breaker')
    expect(Object.keys(b)).not.toContain('_tag')
    const keys: Array<string> = []
    for (const k in b) keys.push(k)
    expect(keys).toContain('_tag')
  })

  it('is recognized when another copy of the library made it, by its brand', () => {
    const foreign = ForeignBreaker!.make()()
    expect(foreign instanceof Breaker.Breaker).toBe(false)
    expect(Breaker.isBreaker(foreign)).toBe(true)
    expect(ForeignBreaker!.isBreaker(Breaker.make()())).toBe(true)
    // the brand every copy and version shares: a registered symbol of the library's name
    expect((Breaker.make()() as unknown as Record<symbol, unknown>)[Symbol.for('tripswitch/Breaker')]).toBe(
      true
    )
  })
})
