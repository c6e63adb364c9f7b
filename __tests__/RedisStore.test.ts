/**
 * `tripswitch/redis` on a real redis-server started by this file: the store contract, the script's
 * own duties (loaded by SHA and reloaded after `SCRIPT FLUSH`, hash tags, expiry, records that are
 * missing, corrupt or of another type read as closed at epoch 0), the poll that makes up for a lost
 * push, the checks of the client's settings, and breakers of one name sharing through it.
 */
import Redis from 'ioredis'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { Breaker, type Listener, type Store, withBreaker } from 'tripswitch'
import { RedisStore } from 'tripswitch/redis'
import { useRedisServer } from './_support/redisServer'
import { storeContract } from './_support/storeContract'

const server = useRedisServer()
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const clients: Array<Redis> = []
const client = (): Redis => {
  const c = new Redis({
    port: server().port,
    enableOfflineQueue: false,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    disconnectTimeout: 100
  })
  c.on('error', () => undefined)
  clients.push(c)
  return c
}
const ready = async (c: Redis): Promise<Redis> => {
  if (c.status !== 'ready') await new Promise((resolve) => c.once('ready', resolve))
  return c
}

let prefixes = 0
const fresh = (): string => `test${++prefixes}:`

afterAll(async () => {
  await Promise.all(
    clients.splice(0).map((c) =>
      c.status === 'ready'
        ? c.quit().then(
            () => undefined,
            () => c.disconnect()
          )
        : c.disconnect()
    )
  )
})

storeContract('RedisStore', async (rules) => {
  const c = await ready(client())
  const prefix = fresh()
  const stores: Array<RedisStore.RedisStore> = []
  return {
    connect: () => {
      const s = RedisStore.make({ client: c, prefix, ...rules })
      stores.push(s)
      return s
    },
    close: async () => {
      for (const s of stores) await s.close()
    }
  }
})

describe('RedisStore', () => {
  it("keeps a breaker's keys under one hash tag, expiring after the deadline plus the ttl", async () => {
    const c = await ready(client())
    const store = RedisStore.make({ client: c, prefix: 'tags:', ttl: 10_000, quorum: 2 })
    await store.propose('pay{ments}', { _tag: 'Trip', expect: 0, openFor: 5_000, attempt: 0 })
    await store.propose('users', { _tag: 'Trip', expect: 0, openFor: 5_000, attempt: 0 })
    const keys = (await c.keys('tags:*')).sort()
    expect(keys).toEqual(['tags:{pay{ments}}:votes', 'tags:{users}:votes'])
    const other = RedisStore.make({ client: c, prefix: 'tags:', ttl: 10_000, quorum: 2 })
    await other.propose('users', { _tag: 'Trip', expect: 0, openFor: 5_000, attempt: 0 })
    expect(await c.exists('tags:{users}')).toBe(1)
    const ttl = await c.pttl('tags:{users}')
    expect(ttl).toBeGreaterThan(14_000)
    expect(ttl).toBeLessThanOrEqual(15_000)
    await Promise.all([store.close(), other.close()])
  })

  it('reloads its script after SCRIPT FLUSH (NOSCRIPT)', async () => {
    const c = await ready(client())
    const store = RedisStore.make({ client: c, prefix: fresh() })
    expect((await store.load('users')).epoch).toBe(0)
    await c.script('FLUSH')
    const reply = await store.propose('users', { _tag: 'Trip', expect: 0, openFor: 1_000, attempt: 0 })
    expect(reply).toMatchObject({ outcome: 'accepted', record: { phase: 'Open', epoch: 1 } })
    await store.close()
  })

  it.each([
    ['of another type', (c: Redis, key: string) => c.set(key, 'hello')],
    ['with fields that do not parse', (c: Redis, key: string) => c.hset(key, 'phase', 'Open', 'epoch', 'x')],
    [
      'of an unknown phase',
      (c: Redis, key: string) =>
        c.hset(key, 'phase', 'Ajar', 'epoch', '5', 'attempt', '0', 'openFor', '0', 'until', '0')
    ]
  ])('reads a record %s as closed at epoch 0, and replaces it on the next change', async (_, corrupt) => {
    const c = await ready(client())
    const prefix = fresh()
    await corrupt(c, `${prefix}{users}`)
    const store = RedisStore.make({ client: c, prefix })
    expect(await store.load('users')).toMatchObject({ phase: 'Closed', epoch: 0 })
    const reply = await store.propose('users', { _tag: 'Trip', expect: 0, openFor: 1_000, attempt: 0 })
    expect(reply.record).toMatchObject({ phase: 'Open', epoch: 1 })
    expect(await c.hget(`${prefix}{users}`, 'phase')).toBe('Open')
    await store.close()
  })

  it('polls the names whose breakers had calls, delivering what a lost push missed', async () => {
    const c = await ready(client())
    const prefix = fresh()
    const store = RedisStore.make({ client: c, prefix, pollInterval: 40 })
    const seen: Array<Store.Shared> = []
    let calls = 0
    store.watch('users', {
      onRecord: (r) => seen.push(r),
      onFailure: () => undefined,
      active: () => calls++ < 3
    })
    // written behind the store's back: no push
    await c.hset(
      `${prefix}{users}`,
      'phase',
      'ForcedOpen',
      'epoch',
      '7',
      'attempt',
      '0',
      'openFor',
      '0',
      'until',
      '0',
      'holder',
      ''
    )
    await sleep(300)
    // three polls while active (and the read made when the subscription went live, which may come
    // before the write)
    const polled = seen.filter((r) => r.epoch === 7)
    expect(polled.length).toBeGreaterThanOrEqual(3)
    expect(seen.length).toBe(4)
    expect(polled[0]).toMatchObject({ phase: 'ForcedOpen', epoch: 7 })
    await store.close()
  })

  it('reads every watched name once its subscription is live: a change published before is not lost', async () => {
    const c = await ready(client())
    const prefix = fresh()
    const writer = RedisStore.make({ client: c, prefix })
    await writer.propose('users', { _tag: 'Trip', expect: 0, openFor: 60_000, attempt: 0 })
    const store = RedisStore.make({ client: c, prefix, pollInterval: 60_000 })
    const seen: Array<Store.Shared> = []
    store.watch('users', { onRecord: (r) => seen.push(r), onFailure: () => undefined, active: () => false })
    await sleep(200)
    expect(seen).toMatchObject([{ phase: 'Open', epoch: 1 }])
    await Promise.all([writer.close(), store.close()])
  })

  it('reports a poll that fails to the watcher, and never throws', async () => {
    const c = await ready(client())
    const store = RedisStore.make({ client: c, prefix: fresh(), pollInterval: 30 })
    const failures: Array<unknown> = []
    store.watch('users', {
      onRecord: () => undefined,
      onFailure: (e) => failures.push(e),
      active: () => true
    })
    c.disconnect()
    await sleep(200)
    expect(failures.length).toBeGreaterThan(0)
    await store.close()
  })

  it('checks the client settings a breaker needs, naming each', () => {
    const loose = new Redis({
      port: server().port,
      lazyConnect: true,
      maxRetriesPerRequest: null,
      disconnectTimeout: 100
    })
    clients.push(loose)
    expect(() => RedisStore.make({ client: loose })).toThrow(
      /enableOfflineQueue: false[\s\S]*commandTimeout[\s\S]*maxRetriesPerRequest/
    )
    expect(() => RedisStore.make({ client: {} as Redis })).toThrow(/expected an ioredis client/)
    expect(() =>
      RedisStore.make({ client: client(), quorum: 0, prefix: 'a{b', ttl: -1, nope: 1 } as never)
    ).toThrow(/nope: unknown option[\s\S]*prefix[\s\S]*ttl[\s\S]*quorum/)
  })

  it('shares one breaker between processes: a trip opens both, one probe closes both', async () => {
    const prefix = fresh()
    const make = async () => {
      const store = RedisStore.make({ client: await ready(client()), prefix })
      const b = Breaker.make(
        { failureThreshold: 2, openFor: 200, probeLease: 2_000 },
        { name: 'users', store }
      )()
      return { store, b }
    }
    const one = await make()
    const two = await make()
    const adopted: Array<Listener.BreakerEvent> = []
    two.b.subscribe((e) => {
      if (e._tag === 'Transition') adopted.push(e)
    })
    await sleep(50)
    for (let i = 0; i < 2; i++) await withBreaker(one.b)(TE.left('down'))()
    await sleep(100)
    expect(two.b.state()._tag).toBe('Open')
    expect(adopted).toMatchObject([{ from: 'Closed', to: 'Open', why: 'adopted' }])
    await sleep(200)
    let probes = 0
    const up = TE.fromTask(async () => {
      probes++
      await sleep(50)
      return 'up'
    })
    const results = await Promise.all([withBreaker(one.b)(up)(), withBreaker(two.b)(up)()])
    expect(probes).toBe(1)
    expect(results.filter(E.isRight)).toHaveLength(1)
    await sleep(100)
    expect(one.b.state()._tag).toBe('Closed')
    expect(two.b.state()._tag).toBe('Closed')
    await Promise.all([one.store.close(), two.store.close()])
  })
})
