/**
 * The registration of trip strategies: every kind of `Strategy` but the `Any` combinator, in the order
 * error messages list them. Adding a strategy is writing its module against `StrategyKind` and adding
 * it here; its types, codecs, document form, tally codec and dispatch follow (see `Strategy.ts`).
 *
 * @since 0.1.0
 */
import * as ConsecutiveFailures from './ConsecutiveFailures'
import * as FailureCount from './FailureCount'
import * as FailureRate from './FailureRate'
import * as SlowCallRate from './SlowCallRate'

/**
 * Every registered kind of trip strategy.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Strategy } from 'tripswitch'
 * // Strategy.kinds is this list, then Any
 * assert.deepStrictEqual(Strategy.kinds.map((k) => k.kind), [
 *   'consecutiveFailures', 'failureCount', 'failureRate', 'slowCallRate', 'any'
 * ])
 *
 * @category registration
 * @since 0.1.0
 */
export const registered = [
  ConsecutiveFailures.kind,
  FailureCount.kind,
  FailureRate.kind,
  SlowCallRate.kind
] as const
