/**
 * The thresholds of a circuit: plain data with documented defaults, checked at construction.
 *
 * | option                | default          | meaning                                                          |
 * | --------------------- | ---------------- | ---------------------------------------------------------------- |
 * | `failureThreshold`    | `3`              | consecutive recorded failures that open a closed circuit          |
 * | `strategy`            | (none)           | a trip strategy instead (see `Strategy`); not with `failureThreshold` |
 * | `openFor`             | `30_000` ms      | how long the circuit stays open before a probe may pass           |
 * | `backoff`             | (none)           | a retry-ts `RetryPolicy` giving the open time by level instead; not with `openFor` |
 * | `jitter`              | `0`              | shorten each open time by up to this fraction, deterministically  |
 * | `healthyPeriod`       | (none)           | flap damping: closed time that lowers the backoff level by one; unset: closing resets it |
 * | `halfOpenProbes`      | `1`              | probes admitted while half-open                                   |
 * | `successThreshold`    | `1`              | probe successes that close the circuit (at most the probes)       |
 * | `halfOpenFailureRate` | (none)           | decide by the failure rate over the probes instead; not with `successThreshold` |
 * | `halfOpenMaxDuration` | (none)           | the longest a circuit stays half-open before it re-opens          |
 * | `probeLease`          | `openFor`        | how long a probe holds its slot before another may take it        |
 *
 * Everything is data except `backoff`, a function (retry-ts policies are functions). Options left out
 * stay out of the resolved config, so `resolve({})` is exactly `defaults`.
 *
 * @since 0.1.0
 */
import * as Backoff from './Backoff'
import * as Strategy from './Strategy'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface Config {
  /** Shorthand for `strategy: consecutiveFailures(failureThreshold)`; unused when `strategy` is given. */
  readonly failureThreshold: number
  /** The trip strategy (default: `consecutiveFailures(failureThreshold)`). */
  readonly strategy?: Strategy.Strategy
  /** The open time at every level; unused when `backoff` is given. */
  readonly openFor: number
  /** The open time by backoff level (iteration 0 on the first open). Default: `openFor` at every level. */
  readonly backoff?: Backoff.RetryPolicy
  /** In `[0, 1]`: each open time is shortened by up to this fraction (deterministic, see `Backoff`). */
  readonly jitter?: number
  /** Flap damping: each full period spent closed lowers the backoff level by one. Default: closing resets it. */
  readonly healthyPeriod?: number
  readonly halfOpenProbes: number
  /** Probe successes that close the circuit; any recorded probe failure re-opens it. */
  readonly successThreshold: number
  /**
   * In `(0, 1]`: decide half-open by the failure rate over `halfOpenProbes` probes instead of by
   * `successThreshold`: re-open as soon as `failures / halfOpenProbes >= halfOpenFailureRate`, close as
   * soon as that can no longer happen.
   */
  readonly halfOpenFailureRate?: number
  /** The longest a circuit stays half-open: at `since + halfOpenMaxDuration` it is open again. */
  readonly halfOpenMaxDuration?: number
  readonly probeLease: number
}

/**
 * What a user writes: every field optional, defaults filled in by `resolve`.
 *
 * @category model
 * @since 0.1.0
 */
export type ConfigInput = { readonly [K in keyof Config]?: Config[K] }

/**
 * Thrown at construction when a config is invalid. Lists every problem, each naming its field.
 *
 * @category model
 * @since 0.1.0
 */
export class ConfigError extends Error {
  readonly _tag = 'ConfigError'
  constructor(readonly problems: ReadonlyArray<string>) {
    super(`Invalid circuit breaker config:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The defaults: open after 3 consecutive failures, stay open 30 s, then 1 probe decides.
 *
 * @category constructors
 * @since 0.1.0
 */
export const defaults: Config = {
  failureThreshold: 3,
  openFor: 30_000,
  halfOpenProbes: 1,
  successThreshold: 1,
  probeLease: 30_000
}

const keys: ReadonlyArray<keyof Config> = [
  'failureThreshold',
  'strategy',
  'openFor',
  'backoff',
  'jitter',
  'healthyPeriod',
  'halfOpenProbes',
  'successThreshold',
  'halfOpenFailureRate',
  'halfOpenMaxDuration',
  'probeLease'
]

const describe = (u: unknown): string =>
  typeof u === 'string' ? JSON.stringify(u) : typeof u === 'bigint' ? `${u}n` : String(u)

const fraction = (field: string, u: unknown, min: 'zero' | 'positive'): ReadonlyArray<string> =>
  typeof u === 'number' && (min === 'zero' ? u >= 0 : u > 0) && u <= 1
    ? []
    : [`${field}: expected a ${min === 'zero' ? 'number in [0, 1]' : 'rate in (0, 1]'}, got ${describe(u)}`]

const either = (field: string, other: string, hint: string): string =>
  `${field}: give either ${other} or ${field}, not both (${hint})`

const positiveInteger = (field: string, u: unknown): ReadonlyArray<string> =>
  typeof u === 'number' && Number.isInteger(u) && u >= 1
    ? []
    : [`${field}: expected a positive integer, got ${describe(u)}`]

const duration = (field: string, u: unknown, min: 'zero' | 'positive'): ReadonlyArray<string> =>
  typeof u === 'number' && Number.isFinite(u) && (min === 'zero' ? u >= 0 : u > 0)
    ? []
    : [
        `${field}: expected a finite ${min === 'zero' ? 'non-negative' : 'positive'} duration in milliseconds, got ${describe(u)}`
      ]

/**
 * Fills in defaults and checks every field, throwing a `ConfigError` that names each bad field and
 * what was expected. Unknown fields are rejected, so a typo cannot silently fall back to a default.
 *
 * @example
 * import { Config } from 'tripswitch'
 * const config = Config.resolve({ failureThreshold: 5, openFor: 10_000 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolve = (input: ConfigInput = {}, allowed: ReadonlyArray<string> = []): Config => {
  const problems: Array<string> = []
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError([`config: expected an object, got ${describe(input)}`])
  }
  for (const key of Object.keys(input)) {
    if (!(keys as ReadonlyArray<string>).includes(key) && !allowed.includes(key)) {
      problems.push(`${key}: unknown option (known options: ${[...keys, ...allowed].join(', ')})`)
    }
  }
  const openFor = input.openFor ?? defaults.openFor
  const { strategy, backoff, jitter, healthyPeriod, halfOpenFailureRate, halfOpenMaxDuration } = input
  const config: Config = {
    failureThreshold: input.failureThreshold ?? defaults.failureThreshold,
    ...(strategy === undefined ? {} : { strategy }),
    openFor,
    ...(backoff === undefined ? {} : { backoff }),
    ...(jitter === undefined ? {} : { jitter }),
    ...(healthyPeriod === undefined ? {} : { healthyPeriod }),
    halfOpenProbes: input.halfOpenProbes ?? defaults.halfOpenProbes,
    successThreshold: input.successThreshold ?? defaults.successThreshold,
    ...(halfOpenFailureRate === undefined ? {} : { halfOpenFailureRate }),
    ...(halfOpenMaxDuration === undefined ? {} : { halfOpenMaxDuration }),
    probeLease:
      input.probeLease ?? (typeof openFor === 'number' && openFor > 0 ? openFor : defaults.probeLease)
  }
  problems.push(
    ...positiveInteger('failureThreshold', config.failureThreshold),
    ...duration('openFor', config.openFor, 'zero'),
    ...positiveInteger('halfOpenProbes', config.halfOpenProbes),
    ...positiveInteger('successThreshold', config.successThreshold),
    ...duration('probeLease', config.probeLease, 'positive')
  )
  if (
    Number.isInteger(config.successThreshold) &&
    Number.isInteger(config.halfOpenProbes) &&
    config.successThreshold > config.halfOpenProbes
  ) {
    problems.push(
      `successThreshold: expected at most halfOpenProbes (${config.halfOpenProbes}), got ${config.successThreshold}`
    )
  }
  if (strategy !== undefined) {
    problems.push(...Strategy.problems(strategy, 'strategy'))
    if (input.failureThreshold !== undefined) {
      problems.push(
        either(
          'strategy',
          'failureThreshold',
          'failureThreshold: n is shorthand for strategy: consecutiveFailures(n); combine strategies with Strategy.any'
        )
      )
    }
  }
  if (backoff !== undefined) {
    const problem = Backoff.policyProblem(backoff, 'backoff')
    if (problem !== undefined) problems.push(problem)
    if (input.openFor !== undefined) {
      problems.push(either('backoff', 'openFor', 'openFor: ms is shorthand for backoff: constantDelay(ms)'))
    }
  }
  if (jitter !== undefined) problems.push(...fraction('jitter', jitter, 'zero'))
  if (healthyPeriod !== undefined) problems.push(...duration('healthyPeriod', healthyPeriod, 'positive'))
  if (halfOpenFailureRate !== undefined) {
    problems.push(...fraction('halfOpenFailureRate', halfOpenFailureRate, 'positive'))
    if (input.successThreshold !== undefined) {
      problems.push(
        either(
          'halfOpenFailureRate',
          'successThreshold',
          'the half-open verdict is by probe successes or by the failure rate over the probes'
        )
      )
    }
  }
  if (halfOpenMaxDuration !== undefined) {
    problems.push(...duration('halfOpenMaxDuration', halfOpenMaxDuration, 'positive'))
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}
