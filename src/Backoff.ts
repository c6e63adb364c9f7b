/**
 * Reset backoff: how long a circuit stays open, by backoff level, and how the level decays.
 *
 * The level is the `attempt` kept in the circuit's state: 0 for the first open after a healthy period,
 * one more for each consecutive re-open. The open duration at level `n` comes from a retry-ts
 * `RetryPolicy` asked with iteration `n` (`constantDelay`, `exponentialBackoff`, `capDelay`,
 * `limitRetries`, the `Monoid`, ... work as they are; the types here are structurally retry-ts's, so
 * tripswitch does not depend on it).
 *
 * Decisions:
 * - The policy is asked with the `RetryStatus` retry-ts itself would build for iteration `n` (folding
 *   `applyPolicy` from `defaultRetryStatus`): `iterNumber = n`, the previous delay and the cumulative
 *   delay. Statuses are memoized, so each level's delay is computed once per backoff.
 * - When the policy gives up (`None`, as `limitRetries` does once exhausted) or gives no usable delay (not
 *   a finite number `>= 0`), the level stays at the last level that had one: the circuit keeps opening for
 *   the last delay. A policy that throws is treated as giving up, so the reducer stays total. A policy must
 *   give a delay at level 0 (`Config.resolve` checks it). Levels above `maxLevel` also repeat the delay
 *   of `maxLevel`, which keeps the memo bounded. Each level is asked once per backoff, so a policy that
 *   is not pure (random jitter of its own) is frozen at its first answers: use `jitter` instead.
 * - Jitter is deterministic, so the reducer stays pure: `jittered(delay, jitter, generation, openedAt)`
 *   shortens the delay by up to `jitter * delay`, by a fraction hashed from the new state's generation
 *   and opening time. Breakers that opened at different instants spread their probes; replaying the same
 *   events gives the same durations. Jitter only shortens, so a `capDelay` stays an upper bound.
 * - Flap damping: without `healthyPeriod`, closing resets the level to 0 (the default). With it, a
 *   circuit that closes keeps the next level, and each full `healthyPeriod` it then stays closed lowers
 *   that level by one (`decayed`). A dependency that fails soon after every recovery is probed less and
 *   less often instead of every 30 s; one that stays healthy is forgiven step by step.
 *
 * Everything here is pure: no clock, no timer, no randomness.
 *
 * @since 0.1.0
 */
import type { Option } from 'fp-ts/Option'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * retry-ts's `RetryStatus`, structurally.
 *
 * @category model
 * @since 0.1.0
 */
export interface RetryStatus {
  /** Iteration number, where `0` is the first try (here: the first open). */
  readonly iterNumber: number
  /** Delay incurred so far. */
  readonly cumulativeDelay: number
  /** The previous iteration's delay; `None` at iteration 0. */
  readonly previousDelay: Option<number>
}

/**
 * retry-ts's `RetryPolicy`, structurally: a delay for an iteration, or `None` to give up.
 *
 * @category model
 * @since 0.1.0
 */
export interface RetryPolicy {
  (status: RetryStatus): Option<number>
}

/**
 * Open durations by level: `delay(level)` is the level actually used (at most the requested one) and its
 * delay in milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export interface Backoff {
  readonly delay: (level: number) => readonly [level: number, delay: number]
}

/**
 * The highest level a policy is asked for; higher levels repeat its delay.
 *
 * @category model
 * @since 0.1.0
 */
export const maxLevel = 1_000

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The same delay at every level: the default backoff (`openFor`, 30 s).
 *
 * @category constructors
 * @since 0.1.0
 */
export const constant = (delay: number): Backoff => ({ delay: (level) => [level, delay] })

const initialStatus: RetryStatus = { iterNumber: 0, cumulativeDelay: 0, previousDelay: { _tag: 'None' } }

const usable = (o: Option<number>): boolean => o._tag === 'Some' && Number.isFinite(o.value) && o.value >= 0

/**
 * Open durations from a retry-ts policy, level `n` asking the policy with iteration `n`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Backoff } from 'tripswitch'
 * import { capDelay, exponentialBackoff } from 'retry-ts'
 *
 * const backoff = Backoff.fromPolicy(capDelay(10_000, exponentialBackoff(1_000)))
 * assert.deepStrictEqual(
 *   [0, 1, 2, 3, 4, 5].map((n) => backoff.delay(n)[1]),
 *   [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]
 * )
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromPolicy = (policy: RetryPolicy): Backoff => {
  // delays[n] is the delay at level n; statuses are folded as retry-ts's applyPolicy does.
  const delays: Array<number> = []
  let status: RetryStatus = initialStatus
  let exhausted = false
  const extend = (level: number): void => {
    while (!exhausted && delays.length <= level && delays.length <= maxLevel) {
      let d: Option<number>
      try {
        d = policy(status)
      } catch {
        d = { _tag: 'None' }
      }
      if (d._tag === 'None' || !usable(d)) {
        exhausted = true
        break
      }
      delays.push(d.value)
      status = {
        iterNumber: status.iterNumber + 1,
        cumulativeDelay: status.cumulativeDelay + d.value,
        previousDelay: d
      }
    }
  }
  return {
    delay: (requested) => {
      const level = Math.max(0, Math.floor(requested))
      extend(level)
      const used = Math.min(level, delays.length - 1)
      return used < 0 ? [0, NaN] : [used, delays[used] as number]
    }
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The problem with `policy` as a backoff, if any: it must give a finite delay `>= 0` for the first open.
 *
 * @category utils
 * @since 0.1.0
 */
export const policyProblem = (policy: unknown, field = 'backoff'): string | undefined => {
  if (typeof policy !== 'function') {
    return `${field}: expected a retry-ts RetryPolicy (a function), got ${policy === null ? 'null' : typeof policy}`
  }
  let first: Option<number>
  try {
    first = (policy as RetryPolicy)(initialStatus)
  } catch (e) {
    return `${field}: the policy threw for the first open (iteration 0): ${e instanceof Error ? e.message : String(e)}`
  }
  if (usable(first)) return undefined
  const got = first._tag === 'Some' ? String(first.value) : 'none'
  return `${field}: expected a policy that gives a finite delay >= 0 for the first open (iteration 0), got ${got}`
}

// murmur3's 32-bit finalizer
const fmix = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * A number in `[0, 1)` determined by `generation` and `openedAt` (all its bits, fractions of a
 * millisecond included): the jitter's source of variety, without randomness.
 *
 * @category utils
 * @since 0.1.0
 */
export const unit = (generation: number, openedAt: number): number => {
  const whole = Math.floor(openedAt)
  const lo = (whole % 4294967296) >>> 0
  const hi = Math.floor(whole / 4294967296) >>> 0
  const frac = ((openedAt - whole) * 4294967296) >>> 0
  let h = fmix(Math.imul(generation >>> 0, 0x9e3779b1) ^ 0x5bd1e995)
  h = fmix(h ^ lo)
  h = fmix(h ^ hi ^ Math.imul(frac, 0x27d4eb2f))
  return h / 4294967296
}

/**
 * `delay` shortened by up to `jitter * delay` (`jitter` in `[0, 1]`), by a fraction determined by the
 * opening state's `generation` and `openedAt`. `jitter = 0` gives `delay` exactly.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Backoff } from 'tripswitch'
 *
 * const d = Backoff.jittered(10_000, 0.2, 7, 1_234.5)
 * assert.ok(d >= 8_000 && d <= 10_000)
 * assert.strictEqual(Backoff.jittered(10_000, 0.2, 7, 1_234.5), d) // the same every time
 * assert.strictEqual(Backoff.jittered(10_000, 0, 7, 1_234.5), 10_000)
 *
 * @category utils
 * @since 0.1.0
 */
export const jittered = (delay: number, jitter: number, generation: number, openedAt: number): number =>
  delay * (1 - jitter * unit(generation, openedAt)) // with no jitter, `delay * 1`: the delay itself

/**
 * Flap damping: the backoff level of a circuit closed since `since` with `level`, at `now`: one level
 * less for each full `healthyPeriod` it stayed closed, never below 0.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Backoff } from 'tripswitch'
 *
 * assert.strictEqual(Backoff.decayed(3, 0, 125_000, 60_000), 1) // two full minutes closed
 *
 * @category utils
 * @since 0.1.0
 */
export const decayed = (level: number, since: number, now: number, healthyPeriod: number): number =>
  level === 0 ? 0 : Math.max(0, level - Math.max(0, Math.floor((now - since) / healthyPeriod)))
