/**
 * The fleet scenarios that both Fleet.test.ts (which asserts bounds on them) and bench/fleet.ts (which
 * reports their figures) run: one redis-server, one HTTP dependency, one fleet of processes.
 *
 * Counting is at the dependency. Under load a call sent before a trip can arrive much later, even after
 * its sender gave up on it (the dependency and the processes share two cores): probes are therefore the
 * calls *sent* after the fleet opened (`hitsSince`), while discovery counts every call that *met* the
 * failing dependency.
 */
import type { Dependency, Hit } from './dependency'
import type { Fleet } from './fleet'
import type { Report, Setup } from './fleetProtocol'
import { send, type RedisServer } from './redisServer'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface World {
  readonly redis: RedisServer
  readonly dep: Dependency
  readonly fleet: Fleet
}

export interface Options {
  readonly shared: boolean
  readonly openFor: number
  readonly failureThreshold?: number
  /** The breaker's `probeLease` (how long a probe holds the fleet's lease). */
  readonly probeLease?: number
  readonly storeTimeout?: number
  readonly quorum?: number
  /** Milliseconds added to the breaker's clock of process `i`. */
  readonly clockOffset?: (i: number) => number
  readonly requestTimeout?: number
}

export const defaultThreshold = 3

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `f` every 20 ms until it holds; fails naming `what` after `ms`. */
export const until = async (what: string, ms: number, f: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + ms
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`)
    await sleep(20)
  }
}

/** Splits hits (in arrival order) into groups separated by quiet gaps of at least `gap` ms. */
export const bursts = (hits: ReadonlyArray<Hit>, gap: number): ReadonlyArray<ReadonlyArray<Hit>> => {
  const out: Array<Array<Hit>> = []
  let last = -Infinity
  for (const h of hits) {
    if (out.length === 0 || h.at - last >= gap) out.push([h])
    else out[out.length - 1]!.push(h)
    last = h.at
  }
  return out
}

/** The value at percentile `p` (nearest rank). */
export const percentile = (xs: ReadonlyArray<number>, p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN
}

// one name and one key prefix per set-up, so that no scenario sees another's record
let round = 0

/** Sets every process up with a fresh breaker, shared on the world's Redis or not. */
export const configure = async (w: World, o: Options): Promise<void> => {
  round++
  const storeTimeout = o.storeTimeout ?? 300
  w.dep.setHealth('healthy')
  await w.fleet.setup((i): Setup => ({
    id: `p${i}`,
    name: `dep-${round}`,
    config: {
      failureThreshold: o.failureThreshold ?? defaultThreshold,
      openFor: o.openFor,
      ...(o.probeLease === undefined ? {} : { probeLease: o.probeLease })
    },
    dependency: w.dep.url,
    requestTimeout: o.requestTimeout ?? 1_000,
    store: o.shared
      ? {
          _tag: 'Redis',
          url: w.redis.url,
          prefix: `fleet-${process.pid}-${round}:`,
          commandTimeout: storeTimeout,
          ...(o.quorum === undefined ? {} : { quorum: o.quorum })
        }
      : { _tag: 'None' },
    storeTimeout,
    ...(o.clockOffset === undefined ? {} : { clockOffset: o.clockOffset(i) })
  }))
  if (o.shared) {
    // each store subscribes to its prefix's channel (`<prefix>changes`, RedisStore's) on a connection
    // it opens in the background: a trip published before every process listens would reach the idle
    // ones only at their next call, so the scenarios start once all of them do
    const channel = `fleet-${process.pid}-${round}:changes`
    const n = w.fleet.members.length
    await until(`${n} processes subscribe to ${channel}`, 15_000, async () => {
      const reply = await send(w.redis.port, `PUBSUB NUMSUB ${channel}`)
      return Number(/:(\d+)$/.exec(reply)?.[1]) === n
    })
  }
}

export const opened = (r: Report): boolean => r.firstOpenAt !== null

export const allOpen = async (w: World): Promise<boolean> => (await w.fleet.reports()).every(opened)

/** Every process has opened, and no call it admitted is still in flight. */
export const drained = async (w: World): Promise<boolean> =>
  (await w.fleet.reports()).every((r) => opened(r) && r.inFlight === 0)

// -------------------------------------------------------------------------------------
// scenarios
// -------------------------------------------------------------------------------------

export interface Discovery {
  readonly reports: ReadonlyArray<Report>
  /** Calls that reached the dependency while it was failing, until every process rejected. */
  readonly hits: ReadonlyArray<Hit>
  /** ms from the first process in Open to the last. */
  readonly propagation: number
  /**
   * The bound for a shared fleet: the threshold, + one call from each other process arriving
   * before the trip (each sends one per 50 ms, the busy one trips within a few), + the calls in flight
   * when each process opened, + what arrives (at 340 calls/s fleet-wide) during the propagation delay.
   */
  readonly bound: number
}

/**
 * One busy process (200 calls/s) and the others quiet (20/s each) call a healthy dependency, which then
 * fails; counted until every process rejects. Alone, each quiet process must see its own threshold of
 * failures; in a fleet, the busy one's trip opens them all. The open period (10 s) is longer than the
 * scenario, so no probe is counted.
 */
export const discovery = async (w: World, shared: boolean): Promise<Discovery> => {
  await configure(w, { shared, openFor: 10_000 })
  const [busy, ...quiet] = w.fleet.members
  await busy!.load({ _tag: 'Rate', perSecond: 200 })
  for (const m of quiet) await m.load({ _tag: 'Rate', perSecond: 20 })
  await sleep(300)
  const failedAt = Date.now()
  w.dep.setHealth('failing')
  await until('every process rejects', 10_000, () => allOpen(w))
  const reports = await w.fleet.idle()
  const opens = reports.map((r) => r.firstOpenAt as number)
  const propagation = Math.max(...opens) - Math.min(...opens)
  const rate = 200 + 20 * quiet.length
  const inFlight = reports.reduce((n, r) => n + r.inFlightAtOpen, 0)
  return {
    reports,
    hits: w.dep.hits().filter((h) => h.at >= failedAt && h.health === 'failing'),
    propagation,
    bound: defaultThreshold + quiet.length + inFlight + Math.ceil((rate * propagation) / 1_000)
  }
}

/**
 * One process trips (threshold failing calls) while the others are idle: ms from its Open to the last
 * process's (each process's own listener, on this machine's clock).
 */
export const propagation = async (w: World): Promise<number> => {
  await configure(w, { shared: true, openFor: 10_000 })
  w.dep.setHealth('failing')
  await w.fleet.members[0]!.call(defaultThreshold)
  await until('every process opens', 10_000, () => allOpen(w))
  const reports = await w.fleet.reports()
  return Math.max(...reports.map((r) => r.firstOpenAt as number)) - (reports[0]!.firstOpenAt as number)
}

export interface Probing {
  readonly reports: ReadonlyArray<Report>
  /** Calls that reached the dependency after the fleet opened and the calls in flight settled. */
  readonly probes: ReadonlyArray<Hit>
  /** Those calls grouped by open period (a quiet gap of half an open period between groups). */
  readonly leases: ReadonlyArray<ReadonlyArray<Hit>>
  /**
   * Calls the breakers admitted over about the same time: the same calls, but for one admitted or
   * arriving while the start was being read.
   */
  readonly admitted: number
}

/**
 * `callers` concurrent callers spread over the fleet, each calling again `pause` ms after each outcome,
 * against a failing dependency, for `cycles` open periods after the fleet opened.
 */
export const probing = async (
  w: World,
  openFor: number,
  callers: number,
  /** ms each caller waits after an outcome before its next call. */
  pause: number,
  cycles: number
): Promise<Probing> => {
  await configure(w, { shared: true, openFor })
  w.dep.setHealth('failing')
  await w.fleet.load({ _tag: 'Callers', callers: Math.round(callers / w.fleet.members.length), pause })
  let before = 0
  await until('every process rejects and its calls in flight settle', 20_000, async () => {
    const reports = await w.fleet.reports()
    before = reports.reduce((n, r) => n + r.admitted, 0)
    return reports.every((r) => opened(r) && r.inFlight === 0)
  })
  const settled = Date.now()
  await sleep(cycles * openFor + openFor / 2)
  const reports = await w.fleet.idle()
  const probes = w.dep.hitsSince(settled)
  return {
    reports,
    probes,
    leases: bursts(probes, openFor / 2),
    admitted: reports.reduce((n, r) => n + r.admitted, 0) - before
  }
}
