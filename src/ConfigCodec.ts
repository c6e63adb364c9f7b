/**
 * Config documents decoded from `unknown`: a breaker's config, and a registry document of defaults
 * plus per-name overrides, as read from JSON, YAML or environment-built objects. The decoders use the
 * plain checks of `codec.ts`; the io-ts codecs of this module (`ConfigDocument`, `BackoffDocument`,
 * ...) are built from the same checks. The runtime never imports this module.
 *
 * Invariants:
 * - Decoding never throws; a bad document gives `Left(ConfigError)` listing every problem at once, one
 *   line each: its path (`breakers.payments.openFor`), what was expected, and what was found.
 * - Unknown keys are rejected with a "did you mean" hint, so a typo such as `failureTreshold` cannot
 *   silently fall back to a default. Bounded whatever the input: only keys of at most 64 characters are
 *   compared with the known ones, and only the first 20 unknown keys of an object are listed, then one
 *   line `and N more unknown keys`.
 * - Decoding costs time linear in the document: an `any` strategy lists at most
 *   `Strategy.maxStrategies` (100) strategies, refused before its elements are looked at; a breaker
 *   name in `breakers` has at most `Config.maxNameLength` (256) characters.
 * - Durations are milliseconds or strings such as `"500ms"`, `"30s"`, `"2m"` (see `Duration.ts`).
 * - Decoding and construction agree, with no rule written twice: each field of a document is checked by
 *   the check `Config.ts` checks it with (`Config.fieldChecks`; a duration field also reads strings),
 *   the strategy and window documents are derived from the registered strategies and from `Window.ts`,
 *   and the decoded config then goes through `Config.resolve` (`Config.inputCheck`) for the
 *   cross-field rules. So anything `decodeConfig` accepts, `Circuit.make` accepts too. Cross-field
 *   checks run for every config whose fields all have the right shape: a comparison with a field that
 *   is itself wrong would say nothing useful.
 * - The result is a `ConfigInput`, not a resolved `Config`: options the document leaves out keep their
 *   defaults (and derived defaults, such as `probeLease` following `openFor`) when the breaker is made.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type * as t from 'io-ts'
import * as O from 'fp-ts/Option'
import type { RetryPolicy } from './Backoff'
import {
  appendPath,
  isRecord,
  isReserved,
  literal,
  own,
  positiveMs,
  record,
  report,
  shownKey,
  struct,
  tagged,
  type TypeOf,
  unknown
} from './codec'
import { toStruct, toType } from './codecs/io'
import * as S from './codecs/Strategy'
import * as W from './codecs/Window'
import {
  ConfigError,
  crossFieldProblems,
  fieldChecks as fields,
  maxNameLength,
  merge,
  problems as resolveProblemsOf,
  type ConfigInput
} from './Config'
import * as Duration from './Duration'

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const positiveDuration = Duration.durationOf(positiveMs)

const kind = <K extends string>(k: K) => ({ kind: literal(k) })

/**
 * A window described as data: `{ "kind": "count", "size": 100 }` (the last 100 calls) or
 * `{ "kind": "time", "duration": "60s", "buckets": 12 }` (the calls of the last minute, in 5 s buckets).
 * The codec of `Window.ts`, with the field codecs of `Window.Window`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { ConfigCodec } from 'tripswitch'
 * assert.ok(E.isRight(ConfigCodec.WindowDocument.decode({ kind: 'count', size: 100 })))
 *
 * @category codecs
 * @since 0.1.0
 */
export const WindowDocument = W.WindowDocument

/**
 * A trip strategy described as data, with the fields of the `Strategy` constructors and a `kind` naming
 * one: `consecutiveFailures`, `failureCount`, `failureRate`, `slowCallRate`, or `any` with a list of
 * the others in `strategies`. Derived from the registered strategies (see `Strategy.StrategyDocument`).
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { ConfigCodec } from 'tripswitch'
 * const doc = { kind: 'failureRate', window: { kind: 'count', size: 100 }, threshold: 0.5 }
 * assert.ok(E.isRight(ConfigCodec.StrategyDocument.decode(doc)))
 *
 * @category codecs
 * @since 0.1.0
 */
export const StrategyDocument = S.StrategyDocument

const backoffCheck = tagged('a backoff', 'kind', {
  constant: struct('a constant backoff', { ...kind('constant'), delay: Duration.check }, {}),
  exponential: struct(
    'an exponential backoff',
    { ...kind('exponential'), initial: positiveDuration },
    { max: positiveDuration }
  )
})

type BackoffDocument = TypeOf<typeof backoffCheck>

/**
 * A reset backoff described as data: `{ "kind": "constant", "delay": "30s" }`, or
 * `{ "kind": "exponential", "initial": "1s", "max": "5m" }` (the open time doubles on each re-open, from
 * `initial`, capped at `max`), as retry-ts's `constantDelay` and `capDelay(max, exponentialBackoff(initial))`.
 *
 * @category codecs
 * @since 0.1.0
 */
export const BackoffDocument: t.Type<BackoffDocument, BackoffDocument, unknown> =
  /* @__PURE__ */ toType(backoffCheck)

const documentCheck = struct(
  'a circuit breaker config',
  {},
  {
    failureThreshold: fields.failureThreshold,
    strategy: S.documentCheck,
    openFor: fields.openFor,
    backoff: backoffCheck,
    jitter: fields.jitter,
    healthyPeriod: fields.healthyPeriod,
    halfOpenProbes: fields.halfOpenProbes,
    successThreshold: fields.successThreshold,
    halfOpenFailureRate: fields.halfOpenFailureRate,
    halfOpenMaxDuration: fields.halfOpenMaxDuration,
    halfOpenExpiry: fields.halfOpenExpiry,
    probeLease: fields.probeLease
  }
)

/**
 * A decoded config document: durations are milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export type ConfigDocument = TypeOf<typeof documentCheck>

/**
 * The io-ts codec of one breaker's config document: every option optional, unknown keys rejected.
 * Durations are milliseconds or duration strings; `strategy` and `backoff` are described as data
 * (`StrategyDocument`, `BackoffDocument`). Built from the check `decodeConfig` decodes with.
 *
 * @example
 * import { ConfigCodec } from 'tripswitch'
 * ConfigCodec.ConfigDocument.decode({ failureThreshold: 5, openFor: '10s' })
 * // right({ failureThreshold: 5, openFor: 10_000 })
 *
 * @category codecs
 * @since 0.1.0
 */
export const ConfigDocument: t.Type<ConfigDocument, ConfigDocument, unknown> & {
  readonly keys: ReadonlyArray<string>
} = /* @__PURE__ */ toStruct(documentCheck)

/**
 * A decoded registry document: the config of breaker `name` is `Config.merge(defaults, breakers[name])`
 * (an override replaces what it overrides).
 *
 * @category model
 * @since 0.1.0
 */
export interface RegistryConfig {
  readonly defaults: ConfigInput
  readonly breakers: Readonly<Record<string, ConfigInput>>
}

// -------------------------------------------------------------------------------------
// decoders
// -------------------------------------------------------------------------------------

/** retry-ts's `constantDelay(delay)` and `capDelay(max, exponentialBackoff(initial))`, as data. */
const toPolicy = (b: BackoffDocument): RetryPolicy => {
  if (b.kind === 'constant') return () => O.some(b.delay)
  const { initial, max } = b
  return (status) => O.some(Math.min(max ?? Infinity, initial * Math.pow(2, status.iterNumber)))
}

const toInput = ({ strategy, backoff, ...rest }: ConfigDocument): ConfigInput => ({
  ...rest,
  ...(strategy === undefined ? {} : { strategy: S.fromDocument(strategy) }),
  ...(backoff === undefined ? {} : { backoff: toPolicy(backoff) })
})

/**
 * The fields of the config document `u` that decode, and the names of those that do not: what the
 * cross-field checks of a document with bad fields can still look at.
 */
const validFields = (u: unknown): readonly [ConfigInput, ReadonlySet<string>] => {
  const valid: Record<string, unknown> = {}
  const invalid = new Set<string>()
  if (isRecord(u)) {
    for (const key of documentCheck.keys) {
      const v = own(u, key)
      if (v === undefined) continue
      const decoded = documentCheck.decode({ [key]: v })
      if (E.isRight(decoded)) Object.assign(valid, decoded.right)
      else invalid.add(key)
    }
  }
  return [toInput(valid as ConfigDocument), invalid]
}

/**
 * The problems of the merged config `input`, some of whose fields (`invalid`) did not decode: what
 * `Config.resolve` finds in the fields that did, but no cross-field rule that reads a field in
 * `invalid` (its own problem says what is wrong there).
 */
const problemsOf = (input: ConfigInput, invalid: ReadonlySet<string>): ReadonlyArray<string> => {
  if (invalid.size === 0) return resolveProblemsOf(input)
  const kept = crossFieldProblems(input, invalid)
  const skipped = crossFieldProblems(input).filter((p) => !kept.includes(p))
  return resolveProblemsOf(input).filter((p) => !skipped.includes(p))
}

/**
 * Decodes the config at the path `at` (`''` for a document of its own), laid over `base` (the defaults
 * it overrides, see `Config.merge`): its shape, then `Config.resolve`'s checks of the merged config,
 * every problem at once (with bad fields, the checks look at the fields that decode), leaving out
 * problems that `base` has alone.
 */
const decodeAt = (
  u: unknown,
  at: string,
  base: ConfigInput
): E.Either<ReadonlyArray<string>, ConfigInput> => {
  const shape = documentCheck.decode(u)
  const [input, invalid] = E.isRight(shape) ? [toInput(shape.right), new Set<string>()] : validFields(u)
  const inherited = resolveProblemsOf(base)
  const problems = [
    ...(E.isLeft(shape) ? report(shape.left, 'config', at) : []),
    ...problemsOf(merge(base, input), invalid)
      .filter((p) => !inherited.includes(p))
      .map((p) => (at === '' ? p : `${at}.${p}`))
  ]
  return problems.length > 0 ? E.left(problems) : E.right(input)
}

/**
 * Decodes one breaker's config from untrusted input, reporting every problem at once.
 *
 * @example
 * import { Breaker, decodeConfig } from 'tripswitch'
 * import * as E from 'fp-ts/Either'
 *
 * const config = decodeConfig(JSON.parse('{ "failureTreshold": 5, "openFor": "10s" }'))
 * if (E.isRight(config)) Breaker.make(config.right)
 * else console.error(config.left.message)
 * // Invalid circuit breaker config:
 * //   - failureTreshold: unknown key; did you mean failureThreshold?
 *
 * @category decoders
 * @since 0.1.0
 */
export const decodeConfig = (input: unknown): E.Either<ConfigError, ConfigInput> =>
  pipe(
    decodeAt(input, '', {}),
    E.mapLeft((problems) => new ConfigError(problems))
  )

const RegistryShape = struct(
  'a registry config document',
  {},
  { defaults: unknown, breakers: record('an object of breaker configs by name', unknown) }
)

/**
 * Decodes a registry document (`{ defaults, breakers: { [name]: overrides } }`) from untrusted input,
 * reporting every problem of every breaker at once. Each breaker's overrides are checked laid over
 * the defaults (`Config.merge`), as the registry uses them: an override replaces what it overrides, so
 * a `strategy` over defaults with a `failureThreshold` is valid. A problem of the defaults alone is
 * reported once, under `defaults`. Both keys are optional; breaker names `__proto__`, `constructor` and
 * `prototype` are rejected.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Config, decodeRegistryConfig } from 'tripswitch'
 * const doc = decodeRegistryConfig({
 *   defaults: { failureThreshold: 5, openFor: '30s' },
 *   breakers: {
 *     payments: { strategy: { kind: 'failureRate', window: { kind: 'count', size: 20 }, threshold: 0.5 } },
 *     search: { openFor: '5s' }
 *   }
 * })
 * assert.ok(E.isRight(doc))
 * const payments = Config.merge(doc.right.defaults, doc.right.breakers['payments'] ?? {})
 * assert.deepStrictEqual(Object.keys(payments).sort(), ['openFor', 'strategy'])
 *
 * @category decoders
 * @since 0.1.0
 */
export const decodeRegistryConfig = (input: unknown): E.Either<ConfigError, RegistryConfig> => {
  const shape = RegistryShape.decode(input)
  // problems of the document's own keys do not hide those of the configs it holds
  const problems: Array<string> = E.isLeft(shape) ? [...report(shape.left, 'document')] : []
  const doc = isRecord(input) ? input : {}
  const named = own(doc, 'breakers')
  const listed = isRecord(named) ? named : {}
  const rawDefaults = own(doc, 'defaults') ?? {}
  const defaults = decodeAt(rawDefaults, 'defaults', {})
  if (E.isLeft(defaults)) problems.push(...defaults.left)
  // the overrides of bad defaults are still checked, over the defaults' fields that decode
  const base = E.isRight(defaults) ? defaults.right : validFields(rawDefaults)[0]
  const breakers: Array<readonly [string, ConfigInput]> = []
  for (const name of Object.keys(listed)) {
    if (isReserved(name)) continue
    if (name.length > maxNameLength) {
      const at = appendPath('breakers', shownKey(name))
      problems.push(
        `${at}: expected a breaker name of at most ${maxNameLength} characters, got ${name.length}`
      )
      continue
    }
    const decoded = decodeAt(own(listed, name), appendPath('breakers', name), base)
    if (E.isLeft(decoded)) problems.push(...decoded.left)
    else breakers.push([name, decoded.right])
  }
  return problems.length > 0
    ? E.left(new ConfigError(problems))
    : E.right({ defaults: base, breakers: Object.fromEntries(breakers) })
}
