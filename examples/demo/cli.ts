/**
 * The demo's command line: `--name value` or `--name=value`, each checked, every problem reported
 * with the option's name, what was expected and what was given.
 *
 * @since 0.1.0
 */
import { defaults, type Options } from './scenario'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export type Parsed =
  | { readonly _tag: 'Run'; readonly options: Options }
  | { readonly _tag: 'Help' }
  | { readonly _tag: 'Invalid'; readonly problems: ReadonlyArray<string> }

interface Spec {
  readonly field: keyof Options
  readonly arg: string
  readonly help: string
  /** The value, or what was expected. */
  readonly parse: (s: string) => number | string | { readonly expected: string }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const number =
  (expected: string, ok: (n: number) => boolean) =>
  (s: string): number | { readonly expected: string } => {
    const n = s.trim() === '' ? NaN : Number(s)
    return Number.isFinite(n) && ok(n) ? n : { expected }
  }

const specs: ReadonlyArray<Spec> = [
  {
    field: 'duration',
    arg: '<s>',
    help: 'length of the run in demo seconds; the phases scale with it',
    parse: number('a number of seconds from 5 to 3600', (n) => n >= 5 && n <= 3600)
  },
  {
    field: 'speed',
    arg: '<x>',
    help: 'time compression: the demo clock runs x times faster than real time',
    parse: number('a number from 0.1 to 50', (n) => n >= 0.1 && n <= 50)
  },
  {
    field: 'out',
    arg: '<dir>',
    help: 'where to write report.json and timeline.svg',
    parse: (s) => (s.trim() === '' ? { expected: 'a directory path' } : s)
  },
  {
    field: 'seed',
    arg: '<n>',
    help: "seed of the service's random choices: same seed, same script",
    parse: number('an integer from 0 to 4294967295', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff)
  },
  {
    field: 'rate',
    arg: '<n>',
    help: 'calls per demo second, for each of the two clients',
    parse: number('a number of calls per second from 1 to 200', (n) => n >= 1 && n <= 200)
  },
  {
    field: 'failureThreshold',
    arg: '<n>',
    help: 'breaker: consecutive failed calls that open the circuit',
    parse: number('an integer from 1 to 1000', (n) => Number.isInteger(n) && n >= 1 && n <= 1000)
  },
  {
    field: 'openFor',
    arg: '<ms>',
    help: 'breaker: demo ms the circuit stays open before a probe may pass',
    parse: number('a number of milliseconds from 1 to 3600000', (n) => n >= 1 && n <= 3_600_000)
  },
  {
    field: 'halfOpenProbes',
    arg: '<n>',
    help: 'breaker: probes admitted while half-open',
    parse: number('an integer from 1 to 100', (n) => Number.isInteger(n) && n >= 1 && n <= 100)
  },
  {
    field: 'timeout',
    arg: '<ms>',
    help: 'both clients: request timeout in demo ms; slow answers take 2-4x this',
    parse: number('a number of milliseconds from 50 to 60000', (n) => n >= 50 && n <= 60_000)
  },
  {
    field: 'retries',
    arg: '<n>',
    help: 'protected client: retries inside the breaker after a 5xx or a reset',
    parse: number('an integer from 0 to 10', (n) => Number.isInteger(n) && n >= 0 && n <= 10)
  }
]

/** Calls per wall-clock second, for each client, beyond which the machine rather than the service sets the latency. */
const maxLoad = 200

const flag = (field: string): string => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

/**
 * The text of `--help`.
 *
 * @category utils
 * @since 0.1.0
 */
export const help: string = [
  'npm run demo -- [options]',
  '',
  'Starts a flaky HTTP service on 127.0.0.1 (healthy, failing, slow, recovering, healthy again) and',
  'runs two clients against it at the same rate: one through a tripswitch breaker, one unprotected.',
  'Prints a line per demo second, then a summary table, and writes report.json and timeline.svg.',
  '',
  `${'Options:'.padEnd(28)}default`,
  ...specs.map((s) => {
    const head = `  ${flag(s.field)} ${s.arg}`
    return `${head.padEnd(28)}${String(defaults[s.field]).padEnd(10)}${s.help}`
  }),
  `${'  -h, --help'.padEnd(38)}show this help`,
  '',
  'Durations are in demo time: at --speed 4 the default 24 s run takes 6 s.',
  `rate x speed may be at most ${maxLoad} (calls per wall-clock second for each client).`,
  'Exit codes: 0 done, 2 bad options.',
  ''
].join('\n')

// -------------------------------------------------------------------------------------
// parser
// -------------------------------------------------------------------------------------

/**
 * Parses the arguments after `demo`.
 *
 * @example
 * parse(['--speed', '4', '--seed=7']) // { _tag: 'Run', options: { ...defaults, speed: 4, seed: 7 } }
 * parse(['--rate', 'fast'])           // { _tag: 'Invalid', problems: ['--rate: expected ...'] }
 *
 * @category utils
 * @since 0.1.0
 */
export const parse = (argv: ReadonlyArray<string>): Parsed => {
  const problems: Array<string> = []
  const values: Partial<Record<keyof Options, number | string>> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--help' || a === '-h') return { _tag: 'Help' }
    const eq = a.indexOf('=')
    const name = eq === -1 ? a : a.slice(0, eq)
    const spec = specs.find((s) => flag(s.field) === name)
    if (spec === undefined) {
      problems.push(`${a}: unknown option (known: ${specs.map((s) => flag(s.field)).join(', ')}, --help)`)
      continue
    }
    const raw = eq === -1 ? argv[++i] : a.slice(eq + 1)
    if (raw === undefined) {
      problems.push(`${name}: expected a value after it`)
      continue
    }
    const value = spec.parse(raw)
    if (typeof value === 'object')
      problems.push(`${name}: expected ${value.expected}, got ${JSON.stringify(raw)}`)
    else values[spec.field] = value
  }
  const options = { ...defaults, ...values } as Options
  const load = options.rate * options.speed
  if (load > maxLoad) {
    problems.push(
      `--rate and --speed: expected rate x speed of at most ${maxLoad} calls per wall-clock second for each client (a busier run measures the machine, not the breaker), got ${load}`
    )
  }
  return problems.length > 0 ? { _tag: 'Invalid', problems } : { _tag: 'Run', options }
}
