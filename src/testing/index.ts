/**
 * `tripswitch/testing`: a clock that moves only when told to, and helpers for tests of the pure core.
 *
 * @since 0.1.0
 */
import type { Circuit } from '../Circuit'
import type { Clock } from '../Clock'
import type { Permit } from '../Decision'
import type { State } from '../State'

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

/**
 * Admits a call to `state` at `now` and returns its permit and the admitted state, or throws an
 * `AssertionError`-like `Error` saying the circuit rejected it (with its `retryAfter` and the state):
 * what a reducer test uses where it expects a permit, instead of a cast. With `Decision.isPermit` the
 * same narrowing is available without throwing.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit, Event } from 'tripswitch'
 * import { admitOrThrow } from 'tripswitch/testing'
 *
 * const circuit = Circuit.make({ failureThreshold: 1, openFor: 1_000 })
 * const [permit, admitted] = admitOrThrow(circuit, circuit.initial(0), 10)
 * const open = circuit.step(admitted, Event.failure(permit), 20)
 * assert.strictEqual(open._tag, 'Open')
 * assert.throws(() => admitOrThrow(circuit, open, 30), /rejected the call at 30: retry after 990 ms/)
 *
 * @category utils
 * @since 0.1.0
 */
export const admitOrThrow = (
  circuit: Pick<Circuit, 'admit'>,
  state: State,
  now: number
): readonly [Permit, State] => {
  const [decision, next] = circuit.admit(state, now)
  if (decision._tag === 'Permit') return [decision, next]
  throw new Error(
    `admitOrThrow: the circuit rejected the call at ${now}: retry after ${decision.retryAfter} ms (state ${state._tag})`
  )
}
