/**
 * `npm run demo -- --fleet 4`: a fleet of processes with one breaker shared through `tripswitch/redis`,
 * beside a fleet of the same size with a breaker of its own in each process, both calling one real
 * HTTP service on 127.0.0.1 that is healthy, then failing, then healthy again. It starts its own
 * `redis-server` (and says what to install if there is none), prints a line per second and a summary,
 * and writes fleet.svg: every call that reached the service, per process, with each breaker's state.
 *
 * The processes are the fleet test harness (`__tests__/_support/fleet.ts`), so the demo shows what the
 * fleet tests check.
 *
 * @since 0.1.0
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { startDependency, type Hit } from '../../__tests__/_support/dependency'
import { startFleet } from '../../__tests__/_support/fleet'
import type { Report, Setup } from '../../__tests__/_support/fleetProtocol'
import { startRedisServer } from '../../__tests__/_support/redisServer'
import { render } from './fleetSvg'
import { defaults } from './scenario'
import type { Output } from './view'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface FleetOptions {
  /** Processes in each of the two fleets. */
  readonly size: number
  /** Length of the run in seconds. */
  readonly seconds: number
  readonly out: string
}

/**
 * The service's phases, in ms from the start of the run.
 *
 * @category model
 * @since 0.1.0
 */
export interface FleetPhase {
  readonly name: 'healthy' | 'failing' | 'healthy again'
  readonly start: number
  readonly end: number
}

/**
 * One fleet's run, as the service and the processes saw it; times in ms from the start of the run.
 *
 * @category model
 * @since 0.1.0
 */
export interface FleetRun {
  readonly label: string
  readonly processes: ReadonlyArray<{
    readonly id: string
    /** Calls that reached the service, and whether each was a probe (after this breaker first opened). */
    readonly hits: ReadonlyArray<{ readonly at: number; readonly failing: boolean; readonly probe: boolean }>
    readonly transitions: ReadonlyArray<{ readonly at: number; readonly to: string; readonly why: string }>
    readonly calls: number
    readonly rejections: number
  }>
  /** Calls that reached the service while it was failing. */
  readonly intoFailing: number
  /** Of those, the probes. */
  readonly probes: number
}

/**
 * @category model
 * @since 0.1.0
 */
export interface FleetReport {
  readonly options: FleetOptions
  readonly failureThreshold: number
  readonly openFor: number
  /** Calls per second: of the first process of each fleet, and of each other one. */
  readonly rates: { readonly busy: number; readonly quiet: number }
  readonly phases: ReadonlyArray<FleetPhase>
  readonly shared: FleetRun
  readonly independent: FleetRun
}

// -------------------------------------------------------------------------------------
// command line
// -------------------------------------------------------------------------------------

/**
 * The text of the fleet mode's `--help`.
 *
 * @category utils
 * @since 0.1.0
 */
export const fleetHelp: string = [
  '',
  'npm run demo -- --fleet <n> [--seconds <s>] [--out <dir>]',
  '',
  'Fleet mode: n processes sharing one breaker through Redis (tripswitch/redis) beside n processes with',
  'a breaker each, all calling one service that fails for a while. Starts its own redis-server',
  '(install it with `apt-get install -y redis-server`) and writes fleet.svg.',
  '',
  `${'  --fleet <n>'.padEnd(28)}${''.padEnd(10)}processes in each fleet, 1 to 16`,
  `${'  --seconds <s>'.padEnd(28)}${'12'.padEnd(10)}length of the run, 4 to 120 seconds`,
  `${'  --out <dir>'.padEnd(28)}${defaults.out.padEnd(10)}where to write fleet.svg`,
  ''
].join('\n')

/**
 * Whether the arguments ask for the fleet mode.
 *
 * @category utils
 * @since 0.1.0
 */
export const isFleet = (argv: ReadonlyArray<string>): boolean =>
  argv.some((a) => a === '--fleet' || a.startsWith('--fleet='))

/**
 * Parses the fleet mode's arguments: the options, or every problem found.
 *
 * @category utils
 * @since 0.1.0
 */
export const parseFleet = (argv: ReadonlyArray<string>): FleetOptions | ReadonlyArray<string> => {
  const problems: Array<string> = []
  let size: number | undefined
  let seconds = 12
  let out = defaults.out
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    const eq = a.indexOf('=')
    const name = eq === -1 ? a : a.slice(0, eq)
    if (!['--fleet', '--seconds', '--out'].includes(name)) {
      problems.push(`${a}: unknown option in fleet mode (known: --fleet, --seconds, --out, --help)`)
      continue
    }
    const raw = eq === -1 ? argv[++i] : a.slice(eq + 1)
    if (raw === undefined) {
      problems.push(`${name}: expected a value after it`)
      continue
    }
    const n = raw.trim() === '' ? NaN : Number(raw)
    if (name === '--fleet') {
      if (Number.isInteger(n) && n >= 1 && n <= 16) size = n
      else problems.push(`--fleet: expected a number of processes from 1 to 16, got ${JSON.stringify(raw)}`)
    } else if (name === '--seconds') {
      if (Number.isFinite(n) && n >= 4 && n <= 120) seconds = n
      else problems.push(`--seconds: expected a number of seconds from 4 to 120, got ${JSON.stringify(raw)}`)
    } else if (raw.trim() === '') problems.push('--out: expected a directory path, got ""')
    else out = raw
  }
  if (size === undefined && problems.length === 0) problems.push('--fleet: expected a number of processes')
  return problems.length > 0 || size === undefined ? problems : { size, seconds, out }
}

// -------------------------------------------------------------------------------------
// the run
// -------------------------------------------------------------------------------------

const failureThreshold = 3
const openFor = 1_000
/** Calls per second of the first process of each fleet, and of each other one (an uneven balancer). */
const busyRate = 60
const quietRate = 15

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Healthy for the first 15 % of the run, failing until 65 %, healthy again after. */
const phasesOf = (ms: number): ReadonlyArray<FleetPhase> => [
  { name: 'healthy', start: 0, end: Math.round(ms * 0.15) },
  { name: 'failing', start: Math.round(ms * 0.15), end: Math.round(ms * 0.65) },
  { name: 'healthy again', start: Math.round(ms * 0.65), end: ms }
]

const summarize = (
  label: string,
  reports: ReadonlyArray<Report>,
  hits: ReadonlyArray<Hit>,
  t0: number
): FleetRun => {
  const processes = reports.map((r) => {
    const opened = r.firstOpenAt ?? Infinity
    return {
      id: r.id,
      hits: hits
        .filter((h) => h.from === r.id)
        .map((h) => ({
          at: h.at - t0,
          failing: h.health === 'failing',
          probe: h.health === 'failing' && h.at > opened
        })),
      transitions: r.transitions.map((t) => ({ at: t.at - t0, to: t.to, why: t.why })),
      calls: r.calls,
      rejections: r.rejections
    }
  })
  const failing = processes.flatMap((p) => p.hits.filter((h) => h.failing))
  return { label, processes, intoFailing: failing.length, probes: failing.filter((h) => h.probe).length }
}

/**
 * Runs the fleet demo; resolves with its report and the SVG's path.
 *
 * @category utils
 * @since 0.1.0
 */
export const runFleet = async (
  options: FleetOptions,
  out: Output
): Promise<{ readonly report: FleetReport; readonly svg: string }> => {
  const ms = options.seconds * 1_000
  const phases = phasesOf(ms)
  const redis = await startRedisServer()
  const dep = await startDependency().catch(async (error: unknown) => {
    await redis.stop()
    throw error
  })
  const fleet = await startFleet(2 * options.size).catch(async (error: unknown) => {
    await Promise.all([dep.stop(), redis.stop()])
    throw error
  })
  let switches: ReadonlyArray<NodeJS.Timeout> = []
  try {
    const shared = (i: number): boolean => i < options.size
    const id = (i: number): string => (shared(i) ? `shared-${i}` : `alone-${i - options.size}`)
    await fleet.setup((i): Setup => ({
      id: id(i),
      name: 'quotes',
      config: { failureThreshold, openFor },
      dependency: dep.url,
      requestTimeout: 500,
      store: shared(i)
        ? { _tag: 'Redis', url: redis.url, prefix: 'demo:', commandTimeout: 300 }
        : { _tag: 'None' },
      storeTimeout: 300
    }))
    out.write(
      `Two fleets of ${options.size} processes call one service (in each, one process at ${busyRate} calls/s, the others at ${quietRate}/s): one fleet shares a breaker through redis-server on port ${redis.port}, the other has a breaker per process (opens after ${failureThreshold} failures, for ${openFor} ms).\n\n`
    )
    const t0 = Date.now()
    switches = phases
      .slice(1)
      .map((p) => setTimeout(() => dep.setHealth(p.name === 'failing' ? 'failing' : 'healthy'), p.start))
    await Promise.all(
      fleet.members.map((m) =>
        m.load({ _tag: 'Rate', perSecond: m.index % options.size === 0 ? busyRate : quietRate })
      )
    )
    let shown = 0
    for (let second = 1; second * 1_000 <= ms; second++) {
      await sleep(Math.max(0, t0 + second * 1_000 - Date.now()))
      const hits = dep.hits().slice(shown)
      shown += hits.length
      const middle = (second - 0.5) * 1_000
      const phase = phases.find((p) => p.start <= middle && middle < p.end)?.name ?? ''
      const count = (prefix: string): string =>
        String(hits.filter((h) => h.from.startsWith(prefix)).length).padStart(4)
      out.write(
        `${String(second).padStart(4)}s  ${phase.padEnd(14)} calls into the service: shared ${count('shared-')}   independent ${count('alone-')}\n`
      )
    }
    const reports = await fleet.idle()
    const hits = dep.hits()
    const report: FleetReport = {
      options,
      failureThreshold,
      openFor,
      rates: { busy: busyRate, quiet: quietRate },
      phases,
      shared: summarize(
        `Shared breaker (RedisStore): ${options.size} processes`,
        reports.slice(0, options.size),
        hits,
        t0
      ),
      independent: summarize(
        `Independent breakers: ${options.size} processes`,
        reports.slice(options.size),
        hits,
        t0
      )
    }
    mkdirSync(options.out, { recursive: true })
    const svg = path.join(options.out, 'fleet.svg')
    writeFileSync(svg, render(report))
    const failing = phases[1] as FleetPhase
    out.write(
      [
        '',
        `while the service was failing (${((failing.end - failing.start) / 1_000).toFixed(1)} s):`,
        `  ${'fleet'.padEnd(28)}${'calls into the service'.padStart(24)}${'of which probes'.padStart(18)}`,
        `  ${'shared breaker'.padEnd(28)}${String(report.shared.intoFailing).padStart(24)}${String(report.shared.probes).padStart(18)}`,
        `  ${'independent breakers'.padEnd(28)}${String(report.independent.intoFailing).padStart(24)}${String(report.independent.probes).padStart(18)}`,
        '',
        `wrote ${svg}`,
        ''
      ].join('\n')
    )
    return { report, svg }
  } finally {
    switches.forEach(clearTimeout)
    await fleet.close()
    await Promise.all([dep.stop(), redis.stop()])
  }
}

/**
 * The fleet mode as a program: parses `argv`, runs, and resolves to the exit code (0 done, 1 when no
 * redis-server could be started, 2 for bad options).
 *
 * @category utils
 * @since 0.1.0
 */
export const fleetMain = async (
  argv: ReadonlyArray<string>,
  stdout: Output,
  stderr: (s: string) => unknown
): Promise<number> => {
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write(fleetHelp)
    return 0
  }
  const parsed = parseFleet(argv)
  if (Array.isArray(parsed)) {
    stderr(
      `demo: bad options:\n${parsed.map((p) => `  ${p}\n`).join('')}Run with --help to see the options.\n`
    )
    return 2
  }
  try {
    await runFleet(parsed as FleetOptions, stdout)
    return 0
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (!message.startsWith('redis-server:')) throw error
    stderr(`demo: the fleet mode needs a redis-server: ${message}\n`)
    return 1
  }
}
