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
 * | `halfOpenExpiry`      | `'open'`         | what the circuit becomes at that deadline: `'open'` or `'close'`; only with `halfOpenMaxDuration` |
 * | `probeLease`          | `openFor`        | how long a probe holds its slot before another may take it        |
 *
 * Everything is data except `backoff`, a function (retry-ts policies are functions). Options left out
 * (or given as `undefined`) stay out of the resolved config, so `resolve({})` is exactly `defaults`.
 *
 * Invariants:
 * - One validator: the plain check `inputCheck` (no io-ts) checks every field (with the field checks
 *   that the document form in `ConfigCodec.ts` shares) and the cross-field rules below, as refinements.
 *   `resolve` decodes with it, and the io-ts codec `Config.ConfigInput` is built from it, so
 *   construction and decoding cannot disagree.
 * - Cross-field rules: `successThreshold <= halfOpenProbes` (with their defaults); not both `strategy`
 *   and `failureThreshold`, `backoff` and `openFor`, `halfOpenFailureRate` and `successThreshold`; `halfOpenExpiry` only with `halfOpenMaxDuration`. Each
 *   runs when the fields it reads are valid or absent, so every problem is reported at once.
 * - Untyped callers get the same checks: `null` is a wrong value for any field, never the default.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as Backoff from './Backoff'
import * as Duration from './Duration'
import {
  type Check,
  fraction,
  isRecord,
  make,
  type Mixed,
  oneOf,
  positiveInteger,
  positiveMs,
  problem,
  rate,
  report,
  struct,
  type Rule,
  type StructOf
} from './codec'
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
  /**
   * What a half-open circuit becomes at `since + halfOpenMaxDuration` without a verdict: `'open'`
   * (the default: re-open at the next backoff level) or `'close'` (close, as a probe success would:
   * Resilience4j's choice for a half-open state that waited too long). Only with `halfOpenMaxDuration`.
   */
  readonly halfOpenExpiry?: HalfOpenExpiry
  readonly probeLease: number
}

/**
 * What a half-open circuit past its `halfOpenMaxDuration` becomes (see `Config.halfOpenExpiry`).
 *
 * @category model
 * @since 0.1.0
 */
export type HalfOpenExpiry = 'open' | 'close'

/**
 * What a user writes: every field optional, defaults filled in by `resolve`.
 *
 * @category model
 * @since 0.1.0
 */
export type ConfigInput = {
  readonly [K in keyof Config]?: K extends DurationField ? Duration.Input : Config[K]
}

/**
 * The options that are durations: milliseconds, or strings such as `'2s'` (see `Duration.Input`), in
 * code as in config documents.
 *
 * @category model
 * @since 0.1.0
 */
export type DurationField = 'openFor' | 'healthyPeriod' | 'halfOpenMaxDuration' | 'probeLease'

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

/**
 * The longest breaker name, in characters (UTF-16 code units): `Breaker.make` and `registry.get` refuse
 * a longer one with a `ConfigError`, so that a registry bounded by count is bounded in bytes too (at
 * most `maxSize` names of this length).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker, Config } from 'tripswitch'
 * assert.throws(() => Breaker.unsafeMake({}, { name: 'x'.repeat(Config.maxNameLength + 1) }), /name: expected a non-empty string of at most 256 characters/)
 *
 * @category constructors
 * @since 0.1.0
 */
export const maxNameLength = 256

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

const RetryPolicy: Check<Backoff.RetryPolicy> = make(
  'a retry-ts RetryPolicy',
  (u): u is Backoff.RetryPolicy => Backoff.policyProblem(u) === undefined,
  (u) => {
    const found = Backoff.policyProblem(u, 'backoff')
    // the problem names the field itself; the report puts the path in front of the rest
    return found === undefined
      ? E.right(u as Backoff.RetryPolicy)
      : E.left([problem([], found.slice('backoff: '.length))])
  }
)

/**
 * The plain validators of each option, as programmatic config gives it (the io-ts codecs
 * `Config.fields` are built from them): durations are milliseconds or strings such as `'2s'`, decoded
 * to milliseconds. The document form (`ConfigCodec.ConfigDocument`) uses the same validators, with
 * `strategy` and `backoff` described as data.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Config } from 'tripswitch'
 * assert.strictEqual(Config.fieldChecks.jitter.is(0.5), true)
 *
 * @category checks
 * @since 0.1.0
 */
export const fieldChecks = {
  failureThreshold: positiveInteger,
  strategy: Strategy.check,
  openFor: Duration.check,
  backoff: RetryPolicy,
  jitter: fraction,
  healthyPeriod: Duration.durationOf(positiveMs),
  halfOpenProbes: positiveInteger,
  successThreshold: positiveInteger,
  halfOpenFailureRate: rate,
  halfOpenMaxDuration: Duration.durationOf(positiveMs),
  halfOpenExpiry: oneOf<HalfOpenExpiry>(['open', 'close'], '"open" or "close"'),
  probeLease: Duration.durationOf(positiveMs)
}

type Input = StructOf<Record<never, Mixed>, typeof fieldChecks>

/**
 * The options that exclude each other, each pair with the hint its error gives. Where a config is laid
 * over another (registry defaults and a breaker's overrides), an option replaces its counterpart (see
 * `merge`).
 */
const exclusive: ReadonlyArray<readonly [keyof Input & string, keyof Input & string, string]> = [
  [
    'strategy',
    'failureThreshold',
    'failureThreshold: n is shorthand for strategy: consecutiveFailures(n); combine strategies with Strategy.any'
  ],
  ['backoff', 'openFor', 'openFor: ms is shorthand for backoff: constantDelay(ms)'],
  [
    'halfOpenFailureRate',
    'successThreshold',
    'the half-open verdict is by probe successes or by the failure rate over the probes'
  ]
]

const either = ([field, other, hint]: (typeof exclusive)[number]): Rule<Input> => ({
  reads: [field, other],
  check: (c) =>
    c[field] !== undefined && c[other] !== undefined
      ? [problem([field], `give either ${other} or ${field}, not both (${hint})`)]
      : []
})

const rules: ReadonlyArray<Rule<Input>> = [
  {
    reads: ['successThreshold', 'halfOpenProbes'],
    check: (c) => {
      const successes = c.successThreshold ?? defaults.successThreshold
      const probes = c.halfOpenProbes ?? defaults.halfOpenProbes
      return successes > probes
        ? [problem(['successThreshold'], `expected at most halfOpenProbes (${probes}), got ${successes}`)]
        : []
    }
  },
  ...exclusive.map(either),
  {
    reads: ['halfOpenExpiry', 'halfOpenMaxDuration'],
    check: (c) =>
      c.halfOpenExpiry !== undefined && c.halfOpenMaxDuration === undefined
        ? [problem(['halfOpenExpiry'], 'only with halfOpenMaxDuration (the deadline it applies at)')]
        : []
  }
]

/**
 * The plain validator of what a user writes (`ConfigInput`; the io-ts codec `Config.ConfigInput` is
 * built from it): every option optional, each checked by its validator in `fieldChecks`, the
 * cross-field rules as refinements, unknown options rejected with a "did you mean" hint. `resolve` is
 * this check, then the defaults.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Config } from 'tripswitch'
 * assert.ok(E.isRight(Config.inputCheck.decode({ failureThreshold: 5 })))
 * assert.ok(E.isLeft(Config.inputCheck.decode({ halfOpenProbes: 1, successThreshold: 2 })))
 *
 * @category checks
 * @since 0.1.0
 */
export const inputCheck = struct('a circuit breaker config', {}, fieldChecks, rules, 'option')

// -------------------------------------------------------------------------------------
// resolution
// -------------------------------------------------------------------------------------

/**
 * Fills in defaults and checks every field with `inputCheck` (no io-ts), throwing a `ConfigError` that
 * names each bad field and what was expected, every problem at once. Unknown fields are rejected, so a
 * typo cannot silently fall back to a default; `allowed` lists other keys the caller handles itself.
 * A field given as `undefined` is absent; `null` is a wrong value, as in a config document.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Config } from 'tripswitch'
 * const config = Config.resolve({ failureThreshold: 5, openFor: 10_000 })
 * assert.strictEqual(config.probeLease, 10_000)
 * assert.throws(() => Config.resolve({ failureThreshold: 0 }), /failureThreshold: expected a positive integer, got 0/)
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolve = (input: ConfigInput = {}, allowed: ReadonlyArray<string> = []): Config => {
  const own: unknown =
    allowed.length > 0 && isRecord(input)
      ? Object.fromEntries(Object.entries(input).filter(([k]) => !allowed.includes(k)))
      : input
  const decoded = inputCheck.decode(own)
  if (E.isLeft(decoded)) throw new ConfigError(report(decoded.left, 'config'))
  const c = decoded.right
  const openFor = c.openFor ?? defaults.openFor
  return {
    failureThreshold: c.failureThreshold ?? defaults.failureThreshold,
    ...(c.strategy === undefined ? {} : { strategy: c.strategy }),
    openFor,
    ...(c.backoff === undefined ? {} : { backoff: c.backoff }),
    ...(c.jitter === undefined ? {} : { jitter: c.jitter }),
    ...(c.healthyPeriod === undefined ? {} : { healthyPeriod: c.healthyPeriod }),
    halfOpenProbes: c.halfOpenProbes ?? defaults.halfOpenProbes,
    successThreshold: c.successThreshold ?? defaults.successThreshold,
    ...(c.halfOpenFailureRate === undefined ? {} : { halfOpenFailureRate: c.halfOpenFailureRate }),
    ...(c.halfOpenMaxDuration === undefined ? {} : { halfOpenMaxDuration: c.halfOpenMaxDuration }),
    ...(c.halfOpenExpiry === undefined ? {} : { halfOpenExpiry: c.halfOpenExpiry }),
    probeLease: c.probeLease ?? (openFor > 0 ? openFor : defaults.probeLease)
  }
}

/**
 * Lays `override` over `base`, as a registry lays a breaker's overrides over its defaults: every option
 * `override` gives replaces the one in `base`, and so does its counterpart among the options that
 * exclude each other (`strategy` and `failureThreshold`, `backoff` and `openFor`,
 * `halfOpenFailureRate` and `successThreshold`): defaults with `failureThreshold: 5` and an override
 * with a `strategy` make a config with that strategy alone. Other keys (a breaker's options) are laid
 * over as they are; an option given as `undefined` overrides nothing.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Config, failureRate, Window } from 'tripswitch'
 * const strategy = failureRate({ window: Window.count(20), threshold: 0.5, minimumCalls: 10 })
 * const merged = Config.merge({ failureThreshold: 5, openFor: '10s' }, { strategy })
 * assert.deepStrictEqual(Object.keys(merged).sort(), ['openFor', 'strategy'])
 *
 * @category combinators
 * @since 0.1.0
 */
export const merge = <A extends object, B extends object>(base: A, override: B): A & B => {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  const gives = (key: string): boolean => (override as Record<string, unknown>)[key] !== undefined
  for (const [a, b] of exclusive) {
    if (gives(a) && !gives(b)) delete out[b]
    if (gives(b) && !gives(a)) delete out[a]
  }
  for (const [key, value] of Object.entries(override)) if (value !== undefined) out[key] = value
  return out as A & B
}

/**
 * `resolve`'s problems with `input`, as a list (empty when it resolves): what the constructors and
 * decoders that gather the problems of several configs use.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Config } from 'tripswitch'
 * assert.deepStrictEqual(Config.problems({ failureThreshold: 0 }), ['failureThreshold: expected a positive integer, got 0'])
 *
 * @category utils
 * @since 0.1.0
 */
export const problems = (input: ConfigInput): ReadonlyArray<string> => {
  try {
    resolve(input)
    return []
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
}

/**
 * The cross-field problems of a config whose fields are decoded (`inputCheck`'s refinements),
 * each as a line `field: what was expected`, leaving out the rules that read a field in `invalid` (one
 * whose own problem is reported already). What a document decoder uses to report every problem at once.
 *
 * @internal
 */
export const crossFieldProblems = (
  input: ConfigInput,
  invalid: ReadonlySet<string> = new Set()
): ReadonlyArray<string> =>
  rules
    .filter((r) => r.reads.every((k) => !invalid.has(k)))
    .flatMap((r) => r.check(input as Input))
    .map((p) => `${p.path.join('.')}: ${p.message}`)
