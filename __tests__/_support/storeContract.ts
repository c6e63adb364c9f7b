/**
 * The store contract: what any `Store` must do for breakers to share transitions through it. Call
 * `storeContract(name, backend)` from a test file with a factory of fresh backends; each `connect()`
 * stands for one process's connection. Every store the project ships runs this suite.
 */
import * as O from 'fp-ts/Option'
import type { Store } from 'tripswitch'

export interface Backend {
  readonly connect: () => Store.Store
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Waits until `check` holds, a few event-loop turns at most. */
const eventually = async (check: () => boolean, turns = 50): Promise<void> => {
  for (let i = 0; i < turns && !check(); i++) await tick()
}

export const storeContract = (name: string, backend: () => Backend): void => {
  describe(`${name} (store contract)`, () => {
    const record = (generation: number): Store.Shared => ({
      state: { _tag: 'ForcedOpen', generation, since: 10 },
      at: 10
    })

    it('loads nothing for a name never published', async () => {
      const store = backend().connect()
      expect(await store.load('never')).toEqual(O.none)
    })

    it('loads the latest record published for a name, through any connection', async () => {
      const b = backend()
      const a = b.connect()
      await a.publish('users', record(1))
      await a.publish('users', record(2))
      expect(await b.connect().load('users')).toEqual(O.some(record(2)))
    })

    it('keeps names apart', async () => {
      const b = backend()
      await b.connect().publish('users', record(1))
      expect(await b.connect().load('payments')).toEqual(O.none)
    })

    it("delivers a record to the other connections' watchers, not to the publisher's own", async () => {
      const b = backend()
      const a = b.connect()
      const c = b.connect()
      const toA: Array<Store.Shared> = []
      const toC: Array<Store.Shared> = []
      a.watch('users', (r) => toA.push(r))
      c.watch('users', (r) => toC.push(r))
      await a.publish('users', record(3))
      await eventually(() => toC.length > 0)
      expect(toC).toEqual([record(3)])
      expect(toA).toEqual([])
    })

    it('stops delivering once a watch is ended', async () => {
      const b = backend()
      const a = b.connect()
      const seen: Array<Store.Shared> = []
      const stop = b.connect().watch('users', (r) => seen.push(r))
      stop()
      await a.publish('users', record(4))
      await tick()
      expect(seen).toEqual([])
    })

    it('delivers records as data that survives JSON (no functions, no prototypes)', async () => {
      const b = backend()
      await b.connect().publish('users', record(5))
      const loaded = await b.connect().load('users')
      expect(JSON.parse(JSON.stringify(loaded))).toEqual(loaded)
    })
  })
}
