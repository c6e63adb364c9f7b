/**
 * `npm run bench`: tripswitch side by side with a raw async call, a raw fp-ts TaskEither, opossum and
 * cockatiel. Prints tables, or every figure as JSON with `--json`.
 *
 * Flags: `--json`; `--quick` (shorter samples and fewer idle breakers, for a smoke run: its figures are
 * not the published ones); `--reps=N` (default 7, at least 5); `--seed=N` (the shuffle's seed);
 * `--only=timing,rate,alloc,registry,footprint,halfopen,idle,windows,replay,bulkhead,fleet` (a subset: one
 * scenario alone; `fleet` is bench/fleet.ts, on a redis-server it starts).
 *
 * Method (see docs/performance.md): one warm-up round over every contender, then `reps` repetitions;
 * in each, every (scenario, contender) pair runs once, in a freshly shuffled order, and each contender's
 * state is checked against the scenario's claim before and after it is measured. A figure is the median
 * of its repetitions, with min and max; a ratio is computed within each repetition, then summarized.
 */
import { existsSync } from 'node:fs'
import * as os from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  burst,
  closedSuccess,
  closedTenPercent,
  halfOpen,
  names,
  openRejection,
  rateNames,
  rateScenario,
  type Contender,
  type HalfOpenContender,
  type Scenario
} from './contenders'
import {
  elapsedNs,
  formatBytes,
  formatNs,
  nsPerCall,
  paired,
  random,
  shuffle,
  summarize,
  table,
  type Summary
} from './harness'
import { measureAllocs, type Alloc } from './alloc'
import { footprintContenders, measureFootprint, type Footprint, type FootprintContender } from './footprint'
import { bulkheadFull, bulkheadNames, bulkheadUncontended } from './bulkhead'
import { fleetTables, fleetTargets, runFleetBench } from './fleet'
import { idleContenders, measureIdle, type Idle, type IdleContender } from './idle'
import { describe as describeReplay, runReplayBench } from './replay'
import { measureRegistry, type RegistryFigures } from './registry'

// -------------------------------------------------------------------------------------
// arguments
// -------------------------------------------------------------------------------------

interface Args {
  readonly json: boolean
  readonly quick: boolean
  readonly reps: number
  readonly seed: number
  readonly only: ReadonlyArray<string>
}

const parts = [
  'timing',
  'rate',
  'alloc',
  'registry',
  'footprint',
  'halfopen',
  'idle',
  'windows',
  'replay',
  'bulkhead',
  'fleet'
] as const

const parse = (argv: ReadonlyArray<string>): Args => {
  const value = (flag: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3)
  for (const a of argv) {
    if (!/^--(json|quick|reps=\d+|seed=\d+|only=[a-z,]+)$/.test(a)) {
      throw new Error(
        `bench: unknown argument ${a} (expected --json, --quick, --reps=N, --seed=N, --only=...)`
      )
    }
  }
  const reps = Number(value('reps') ?? 7)
  if (reps < 5) throw new Error(`bench: --reps: expected at least 5 repetitions, got ${reps}`)
  const only = value('only')?.split(',') ?? [...parts]
  for (const p of only) {
    if (!(parts as ReadonlyArray<string>).includes(p)) {
      throw new Error(`bench: --only: expected some of ${parts.join(',')}, got ${p}`)
    }
  }
  return {
    json: argv.includes('--json'),
    quick: argv.includes('--quick'),
    reps,
    seed: Number(value('seed') ?? Math.floor(Math.random() * 2 ** 31)),
    only
  }
}

const args = parse(process.argv.slice(2))
const log = (line: string): void => {
  if (!args.json) process.stdout.write(`${line}\n`)
}
const progress = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

// -------------------------------------------------------------------------------------
// timing scenarios
// -------------------------------------------------------------------------------------

/** A state check that failed: the contender was not in the state its scenario claims. */
interface Violation {
  readonly scenario: string
  readonly contender: string
  readonly when: string
  readonly claimed: string
  readonly observed: string
}

const violations: Array<Violation> = []

const check = (scenario: string, claim: string, c: Contender, when: string): void => {
  const observed = c.state()
  if (observed !== claim && observed !== 'n/a') {
    violations.push({ scenario, contender: c.name, when, claimed: claim, observed })
  }
}

type Figures = Record<string, Record<string, Array<number>>>

const timing = async (
  rand: () => number,
  scenarios: ReadonlyArray<Scenario>,
  label = 'timing'
): Promise<{ scenarios: ReadonlyArray<Scenario>; figures: Figures }> => {
  const pairs = scenarios.flatMap((s) => s.contenders.map((c) => ({ s, c })))
  const figures: Figures = {}
  for (const s of scenarios) figures[s.name] = Object.fromEntries(s.contenders.map((c) => [c.name, []]))
  const sampleMs = args.quick ? 40 : 300
  progress(`${label}: warm-up, then ${args.reps} repetitions of ${pairs.length} measurements`)
  for (const { c } of pairs) await nsPerCall(c.call, sampleMs / 3)
  for (let rep = 0; rep < args.reps; rep++) {
    for (const { s, c } of shuffle(pairs, rand)) {
      check(s.name, s.claim, c, 'before')
      figures[s.name]![c.name]!.push(await nsPerCall(c.call, sampleMs))
      check(s.name, s.claim, c, 'after')
    }
    progress(`${label}: repetition ${rep + 1}/${args.reps} done`)
  }
  return { scenarios, figures }
}

// -------------------------------------------------------------------------------------
// half-open
// -------------------------------------------------------------------------------------

interface HalfOpenFigures {
  /** Nanoseconds per call of a burst, per repetition. */
  readonly ns: Array<number>
  /** Calls that ran, per burst (1 is a single probe). */
  readonly ran: Array<number>
}

const halfOpenRounds = (): number => (args.quick ? 10 : 60)

const halfOpenScenario = async (rand: () => number): Promise<Record<string, HalfOpenFigures>> => {
  const contenders = await halfOpen()
  const out: Record<string, HalfOpenFigures> = Object.fromEntries(
    contenders.map((c) => [c.name, { ns: [], ran: [] }])
  )
  const round = async (c: HalfOpenContender): Promise<number> => {
    await c.ready()
    const before = c.state()
    if (before !== c.readyClaim) {
      violations.push({
        scenario: 'half-open',
        contender: c.name,
        when: 'before',
        claimed: c.readyClaim,
        observed: before
      })
    }
    let ran = 0
    const ns = await elapsedNs(async () => {
      ran = await c.burst()
    })
    out[c.name]!.ran.push(ran)
    const after = c.state()
    if (after !== 'open') {
      violations.push({
        scenario: 'half-open',
        contender: c.name,
        when: 'after',
        claimed: 'open',
        observed: after
      })
    }
    return ns
  }
  progress(`half-open: ${args.reps} repetitions of ${halfOpenRounds()} bursts of ${burst} calls`)
  for (const c of contenders) for (let i = 0; i < 5; i++) await round(c)
  for (const c of contenders) out[c.name]!.ran.length = 0
  for (let rep = 0; rep < args.reps; rep++) {
    for (const c of shuffle(contenders, rand)) {
      let total = 0
      for (let i = 0; i < halfOpenRounds(); i++) total += await round(c)
      out[c.name]!.ns.push(total / (halfOpenRounds() * burst))
    }
  }
  return out
}

// -------------------------------------------------------------------------------------
// idle breakers
// -------------------------------------------------------------------------------------

const idle = async (): Promise<ReadonlyArray<Idle>> => {
  const count = args.quick ? 10_000 : 100_000
  const out: Array<Idle> = []
  for (const contender of Object.keys(idleContenders) as ReadonlyArray<IdleContender>) {
    progress(`idle: ${count} breakers of ${contender}`)
    out.push(await measureIdle(contender, count, args.quick ? 500 : 2_000, 3_000))
  }
  return out
}

// -------------------------------------------------------------------------------------
// window-size scaling
// -------------------------------------------------------------------------------------

/** Nanoseconds per `Circuit.step` on a recorded outcome, per window (bench/windows.ts). */
type WindowFigures = ReadonlyArray<{ readonly name: string; readonly nsPerOp: number }>

const windows = async (): Promise<WindowFigures | { readonly pending: string }> => {
  // bench/windows.ts comes with the window strategies; without it, the scenario is reported pending
  const file = join(__dirname, 'windows.js')
  if (existsSync(file)) {
    const mod = (await import(pathToFileURL(file).href)) as {
      readonly runWindowBench?: (options?: { readonly reps?: number }) => Promise<WindowFigures>
    }
    if (typeof mod.runWindowBench === 'function') {
      progress('windows: window-size scaling (bench/windows.ts)')
      return await mod.runWindowBench(args.quick ? { reps: 5 } : {})
    }
  }
  return { pending: 'no window strategies yet (bench/windows.ts is missing)' }
}

// -------------------------------------------------------------------------------------
// targets
// -------------------------------------------------------------------------------------

interface Target {
  readonly target: string
  readonly ratio: Summary
  readonly limit: number
  /** Judged on the median of the paired ratios. */
  readonly met: boolean
}

const targets = (
  figures: Figures,
  idleFigures: ReadonlyArray<Idle>,
  windowFigures: WindowFigures | { readonly pending: string } | undefined
): ReadonlyArray<Target> => {
  const out: Array<Target> = []
  const at = (scenario: string, contender: string, rep: number): number =>
    figures[scenario]?.[contender]?.[rep] ?? NaN
  const add = (target: string, limit: number, f: (rep: number) => number): void => {
    const ratio = paired(args.reps, f)
    out.push({ target, ratio, limit, met: ratio.median <= limit })
  }
  const [success, tenPercent, open] = Object.keys(figures)
  if (success !== undefined && tenPercent !== undefined && open !== undefined) {
    const overhead = (s: string, contender: string, base: string) => (rep: number) =>
      at(s, contender, rep) - at(s, base, rep)
    const cockatiel = (s: string) => overhead(s, names.cockatiel, names.raw)
    add(
      'closed success: withBreaker overhead over TE / cockatiel overhead over raw',
      0.5,
      (r) => overhead(success, names.withBreaker, names.te)(r) / cockatiel(success)(r)
    )
    add(
      'closed success: wrap overhead over raw / cockatiel overhead over raw',
      0.5,
      (r) => overhead(success, names.wrap, names.raw)(r) / cockatiel(success)(r)
    )
    for (const tripswitch of [names.withBreaker, names.wrap]) {
      for (const other of [names.cockatiel, names.cockatielSampling, names.opossum, names.opossumTimeout]) {
        add(`open: ${tripswitch} / ${other}`, 0.1, (r) => at(open, tripswitch, r) / at(open, other, r))
      }
    }
    add(
      '10 % failures: withBreaker overhead over TE / cockatiel overhead over raw',
      1,
      (r) => overhead(tenPercent, names.withBreaker, names.te)(r) / cockatiel(tenPercent)(r)
    )
    add(
      '10 % failures: wrap / cockatiel (same async function)',
      1,
      (r) => at(tenPercent, names.wrap, r) / at(tenPercent, names.cockatiel, r)
    )
  }
  const bytes = (name: string): number =>
    idleFigures.find((i) => i.contender === name)?.bytesPerBreaker ?? NaN
  if (idleFigures.length > 0) {
    for (const t of ['tripswitch Breaker', 'tripswitch withBreaker']) {
      const ratio = bytes(t) / bytes('cockatiel consecutive')
      out.push({
        target: `idle: ${t} bytes / cockatiel consecutive bytes`,
        ratio: summarize([ratio]),
        limit: 1 / 3,
        met: ratio <= 1 / 3
      })
      const own = idleFigures.find((i) => i.contender === t)
      const clean = own !== undefined && own.timersPerBreaker === 0 && own.exitsOnItsOwn
      out.push({
        target: `idle: ${t} timers per breaker (and exits on its own)`,
        ratio: summarize([own?.timersPerBreaker ?? NaN]),
        limit: 0,
        met: clean
      })
    }
  }
  if (Array.isArray(windowFigures)) {
    const counts = (windowFigures as WindowFigures).filter((w) => w.name.startsWith('count window'))
    const ns = counts.map((w) => w.nsPerOp)
    const ratio = Math.max(...ns) / Math.min(...ns)
    out.push({
      target: 'windows: slowest / fastest count window (10 to 100,000 calls), medians',
      ratio: summarize([ratio]),
      limit: 1.2,
      met: ratio <= 1.2
    })
  }
  return out
}

// The bulkhead's targets: admission and release at most half of cockatiel's overhead over the raw
// call; a full bulkhead's refusal at most a tenth of cockatiel's.
const bulkheadTargets = (figures: Figures): ReadonlyArray<Target> => {
  const [uncontended, full] = Object.keys(figures)
  if (uncontended === undefined || full === undefined) return []
  const at = (scenario: string, contender: string, rep: number): number =>
    figures[scenario]?.[contender]?.[rep] ?? NaN
  const overhead = (contender: string, base: string) => (rep: number) =>
    at(uncontended, contender, rep) - at(uncontended, base, rep)
  const cockatiel = overhead(bulkheadNames.cockatiel, bulkheadNames.raw)
  const target = (name: string, limit: number, f: (rep: number) => number): Target => {
    const ratio = paired(args.reps, f)
    return { target: name, ratio, limit, met: ratio.median <= limit }
  }
  return [
    target(
      'bulkhead uncontended: withBulkhead overhead over TE / cockatiel overhead over raw',
      0.5,
      (r) => overhead(bulkheadNames.withBulkhead, bulkheadNames.te)(r) / cockatiel(r)
    ),
    target(
      'bulkhead uncontended: bulkheaded overhead over raw / cockatiel overhead over raw',
      0.5,
      (r) => overhead(bulkheadNames.bulkheaded, bulkheadNames.raw)(r) / cockatiel(r)
    ),
    ...[bulkheadNames.withBulkhead, bulkheadNames.bulkheaded].map((t) =>
      target(
        `bulkhead full: ${t} / cockatiel`,
        0.1,
        (r) => at(full, t, r) / at(full, bulkheadNames.cockatiel, r)
      )
    )
  ]
}

// -------------------------------------------------------------------------------------
// rate strategies, allocation, registry, footprint
// -------------------------------------------------------------------------------------

const registryFigures = async (): Promise<RegistryFigures> => {
  progress('registry: hot gets and misses at 10 to 100,000 breakers, then health() (one child process)')
  const r = await measureRegistry(Math.max(args.reps, 11))
  for (const v of r.violations) {
    violations.push({
      scenario: 'registry',
      contender: 'tripswitch',
      when: 'after',
      claimed: 'full',
      observed: v
    })
  }
  return r
}

const footprint = async (): Promise<ReadonlyArray<Footprint>> => {
  const count = args.quick ? 2_000 : 20_000
  const out: Array<Footprint> = []
  for (const c of Object.keys(footprintContenders) as ReadonlyArray<FootprintContender>) {
    for (const phase of ['idle', 'called'] as const) {
      progress(`footprint: ${count} callables of ${c}, ${phase}`)
      const f = await measureFootprint(c, phase, count)
      if (f.state !== 'closed') {
        violations.push({
          scenario: 'footprint',
          contender: c,
          when: phase,
          claimed: 'closed',
          observed: f.state
        })
      }
      out.push(f)
    }
  }
  return out
}

const rateTargets = (figures: Figures, allocs: ReadonlyArray<Alloc>): ReadonlyArray<Target> => {
  const out: Array<Target> = []
  const [success, tenPercent] = Object.keys(figures)
  const at = (scenario: string, contender: string, rep: number): number =>
    figures[scenario]?.[contender]?.[rep] ?? NaN
  for (const contender of [rateNames.count, rateNames.time]) {
    if (success !== undefined) {
      const ratio = paired(
        args.reps,
        (r) =>
          (at(success, contender, r) - at(success, names.raw, r)) /
          (at(success, names.cockatielSampling, r) - at(success, names.raw, r))
      )
      out.push({
        target: `rate, closed success: ${contender} overhead / cockatiel sampling overhead`,
        ratio,
        limit: 0.5,
        met: ratio.median <= 0.5
      })
    }
    if (tenPercent !== undefined) {
      const ratio = paired(
        args.reps,
        (r) => at(tenPercent, contender, r) / at(tenPercent, names.cockatielSampling, r)
      )
      out.push({
        target: `rate, 10 % failures: ${contender} / cockatiel sampling`,
        ratio,
        limit: 1,
        met: ratio.median <= 1
      })
    }
  }
  const raw = (scenario: string): number =>
    allocs.find((a) => a.scenario === scenario && a.contender === names.raw)?.bytesPerCall ?? NaN
  for (const a of allocs) {
    if (a.contender !== rateNames.count && a.contender !== rateNames.time) continue
    const over = a.bytesPerCall - raw(a.scenario)
    out.push({
      target: `alloc: ${a.scenario}, ${a.contender}: bytes per call over the raw call`,
      ratio: summarize([over]),
      limit: 200,
      met: over <= 200
    })
  }
  return out
}

const registryTargets = (r: RegistryFigures | undefined): ReadonlyArray<Target> => {
  if (r === undefined) return []
  const hot = (size: number) => r.hot.find((h) => h.size === size)?.ns ?? NaN
  const biggest = r.miss[r.miss.length - 1]?.ns ?? NaN
  const ms = summarize(r.health.ms)
  const ratio = hot(100_000) / hot(10)
  return [
    {
      target: 'registry: hot get at 100,000 breakers / at 10, medians',
      ratio: summarize([ratio]),
      limit: 1.5,
      met: ratio <= 1.5
    },
    {
      target: 'registry: a miss that evicts at 100,000 breakers, µs',
      ratio: summarize([biggest / 1_000]),
      limit: 2,
      met: biggest / 1_000 <= 2
    },
    { target: 'registry: health() over 100,000 breakers, ms', ratio: ms, limit: 100, met: ms.median <= 100 },
    {
      target: 'registry: heap left after health(), bytes per breaker',
      ratio: summarize([r.health.retainedBytesPerBreaker]),
      // a few bytes per breaker of the engine's own come and go between collections
      limit: 8,
      met: r.health.retainedBytesPerBreaker <= 8
    }
  ]
}

const footprintTargets = (fs: ReadonlyArray<Footprint>): ReadonlyArray<Target> => {
  if (fs.length === 0) return []
  const of = (c: string, phase: string): number =>
    fs.find((f) => f.contender === c && f.phase === phase)?.bytesPerCallable ?? NaN
  const cockatiel = 'cockatiel consecutive policy + execute'
  const out: Array<Target> = []
  for (const c of ['tripswitch breaker + wrap(fn)', 'tripswitch breaker + withBreaker(TE)']) {
    const idle = of(c, 'idle') / of(cockatiel, 'idle')
    const called = of(c, 'called') / of(cockatiel, 'called')
    out.push({
      target: `footprint, idle: ${c} / ${cockatiel}`,
      ratio: summarize([idle]),
      limit: 1 / 3,
      met: idle <= 1 / 3
    })
    out.push({
      target: `footprint, after one call: ${c} / ${cockatiel}`,
      ratio: summarize([called]),
      limit: 1,
      met: called <= 1
    })
  }
  return out
}

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

const main = async (): Promise<void> => {
  const started = performance.now()
  const rand = random(args.seed)
  const header = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    reps: args.reps,
    seed: args.seed,
    quick: args.quick
  }
  log(`tripswitch bench: ${header.date}, Node ${header.node}, ${header.cpus} x ${header.cpu}`)
  log(
    `${args.reps} repetitions in shuffled order (seed ${args.seed}); median [min - max] per call${args.quick ? ' (QUICK: not for publishing)' : ''}`
  )

  const has = (p: string): boolean => args.only.includes(p)
  const timed = has('timing')
    ? await timing(rand, [closedSuccess(), closedTenPercent(), await openRejection()])
    : undefined
  const rated = has('rate')
    ? await timing(rand, [rateScenario(false), rateScenario(true)], 'rate')
    : undefined
  const allocs = has('alloc') ? await measureAllocs(progress) : []
  const registry = has('registry') ? await registryFigures() : undefined
  const footprints = has('footprint') ? await footprint() : []
  const bulk = has('bulkhead')
    ? await timing(rand, [bulkheadUncontended(), bulkheadFull()], 'bulkhead')
    : undefined
  const half = has('halfopen') ? await halfOpenScenario(rand) : undefined
  const idleFigures = has('idle') ? await idle() : []
  const windowFigures = has('windows') ? await windows() : undefined
  const replayFigures = has('replay') ? await runReplayBench({ quick: args.quick, progress }) : undefined
  const fleet = has('fleet') ? await runFleetBench({ ...args, rand, progress }) : undefined
  const figures = timed?.figures ?? {}
  const goals = [
    ...targets(figures, idleFigures, windowFigures),
    ...rateTargets(rated?.figures ?? {}, allocs),
    ...registryTargets(registry),
    ...footprintTargets(footprints),
    ...bulkheadTargets(bulk?.figures ?? {}),
    ...(fleet === undefined ? [] : fleetTargets(fleet))
  ]

  const range = (s: Summary, f: (n: number) => string): string =>
    `${f(s.median)}  [${f(s.min)} - ${f(s.max)}]`
  for (const t of [timed, rated, bulk]) {
    if (t === undefined) continue
    for (const s of t.scenarios) {
      log(`\n${s.name} (claimed state: ${s.claim})`)
      log(
        table(
          ['contender', 'median', 'min', 'max'],
          s.contenders.map((c) => {
            const sum = summarize(t.figures[s.name]![c.name]!)
            return [c.name, formatNs(sum.median), formatNs(sum.min), formatNs(sum.max)]
          })
        )
      )
    }
  }
  if (allocs.length > 0) {
    log(
      '\nallocation per call (bytes; the smallest of 7 rounds of 20,000 awaited calls, no collection in between)'
    )
    const raw = (scenario: string): number =>
      allocs.find((a) => a.scenario === scenario && a.contender === names.raw)?.bytesPerCall ?? NaN
    log(
      table(
        ['scenario', 'contender', 'bytes per call', 'over the raw call', 'state'],
        allocs.map((a) => [
          a.scenario,
          a.contender,
          a.bytesPerCall.toFixed(0),
          a.contender === names.raw ? '' : (a.bytesPerCall - raw(a.scenario)).toFixed(0),
          `${a.state.before} -> ${a.state.after}`
        ])
      )
    )
  }
  if (registry !== undefined) {
    log('\nregistry: get of a hot name, and a miss that evicts, by registry size (median per operation)')
    log(
      table(
        ['breakers', 'hot get', 'min', 'max', 'miss that evicts', 'min', 'max'],
        registry.hot.map((h, i) => {
          const m = registry.miss[i]!
          const hs = summarize(h.values)
          const ms = summarize(m.values)
          return [
            h.size.toLocaleString('en'),
            formatNs(hs.median),
            formatNs(hs.min),
            formatNs(hs.max),
            formatNs(ms.median),
            formatNs(ms.min),
            formatNs(ms.max)
          ]
        })
      )
    )
    const hs = summarize(registry.health.ms)
    log(
      `health() over ${registry.health.size.toLocaleString('en')} breakers: ${hs.median.toFixed(1)} ms [${hs.min.toFixed(1)} - ${hs.max.toFixed(1)}], ` +
        `heap left after it: ${registry.health.retainedBytesPerBreaker.toFixed(1)} B per breaker, JSON ${(registry.health.jsonBytes / 1e6).toFixed(1)} MB`
    )
    for (const v of registry.violations) log(`STATE CHECK FAILED: registry: ${v}`)
  }
  if (footprints.length > 0) {
    log(`\nfootprint of what a user holds: ${footprints[0]?.count} callables per process, heap per callable`)
    log(
      table(
        ['contender', 'idle', 'after one call', 'state'],
        Object.keys(footprintContenders).map((c) => {
          const of = (phase: string) => footprints.find((f) => f.contender === c && f.phase === phase)
          return [
            c,
            formatBytes(of('idle')?.bytesPerCallable ?? NaN),
            formatBytes(of('called')?.bytesPerCallable ?? NaN),
            of('called')?.state ?? 'n/a'
          ]
        })
      )
    )
  }
  if (half !== undefined) {
    log(`\nhalf-open: bursts of ${burst} concurrent calls when the open period is over (the probe fails)`)
    log(
      table(
        ['contender', 'per call', 'min', 'max', 'calls run per burst'],
        Object.entries(half).map(([name, f]) => {
          const sum = summarize(f.ns)
          const ran = [...new Set(f.ran)].sort((a, b) => a - b).join(', ')
          return [name, formatNs(sum.median), formatNs(sum.min), formatNs(sum.max), ran]
        })
      )
    )
  }
  if (idleFigures.length > 0) {
    log(`\nidle: ${idleFigures[0]?.count} breakers per process`)
    log(
      table(
        ['contender', 'heap per breaker', 'timers per breaker', 'idle CPU', 'exits on its own'],
        idleFigures.map((i) => [
          i.contender,
          formatBytes(i.bytesPerBreaker),
          `${i.timersPerBreaker} (${i.refTimersPerBreaker} ref'd)`,
          `${(i.idleCpu * 100).toFixed(1)} % of a core`,
          i.exitsOnItsOwn ? 'yes' : 'no'
        ])
      )
    )
  }
  if (windowFigures !== undefined && !Array.isArray(windowFigures)) {
    log(`\nwindow-size scaling: pending (${(windowFigures as { readonly pending: string }).pending})`)
  } else if (windowFigures !== undefined) {
    const figs = windowFigures as WindowFigures
    const first = figs[0]?.nsPerOp ?? NaN
    log('\nwindow-size scaling: Circuit.step on a recorded outcome of a closed circuit (bench/windows.ts)')
    log(
      table(
        ['window', 'ns per step', 'vs first'],
        figs.map((w) => [w.name, w.nsPerOp.toFixed(1), `${(w.nsPerOp / first).toFixed(2)}x`])
      )
    )
  }
  if (replayFigures !== undefined) log(`\n${describeReplay(replayFigures)}`)
  if (fleet !== undefined) log(`\n${fleetTables(fleet)}`)
  if (goals.length > 0) {
    log('\ntargets (ratios paired within each repetition)')
    log(
      table(
        ['target', 'ratio: median [min - max]', 'limit', 'met'],
        goals.map((g) => [
          g.target,
          range(g.ratio, (n) => n.toFixed(3)),
          `<= ${g.limit.toFixed(3)}`,
          g.met ? 'yes' : 'NO'
        ])
      )
    )
  }
  log(violations.length === 0 ? '\nstate checks: every contender was in its claimed state' : '')
  for (const v of violations) {
    log(
      `STATE CHECK FAILED: ${v.scenario} / ${v.contender} ${v.when}: claimed ${v.claimed}, observed ${v.observed}`
    )
  }
  const seconds = (performance.now() - started) / 1_000
  log(`\ntook ${seconds.toFixed(0)} s`)
  if (args.json) {
    const json = {
      ...header,
      seconds,
      rate: rated?.figures,
      alloc: allocs,
      registry,
      footprint: footprints,
      timing: Object.fromEntries(
        Object.entries({ ...figures, ...bulk?.figures }).map(([s, cs]) => [
          s,
          Object.fromEntries(Object.entries(cs).map(([c, v]) => [c, summarize(v)]))
        ])
      ),
      halfOpen:
        half === undefined
          ? undefined
          : Object.fromEntries(
              Object.entries(half).map(([c, f]) => [c, { ns: summarize(f.ns), ran: f.ran }])
            ),
      idle: idleFigures,
      windows: windowFigures,
      replay: replayFigures,
      fleet,
      targets: goals,
      violations
    }
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }
  if (violations.length > 0) process.exitCode = 1
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
