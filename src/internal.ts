/**
 * Private helpers shared by the combinators.
 *
 * @internal
 */
import type { Either } from 'fp-ts/Either'
import type { Classification, Classifier } from './Classifier'

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
