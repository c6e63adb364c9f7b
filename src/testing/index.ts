/**
 * `tripswitch/testing`: a clock that moves only when told to.
 *
 * @since 0.1.0
 */
import type { Clock } from '../Clock'

/**
 * @category model
 * @since 0.1.0
 */
export interface TestClock {
  /** The clock to give a breaker. */
  readonly now: Clock
  /** Moves time forward by `ms` (which must be finite and non-negative). */
  readonly advance: (ms: number) => void
  /** Sets the time (which must not go backwards). */
  readonly set: (t: number) => void
}

/**
 * @example
 * import * as assert from 'node:assert'
 * import * as TE from 'fp-ts/TaskEither'
 * import { Breaker, withBreaker } from 'tripswitch'
 * import { testClock } from 'tripswitch/testing'
 *
 * const clock = testClock()
 * const breaker = Breaker.make({ failureThreshold: 1, openFor: 30_000 }, { clock: clock.now })()
 * await withBreaker(breaker)(TE.left('down'))()
 * assert.strictEqual(breaker.metrics().retryAfter, 30_000)
 * clock.advance(30_000)
 * assert.strictEqual(clock.now(), 30_000)
 * assert.strictEqual(breaker.metrics().retryAfter, 0) // the next call is a probe
 *
 * @category constructors
 * @since 0.1.0
 */
export const testClock = (start = 0): TestClock => {
  let t = start
  return {
    now: () => t,
    advance: (ms) => {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`advance: expected a finite ms >= 0, got ${ms}`)
      t += ms
    },
    set: (to) => {
      if (!Number.isFinite(to) || to < t)
        throw new RangeError(`set: expected a finite time >= ${t}, got ${to}`)
      t = to
    }
  }
}
