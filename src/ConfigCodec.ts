/**
 * Config documents decoded from `unknown` with io-ts: a breaker's config, and a registry document of
 * defaults plus per-name overrides, as read from JSON, YAML or environment-built objects.
 *
 * Invariants:
 * - Decoding never throws; a bad document gives `Left(ConfigError)` listing every problem at once, one
 *   line each: its path (`breakers.payments.openFor`), what was expected, and what was found.
 * - Unknown keys are rejected with a "did you mean" hint, so a typo such as `failureTreshold` cannot
 *   silently fall back to a default.
 * - Durations are milliseconds or strings such as `"500ms"`, `"30s"`, `"2m"` (see `Duration.ts`).
 * - Decoding and construction agree: after the shape of each field is checked, the cross-field checks
 *   are those of `Config.resolve`, run on the decoded config, so anything `decodeConfig` accepts,
 *   `Circuit.make` accepts too. Cross-field checks run for every config whose fields all have the right
 *   shape: a comparison with a field that is itself wrong would say nothing useful.
 * - The result is a `ConfigInput`, not a resolved `Config`: options the document leaves out keep their
 *   defaults (and derived defaults, such as `probeLease` following `openFor`) when the breaker is made.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import { appendPath, positiveInteger, record, report, struct } from './codec'
import { ConfigError, resolve, type ConfigInput } from './Config'
import { Duration } from './Duration'

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const positiveDuration = new t.Type<number, number, unknown>(
  'a positive duration: milliseconds (a finite number > 0) or a string such as "500ms", "30s", "2m"',
  (u): u is number => Duration.is(u) && u > 0,
  (u, c) =>
    pipe(
      Duration.validate(u, c),
      E.chain((ms) => (ms > 0 ? t.success(ms) : t.failure(u, c)))
    ),
  t.identity
)

/**
 * The io-ts codec of one breaker's config document: every option optional, unknown keys rejected.
 *
 * @example
 * import { ConfigCodec } from 'tripswitch'
 * ConfigCodec.ConfigDocument.decode({ failureThreshold: 5, openFor: '10s' })
 * // right({ failureThreshold: 5, openFor: 10_000 })
 *
 * @category codecs
 * @since 0.1.0
 */
export const ConfigDocument = struct(
  'a circuit breaker config',
  {},
  {
    failureThreshold: positiveInteger,
    openFor: Duration,
    halfOpenProbes: positiveInteger,
    successThreshold: positiveInteger,
    probeLease: positiveDuration
  }
)

/**
 * A decoded config document: durations are milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export type ConfigDocument = t.TypeOf<typeof ConfigDocument>

/**
 * The io-ts codec of a registry document: `defaults` for every breaker, and `breakers` overriding
 * them per name. Both are optional. Breaker names `__proto__`, `constructor` and `prototype` are
 * rejected.
 *
 * @example
 * import { ConfigCodec } from 'tripswitch'
 * ConfigCodec.RegistryDocument.decode({ defaults: { openFor: '30s' }, breakers: { payments: { failureThreshold: 5 } } })
 *
 * @category codecs
 * @since 0.1.0
 */
export const RegistryDocument = struct(
  'a registry config document',
  {},
  { defaults: ConfigDocument, breakers: record('breaker configs by name', ConfigDocument) }
)

/**
 * @category model
 * @since 0.1.0
 */
export type RegistryDocument = t.TypeOf<typeof RegistryDocument>

/**
 * A decoded registry document: the config of breaker `name` is `{ ...defaults, ...breakers[name] }`.
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

const toInput = (doc: ConfigDocument): ConfigInput => doc

/** `Config.resolve`'s problems, each prefixed with `at` (the path of the config in the document). */
const crossFieldProblems = (input: ConfigInput, at: string): ReadonlyArray<string> => {
  try {
    resolve(input)
    return []
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => (at === '' ? p : `${at}.${p}`))
    throw error
  }
}

const failWith = (problems: ReadonlyArray<string>): E.Either<ConfigError, never> =>
  E.left(new ConfigError(problems))

/**
 * Decodes one breaker's config from untrusted input, reporting every problem at once.
 *
 * @example
 * import { Breaker, ConfigCodec } from 'tripswitch'
 * import * as E from 'fp-ts/Either'
 *
 * const config = ConfigCodec.decodeConfig(JSON.parse('{ "failureThreshold": 5, "openFor": "10s" }'))
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
    ConfigDocument.decode(input),
    E.mapLeft((errors) => new ConfigError(report(errors, 'config'))),
    E.chain((doc) => {
      const config = toInput(doc)
      const problems = crossFieldProblems(config, '')
      return problems.length > 0 ? failWith(problems) : E.right(config)
    })
  )

/**
 * Decodes a registry document (`{ defaults, breakers: { [name]: overrides } }`) from untrusted input,
 * reporting every problem in every breaker at once. Each breaker's overrides are checked merged over the
 * defaults, as the registry will use them.
 *
 * @example
 * import { ConfigCodec } from 'tripswitch'
 * const doc = ConfigCodec.decodeRegistryConfig({
 *   defaults: { openFor: '30s' },
 *   breakers: { payments: { failureThreshold: 5 }, search: { openFor: '5s' } }
 * })
 *
 * @category decoders
 * @since 0.1.0
 */
export const decodeRegistryConfig = (input: unknown): E.Either<ConfigError, RegistryConfig> =>
  pipe(
    RegistryDocument.decode(input),
    E.mapLeft((errors) => new ConfigError(report(errors, 'document'))),
    E.chain((doc) => {
      const defaults = toInput(doc.defaults ?? {})
      const breakers: ReadonlyArray<readonly [string, ConfigInput]> = Object.entries(doc.breakers ?? {}).map(
        ([name, overrides]) => [name, toInput(overrides)]
      )
      const ofDefaults = crossFieldProblems(defaults, 'defaults')
      const problems = [...ofDefaults]
      for (const [name, overrides] of breakers) {
        const at = appendPath('breakers', name)
        const own = crossFieldProblems({ ...defaults, ...overrides }, at)
        // a problem that comes from the defaults alone is reported once, under `defaults`
        const inherited = crossFieldProblems(defaults, at)
        problems.push(...own.filter((p) => !inherited.includes(p)))
      }
      return problems.length > 0
        ? failWith(problems)
        : E.right({ defaults, breakers: Object.fromEntries(breakers) })
    })
  )
