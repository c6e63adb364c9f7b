/**
 * Deterministic examples of a breaker's side of the fleet protocol, against a scripted store: what the
 * mutation run of src/Breaker.ts found unchecked outside the fleet tests (which start Redis and child
 * processes, and are left out of mutation runs; see docs/testing.md "Mutation testing"). Each test
 * names the behaviour it pins.
 */
import { Breaker, Decision, type Listener, type Store } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { flush } from './_support/timers'

const record = (phase: Store.Phase, epoch: number, more: Partial<Store.Shared> = {}): Store.Shared => ({
  phase,
  epoch,
  attempt: 0,
  openFor: phase === 'Open' ? 30_000 : 0,
  remaining: phase === 'Open' ? 30_000 : 0,
  holder: '',
  ...more
})

const reply = (outcome: Store.Reply['outcome'], r: Store.Shared): Promise<Store.Reply> =>
  Promise.resolve({ outcome, record: r })

/** A store whose answers each test scripts, and which keeps the proposals and the watcher it is given. */
const scripted = () => {
  const proposals: Array<Store.Proposal> = []
  const answers = {
    load: (): Promise<unknown> => Promise.resolve(record('Closed', 0)),
    propose: (_: Store.Proposal): Promise<unknown> => reply('accepted', record('Closed', 0)),
    claim: (): Promise<unknown> => reply('local', record('Closed', 0))
  }
  let watcher: Store.Watcher | undefined
  const store: Store.Store = {
    id: 'me',
    load: () => answers.load() as Promise<Store.Shared>,
    propose: (_, p) => {
      proposals.push(p)
      return answers.propose(p) as Promise<Store.Reply>
    },
    claim: () => answers.claim() as Promise<Store.Reply>,
    watch: (_, w) => {
      watcher = w
      return () => undefined
    }
  }
  return { store, answers, proposals, watcher: (): Store.Watcher => watcher! }
}

const setup = async () => {
  const clock = testClock(0)
  const s = scripted()
  const events: Array<Listener.BreakerEvent> = []
  const b = Breaker.make(
    { failureThreshold: 1, openFor: 30_000 },
    { name: 'users', clock: clock.now, store: s.store, listeners: [(e) => void events.push(e)] }
  )()
  await flush()
  const fleetChanges = () =>
    events
      .filter((e): e is Listener.FleetChanged => e._tag === 'FleetChanged')
      .map((e) => `${e.change}:${e.to}@${e.epoch}`)
  const count = (tag: Listener.BreakerEvent['_tag']) => events.filter((e) => e._tag === tag).length
  return { clock, b, ...s, events, fleetChanges, count }
}

const fail = (b: Breaker.Breaker): void => b.record(b.admit() as Decision.Permit, 'failure')

/** Trips `t.b`, the fleet accepting the trip at epoch 1, and lets its open period (30 s) pass. */
const tripAndWait = async (t: Awaited<ReturnType<typeof setup>>): Promise<void> => {
  t.answers.propose = () => reply('accepted', record('Open', 1))
  fail(t.b)
  await flush()
  t.clock.advance(30_000)
}

describe('a breaker joining its fleet', () => {
  it('adopts the record its first load reads', async () => {
    const clock = testClock(0)
    const s = scripted()
    s.answers.load = () => Promise.resolve(record('Open', 2))
    const b = Breaker.make({}, { name: 'users', clock: clock.now, store: s.store })()
    expect(b.state()._tag).toBe('Closed')
    await flush()
    expect(b.state()._tag).toBe('Open')
  })

  it('reports a first load that fails, and protects alone', async () => {
    const clock = testClock(0)
    const s = scripted()
    s.answers.load = () => Promise.reject(new Error('no store'))
    const seen: Array<string> = []
    const b = Breaker.make(
      { failureThreshold: 1 },
      {
        name: 'users',
        clock: clock.now,
        store: s.store,
        listeners: [(e) => void seen.push(e._tag === 'StoreFailed' ? `StoreFailed:${e.operation}` : e._tag)]
      }
    )()
    await flush()
    expect(seen).toEqual(['StoreFailed:load', 'StoreDegraded'])
    fail(b)
    expect(b.state()._tag).toBe('Open')
  })
})

describe('what a breaker reports of its proposals and claims', () => {
  it('reports a change of the fleet when a proposal of its own is accepted at a newer epoch, only then', async () => {
    const accepted = await setup()
    accepted.answers.propose = () => reply('accepted', record('Open', 1))
    fail(accepted.b)
    await flush()
    expect(accepted.fleetChanges()).toEqual(['Trip:Open@1'])

    const voted = await setup() // a vote counted, the fleet not yet open
    voted.answers.propose = () => reply('voted', record('Closed', 1))
    fail(voted.b)
    await flush()
    expect(voted.fleetChanges()).toEqual([])

    const seen = await setup() // accepted, but at the epoch it had seen already
    seen.answers.propose = () => reply('accepted', record('Open', 0))
    fail(seen.b)
    await flush()
    expect(seen.fleetChanges()).toEqual([])
  })

  it('reports a change of the fleet when a claim of its own is granted at a newer epoch, only then', async () => {
    const probeOf = async (outcome: Store.Reply['outcome'], epoch: number) => {
      const t = await setup()
      await tripAndWait(t)
      t.answers.claim = () => reply(outcome, record('HalfOpen', epoch, { holder: 'me', remaining: 1_000 }))
      const probe = t.b.admit() as Decision.Permit
      expect(await t.b.claim(probe)).toBe(probe)
      return t.fleetChanges().filter((c) => c.startsWith('Claim'))
    }
    expect(await probeOf('granted', 2)).toEqual(['Claim:HalfOpen@2'])
    expect(await probeOf('local', 2)).toEqual([])
    expect(await probeOf('granted', 1)).toEqual([])
  })

  it('decides on the record a refused claim brings: another process probes, so this call is rejected', async () => {
    const t = await setup()
    await tripAndWait(t)
    t.answers.claim = () => reply('refused', record('HalfOpen', 2, { holder: 'p2', remaining: 1_000 }))
    const probe = t.b.admit() as Decision.Permit
    const decided = await t.b.claim(probe)
    expect(decided).not.toBe(probe)
    expect(Decision.isPermit(decided)).toBe(false)
    expect(t.b.state()._tag).toBe('HalfOpen')
    expect(t.fleetChanges()).toEqual(['Trip:Open@1'])
  })

  it('adopts the record a refused proposal brings: a verdict the fleet overtook', async () => {
    const t = await setup()
    await tripAndWait(t)
    const probe = t.b.admit() as Decision.Permit
    // the probe succeeds here, but the fleet has opened again meanwhile
    t.answers.propose = () => reply('refused', record('Open', 5))
    t.b.record(probe, 'success')
    expect(t.b.state()._tag).toBe('Closed')
    await flush()
    expect(t.proposals.map((p) => p._tag)).toEqual(['Trip', 'Verdict'])
    expect(t.b.state()._tag).toBe('Open')
  })
})

describe('a lease in an adopted half-open record', () => {
  it("leaves the probe slots free when the lease is this process's own, and takes them when not", async () => {
    const own = await setup()
    own.watcher().onRecord(record('HalfOpen', 3, { holder: 'me', remaining: 5_000 }))
    expect(Decision.isPermit(own.b.admit())).toBe(true)
    const other = await setup()
    other.watcher().onRecord(record('HalfOpen', 3, { holder: 'p2', remaining: 5_000 }))
    expect(Decision.isPermit(other.b.admit())).toBe(false)
  })
})

describe('re-synchronizing after an outage', () => {
  // a trip whose proposal was answered with garbage: unshared, and the store degraded
  const trippedUnshared = async () => {
    const t = await setup()
    t.answers.propose = () => Promise.resolve({ outcome: 'maybe' })
    fail(t.b)
    await flush()
    expect(t.count('StoreDegraded')).toBe(1)
    t.answers.propose = () => reply('accepted', record('Open', 4))
    return t
  }

  it('pushes an Open the fleet never heard of, at the epoch the store answers with, and keeps it', async () => {
    const t = await trippedUnshared()
    t.watcher().onRecord(record('Closed', 3))
    await flush()
    expect(t.count('StoreRecovered')).toBe(1)
    expect(t.proposals).toMatchObject([{ _tag: 'Trip' }, { _tag: 'Trip', expect: 3 }])
    expect(t.b.state()._tag).toBe('Open')
  })

  it('pushes nothing after an outage that left nothing unshared: a trip the fleet accepted', async () => {
    const t = await setup()
    t.answers.propose = () => reply('accepted', record('Open', 1))
    fail(t.b)
    await flush()
    t.watcher().onFailure(new Error('poll failed'))
    await flush()
    expect(t.count('StoreDegraded')).toBe(1)
    t.watcher().onRecord(record('Open', 1))
    await flush()
    expect(t.count('StoreRecovered')).toBe(1)
    expect(t.proposals.map((p) => p._tag)).toEqual(['Trip'])
  })

  it('pushes it once: a second outage, with nothing unshared, ends without a push', async () => {
    const t = await trippedUnshared()
    t.watcher().onRecord(record('Closed', 3))
    await flush()
    t.watcher().onFailure(new Error('poll failed'))
    await flush()
    expect(t.count('StoreDegraded')).toBe(2)
    t.watcher().onRecord(record('Open', 4))
    await flush()
    expect(t.count('StoreRecovered')).toBe(2)
    expect(t.proposals).toHaveLength(2)
  })

  it('ends the handling of a reply that brought the push: the reply itself is not adopted', async () => {
    const t = await setup()
    await tripAndWait(t)
    const probe = t.b.admit() as Decision.Permit
    // the verdict's proposal is answered late; meanwhile the breaker opens again, unshared
    let answerVerdict: (r: Store.Reply) => void = () => undefined
    t.answers.propose = () => new Promise((resolve) => (answerVerdict = resolve))
    t.b.record(probe, 'success')
    t.answers.propose = () => Promise.resolve({ outcome: 'maybe' })
    fail(t.b)
    await flush()
    expect(t.count('StoreDegraded')).toBe(1)
    t.answers.propose = () => reply('accepted', record('Open', 3))
    // the late answer, the store's first since: the fleet moved on to another process's probe
    answerVerdict({ outcome: 'refused', record: record('HalfOpen', 2, { holder: 'p2', remaining: 1_000 }) })
    await flush()
    expect(t.count('StoreRecovered')).toBe(1)
    expect(t.proposals.map((p) => p._tag)).toEqual(['Trip', 'Verdict', 'Trip', 'Trip'])
    expect(t.proposals[3]).toMatchObject({ _tag: 'Trip', expect: 2 })
    expect(t.b.state()._tag).toBe('Open')
    expect(t.fleetChanges()).toEqual(['Trip:Open@1', 'Trip:Open@3'])
  })

  it('re-synchronizes as well with nobody listening', async () => {
    const clock = testClock(0)
    const s = scripted()
    const b = Breaker.make(
      { failureThreshold: 1 },
      { name: 'users', clock: clock.now, store: s.store, onListenerError: () => undefined }
    )()
    await flush()
    s.answers.propose = () => Promise.resolve({ outcome: 'maybe' })
    fail(b)
    await flush()
    s.answers.propose = () => reply('accepted', record('Open', 4))
    s.watcher().onRecord(record('Closed', 3))
    await flush()
    expect(s.proposals).toMatchObject([{ _tag: 'Trip' }, { _tag: 'Trip', expect: 3 }])
    expect(b.state()._tag).toBe('Open')
  })

  it('names what is wrong with a record from its store that is not one, and keeps its state', async () => {
    const t = await setup()
    t.watcher().onRecord({ ...record('Open', 2), epoch: -1 })
    t.watcher().onRecord('Open' as never)
    await flush()
    const failed = t.events.filter((e): e is Listener.StoreFailed => e._tag === 'StoreFailed')
    expect(failed.map((e) => e.operation)).toEqual(['adopt', 'adopt'])
    expect(String(failed[0]!.error)).toMatch(/- epoch: expected a non-negative integer, got -1$/)
    expect(String(failed[1]!.error)).toMatch(/- record: expected /)
    expect(t.b.state()._tag).toBe('Closed')
  })

  it('names a reply from its store that is not one', async () => {
    const t = await setup()
    t.answers.propose = () => Promise.resolve('yes')
    fail(t.b)
    await flush()
    const failed = t.events.filter((e): e is Listener.StoreFailed => e._tag === 'StoreFailed')
    expect(failed.map((e) => e.operation)).toEqual(['propose'])
    expect(String(failed[0]!.error)).toMatch(/- reply: expected /)
  })

  it('does not count a record it refuses as an outage: no StoreDegraded, no StoreRecovered after it', async () => {
    const t = await setup()
    const twoDays = 2 * 24 * 60 * 60 * 1_000
    t.watcher().onRecord(record('Open', 5, { openFor: twoDays, remaining: twoDays }))
    await flush()
    expect(t.count('StoreFailed')).toBe(1)
    t.watcher().onRecord(record('Open', 5))
    await flush()
    expect(t.b.state()._tag).toBe('Open')
    expect(t.count('StoreDegraded')).toBe(0)
    expect(t.count('StoreRecovered')).toBe(0)
  })
})
