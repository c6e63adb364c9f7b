/**
 * Outcome classification: does a settled call count as a success, a failure, or neither?
 *
 * A `Classifier` sees the call's result as an `Either` (a rejected promise or a thrown exception of a
 * wrapped function is a `Left`) and its measured duration. The default counts every `Left` as a failure
 * and every `Right` as a success. A `TaskEither` that rejects breaks its contract: that defect is
 * always recorded as a failure, whatever the classifier says.
 *
 * @since 0.1.0
 */
import type { Either } from 'fp-ts/Either'
import type { Verdict } from './Event'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export type Classifier<E = unknown, A = unknown> = (result: Either<E, A>, duration: number) => Verdict

/**
 * The common cases, as predicates.
 *
 * @category model
 * @since 0.1.0
 */
export interface Predicates<E = unknown, A = unknown> {
  /** Which `Left` values count as failures (default: all). */
  readonly isFailure?: (error: E) => boolean
  /** Which `Right` values count as failures, such as an HTTP 503 response (default: none). */
  readonly isResultFailure?: (value: A) => boolean
  /** Which `Left` values count as neither (checked first; default: none). */
  readonly isIgnored?: (error: E) => boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Every `Left` is a failure, every `Right` a success.
 *
 * @category constructors
 * @since 0.1.0
 */
export const byEither: Classifier = (result) => (result._tag === 'Left' ? 'failure' : 'success')

/**
 * Builds a classifier from predicates.
 *
 * @example
 * import { Classifier } from 'tripswitch'
 * const classify = Classifier.fromPredicates<Error, Response>({
 *   isIgnored: (e) => e.name === 'AbortError',
 *   isResultFailure: (res) => res.status >= 500
 * })
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromPredicates = <E = unknown, A = unknown>(p: Predicates<E, A>): Classifier<E, A> => {
  const { isFailure, isResultFailure, isIgnored } = p
  if (isFailure === undefined && isResultFailure === undefined && isIgnored === undefined) return byEither
  return (result) => {
    if (result._tag === 'Right') {
      return isResultFailure !== undefined && isResultFailure(result.right) ? 'failure' : 'success'
    }
    if (isIgnored !== undefined && isIgnored(result.left)) return 'ignore'
    return isFailure === undefined || isFailure(result.left) ? 'failure' : 'success'
  }
}
