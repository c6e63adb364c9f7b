/**
 * The store seam, through the in-memory store: it passes the contract suite; breakers of one name
 * share trips, one probe lease and verdicts through it; a stale outcome never decides the fleet; a
 * store that throws, rejects, answers garbage or never answers never blocks or fails a call, and the
 * breaker reports the outage once and re-synchronizes after it.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import { Breaker, type Listener, orFallback, Registry, Store, withBreaker, wrap } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { storeContract } from './_support/storeContract'

storeContract('Store.memory', (rules) => Store.memory(rules))

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const fail = (b: Breaker.Breaker): void => {
  const d = b.admit()
  if (d._tag === 'Permit') b.record(d, 'failure')
}

/** A fleet of `n` breakers named `users`, each with its own handle on one memory store. */
const fleetOf = (n: number, config: Parameters<typeof Breaker.make>[0] = {}, rules = {}) => {
  const clock = testClock(0)
  const store = Store.memory({ clock: clock.now, ...rules })
  const breakers = Array.from({ length: n }, () =>
    Breaker.make(
      { failureThreshold: 1, openFor: 1_000, ...config },
      {
        name: 'users',
        clock: clock.now,
        store: store.connect()
      }
    )()
  )
  return { clock, store, breakers }
}

/** A store whose every operation misbehaves the same way. */
const faulty = (
  how: 'throws' | 'rejects' | 'hangs' | 'garbage',
  broken = (): boolean => true
): Store.Store => {
  const healthy = Store.memory().connect()
  const op = (): Promise<never> => {
    if (!broken()) return healthy.load('x') as never
    if (how === 'throws') throw new Error('the store threw')
    if (how === 'rejects') return Promise.reject(new Error('the store rejected'))
    if (how === 'hangs') return new Promise<never>(() => undefined)
    return Promise.resolve({ outcome: 'granted', record: { phase: 'Open', epoch: -1 } } as never)
  }
  return { id: `faulty-${how}`, load: op, propose: op, claim: op, watch: () => () => undefined }
}

describe('a fleet of breakers on one store', () => {
  it('opens every breaker when one trips, reporting it as adopted', () => {
    const { breakers } = fleetOf(3)
    const [a, b, c] = breakers as [Breaker.Breaker, Breaker.Breaker, Breaker.Breaker]
    const events: Array<Listener.BreakerEvent> = []
    b.subscribe((e) => events.push(e))
    fail(a)
    return flush().then(() => {
      expect(a.state()._tag).toBe('Open')
      expect(b.state()._tag).toBe('Open')
      expect(c.state()._tag).toBe('Open')
      expect(b.retryAfter()).toBe(1_000)
      expect(events).toMatchObject([{ _tag: 'Transition', from: 'Closed', to: 'Open', why: 'adopted' }])
    })
  })

  it('reports each change of the fleet once, in the process that made it (FleetChanged)', async () => {
    const { clock, breakers } = fleetOf(5)
    const changes: Array<[number, string, string]> = []
    const adopted: Array<number> = []
    breakers.forEach((b, i) =>
      b.subscribe((e) => {
        if (e._tag === 'FleetChanged') changes.push([i, e.change, e.to])
        if (e._tag === 'Transition' && e.why === 'adopted') adopted.push(i)
      })
    )
    fail(breakers[2]!)
    await flush()
    expect(changes).toEqual([[2, 'Trip', 'Open']])
    expect(adopted.sort()).toEqual([0, 1, 3, 4])
    clock.advance(1_000)
    await Promise.all(breakers.map((b) => wrap(b)(async () => 'up')().catch(() => 'rejected')))
    await flush()
    expect(changes.slice(1).map(([, change, to]) => [change, to])).toEqual([
      ['Claim', 'HalfOpen'],
      ['Verdict', 'Closed']
    ])
    expect(new Set(changes.slice(1).map(([i]) => i)).size).toBe(1)
  })

  it('lets exactly one probe through fleet-wide; the others reject for the lease', async () => {
    const { clock, breakers } = fleetOf(4, { probeLease: 5_000 })
    fail(breakers[0]!)
    await flush()
    clock.advance(1_000)
    let probes = 0
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const dependency = TE.tryCatch(
      async () => {
        probes++
        await gate
        return 'ok'
      },
      () => 'down'
    )
    const calls = breakers.map((b) => withBreaker(b)(dependency)())
    await sleep(10)
    expect(probes).toBe(1)
    // the winner's slot is its probe's, the others' are the winner's lease
    for (const b of breakers) expect([b.state()._tag, b.retryAfter()]).toEqual(['HalfOpen', 5_000])
    release()
    const results = await Promise.all(calls)
    expect(results.filter(E.isRight)).toHaveLength(1)
    expect(
      results.filter((r) => E.isLeft(r) && (r.left as { _tag?: string })._tag === 'CircuitOpenError')
    ).toHaveLength(3)
    await flush()
    for (const b of breakers) expect(b.state()._tag).toBe('Closed')
  })

  it("rejects a probe refused for the fleet's lease as its breaker's own rejection, for fallbacks", async () => {
    const clock = testClock(0)
    const store = Store.memory({ clock: clock.now })
    // b and c do not hear of a's lease (no watch): each admits its own probe, and the store refuses it
    const deaf = (s: Store.Store): Store.Store => ({
      id: s.id,
      load: (name) => s.load(name),
      propose: (name, proposal) => s.propose(name, proposal),
      claim: (name, expect, lease) => s.claim(name, expect, lease),
      watch: () => () => undefined
    })
    const [a, b, c] = [store.connect(), deaf(store.connect()), deaf(store.connect())].map((s) =>
      Breaker.make(
        { failureThreshold: 1, openFor: 1_000, probeLease: 5_000 },
        { name: 'users', clock: clock.now, store: s }
      )()
    ) as [Breaker.Breaker, Breaker.Breaker, Breaker.Breaker]
    for (const x of [a, b, c]) fail(x)
    await flush()
    clock.advance(1_000)
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    let runs = 0
    const dependency = TE.tryCatch(
      async () => {
        runs++
        await gate
        return 'fresh'
      },
      () => 'down'
    )
    // three processes probe at once: a claims the lease first, b and c are refused it
    const winner = withBreaker(a)(dependency)()
    const onFailure = withBreaker(b, { on: 'failure', fallback: () => T.of('stale') })(dependency)()
    const fallenBack = pipe(
      dependency,
      withBreaker(c),
      orFallback(() => T.of('stale'))
    )()
    // `on: 'failure'` leaves the breaker's own rejections alone, a lease refusal included
    const refused = await onFailure
    expect(E.isLeft(refused) && refused.left).toMatchObject({ _tag: 'CircuitOpenError', breaker: 'users' })
    // orFallback's fallback for it is counted by the breaker that refused
    expect(await fallenBack).toEqual(E.right('stale'))
    expect([b.counts().fallbacks, c.counts().fallbacks, runs]).toEqual([0, 1, 1])
    release()
    expect(await winner).toEqual(E.right('fresh'))
  })

  it('lets another process probe when the lease expires, and the old probe decides nothing', async () => {
    const { clock, breakers } = fleetOf(2, { probeLease: 500, openFor: 1_000 })
    const [a, b] = breakers as [Breaker.Breaker, Breaker.Breaker]
    fail(a)
    await flush()
    clock.advance(1_000)
    // a's probe hangs past its lease
    const hung = a.admit()
    expect(hung).toMatchObject({ _tag: 'Permit', probe: true })
    if (hung._tag !== 'Permit') return
    expect(await a.claim(hung)).toBe(hung)
    await flush()
    expect(b.retryAfter()).toBe(500)
    clock.advance(500)
    // b probes, and its failure re-opens the fleet
    const probe = b.admit()
    if (probe._tag !== 'Permit') throw new Error('expected a probe')
    expect(await b.claim(probe)).toBe(probe)
    b.record(probe, 'failure')
    await flush()
    expect(a.state()._tag).toBe('Open')
    // a's late success does not close the fleet
    a.record(hung, 'success')
    await flush()
    expect(a.state()._tag).toBe('Open')
    expect(b.state()._tag).toBe('Open')
  })

  it('opens the fleet only once `quorum` processes tripped; each trips alone before that', async () => {
    const { breakers } = fleetOf(4, {}, { quorum: 3 })
    const [a, b, c, d] = breakers as [Breaker.Breaker, Breaker.Breaker, Breaker.Breaker, Breaker.Breaker]
    fail(a)
    await flush()
    expect(a.state()._tag).toBe('Open')
    expect(d.state()._tag).toBe('Closed')
    fail(b)
    await flush()
    expect(d.state()._tag).toBe('Closed')
    fail(c)
    await flush()
    expect(d.state()._tag).toBe('Open')
  })

  it('shares manual controls and loads the fleet record when a breaker starts', async () => {
    const clock = testClock(0)
    const fleet = Store.memory({ clock: clock.now })
    const first = Breaker.make({}, { name: 'users', clock: clock.now, store: fleet.connect() })()
    first.control({ _tag: 'ForceOpen' })()
    await flush()
    const late = Breaker.make({}, { name: 'users', clock: clock.now, store: fleet.connect() })()
    await flush()
    expect(late.state()._tag).toBe('ForcedOpen')
    late.control({ _tag: 'Reset' })()
    await flush()
    expect(first.state()._tag).toBe('Closed')
  })

  it('agrees on deadlines whatever the clocks read: they travel as time remaining', async () => {
    const fleet = Store.memory()
    const here = testClock(1_000_000)
    const there = testClock(5)
    const config = { failureThreshold: 1, openFor: 800 }
    const a = Breaker.make(config, { name: 'x', clock: there.now, store: fleet.connect() })()
    const b = Breaker.make(config, { name: 'x', clock: here.now, store: fleet.connect() })()
    fail(a)
    await flush()
    expect(b.state()).toMatchObject({ _tag: 'Open', openFor: 800 })
    expect(b.retryAfter()).toBeGreaterThan(790)
    expect(b.retryAfter()).toBeLessThanOrEqual(800)
  })

  it('does not adopt a record that does not decode, and says which field was wrong', async () => {
    const failed: Array<Listener.BreakerEvent> = []
    let watcher: Store.Watcher | undefined
    const store: Store.Store = {
      ...Store.memory().connect(),
      watch: (_, w) => {
        watcher = w
        return () => undefined
      }
    }
    const b = Breaker.make({}, { name: 'x', store, onListenerError: (_, e) => failed.push(e) })()
    await flush()
    watcher!.onRecord({ phase: 'Open', epoch: 9, attempt: 0, openFor: -5, remaining: 0, holder: '' })
    watcher!.onRecord({ phase: 'Open', epoch: 9, attempt: 0, openFor: 1e300, remaining: 0, holder: '' })
    expect(b.state()._tag).toBe('Closed')
    expect(failed).toHaveLength(2)
    expect(String((failed[0] as Listener.StoreFailed).error)).toMatch(
      /openFor: expected a finite number >= 0, at most 1e15, got -5/
    )
    expect(failed[0]).toMatchObject({ _tag: 'StoreFailed', operation: 'adopt' })
  })

  it('shares the breakers that withBreaker, wrap and a registry make from settings', async () => {
    const fleet = Store.memory()
    const settings = { name: 'users', failureThreshold: 1 }
    const te = withBreaker({ ...settings, store: fleet.connect() })
    const fn = wrap({ ...settings, store: fleet.connect() })(async () => 1)
    const registry = Registry.make({ defaults: { store: fleet.connect(), failureThreshold: 1 } })()
    const kept = registry.get('users')
    await flush()
    expect(await te(TE.left('down'))()).toEqual(E.left('down'))
    await flush()
    expect(fn.breaker.state()._tag).toBe('Open')
    expect(kept.state()._tag).toBe('Open')
    // a breaker made later learns the fleet's state from its first load
    const late = Registry.make({ breakerOptions: { store: fleet.connect() } })().get('users')
    await flush()
    expect(late.state()._tag).toBe('Open')
    await expect(fn()).rejects.toMatchObject({ _tag: 'CircuitOpenError', breaker: 'users' })
  })

  it('stops watching the fleet when a registry evicts a breaker, or when it is closed', async () => {
    const fleet = Store.memory()
    const registry = Registry.make({ maxSize: 1, breakerOptions: { store: fleet.connect() } })()
    const evicted = registry.get('users')
    registry.get('payments') // evicts users
    const other = Breaker.make({ failureThreshold: 1 }, { name: 'users', store: fleet.connect() })()
    const closed = Breaker.make({}, { name: 'users', store: fleet.connect() })()
    closed.close()
    closed.close()
    await flush()
    fail(other)
    await flush()
    expect(other.state()._tag).toBe('Open')
    expect(evicted.state()._tag).toBe('Closed')
    expect(closed.state()._tag).toBe('Closed')
    expect(registry.get('users')).not.toBe(evicted)
  })

  it('rejects a store that is not one, naming what is missing', () => {
    expect(() => Breaker.make({}, { store: {} as never })()).toThrow(/store\.load: expected a function/)
    expect(() => Breaker.make({}, { store: { ...faulty('throws'), id: '' } })()).toThrow(/store\.id/)
    expect(() => Breaker.make({}, { storeTimeout: 0 })()).toThrow(/storeTimeout/)
  })
})

describe('a store that fails', () => {
  it.each(['throws', 'rejects', 'hangs', 'garbage'] as const)(
    'never fails or blocks a call when it %s; the breaker protects alone and says so once',
    async (how) => {
      const errors: Array<string> = []
      let broken = false
      const b = Breaker.make(
        { failureThreshold: 2, openFor: 30 },
        { store: faulty(how, () => broken), storeTimeout: 20, onListenerError: (_, e) => errors.push(e._tag) }
      )()
      const events: Array<string> = []
      b.subscribe((e) => events.push(e._tag))
      await flush()
      broken = true
      await expect(wrap(b)(async () => 1)()).resolves.toBe(1)
      expect(await withBreaker(b)(TE.left('x'))()).toEqual(E.left('x'))
      expect(await withBreaker(b)(TE.left('x'))()).toEqual(E.left('x'))
      expect(b.state()._tag).toBe('Open')
      await sleep(40)
      // the probe claims, waits at most storeTimeout, and runs as this process's own
      const started = Date.now()
      await expect(wrap(b)(async () => 2)()).resolves.toBe(2)
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(b.state()._tag).toBe('Closed')
      await sleep(40)
      expect(events.filter((e) => e === 'StoreDegraded')).toHaveLength(1)
      expect(events.filter((e) => e === 'StoreFailed').length).toBeGreaterThan(0)
      expect(errors).toEqual([])
    }
  )

  it('reports StoreRecovered when the store answers again, and pushes an Open entered meanwhile', async () => {
    const clock = testClock(0)
    const backend = Store.memory({ clock: clock.now })
    const real = backend.connect()
    let down = true
    let watcher: Store.Watcher | undefined
    const flaky: Store.Store = {
      id: real.id,
      load: (n) => (down ? Promise.reject(new Error('down')) : real.load(n)),
      propose: (n, p) => (down ? Promise.reject(new Error('down')) : real.propose(n, p)),
      claim: (n, e, l) => (down ? Promise.reject(new Error('down')) : real.claim(n, e, l)),
      watch: (n, w) => {
        watcher = w
        return real.watch(n, w)
      }
    }
    const a = Breaker.make({ failureThreshold: 1 }, { name: 'users', clock: clock.now, store: flaky })()
    const other = Breaker.make(
      { failureThreshold: 1 },
      { name: 'users', clock: clock.now, store: backend.connect() }
    )()
    const events: Array<string> = []
    a.subscribe((e) => events.push(e._tag))
    await flush()
    fail(a)
    await flush()
    expect(events).toContain('StoreDegraded')
    expect(other.state()._tag).toBe('Closed')
    down = false
    // the next answer (a poll's, as a store delivers it to the watcher) brings the breaker back
    watcher!.onRecord(await real.load('users'))
    await flush()
    expect(events).toContain('StoreRecovered')
    expect(other.state()._tag).toBe('Open')
  })
})
