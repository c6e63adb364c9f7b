/**
 * The `tripswitch` command (`npx tripswitch ...`): replay a trace through configs, sweep a grid, and
 * write canonical traces. `main(argv, io)` resolves to the exit code: 0 when done, 1 when a file could
 * not be read or decoded, 2 for bad usage. Files are read and written through `io`, so tests run it in
 * memory; `bin.ts` runs it on the process.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as path from 'node:path'
import { decodeConfig } from '../ConfigCodec'
import * as Generate from './Generate'
import * as Replay from './Replay'
import * as Svg from './Svg'
import * as Sweep from './Sweep'
import * as Trace from './Trace'
import type * as Truth from './Truth'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What the command reads and writes.
 *
 * @category model
 * @since 0.1.0
 */
export interface Io {
  readonly readFile: (file: string) => string
  readonly writeFile: (file: string, text: string) => void
  readonly stdout: (s: string) => void
  readonly stderr: (s: string) => void
}

/**
 * @category model
 * @since 0.1.0
 */
export const help = `Usage:
  tripswitch replay <trace.jsonl> [--config <config.json>]... [--svg <out.svg>] [--json]
                    [--strict] [--assume nearest|previous|next] [--bucket <ms>] [--outage-rate <r>]
      Replays the trace through each config (a config document, as ConfigCodec decodes it) and prints
      their figures side by side. Without --config, replays the config in the trace's header (or the
      defaults) and says whether the replay reproduces every recorded decision.
      --strict stops at the first malformed line (by default it is reported and left out).
  tripswitch sweep <trace.jsonl> --grid <grid.json> [--workers <n>] [--json] [--all]
                   [--assume ...] [--bucket <ms>] [--outage-rate <r>]
      Replays every config of the grid ({ "base": {...}, "vary": { key: [values] } }) on worker
      threads and prints the Pareto front (--all: every config).
  tripswitch generate <${Generate.kinds.join('|')}> [--seed <n>] [--rate <calls/s>] [--duration <ms>] [--out <file>]
      Writes a canonical trace (to stdout without --out).
  tripswitch help
See docs/tuning.md.
`

class Usage extends Error {}
class Failed extends Error {}

interface Args {
  readonly positional: ReadonlyArray<string>
  readonly flags: ReadonlyMap<string, ReadonlyArray<string>>
}

const switches = ['json', 'strict', 'all']

const parseArgs = (argv: ReadonlyArray<string>, allowed: ReadonlyArray<string>): Args => {
  const positional: Array<string> = []
  const flags = new Map<string, Array<string>>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (!a.startsWith('--')) {
      positional.push(a)
      continue
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined]
    if (!allowed.includes(name)) throw new Usage(`unknown option --${name}`)
    const value = switches.includes(name) ? 'true' : (inline ?? argv[++i])
    if (value === undefined) throw new Usage(`--${name}: expected a value`)
    flags.set(name, [...(flags.get(name) ?? []), value])
  }
  return { positional, flags }
}

const one = (args: Args, name: string): string | undefined => {
  const v = args.flags.get(name)
  if (v !== undefined && v.length > 1) throw new Usage(`--${name}: given ${v.length} times, expected once`)
  return v?.[0]
}

const numberFlag = (args: Args, name: string): number | undefined => {
  const v = one(args, name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n)) throw new Usage(`--${name}: expected a number, got ${v}`)
  return n
}

const truthOptions = (args: Args): Truth.Options => {
  const assume = one(args, 'assume')
  const bucket = numberFlag(args, 'bucket')
  const outageRate = numberFlag(args, 'outage-rate')
  if (assume !== undefined && !['nearest', 'previous', 'next'].includes(assume)) {
    throw new Usage(`--assume: expected nearest, previous or next, got ${assume}`)
  }
  return {
    ...(assume === undefined ? {} : { assume: assume as Truth.Assume }),
    ...(bucket === undefined ? {} : { bucket }),
    ...(outageRate === undefined ? {} : { outageRate })
  }
}

const read = (io: Io, file: string): string => {
  try {
    return io.readFile(file)
  } catch (error) {
    throw new Failed(`${file}: cannot read it (${error instanceof Error ? error.message : String(error)})`)
  }
}

const readJson = (io: Io, file: string): unknown => {
  const text = read(io, file)
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new Failed(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

const readTrace = (io: Io, file: string, strict: boolean): Trace.Parsed => {
  const parsed = Trace.parse(read(io, file), strict ? 'stop' : 'skip')
  if (E.isLeft(parsed)) throw new Failed(`${file}: ${parsed.left.message}`)
  for (const e of parsed.right.errors) io.stderr(`${file}: ${e} (left out; --strict stops instead)\n`)
  return parsed.right
}

// -------------------------------------------------------------------------------------
// tables
// -------------------------------------------------------------------------------------

const secondsOf = (ms: number | null): string => (ms === null ? 'never' : `${Math.round(ms) / 1_000} s`)

const mean = (xs: ReadonlyArray<number | null>): string => {
  const known = xs.filter((x): x is number => x !== null)
  const missed = xs.length - known.length
  if (xs.length === 0) return '-'
  const m = known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length
  return `${secondsOf(m)}${missed > 0 ? ` (${missed} never)` : ''}`
}

/** The rows of the side-by-side table: a label and the cell of each figure. */
const rows: ReadonlyArray<readonly [string, (f: Replay.Figures) => string]> = [
  ['calls', (f) => String(f.calls)],
  ['admitted', (f) => String(f.admitted)],
  ['rejected', (f) => String(f.rejected)],
  ['calls into failure', (f) => String(f.callsIntoFailure)],
  ['false rejections', (f) => String(f.falseRejections)],
  ['outages', (f) => String(f.outages.length)],
  ['time to detect (mean)', (f) => mean(f.outages.map((o) => o.detectedAfter))],
  ['time to recover (mean)', (f) => mean(f.outages.filter((o) => !o.ongoing).map((o) => o.recoveredAfter))],
  ['recovery delay (sum)', (f) => secondsOf(f.recoveryDelay)],
  ['trips', (f) => String(f.trips)],
  ['re-opens', (f) => String(f.reopens)],
  ['flaps (trips while healthy)', (f) => String(f.flaps)],
  ['fallbacks served', (f) => String(f.fallbacks)]
]

/**
 * The figures of several configs side by side, one column each, as plain text.
 *
 * @category tables
 * @since 0.1.0
 */
export const table = (names: ReadonlyArray<string>, figures: ReadonlyArray<Replay.Figures>): string => {
  const cells = [['', ...names], ...rows.map(([label, cell]) => [label, ...figures.map(cell)])]
  const widths = names.map((_, c) => Math.max(...cells.map((r) => r[c + 1]!.length)))
  const labelW = Math.max(...cells.map((r) => r[0]!.length))
  return cells
    .map((r) =>
      [r[0]!.padEnd(labelW), ...r.slice(1).map((c, i) => c.padStart(widths[i]!))].join('  ').trimEnd()
    )
    .join('\n')
    .concat('\n')
}

// -------------------------------------------------------------------------------------
// commands
// -------------------------------------------------------------------------------------

const replayCommand = (argv: ReadonlyArray<string>, io: Io): number => {
  const args = parseArgs(argv, ['config', 'svg', 'json', 'strict', 'assume', 'bucket', 'outage-rate'])
  const [file, ...extra] = args.positional
  if (file === undefined) throw new Usage('replay: expected a trace file')
  if (extra.length > 0) throw new Usage(`replay: unexpected ${extra.join(' ')}`)
  const truth = truthOptions(args)
  const parsed = readTrace(io, file, args.flags.has('strict'))
  const files = args.flags.get('config') ?? []
  const configs =
    files.length > 0
      ? files.map((f) => {
          const decoded = decodeConfig(readJson(io, f))
          if (E.isLeft(decoded)) throw new Failed(`${f}: ${decoded.left.message}`)
          return [path.basename(f, '.json'), decoded.right] as const
        })
      : [
          (() => {
            const decoded = decodeConfig(parsed.trace.header.config ?? {})
            if (E.isLeft(decoded)) throw new Failed(`${file}: the header's config: ${decoded.left.message}`)
            return ['recorded', decoded.right] as const
          })()
        ]
  const prepared = Replay.prepare(parsed.trace, truth)
  const results = configs.map(([name, config]) => Replay.replay(prepared, config, name))
  const svg = one(args, 'svg')
  if (svg !== undefined) io.writeFile(svg, Svg.render(path.basename(file), prepared, results))
  if (args.flags.has('json')) {
    io.stdout(
      `${JSON.stringify(
        results.map((r) => ({ name: r.name, figures: r.figures })),
        null,
        2
      )}\n`
    )
  } else {
    io.stdout(
      table(
        results.map((r) => r.name),
        results.map((r) => r.figures)
      )
    )
  }
  if (files.length === 0 && parsed.trace.header.source === 'recorded') {
    const off = Replay.disagreements(prepared, results[0]!)
    io.stdout(
      off.length === 0
        ? 'The replay through the recorded config reproduces every recorded decision.\n'
        : `The replay differs from the recorded breaker:\n${off.map((d) => `  line ${d.line}: recorded ${d.recorded}, replayed ${d.replayed}\n`).join('')}`
    )
  }
  if (svg !== undefined) io.stdout(`Wrote ${svg}\n`)
  return 0
}

const sweepCommand = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  const args = parseArgs(argv, ['grid', 'workers', 'json', 'all', 'assume', 'bucket', 'outage-rate'])
  const [file, ...extra] = args.positional
  if (file === undefined) throw new Usage('sweep: expected a trace file')
  if (extra.length > 0) throw new Usage(`sweep: unexpected ${extra.join(' ')}`)
  const gridFile = one(args, 'grid')
  if (gridFile === undefined) throw new Usage('sweep: expected --grid <grid.json>')
  const workers = numberFlag(args, 'workers')
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) {
    throw new Usage(`--workers: expected an integer >= 0, got ${workers}`)
  }
  const truth = truthOptions(args)
  const points = Sweep.grid(readJson(io, gridFile))
  if (E.isLeft(points)) throw new Failed(`${gridFile}: ${points.left.message}`)
  const text = read(io, file)
  let result: Sweep.Result
  try {
    result = await Sweep.run(text, points.right, { ...truth, ...(workers === undefined ? {} : { workers }) })
  } catch (error) {
    if (error instanceof Trace.TraceError) throw new Failed(`${file}: ${error.message}`)
    throw error
  }
  for (const e of result.errors) io.stderr(`${file}: ${e} (left out)\n`)
  const { outcomes } = result
  const shown = args.flags.has('all') ? outcomes : outcomes.filter((o) => o.front)
  if (args.flags.has('json')) {
    io.stdout(
      `${JSON.stringify(
        shown.map((o) => ({ ...o.point, front: o.front, figures: o.figures })),
        null,
        2
      )}\n`
    )
    return 0
  }
  const sorted = [...shown].sort((a, b) => a.figures.callsIntoFailure - b.figures.callsIntoFailure)
  io.stdout(
    `${outcomes.length} configs, ${outcomes.filter((o) => o.front).length} on the Pareto front (fewest calls into failure, false rejections and recovery delay):\n\n`
  )
  const head = ['into failure', 'false rejections', 'recovery delay', 'trips', 'config']
  const body = sorted.map((o) => [
    String(o.figures.callsIntoFailure),
    String(o.figures.falseRejections),
    secondsOf(o.figures.recoveryDelay),
    String(o.figures.trips),
    `${o.point.name}${o.front ? '' : ' (dominated)'}`
  ])
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)))
  for (const r of [head, ...body]) {
    io.stdout(`${r.map((c, i) => (i === r.length - 1 ? c : c.padStart(widths[i]!))).join('  ')}\n`)
  }
  return 0
}

const generateCommand = (argv: ReadonlyArray<string>, io: Io): number => {
  const args = parseArgs(argv, ['seed', 'rate', 'duration', 'out'])
  const [kind, ...extra] = args.positional
  if (kind === undefined || !(Generate.kinds as ReadonlyArray<string>).includes(kind)) {
    throw new Usage(`generate: expected one of ${Generate.kinds.join(', ')}, got ${kind ?? 'nothing'}`)
  }
  if (extra.length > 0) throw new Usage(`generate: unexpected ${extra.join(' ')}`)
  const seed = numberFlag(args, 'seed')
  const rate = numberFlag(args, 'rate')
  const duration = numberFlag(args, 'duration')
  let g: Trace.Trace
  try {
    g = Generate.trace(kind as Generate.Kind, {
      ...(seed === undefined ? {} : { seed }),
      ...(rate === undefined ? {} : { rate }),
      ...(duration === undefined ? {} : { duration })
    })
  } catch (error) {
    throw new Usage(error instanceof Error ? error.message : String(error))
  }
  const text = Trace.format(g.header, g.lines)
  const out = one(args, 'out')
  if (out === undefined) io.stdout(text)
  else io.writeFile(out, text)
  return 0
}

/**
 * Runs the command on `argv` (the arguments after the program's name).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Cli } from 'tripswitch/replay'
 * const files = new Map<string, string>()
 * const out: Array<string> = []
 * const io = {
 *   readFile: (f: string) => files.get(f) ?? '',
 *   writeFile: (f: string, s: string) => void files.set(f, s),
 *   stdout: (s: string) => void out.push(s),
 *   stderr: (s: string) => void out.push(s)
 * }
 * assert.strictEqual(await Cli.main(['generate', 'hard-outage', '--duration', '60000', '--out', 't.jsonl'], io), 0)
 * files.set('a.json', '{"failureThreshold": 3}')
 * assert.strictEqual(await Cli.main(['replay', 't.jsonl', '--config', 'a.json'], io), 0)
 * assert.match(out.join(''), /calls into failure/)
 *
 * @category commands
 * @since 0.1.0
 */
export const main = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'replay':
        return replayCommand(rest, io)
      case 'sweep':
        return await sweepCommand(rest, io)
      case 'generate':
        return generateCommand(rest, io)
      case 'help':
      case '--help':
      case '-h':
        io.stdout(help)
        return 0
      default:
        throw new Usage(command === undefined ? 'expected a command' : `unknown command ${command}`)
    }
  } catch (error) {
    if (error instanceof Usage) {
      io.stderr(`tripswitch: ${error.message}\n\n${help}`)
      return 2
    }
    io.stderr(`tripswitch: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}
