/**
 * The half-open rule: when the probes of a half-open circuit have decided, and what a half-open state
 * may hold before they have. Written once, here: the reducer (`Circuit.ts`) asks `verdict` after each
 * probe outcome, and the decoder of persisted state (`StateCodec.ts`) asks `problems`, built on the same
 * two predicates, so that a state the reducer keeps is one the decoder accepts and the other way round.
 *
 * The rule, for a config with `halfOpenProbes` probes:
 * - By default, any recorded probe failure re-opens the circuit, and `successThreshold` probe successes
 *   close it.
 * - With `halfOpenFailureRate`, it re-opens as soon as `failures / halfOpenProbes >= halfOpenFailureRate`,
 *   and closes as soon as that can no longer happen: `(halfOpenProbes - successes) / halfOpenProbes <
 *   halfOpenFailureRate`.
 *
 * Invariants:
 * - Re-opening depends on the failures alone and closing on the successes alone; re-opening wins when
 *   both hold. So `verdict(c, s, f)` is `'pending'` exactly when `problems` finds nothing to say about
 *   `s` successes and `f` failures.
 * - A half-open state holds at most `halfOpenProbes` slots: its live leases, `successes` and `failures`.
 *   It keeps at most `2 * halfOpenProbes` leases in all: the live ones and the most recent expired ones,
 *   whose slow probes may still decide (which are live depends on the time, so the decoder checks the
 *   total).
 *
 * Pure: nothing here reads a clock or touches a `Task`.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The options of a config that the half-open rule reads.
 *
 * @category model
 * @since 0.1.0
 */
export interface Rule {
  readonly halfOpenProbes: number
  readonly successThreshold: number
  readonly halfOpenFailureRate?: number | undefined
}

/**
 * What the probes decided: re-open, close, or not yet.
 *
 * @category model
 * @since 0.1.0
 */
export type Verdict = 'open' | 'close' | 'pending'

/**
 * The counts of a half-open state: live leases, and the probe outcomes recorded so far.
 *
 * @category model
 * @since 0.1.0
 */
export interface Counts {
  readonly leases: number
  readonly successes: number
  readonly failures: number
}

// -------------------------------------------------------------------------------------
// predicates
// -------------------------------------------------------------------------------------

/**
 * Whether `failures` recorded probe failures re-open the circuit.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { HalfOpen } from 'tripswitch'
 * assert.strictEqual(HalfOpen.reopens({ halfOpenProbes: 4, successThreshold: 1, halfOpenFailureRate: 0.5 }, 2), true)
 *
 * @category predicates
 * @since 0.1.0
 */
export const reopens = (rule: Rule, failures: number): boolean =>
  rule.halfOpenFailureRate === undefined
    ? failures > 0
    : failures / rule.halfOpenProbes >= rule.halfOpenFailureRate

/**
 * Whether `successes` recorded probe successes close the circuit (unless its failures re-open it).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { HalfOpen } from 'tripswitch'
 * assert.strictEqual(HalfOpen.closes({ halfOpenProbes: 3, successThreshold: 2 }, 2), true)
 *
 * @category predicates
 * @since 0.1.0
 */
export const closes = (rule: Rule, successes: number): boolean =>
  rule.halfOpenFailureRate === undefined
    ? successes >= rule.successThreshold
    : (rule.halfOpenProbes - successes) / rule.halfOpenProbes < rule.halfOpenFailureRate

/**
 * The verdict of `successes` and `failures` recorded probe outcomes: what the reducer does after each.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { HalfOpen } from 'tripswitch'
 * const rule = { halfOpenProbes: 1, successThreshold: 1 }
 * assert.strictEqual(HalfOpen.verdict(rule, 1, 0), 'close')
 * assert.strictEqual(HalfOpen.verdict(rule, 0, 1), 'open')
 * assert.strictEqual(HalfOpen.verdict(rule, 0, 0), 'pending')
 *
 * @category predicates
 * @since 0.1.0
 */
export const verdict = (rule: Rule, successes: number, failures: number): Verdict =>
  reopens(rule, failures) ? 'open' : closes(rule, successes) ? 'close' : 'pending'

// -------------------------------------------------------------------------------------
// validation
// -------------------------------------------------------------------------------------

/**
 * Every reason why a half-open state with these counts cannot be one the reducer keeps, one line each
 * naming its field: more leases than `2 * halfOpenProbes`, more answers than `halfOpenProbes`, or a
 * verdict already reached. Empty exactly
 * when the counts fit and `verdict` is `'pending'`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { HalfOpen } from 'tripswitch'
 * assert.deepStrictEqual(HalfOpen.problems({ halfOpenProbes: 2, successThreshold: 2 }, { leases: 0, successes: 0, failures: 1 }), [
 *   'failures: expected 0 (a probe failure re-opens the circuit), got 1'
 * ])
 *
 * @category validation
 * @since 0.1.0
 */
export const problems = (rule: Rule, { leases, successes, failures }: Counts): ReadonlyArray<string> => {
  const probes = rule.halfOpenProbes
  const rate = rule.halfOpenFailureRate
  const out: Array<string> = []
  // live leases hold at most `probes` slots; the state also keeps the `probes` most recent expired
  // leases, whose slow probes may still decide (see `Circuit`)
  if (leases > 2 * probes) {
    out.push(
      `leases: expected at most 2 × halfOpenProbes (${2 * probes}) leases (the live ones and the most recent expired ones), got ${leases}`
    )
  }
  if (successes + failures > probes) {
    out.push(
      `successes: expected successes + failures at most halfOpenProbes (${probes}), got ${successes + failures}`
    )
  }
  if (reopens(rule, failures)) {
    out.push(
      rate === undefined
        ? `failures: expected 0 (a probe failure re-opens the circuit), got ${failures}`
        : `failures: expected failures / halfOpenProbes below halfOpenFailureRate (${rate}), got ${failures} of ${probes}`
    )
  }
  if (closes(rule, successes)) {
    out.push(
      rate === undefined
        ? `successes: expected below successThreshold (${rule.successThreshold}), got ${successes}`
        : `successes: expected few enough that the failure rate could still reach halfOpenFailureRate (${rate}), got ${successes} of ${probes}`
    )
  }
  return out
}
