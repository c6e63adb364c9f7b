/**
 * Private helpers shared by the combinators.
 *
 * @internal
 */
import type { Either } from 'fp-ts/Either'
import type { Classification, Classifier } from './Classifier'
import type { Clock } from './Clock'
import type { Permit } from './Decision'

/**
 * A classifier that throws is a bug in user code; the call still counts (as a failure), so no permit
 * is left out, and the bug is reported on the console once per classifier rather than swallowed.
 *
 * @internal
 */
export const classifySafely = <E, A>(
  classify: Classifier<E, A>,
  result: Either<E, A>,
  duration: number
): Classification => {
  try {
    return classify(result, duration)
  } catch (error) {
    if (!reported.has(classify)) {
      reported.add(classify)
      console.warn('tripswitch: an outcome classifier threw; the call was recorded as a failure.', error)
    }
    return 'failure'
  }
}

const reported = new WeakSet<object>()

/**
 * Copies `name` and `length` of `original` onto `wrapped`, so stack traces and introspection still
 * show the function the user wrote.
 *
 * @internal
 */
export const preserveIdentity = <F extends (...args: never) => unknown>(
  wrapped: F,
  original: { readonly name: string; readonly length: number }
): F => {
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true })
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true })
  return wrapped
}

/**
 * When a call that started at `start` ends: the clock's reading if the call is timed, `NaN` if it is
 * not (`start` is `NaN`: see `Breaker.start`).
 *
 * @internal
 */
export const endOf = (clock: Clock, start: number): number => (Number.isNaN(start) ? NaN : clock())

/**
 * Memoizes `make(permit, start)` for untimed calls (`start` is `NaN`): the handlers of such a call
 * depend on its permit alone, and a closed circuit gives every call the same permit, so its hot path
 * reuses one set instead of allocating closures per call. Timed calls get their own.
 *
 * @internal
 */
export const handlersPerPermit = <H extends { readonly permit: Permit }>(
  make: (permit: Permit, start: number) => H
): ((permit: Permit, start: number) => H) => {
  let untimed: H | undefined
  return (permit, start) =>
    !Number.isNaN(start)
      ? make(permit, start)
      : untimed !== undefined && untimed.permit === permit
        ? untimed
        : (untimed = make(permit, NaN))
}
