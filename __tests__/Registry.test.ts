import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import {
  Breaker,
  Bulkhead,
  ConfigError,
  Decision,
  type Listener,
  Registry,
  Strategy,
  Window,
  withBreaker,
  withBulkhead
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { thrownProblems } from './_support/problems'

const setup = (options: Omit<Registry.Options, 'breakerOptions'> = {}) => {
  const clock = testClock(1_000)
  const registry = Registry.make({ ...options, breakerOptions: { clock: clock.now } })()
  return { clock, registry }
}

/** Drives `breaker` open with `n` failures. */
const fail = (breaker: Breaker.Breaker, n: number, now: number) => {
  for (let i = 0; i < n; i++) {
    const d = breaker.admit(now)
    if (Decision.isPermit(d)) breaker.record(d, 'failure', 1, now)
  }
}

describe('Registry', () => {
  describe('get', () => {
    it('makes a breaker on first use and returns the same one after', () => {
      const { registry } = setup()
      const a = registry.get('payments')
      expect(a.name).toBe('payments')
      expect(registry.get('payments')).toBe(a)
      expect(registry.get('search')).not.toBe(a)
      expect(registry.size()).toBe(2)
    })

    it('configures each breaker from the defaults, its entry in the document, then the overrides', () => {
      const { registry } = setup({
        config: {
          defaults: { failureThreshold: 4, openFor: 10_000 },
          breakers: { payments: { failureThreshold: 2 } }
        }
      })
      expect(registry.get('payments').circuit.config).toMatchObject({ failureThreshold: 2, openFor: 10_000 })
      expect(registry.get('search').circuit.config).toMatchObject({ failureThreshold: 4, openFor: 10_000 })
      expect(registry.get('users', { openFor: 5 }).circuit.config).toMatchObject({
        failureThreshold: 4,
        openFor: 5
      })
      // overrides apply only when the breaker is made
      expect(registry.get('users', { openFor: 99 }).circuit.config.openFor).toBe(5)
    })

    it('passes the shared options to every breaker', () => {
      const { clock, registry } = setup({ config: { defaults: { failureThreshold: 1, openFor: 1_000 } } })
      const b = registry.get('payments')
      fail(b, 1, clock.now())
      clock.advance(400)
      expect(b.retryAfter()).toBe(600)
    })

    it('does not take names such as constructor or __proto__ from the prototype of the document', () => {
      const { registry } = setup({ config: { breakers: {} } })
      expect(registry.get('constructor').circuit.config.failureThreshold).toBe(3)
      expect(registry.get('__proto__').name).toBe('__proto__')
      expect(registry.get('toString').name).toBe('toString')
    })

    it('makes the breakers of names without an entry from the defaults, checked once, each name checked', () => {
      const registry = Registry.make({ config: { defaults: { failureThreshold: 2 } } })()
      const a = registry.get('a')
      const b = registry.get('b')
      expect([a.name, b.name]).toEqual(['a', 'b'])
      expect(a).not.toBe(b)
      expect(a.circuit).toBe(b.circuit)
      expect(a.circuit.config.failureThreshold).toBe(2)
      expect(() => registry.get('')).toThrow(
        new ConfigError(['name: expected a non-empty string of at most 256 characters, got ""'])
      )
      // a bad shared option fails when the registry is made, naming it
      expect(() => Registry.make({ breakerOptions: { clock: 5 as unknown as () => number } })()).toThrow(
        /clock: expected a function, got 5/
      )
    })

    it('works with withBreaker', async () => {
      const { registry } = setup()
      const result = await withBreaker(registry.get('payments'))(TE.right(1))()
      expect(result).toEqual(E.right(1))
      expect(registry.health().breakers[0]?.counts.successes).toBe(1)
    })
  })

  describe('config checks', () => {
    it('rejects a bad document at once, naming every bad field by its path', () => {
      let error: unknown
      try {
        Registry.make({
          config: {
            defaults: { openFor: -1 },
            breakers: {
              payments: { failureThreshold: 0 },
              search: { halfOpenProbes: 1, successThreshold: 2 }
            }
          },
          maxSize: 0
        })()
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems).toEqual([
        'maxSize: expected a positive integer, got 0',
        'config.defaults.openFor: expected a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m", got -1',
        'config.breakers.payments.failureThreshold: expected a positive integer, got 0',
        'config.breakers.search.successThreshold: expected at most halfOpenProbes (1), got 2'
      ])
    })

    it('rejects a bad scan size', () => {
      expect(() => Registry.make({ scan: 1.5 })()).toThrow('scan: expected a positive integer, got 1.5')
    })

    const problems = thrownProblems

    it('rejects an unknown option with a did-you-mean hint', () => {
      expect(problems(() => Registry.make({ maxsize: 1 } as never)())).toStrictEqual([
        'maxsize: unknown option; did you mean maxSize?'
      ])
      expect(problems(() => Registry.make({ config: { default: {} } } as never)())).toStrictEqual([
        'config.default: unknown key; did you mean defaults?'
      ])
    })

    it('rejects a config or options that is not an object with a ConfigError naming it', () => {
      expect(problems(() => Registry.make({ config: null } as never)())).toStrictEqual([
        'config: expected a registry config document ({ defaults, breakers }), got null'
      ])
      expect(problems(() => Registry.make(null as never)())).toStrictEqual([
        'options: expected an object of registry options, got null'
      ])
      expect(problems(() => Registry.make({ config: { breakers: [] } } as never)())).toStrictEqual([
        'config.breakers: expected an object of breaker settings by name, got an array'
      ])
    })

    it.each([
      [{ maxSize: '10' }, 'maxSize: expected a positive integer, got "10"'],
      [{ maxSize: -1 }, 'maxSize: expected a positive integer, got -1'],
      [{ maxSize: Infinity }, 'maxSize: expected a positive integer, got Infinity'],
      [{ scan: 0 }, 'scan: expected a positive integer, got 0'],
      [{ scan: null }, 'scan: expected a positive integer, got null']
    ])('rejects %p', (options, expected) => {
      expect(problems(() => Registry.make(options as never)())).toStrictEqual([expected])
    })

    it('refuses a name longer than 256 characters, at get and in the document', () => {
      const registry = Registry.make()()
      expect(problems(() => registry.get('n'.repeat(1_000_000)))).toStrictEqual([
        'name: expected a non-empty string of at most 256 characters, got 1000000 characters'
      ])
      expect(registry.size()).toBe(0)
      expect(registry.get('n'.repeat(256)).name).toHaveLength(256)
      expect(
        problems(() => Registry.make({ config: { breakers: { ['n'.repeat(257)]: {} } } })())
      ).toStrictEqual([
        `config.breakers["${'n'.repeat(64)}…"]: expected a name of at most 256 characters, got 257`
      ])
    })
  })

  describe('bounds', () => {
    it('never keeps more than maxSize breakers, evicting the least recently used idle one', () => {
      const { registry } = setup({ maxSize: 3 })
      const a = registry.get('a')
      registry.get('b')
      registry.get('c')
      registry.get('a') // a is now the most recently used
      registry.get('d')
      expect(registry.size()).toBe(3)
      expect(registry.peek('b')).toBeUndefined()
      expect(registry.peek('a')).toBe(a)
      expect(registry.breakers().map((b) => b.name)).toEqual(['c', 'a', 'd'])
      expect(registry.health().evictions).toBe(1)
    })

    it('keeps memory bounded under a stream of distinct keys', () => {
      const { registry } = setup({ maxSize: 100 })
      for (let i = 0; i < 10_000; i++) registry.get(`tenant-${i}`)
      expect(registry.size()).toBe(100)
      expect(registry.health().evictions).toBe(9_900)
    })

    it('never evicts an open, half-open or manually controlled breaker, nor one with a call in flight', () => {
      const { clock, registry } = setup({
        maxSize: 5,
        config: { defaults: { failureThreshold: 1, openFor: 100 } }
      })
      fail(registry.get('open'), 1, clock.now())
      const half = registry.get('half')
      fail(half, 1, clock.now())
      Breaker.forceOpen(registry.get('forced'))()
      Breaker.disable(registry.get('disabled'))()
      const busy = registry.get('busy')
      busy.admit(clock.now())
      clock.advance(100)
      half.admit(clock.now())
      expect(half.state()._tag).toBe('HalfOpen')
      const extra = registry.get('extra')
      expect(registry.size()).toBe(5)
      expect(registry.peek('extra')).toBeUndefined()
      expect(
        registry
          .breakers()
          .map((b) => b.name)
          .sort()
      ).toEqual(['busy', 'disabled', 'forced', 'half', 'open'])
      expect(registry.health().overflows).toBe(1)
      // the transient breaker still guards its calls
      fail(extra, 1, clock.now())
      expect(extra.state()._tag).toBe('Open')
    })

    it('takes a slot again once a breaker becomes idle', () => {
      const { clock, registry } = setup({ maxSize: 1 })
      const busy = registry.get('busy')
      const permit = busy.admit(clock.now())
      registry.get('other')
      expect(registry.peek('other')).toBeUndefined()
      if (Decision.isPermit(permit)) busy.record(permit, 'success', 1, clock.now())
      const other = registry.get('other')
      expect(registry.peek('other')).toBe(other)
      expect(registry.peek('busy')).toBeUndefined()
    })

    it('keeps the recency order and evicts exactly as a reference LRU model, for any sequence of gets', () => {
      // the model: names from least to most recently used; every breaker is idle, so a miss at a full
      // registry evicts the least recently used
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 6 }),
          fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 60 }),
          (maxSize, gets) => {
            const { registry } = setup({ maxSize })
            let model: ReadonlyArray<string> = []
            let evicted = 0
            for (const g of gets) {
              const name = `n${g}`
              const got = registry.get(name)
              expect(got.name).toBe(name)
              if (!model.includes(name) && model.length >= maxSize) {
                model = model.slice(1)
                evicted++
              }
              model = [...model.filter((n) => n !== name), name]
              expect(registry.breakers().map((b) => b.name)).toEqual(model)
            }
            expect(registry.size()).toBe(model.length)
            expect(registry.health().evictions).toBe(evicted)
            for (const n of model) expect(registry.peek(n)?.name).toBe(n)
          }
        ),
        { seed: 14, numRuns: 300 }
      )
    })

    it('moves the busy breakers a scan looked at to the recent end, also when it then finds an idle one', () => {
      const { registry } = setup({ maxSize: 4, scan: 4 })
      Breaker.forceOpen(registry.get('b1'))()
      registry.get('i1')
      Breaker.forceOpen(registry.get('b2'))()
      registry.get('i2')
      registry.get('x') // looks at b1 (busy), then evicts i1
      expect(registry.breakers().map((b) => b.name)).toEqual(['b2', 'i2', 'b1', 'x'])
      registry.get('y') // looks at b2 (busy), then evicts i2
      expect(registry.breakers().map((b) => b.name)).toEqual(['b1', 'x', 'b2', 'y'])
      expect(registry.health().evictions).toBe(2)
    })

    it('keeps a hot name the most recently used whatever the registry size, and evicts the oldest idle one', () => {
      const { registry } = setup({ maxSize: 2_000 })
      const hot = registry.get('hot')
      for (let i = 0; i < 1_999; i++) registry.get(`host-${i}`)
      for (let i = 0; i < 10_000; i++) expect(registry.get('hot')).toBe(hot)
      registry.get('new')
      expect(registry.peek('host-0')).toBeUndefined()
      expect(registry.peek('hot')).toBe(hot)
      const order = registry.breakers().map((b) => b.name)
      expect(order.slice(-2)).toEqual(['hot', 'new'])
      expect(order[0]).toBe('host-1')
    })

    it('looks past busy breakers to the scan limit, then at others on the next miss', () => {
      const { registry } = setup({ maxSize: 4, scan: 2 })
      for (const name of ['b1', 'b2']) Breaker.forceOpen(registry.get(name))()
      registry.get('i1')
      registry.get('i2')
      registry.get('x')
      // the scan saw b1 and b2 only: an overflow, and b1, b2 move to the recent end
      expect(registry.peek('x')).toBeUndefined()
      registry.get('y')
      expect(registry.peek('y')).toBeDefined()
      expect(registry.peek('i1')).toBeUndefined()
    })
  })

  describe('subscribe', () => {
    it('hears every breaker, present and future, until unsubscribed', () => {
      const { clock, registry } = setup({ config: { defaults: { failureThreshold: 1 } } })
      const early = registry.get('early')
      const heard: Array<string> = []
      const off = registry.subscribe((e) => heard.push(`${e.breaker}:${e._tag}`))
      fail(early, 1, clock.now())
      fail(registry.get('late'), 1, clock.now())
      off()
      fail(registry.get('after'), 1, clock.now())
      Breaker.reset(early)()
      expect(heard).toEqual(['early:Failure', 'early:Transition', 'late:Failure', 'late:Transition'])
    })

    it('keeps breakers listener-free while nobody listens to the registry', () => {
      const { registry } = setup()
      const b = registry.get('a')
      const off = registry.subscribe(() => undefined)
      off()
      const seen: Array<Listener.BreakerEvent> = []
      const offDirect = b.subscribe((e) => seen.push(e))
      Breaker.forceOpen(b)()
      expect(seen).toHaveLength(1)
      offDirect()
    })

    it('runs every registry listener even when one throws', () => {
      const reported: Array<unknown> = []
      const clock = testClock()
      const registry = Registry.make({
        breakerOptions: { clock: clock.now, onListenerError: (e) => reported.push(e) }
      })()
      const heard: Array<string> = []
      registry.subscribe(() => {
        throw new Error('first')
      })
      registry.subscribe((e) => heard.push(e._tag))
      Breaker.forceOpen(registry.get('a'))()
      expect(heard).toEqual(['Transition'])
      expect(reported).toEqual([new Error('first')])
    })
  })

  describe('health', () => {
    it('is a JSON view of every breaker, sorted by name, with a status and counts per state', () => {
      const { clock, registry } = setup({ config: { defaults: { failureThreshold: 1, openFor: 5_000 } } })
      registry.get('search')
      fail(registry.get('payments'), 1, clock.now())
      clock.advance(1_000)
      registry.get('payments').admit(clock.now())
      const health = registry.health()
      expect(health).toMatchObject({
        status: 'degraded',
        size: 2,
        maxSize: 10_000,
        evictions: 0,
        overflows: 0,
        states: { Closed: 1, Open: 1, HalfOpen: 0, ForcedOpen: 0, Disabled: 0, MetricsOnly: 0 }
      })
      expect(health.breakers.map((b) => [b.name, b.state, b.retryAfter, b.failureRate])).toEqual([
        ['payments', 'Open', 4_000, 1],
        ['search', 'Closed', 0, null]
      ])
      expect(health.breakers[0]?.counts).toMatchObject({ calls: 2, failures: 1, rejected: 1 })
      expect(JSON.parse(JSON.stringify(health))).toEqual(health)
    })

    it('is ok when every breaker admits calls', () => {
      const { registry } = setup()
      registry.get('a')
      Breaker.disable(registry.get('b'))()
      expect(registry.health().status).toBe('ok')
    })
  })

  it('shows in health() the state as of now: a half-open breaker past its deadline counts as open', () => {
    const clock = testClock(0)
    const registry = Registry.make({
      config: { defaults: { failureThreshold: 1, openFor: 100, halfOpenMaxDuration: 50 } },
      breakerOptions: { clock: clock.now }
    })()
    const b = registry.get('payments')
    const d = b.admit()
    if (Decision.isPermit(d)) b.record(d, 'failure')
    clock.advance(100)
    b.admit() // a probe that never answers
    expect(registry.health().states).toMatchObject({ HalfOpen: 1, Open: 0 })
    clock.advance(50)
    expect(registry.health().states).toMatchObject({ HalfOpen: 0, Open: 1 })
    expect(registry.health().breakers[0]).toMatchObject({ name: 'payments', state: 'Open' })
    expect(b.ref.get()._tag).toBe('HalfOpen') // the view changed nothing
  })

  it('shows its bulkheads in health(), sorted by name, a saturated one flagged', async () => {
    const db = Bulkhead.make({ name: 'db', limit: 1 })()
    const cache = Bulkhead.make({ name: 'cache', limit: 4, queue: 2 })()
    const registry = Registry.make({ bulkheads: [db, cache] })()
    let hold: () => void = () => undefined
    const running = withBulkhead(db)(
      () => new Promise<E.Either<never, number>>((resolve) => (hold = () => resolve(E.right(1))))
    )()
    await withBulkhead(db)(TE.right(2))()
    const { bulkheads } = registry.health()
    expect(bulkheads.map((b) => [b.name, b.active, b.saturated, b.counts.full])).toEqual([
      ['cache', 0, false, 0],
      ['db', 1, true, 1]
    ])
    hold()
    await running
    expect(registry.bulkheads).toEqual([db, cache])
  })

  it('refuses bulkheads that are not bulkheads, or two of one name', () => {
    expect(() => Registry.make({ bulkheads: [{ limit: 1 }] as never })()).toThrow(
      /bulkheads: expected an array of bulkheads/
    )
    const a = Bulkhead.make({ name: 'db', limit: 1 })()
    const b = Bulkhead.make({ name: 'db', limit: 1 })()
    expect(() => Registry.make({ bulkheads: [a, b] })()).toThrow(/bulkheads: two bulkheads are named "db"/)
  })
})

describe('Registry settings', () => {
  it('takes defaults and breakers as settings at the top level: thresholds and options in one object', () => {
    const clock = testClock(5)
    const registry = Registry.make({
      defaults: { failureThreshold: 2, openFor: '10s', clock: clock.now },
      breakers: { payments: { openFor: '1m' } }
    })()
    const payments = registry.get('payments')
    expect(payments.circuit.config).toMatchObject({ failureThreshold: 2, openFor: 60_000 })
    expect(payments.clock).toBe(clock.now)
    expect(registry.get('search').circuit.config.openFor).toBe(10_000)
  })

  it('lets an override replace what it overrides, so defaults with failureThreshold and an override with strategy are valid', () => {
    const strategy = Strategy.failureRate({ window: Window.count(10), threshold: 0.5 })
    const registry = Registry.make({
      defaults: { failureThreshold: 5 },
      breakers: { payments: { strategy } }
    })()
    expect(registry.get('payments').circuit.config.strategy).toEqual(strategy)
    expect(registry.get('search').circuit.config.strategy).toBeUndefined()
    const overridden = registry.get('fresh', { strategy })
    expect(overridden.circuit.config.strategy).toEqual(strategy)
  })

  it('names every problem of the defaults and the breakers at once, options included', () => {
    let problems: ReadonlyArray<string> = []
    try {
      Registry.make({
        defaults: { failureThreshold: 0, clock: 'now' },
        breakers: { payments: { openFor: '1 m', nmae: 'x' } }
      } as never)()
    } catch (e) {
      problems = (e as ConfigError).problems
    }
    expect(problems).toEqual([
      'defaults.failureThreshold: expected a positive integer, got 0',
      'defaults.clock: expected a function, got "now"',
      'breakers.payments.nmae: unknown setting; did you mean name?',
      'breakers.payments.openFor: expected a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m", got "1 m" (not a sequence of <number><unit> with units ms, s, m, h and no spaces)'
    ])
    expect(() => Registry.make({ config: { defaults: {} }, defaults: { failureThreshold: 2 } })()).toThrow(
      /config: give the document either in config or as defaults and breakers, not both/
    )
  })
})
