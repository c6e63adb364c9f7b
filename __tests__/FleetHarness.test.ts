/**
 * The fleet test harness (`_support/dependency.ts`, `_support/fleet.ts`, `_support/fleetChild.ts`),
 * checked with independent breakers (no store): what Fleet.test.ts counts at the dependency and reads
 * from the processes' reports must be right before it can say anything about a shared breaker. Real
 * processes, sockets and time are the subject.
 */
import * as http from 'node:http'
import { startDependency, type Dependency, processHeader } from './_support/dependency'
import { startFleet, type Fleet } from './_support/fleet'
import type { Setup } from './_support/fleetProtocol'

const get = (url: string, from: string, timeout = 2_000): Promise<number | string> =>
  new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers: { [processHeader]: from }, timeout }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (e) => resolve(e.message))
  })

describe('Fleet harness: the dependency', () => {
  let dep: Dependency
  beforeEach(async () => {
    dep = await startDependency()
  })
  afterEach(() => dep.stop())

  it('answers 200 when healthy and 503 when failing, and records who called and when', async () => {
    const t0 = Date.now()
    expect(await get(dep.url, 'p1')).toBe(200)
    dep.setHealth('failing')
    expect(await get(dep.url, 'p2')).toBe(503)
    expect(dep.hits().map((h) => [h.from, h.health])).toEqual([
      ['p1', 'healthy'],
      ['p2', 'failing']
    ])
    expect(dep.hits()[0]?.at).toBeGreaterThanOrEqual(t0)
    expect(dep.hitsSince(dep.hits()[1]?.at ?? 0).map((h) => h.from)).toEqual(['p2'])
  })

  it('leaves requests hanging until the health changes (or until released), then answers them', async () => {
    dep.setHealth('hanging')
    expect(await get(dep.url, 'p1', 200)).toBe('timeout')
    const recovers = get(dep.url, 'p2', 5_000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    dep.setHealth('healthy')
    expect(await recovers).toBe(200)
    dep.setHealth('hanging')
    const fails = get(dep.url, 'p3', 5_000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    dep.setHealth('failing')
    expect(await fails).toBe(503)
    dep.setHealth('hanging')
    const held = get(dep.url, 'p4', 5_000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    dep.setHealth('failing', 'hold')
    expect(await get(dep.url, 'p5')).toBe(503)
    dep.release('healthy')
    expect(await held).toBe(200)
    expect(dep.hits().map((h) => [h.from, h.health])).toEqual([
      ['p1', 'hanging'],
      ['p2', 'hanging'],
      ['p3', 'hanging'],
      ['p4', 'hanging'],
      ['p5', 'failing']
    ])
  })
})

describe('Fleet harness: processes with independent breakers', () => {
  let dep: Dependency
  let fleet: Fleet
  const setup =
    (failureThreshold: number) =>
    (i: number): Setup => ({
      id: `p${i}`,
      name: 'dep',
      config: { failureThreshold, openFor: 60_000 },
      dependency: dep.url,
      requestTimeout: 1_000,
      store: { _tag: 'None' }
    })

  beforeAll(async () => {
    dep = await startDependency()
    fleet = await startFleet(4)
  }, 60_000)
  afterAll(async () => {
    await fleet?.close()
    await dep?.stop()
  })

  it('calls the dependency through each breaker and reports the outcomes', async () => {
    await fleet.setup(setup(3))
    const outcomes = await Promise.all(fleet.members.map((m) => m.call(2)))
    expect(outcomes).toEqual(fleet.members.map(() => ['success', 'success']))
    expect(new Set(dep.hits().map((h) => h.from))).toEqual(new Set(['p0', 'p1', 'p2', 'p3']))
    const reports = await fleet.reports()
    for (const r of reports) {
      expect([r.calls, r.admitted, r.successes, r.failures, r.rejections, r.thrown]).toEqual([
        2, 2, 2, 0, 0, 0
      ])
      expect(r.state).toBe('Closed')
    }
  })

  it('lets each independent breaker discover the failure on its own: threshold calls each', async () => {
    await fleet.setup(setup(3))
    dep.setHealth('failing')
    const since = Date.now()
    // sequential calls per process, so that none is in flight when the breaker trips
    for (let k = 0; k < 5; k++) await Promise.all(fleet.members.map((m) => m.call(1)))
    const hits = dep.hitsSince(since)
    expect(hits).toHaveLength(4 * 3)
    for (const id of ['p0', 'p1', 'p2', 'p3']) expect(hits.filter((h) => h.from === id)).toHaveLength(3)
    const reports = await fleet.reports()
    for (const r of reports) {
      expect([r.failures, r.rejections, r.thrown, r.state]).toEqual([3, 2, 0, 'Open'])
      expect(r.firstOpenAt).toBeGreaterThanOrEqual(since)
      expect(r.transitions.map((t) => [t.from, t.to, t.why])).toEqual([['Closed', 'Open', 'tripped']])
      expect(r.events['Transition']).toBe(1)
    }
    dep.setHealth('healthy')
  })

  it('runs a load at a rate and reports it when idle', async () => {
    await fleet.setup(setup(3))
    await fleet.load({ _tag: 'Rate', perSecond: 100 })
    await new Promise((resolve) => setTimeout(resolve, 500))
    const reports = await fleet.idle()
    for (const r of reports) {
      // 100/s for about half a second (more if the Idle command comes late on a loaded machine): a
      // wide band that still fails if the load never ran or did not keep to a rate
      expect(r.calls).toBeGreaterThanOrEqual(20)
      expect(r.calls).toBeLessThanOrEqual(200)
      expect(r.successes).toBe(r.calls)
    }
    const after = dep.hits().length
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(dep.hits().length).toBe(after)
  })

  it('runs concurrent callers in loops, and a hanging dependency fails them at the request timeout', async () => {
    await fleet.setup((i) => ({ ...setup(100)(i), requestTimeout: 200 }))
    dep.setHealth('hanging')
    await fleet.load({ _tag: 'Callers', callers: 5, pause: 10 })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const reports = await fleet.idle()
    dep.setHealth('healthy')
    for (const r of reports) {
      expect(r.calls).toBeGreaterThanOrEqual(5)
      expect(r.failures).toBe(r.calls)
      expect(r.thrown).toBe(0)
    }
  })

  it("applies a manual control to a process's breaker", async () => {
    await fleet.setup(setup(3))
    const m = fleet.members[0]!
    await m.control('forceOpen')
    expect(await m.call(1)).toEqual(['rejected'])
    expect((await m.report()).state).toBe('ForcedOpen')
    await m.control('reset')
    expect(await m.call(1)).toEqual(['success'])
  })

  it('fails a request to a process with its id when the process is gone', async () => {
    const small = await startFleet(1)
    await small.close()
    await expect(small.members[0]?.report()).rejects.toThrow('fleet process 0 is not running (asked Report)')
  }, 30_000)
})
