/**
 * Time, injected: a `Clock` is an `IO<number>` of milliseconds.
 *
 * The runtime reads its clock once when a call is admitted and once when it settles, and passes
 * `now` down to the pure core; nothing in tripswitch calls `Date.now()` inside its logic.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'

/**
 * @category model
 * @since 0.1.0
 */
export type Clock = IO<number>

// read once: the getter costs as much as `performance.now()` itself
const origin = performance.timeOrigin

/**
 * Monotonic milliseconds on the wall-clock scale: `performance.timeOrigin + performance.now()`.
 * It never goes backwards when the system clock is adjusted, and stays close to `Date.now()`, so
 * timestamps from different processes are comparable to within their clocks' skew.
 *
 * @category instances
 * @since 0.1.0
 */
export const monotonic: Clock = () => origin + performance.now()
