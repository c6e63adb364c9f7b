/**
 * The thresholds of a circuit: plain data with documented defaults, checked at construction.
 *
 * | option             | default          | meaning                                                        |
 * | ------------------ | ---------------- | -------------------------------------------------------------- |
 * | `failureThreshold` | `3`              | consecutive recorded failures that open a closed circuit        |
 * | `openFor`          | `30_000` ms      | how long the circuit stays open before a probe may pass         |
 * | `halfOpenProbes`   | `1`              | probes admitted while half-open                                 |
 * | `successThreshold` | `1`              | probe successes that close the circuit (at most the probes)     |
 * | `probeLease`       | `openFor`        | how long a probe holds its slot before another may take it      |
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface Config {
  readonly failureThreshold: number
  readonly openFor: number
  readonly halfOpenProbes: number
  readonly successThreshold: number
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
  'openFor',
  'halfOpenProbes',
  'successThreshold',
  'probeLease'
]

const describe = (u: unknown): string =>
  typeof u === 'string' ? JSON.stringify(u) : typeof u === 'bigint' ? `${u}n` : String(u)

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
  const config: Config = {
    failureThreshold: input.failureThreshold ?? defaults.failureThreshold,
    openFor,
    halfOpenProbes: input.halfOpenProbes ?? defaults.halfOpenProbes,
    successThreshold: input.successThreshold ?? defaults.successThreshold,
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
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}
