/**
 * Outcome classification: does a settled call count as a success, a failure, or neither?
 *
 * A `Classifier` sees the call's result as an `Either` (a rejected promise or a thrown exception of a
 * wrapped function is a `Left`) and its measured duration. The default counts every `Left` as a failure
 * and every `Right` as a success. A `TaskEither` that rejects breaks its contract: that defect is
 * always recorded as a failure, whatever the classifier says; so is a call that times out.
 *
 * Build one from a base (`byEither`, `failureWhen`) refined in a `pipe` by data-last combinators, each
 * overriding the verdict for the results it matches and deferring to the classifier it refines for the
 * rest (so the last one in the pipe has the final word), or join independent classifiers with the
 * `getMonoid` instance. A breaker's classifier sees every call it guards, so its predicates take
 * `unknown` values (narrow them inside, as `failWhenStatus` does for HTTP responses).
 *
 * @since 0.1.0
 */
import type { Either } from 'fp-ts/Either'
import type { Monoid } from 'fp-ts/Monoid'
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

/**
 * Only the `Left` values that satisfy `isFailure` are failures; other `Left`s count as successes (the
 * dependency answered, e.g. a "not found" error), and every `Right` is a success.
 *
 * @example
 * import { Classifier } from 'tripswitch'
 * const isNetworkError = (e: unknown) => e instanceof TypeError
 * const classify = Classifier.failureWhen(isNetworkError)
 *
 * @category constructors
 * @since 0.1.0
 */
export const failureWhen = <E = unknown>(isFailure: (error: E) => boolean): Classifier<E, unknown> =>
  fromPredicates<E, unknown>({ isFailure })

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * Whether `u` is an abort: an error named `'AbortError'`, which is what `fetch` and other
 * signal-aware APIs reject with when their caller aborts them. A `CallTimeoutError` and the
 * `'TimeoutError'` of `AbortSignal.timeout` are not aborts: they are failures of the dependency.
 *
 * @example
 * import { Classifier } from 'tripswitch'
 * Classifier.isAbortError(new DOMException('stop', 'AbortError')) // true
 *
 * @category guards
 * @since 0.1.0
 */
export const isAbortError = (u: unknown): boolean =>
  typeof u === 'object' && u !== null && (u as { readonly name?: unknown }).name === 'AbortError'

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `Left` values that satisfy `isIgnored` count as neither success nor failure (their permit is
 * released); every other result is classified by the classifier refined.
 *
 * @example
 * import { pipe } from 'fp-ts/function'
 * import { Classifier } from 'tripswitch'
 * const isCancelled = (e: unknown) => e instanceof Error && e.message === 'cancelled'
 * const classify = pipe(Classifier.byEither, Classifier.ignoreWhen(isCancelled))
 *
 * @category combinators
 * @since 0.1.0
 */
export const ignoreWhen =
  <E>(isIgnored: (error: E) => boolean) =>
  <A>(classify: Classifier<E, A>): Classifier<E, A> =>
  (result, duration) =>
    result._tag === 'Left' && isIgnored(result.left) ? 'ignore' : classify(result, duration)

/**
 * Ignores the caller's own aborts (see `isAbortError`): a request the user cancelled says nothing
 * about the dependency's health.
 *
 * @example
 * import { pipe } from 'fp-ts/function'
 * import { Classifier } from 'tripswitch'
 * const classify = pipe(Classifier.byEither, Classifier.ignoreAborts)
 *
 * @category combinators
 * @since 0.1.0
 */
export const ignoreAborts = <E, A>(classify: Classifier<E, A>): Classifier<E, A> =>
  ignoreWhen<E>(isAbortError)(classify)

/**
 * `Right` values that satisfy `isFailure` are failures, such as a response with status 503; every
 * other result is classified by the classifier refined.
 *
 * @example
 * import { pipe } from 'fp-ts/function'
 * import { Classifier } from 'tripswitch'
 * const isBusy = (value: unknown) => typeof value === 'object' && value !== null && 'busy' in value
 * const classify = pipe(Classifier.byEither, Classifier.failWhenRight(isBusy))
 *
 * @category combinators
 * @since 0.1.0
 */
export const failWhenRight =
  <A>(isFailure: (value: A) => boolean) =>
  <E>(classify: Classifier<E, A>): Classifier<E, A> =>
  (result, duration) =>
    result._tag === 'Right' && isFailure(result.right) ? 'failure' : classify(result, duration)

/**
 * `Right` values that carry an HTTP status (a numeric `status`, as a fetch `Response` or an axios
 * response, or `statusCode`, as a Node `IncomingMessage`) satisfying `isFailure` are failures.
 *
 * @example
 * import { pipe } from 'fp-ts/function'
 * import { Classifier, withBreaker } from 'tripswitch'
 * const classify = pipe(
 *   Classifier.byEither,
 *   Classifier.failWhenStatus((status) => status >= 500 || status === 429)
 * )
 * const api = withBreaker({ name: 'api' }, { classify })
 *
 * @category combinators
 * @since 0.1.0
 */
export const failWhenStatus =
  (isFailure: (status: number) => boolean) =>
  <E, A>(classify: Classifier<E, A>): Classifier<E, A> =>
    failWhenRight<A>((value) => {
      const status = statusOf(value)
      return status !== undefined && isFailure(status)
    })(classify)

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

const severity: Readonly<Record<Verdict, number>> = { success: 0, failure: 1, ignore: 2 }

/**
 * Joins classifiers: a result is ignored if any of them ignores it, else a failure if any of them
 * says failure, else a success. Laws: associative, commutative and idempotent, with `empty` (every
 * result a success) as identity. Use it to combine classifiers written apart, each saying
 * `'success'` for what it does not care about; to refine one classifier, prefer the combinators.
 *
 * @example
 * import { concatAll } from 'fp-ts/Monoid'
 * import { Classifier } from 'tripswitch'
 *
 * const M = Classifier.getMonoid<unknown, unknown>()
 * const classify = concatAll(M)([Classifier.byEither, Classifier.failWhenStatus((s) => s >= 500)(M.empty)])
 *
 * @category instances
 * @since 0.1.0
 */
export const getMonoid = <E, A>(): Monoid<Classifier<E, A>> => ({
  concat: (x, y) => (result, duration) => {
    const a = x(result, duration)
    const b = y(result, duration)
    return severity[a] >= severity[b] ? a : b
  },
  empty: () => 'success'
})

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The HTTP status a value carries: its numeric `status`, else its numeric `statusCode`.
 *
 * @example
 * import { Classifier } from 'tripswitch'
 * Classifier.statusOf({ statusCode: 503 }) // 503
 *
 * @category utils
 * @since 0.1.0
 */
export const statusOf = (u: unknown): number | undefined => {
  if (typeof u !== 'object' || u === null) return undefined
  const { status, statusCode } = u as { readonly status?: unknown; readonly statusCode?: unknown }
  return typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined
}
