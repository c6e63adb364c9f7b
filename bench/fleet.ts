/**
 * The fleet scenario of `npm run bench`: a breaker shared through `tripswitch/redis`, on a real
 * `redis-server` started for the run (as the tests do), against the same breaker without a store.
 *
 * - closed path: ns per call of `wrap(breaker)(fn)` with a `RedisStore` attached vs without a store,
 *   in this process, paired within each repetition (the target: within 1.1x);
 * - discovery: 8 processes (`__tests__/_support/fleetChild.ts`) call one HTTP dependency on 127.0.0.1,
 *   one busy (200 calls/s) and seven quiet (20/s each), when it starts failing: the calls that reach it
 *   until every process rejects, shared vs independent, with the bound for the shared fleet
 *   (`fleetScenarios.discovery`: threshold + calls in flight + what arrives during the propagation delay);
 * - propagation: one process trips (3 failing calls) while the seven others are idle; the delay from
 *   its trip to the last process entering Open (each process's listener, `Date.now()`), p50 and p99;
 * - probes per lease: 1,000 concurrent callers over the 8 processes against a failing dependency, for
 *   several open periods; calls reaching the dependency after the fleet opened, grouped by open period.
 */
import { Breaker, wrap } from '../src/index'
import { RedisStore } from '../src/redis/index'
import { startDependency } from '../__tests__/_support/dependency'
import { startFleet } from '../__tests__/_support/fleet'
import {
  defaultThreshold as failureThreshold,
  discovery,
  percentile,
  probing,
  propagation,
  type World
} from '../__tests__/_support/fleetScenarios'
import { connectClient } from '../__tests__/_support/redisClient'
import { startRedisServer, type RedisServer } from '../__tests__/_support/redisServer'
import { formatNs, median, nsPerCall, paired, shuffle, summarize, table, type Summary } from './harness'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface FleetFigures {
  readonly processes: number
  readonly failureThreshold: number
  /** ns per call, per repetition. */
  readonly closed: { readonly withStore: Summary; readonly without: Summary; readonly ratio: Summary }
  /** Calls reaching the failed dependency until every process rejects, per repetition. */
  readonly discovery: {
    readonly shared: Summary
    readonly independent: Summary
    /** The bound for each shared repetition. */
    readonly bound: Summary
  }
  /** ms from one process's trip to the last process in Open. */
  readonly propagation: {
    readonly p50: number
    readonly p99: number
    readonly max: number
    readonly samples: number
  }
  readonly probes: { readonly leases: number; readonly perLease: ReadonlyArray<number> }
}

export interface FleetOptions {
  readonly reps: number
  readonly quick: boolean
  readonly rand: () => number
  readonly progress: (line: string) => void
}

const processes = 8
const storeTimeout = 300

// -------------------------------------------------------------------------------------
// closed path
// -------------------------------------------------------------------------------------

const closedPath = async (
  redis: RedisServer,
  o: FleetOptions
): Promise<{ withStore: Array<number>; without: Array<number> }> => {
  const c = await connectClient(redis.url, storeTimeout)
  const store = RedisStore.make({ client: c, prefix: 'bench-closed:' })
  const work = async (): Promise<number> => 1
  const contenders = [
    {
      name: 'with store',
      call: wrap(Breaker.make({ failureThreshold: 5 }, { name: 'closed', store, storeTimeout })())(work)
    },
    { name: 'without', call: wrap(Breaker.make({ failureThreshold: 5 }, { name: 'closed' })())(work) }
  ] as const
  const out = { withStore: [] as Array<number>, without: [] as Array<number> }
  const sampleMs = o.quick ? 40 : 300
  for (const k of contenders) await nsPerCall(k.call, sampleMs / 3)
  for (let rep = 0; rep < o.reps; rep++) {
    for (const k of shuffle(contenders, o.rand)) {
      const ns = await nsPerCall(k.call, sampleMs)
      if (k.name === 'with store') out.withStore.push(ns)
      else out.without.push(ns)
    }
  }
  for (const k of contenders) {
    const state = k.call.breaker.state()._tag
    if (state !== 'Closed') throw new Error(`bench fleet: the closed-path breaker (${k.name}) is ${state}`)
  }
  await store.close()
  c.disconnect()
  return out
}

// -------------------------------------------------------------------------------------
// the scenario
// -------------------------------------------------------------------------------------

export const runFleetBench = async (o: FleetOptions): Promise<FleetFigures> => {
  o.progress('fleet: starting redis-server, the dependency and 8 processes')
  const [redis, dep, fleet] = await Promise.all([
    startRedisServer(),
    startDependency(),
    startFleet(processes)
  ])
  const w: World = { redis, dep, fleet }
  try {
    o.progress(`fleet: closed path with and without the store, ${o.reps} repetitions`)
    const closed = await closedPath(redis, o)
    const reps = o.quick ? 3 : o.reps
    o.progress(`fleet: discovery, shared and independent, ${reps} repetitions`)
    const shared: Array<number> = []
    const independent: Array<number> = []
    const bounds: Array<number> = []
    for (let rep = 0; rep < reps; rep++) {
      for (const s of shuffle([true, false], o.rand)) {
        const d = await discovery(w, s)
        if (s) {
          shared.push(d.hits.length)
          bounds.push(d.bound)
        } else independent.push(d.hits.length)
      }
    }
    const samples = o.quick ? 20 : 100
    o.progress(`fleet: propagation, ${samples} trips`)
    const delays: Array<number> = []
    for (let i = 0; i < samples; i++) delays.push(await propagation(w))
    o.progress('fleet: probes per lease, 1,000 concurrent callers')
    const perLease = (await probing(w, 300, 1_000, 40, o.quick ? 4 : 10)).leases.map((l) => l.length)
    return {
      processes,
      failureThreshold,
      closed: {
        withStore: summarize(closed.withStore),
        without: summarize(closed.without),
        ratio: paired(closed.withStore.length, (rep) => closed.withStore[rep]! / closed.without[rep]!)
      },
      discovery: { shared: summarize(shared), independent: summarize(independent), bound: summarize(bounds) },
      propagation: {
        p50: percentile(delays, 50),
        p99: percentile(delays, 99),
        max: Math.max(...delays),
        samples
      },
      probes: { leases: perLease.length, perLease }
    }
  } finally {
    await fleet.close()
    await Promise.all([dep.stop(), redis.stop()])
  }
}

/** The fleet's targets: the closed-path ratio, the shared fleet within its bound, one probe per lease. */
export const fleetTargets = (
  f: FleetFigures
): ReadonlyArray<{
  readonly target: string
  readonly ratio: Summary
  readonly limit: number
  readonly met: boolean
}> => {
  const maxPerLease = Math.max(...f.probes.perLease)
  const overBound = paired(
    f.discovery.shared.values.length,
    (rep) => f.discovery.shared.values[rep]! / f.discovery.bound.values[rep]!
  )
  return [
    {
      target: 'fleet closed success: wrap with RedisStore / wrap without a store',
      ratio: f.closed.ratio,
      limit: 1.1,
      met: f.closed.ratio.median <= 1.1
    },
    {
      target: 'fleet discovery: shared calls / (threshold + in flight + propagation arrivals), worst rep',
      ratio: overBound,
      limit: 1,
      met: overBound.max <= 1
    },
    {
      target: 'fleet probes per lease (most in any lease)',
      ratio: summarize([maxPerLease]),
      limit: 1,
      met: maxPerLease === 1 && f.probes.leases >= 2
    }
  ]
}

/** The fleet's tables. */
export const fleetTables = (f: FleetFigures): string => {
  const range = (s: Summary, g: (n: number) => string): string =>
    `${g(s.median)}  [${g(s.min)} - ${g(s.max)}]`
  const n = (x: number): string => x.toFixed(0)
  return [
    `fleet: closed, every call succeeds (wrap, in this process; ${f.closed.ratio.values.length} repetitions)`,
    table(
      ['contender', 'median', 'min', 'max'],
      [
        [
          'with RedisStore',
          formatNs(f.closed.withStore.median),
          formatNs(f.closed.withStore.min),
          formatNs(f.closed.withStore.max)
        ],
        [
          'without a store',
          formatNs(f.closed.without.median),
          formatNs(f.closed.without.min),
          formatNs(f.closed.without.max)
        ]
      ]
    ),
    '',
    `fleet: ${f.processes} processes, threshold ${f.failureThreshold}, one at 200 calls/s and seven at 20/s; calls reaching the dependency after it fails, until every process rejects`,
    table(
      ['breakers', 'calls: median [min - max]', 'bound'],
      [
        ['shared (RedisStore)', range(f.discovery.shared, n), range(f.discovery.bound, n)],
        [
          'independent',
          range(f.discovery.independent, n),
          `${f.processes} x ${f.failureThreshold} = ${f.processes * f.failureThreshold}`
        ]
      ]
    ),
    '',
    `fleet: propagation from one process's trip to the last process in Open (${f.propagation.samples} trips)`,
    table(
      ['p50', 'p99', 'max'],
      [
        [
          `${f.propagation.p50.toFixed(0)} ms`,
          `${f.propagation.p99.toFixed(0)} ms`,
          `${f.propagation.max.toFixed(0)} ms`
        ]
      ]
    ),
    '',
    'fleet: probes per lease, 1,000 concurrent callers over 8 processes, open for 300 ms, failing dependency',
    table(
      ['leases', 'probes per lease', 'median'],
      [
        [
          String(f.probes.leases),
          [...new Set(f.probes.perLease)].sort((a, b) => a - b).join(', '),
          String(median(f.probes.perLease))
        ]
      ]
    )
  ].join('\n')
}
