/**
 * Durations as people write them in config documents: milliseconds, or a string such as `"500ms"`,
 * `"30s"`, `"2m"`, `"1h"` or `"1m30s"`.
 *
 * Invariants:
 * - A decoded duration is a finite, non-negative number of milliseconds.
 * - A string is one or more `<number><unit>` parts with no sign, exponent or spaces; units are `ms`,
 *   `s`, `m` and `h`. Parts add up (`"1m30s"` is 90 000 ms). A bare number in a string (`"500"`) is
 *   rejected: write `500` or `"500ms"`, so that nobody guesses the unit.
 * - Fractions are allowed (`"1.5s"`); the result is rounded to the microsecond so that `"1.1s"` is
 *   exactly `1100` rather than a binary floating-point neighbour.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { type Check, make, nonNegativeMs, problem, show } from './codec'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A duration in milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export type Duration = number

/**
 * The units of a duration string.
 *
 * @category model
 * @since 0.1.0
 */
export type Unit = 'ms' | 's' | 'm' | 'h'

/**
 * A duration string as the type checker sees it: a number and a unit, then optionally more parts
 * (`'500ms'`, `'2s'`, `'1m30s'`). The codec checks the rest at run time (no sign, exponent or spaces).
 *
 * @category model
 * @since 0.1.0
 */
export type DurationString = `${number}${Unit}` | `${number}${Unit}${number}${string}`

/**
 * What every duration option accepts, in code as in config documents: milliseconds, or a duration
 * string.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Breaker, type Duration } from 'tripswitch'
 * const openFor: Duration.Input = '2s'
 * const b = Breaker.make({ name: 'search', openFor, probeLease: 500 })()
 * assert.strictEqual(b.circuit.config.openFor, 2_000)
 *
 * @category model
 * @since 0.1.0
 */
export type Input = Duration | DurationString

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }

const whole = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/
const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/g

/**
 * Parses a duration string into milliseconds, or says what is wrong with it.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Duration } from 'tripswitch'
 *
 * assert.deepStrictEqual(Duration.parse('1m30s'), E.right(90_000))
 * assert.deepStrictEqual(
 *   Duration.parse('30 seconds'),
 *   E.left('not a sequence of <number><unit> with units ms, s, m, h and no spaces')
 * )
 *
 * @category constructors
 * @since 0.1.0
 */
export const parse = (s: string): E.Either<string, Duration> => {
  if (!whole.test(s)) {
    return E.left(
      /^\d+(?:\.\d+)?$/.test(s)
        ? `a unit is missing: write ${s} (a number of milliseconds) or "${s}ms"`
        : 'not a sequence of <number><unit> with units ms, s, m, h and no spaces'
    )
  }
  let ms = 0
  for (const [, amount, unit] of s.matchAll(part)) ms += Number(amount) * (unitMs[unit ?? 'ms'] ?? 1)
  ms = Math.round(ms * 1_000) / 1_000
  return Number.isFinite(ms) ? E.right(ms) : E.left('the duration is too large')
}

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

/**
 * A human-readable description of what a duration looks like, for error messages.
 *
 * @category checks
 * @since 0.1.0
 */
export const expected =
  'a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m"'

/**
 * The document form of the milliseconds check `ms`: a number `ms` accepts, or a duration string
 * (`"500ms"`, `"30s"`, `"2m"`) whose milliseconds it accepts. Decodes to milliseconds.
 *
 * @internal
 */
export const durationOf = (
  ms: Check<number>,
  name = `${ms.name}, or a string such as "500ms", "30s", "2m"`
): Check<Duration> =>
  make(name, ms.is, (u) => {
    if (typeof u !== 'string') return ms.is(u) ? E.right(u) : E.left(null)
    const parsed = parse(u)
    if (E.isLeft(parsed)) return E.left([problem([], `expected ${name}, got ${show(u)} (${parsed.left})`)])
    return ms.is(parsed.right) ? E.right(parsed.right) : E.left(null)
  })

/**
 * The plain validator of a duration (no io-ts): milliseconds or a duration string, decoded to
 * milliseconds. The io-ts codec `Duration.Duration` is built from it.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Duration } from 'tripswitch'
 *
 * assert.deepStrictEqual(Duration.check.decode('2m'), E.right(120_000))
 * assert.ok(E.isLeft(Duration.check.decode(-1)))
 *
 * @category checks
 * @since 0.1.0
 */
export const check: Check<Duration> = durationOf(nonNegativeMs, expected)
