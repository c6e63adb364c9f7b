/**
 * The store contract: what any `Store` must do for a fleet of breakers to share transitions through
 * it. Call `storeContract(name, backend)` from a test file with a factory of fresh backends (given the
 * quorum rules); each `connect()` stands for one process. Every store the project ships runs this
 * suite: `Store.memory` (Store.test.ts) and `RedisStore` on a real server (RedisStore.test.ts). Times
 * are real and short: a store decides by its own clock.
 */
import type { Store } from 'tripswitch'

export interface Backend {
  readonly connect: () => Store.Store
  /** Ends what the backend holds open (connections, timers). */
  readonly close?: () => Promise<void>
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check` holds, for at most `ms`. */
const eventually = async (check: () => boolean, ms = 2_000): Promise<void> => {
  const end = Date.now() + ms
  while (!check() && Date.now() < end) await sleep(5)
}

const trip = (expect: number, openFor = 40, attempt = 0): Store.Proposal => ({
  _tag: 'Trip',
  expect,
  openFor,
  attempt
})

const idle: Omit<Store.Watcher, 'onRecord'> = { onFailure: () => undefined, active: () => false }

export const storeContract = (
  name: string,
  backend: (rules?: Partial<Store.Rules>) => Backend | Promise<Backend>
): void => {
  describe(`${name} (store contract)`, () => {
    const opened: Array<Backend> = []
    const open = async (rules?: Partial<Store.Rules>): Promise<Backend> => {
      const b = await backend(rules)
      opened.push(b)
      return b
    }
    afterEach(async () => {
      for (const b of opened.splice(0)) await b.close?.()
    })

    it('reads a name never written as closed at epoch 0', async () => {
      const store = (await open()).connect()
      expect(await store.load('never')).toEqual({
        phase: 'Closed',
        epoch: 0,
        attempt: 0,
        openFor: 0,
        remaining: 0,
        holder: ''
      })
    })

    it('gives every handle its own id', async () => {
      const b = await open()
      const ids = new Set([b.connect().id, b.connect().id, b.connect().id])
      expect(ids.size).toBe(3)
    })

    it('opens the fleet on a trip, with the deadline as time remaining, and keeps names apart', async () => {
      const b = await open()
      const a = b.connect()
      const reply = await a.propose('users', trip(0, 10_000, 0))
      expect(reply.outcome).toBe('accepted')
      expect(reply.record).toMatchObject({ phase: 'Open', epoch: 1, attempt: 0, openFor: 10_000 })
      expect(reply.record.remaining).toBeLessThanOrEqual(10_000)
      expect(reply.record.remaining).toBeGreaterThan(9_000)
      const loaded = await b.connect().load('users')
      expect(loaded).toMatchObject({ phase: 'Open', epoch: 1 })
      expect((await b.connect().load('payments')).epoch).toBe(0)
    })

    it('refuses a proposal that has not seen the latest epoch, with the record it missed', async () => {
      const b = await open()
      const a = b.connect()
      const c = b.connect()
      await a.propose('users', trip(0))
      const stale = await c.propose('users', trip(0))
      expect(stale).toMatchObject({ outcome: 'refused', record: { phase: 'Open', epoch: 1 } })
      const verdict = await c.propose('users', {
        _tag: 'Verdict',
        expect: 0,
        phase: 'Closed',
        openFor: 0,
        attempt: 0
      })
      expect(verdict.outcome).toBe('refused')
    })

    it('refuses every claim while open, then grants exactly one of many at once', async () => {
      const b = await open()
      const handles = Array.from({ length: 6 }, () => b.connect())
      // open for 300 ms: long enough that the first claim comes while open on a loaded machine
      await handles[0]!.propose('users', trip(0, 300))
      const early = await handles[1]!.claim('users', 1, 500)
      expect(early.outcome).toBe('refused')
      expect(early.record.remaining).toBeGreaterThan(0)
      await sleep(330)
      const replies = await Promise.all(handles.map((h) => h.claim('users', 1, 500)))
      const granted = replies.filter((r) => r.outcome === 'granted')
      expect(granted).toHaveLength(1)
      const winner = handles[replies.findIndex((r) => r.outcome === 'granted')]!
      expect(granted[0]!.record).toMatchObject({ phase: 'HalfOpen', epoch: 2, holder: winner.id })
      for (const r of replies.filter((r) => r.outcome !== 'granted')) {
        expect(r).toMatchObject({ outcome: 'refused', record: { phase: 'HalfOpen', holder: winner.id } })
        expect(r.record.remaining).toBeGreaterThan(300)
      }
      // the holder may claim again (another probe slot); the lease stays as it was
      expect((await winner.claim('users', 2, 500)).outcome).toBe('granted')
    })

    it("lets another process claim once a lease expires, and ignores the old holder's verdict", async () => {
      const b = await open()
      const a = b.connect()
      const c = b.connect()
      await a.propose('users', trip(0, 20))
      await sleep(40)
      expect((await a.claim('users', 1, 40)).outcome).toBe('granted')
      expect((await c.claim('users', 1, 40)).outcome).toBe('refused')
      await sleep(60)
      const taken = await c.claim('users', 2, 500)
      expect(taken).toMatchObject({ outcome: 'granted', record: { epoch: 3, holder: c.id } })
      const late = await a.propose('users', {
        _tag: 'Verdict',
        expect: 2,
        phase: 'Closed',
        openFor: 0,
        attempt: 0
      })
      expect(late).toMatchObject({ outcome: 'refused', record: { phase: 'HalfOpen', holder: c.id } })
      const decided = await c.propose('users', {
        _tag: 'Verdict',
        expect: 3,
        phase: 'Open',
        openFor: 50,
        attempt: 1
      })
      expect(decided).toMatchObject({ outcome: 'accepted', record: { phase: 'Open', epoch: 4, attempt: 1 } })
    })

    it('refuses a verdict of a process that does not hold a live lease', async () => {
      const b = await open()
      const a = b.connect()
      const c = b.connect()
      await a.propose('users', trip(0, 10))
      await sleep(30)
      await a.claim('users', 1, 5_000)
      const other = await c.propose('users', {
        _tag: 'Verdict',
        expect: 2,
        phase: 'Closed',
        openFor: 0,
        attempt: 0
      })
      expect(other.outcome).toBe('refused')
      const own = await a.propose('users', {
        _tag: 'Verdict',
        expect: 2,
        phase: 'Closed',
        openFor: 0,
        attempt: 0
      })
      expect(own).toMatchObject({ outcome: 'accepted', record: { phase: 'Closed', epoch: 3 } })
    })

    it('answers a claim on a closed fleet with `local`, changing nothing', async () => {
      const store = (await open()).connect()
      expect(await store.claim('users', 0, 100)).toMatchObject({ outcome: 'local', record: { epoch: 0 } })
    })

    it('opens the fleet only when `quorum` distinct processes trip within the window', async () => {
      const b = await open({ quorum: 3, quorumWindow: 5_000 })
      const [p, q, r] = [b.connect(), b.connect(), b.connect()]
      expect((await p.propose('users', trip(0))).outcome).toBe('voted')
      expect((await p.propose('users', trip(0))).outcome).toBe('voted')
      expect((await q.propose('users', trip(0))).outcome).toBe('voted')
      expect((await q.load('users')).phase).toBe('Closed')
      expect(await r.propose('users', trip(0))).toMatchObject({
        outcome: 'accepted',
        record: { phase: 'Open', epoch: 1 }
      })
    })

    it('forgets votes older than the quorum window', async () => {
      const b = await open({ quorum: 2, quorumWindow: 40 })
      const [p, q] = [b.connect(), b.connect()]
      expect((await p.propose('users', trip(0))).outcome).toBe('voted')
      await sleep(70)
      expect((await q.propose('users', trip(0))).outcome).toBe('voted')
    })

    it('applies a control whatever the epoch', async () => {
      const b = await open()
      const a = b.connect()
      await a.propose('users', trip(0))
      const reply = await b.connect().propose('users', { _tag: 'Control', expect: 0, phase: 'ForcedOpen' })
      expect(reply).toMatchObject({ outcome: 'accepted', record: { phase: 'ForcedOpen', epoch: 2 } })
      expect((await a.claim('users', 2, 100)).outcome).toBe('refused')
    })

    it("pushes a change to the other handles' watchers, not to the changer's own", async () => {
      const b = await open()
      const a = b.connect()
      const c = b.connect()
      const toA: Array<Store.Shared> = []
      const toC: Array<Store.Shared> = []
      a.watch('users', { ...idle, onRecord: (r) => toA.push(r) })
      c.watch('users', { ...idle, onRecord: (r) => toC.push(r) })
      await sleep(50) // a subscription may take a round trip
      await a.propose('users', trip(0, 10_000))
      // (a store may also deliver the record as it stands, as a poll does: only changes count here)
      const changes = (seen: ReadonlyArray<Store.Shared>) => seen.filter((r) => r.epoch > 0)
      await eventually(() => changes(toC).length > 0)
      expect(changes(toC)).toMatchObject([{ phase: 'Open', epoch: 1 }])
      expect(changes(toC)[0]!.remaining).toBeGreaterThan(9_000)
      await sleep(30)
      expect(changes(toA)).toEqual([])
    })

    it('stops delivering once a watch is ended', async () => {
      const b = await open()
      const a = b.connect()
      const seen: Array<Store.Shared> = []
      const stop = b.connect().watch('users', { ...idle, onRecord: (r) => seen.push(r) })
      await sleep(50)
      stop()
      await a.propose('users', trip(0))
      await sleep(50)
      expect(seen.filter((r) => r.epoch > 0)).toEqual([])
    })

    it('answers with plain data that survives JSON', async () => {
      const b = await open()
      const reply = await b.connect().propose('users', trip(0))
      expect(JSON.parse(JSON.stringify(reply))).toEqual(reply)
    })
  })
}
