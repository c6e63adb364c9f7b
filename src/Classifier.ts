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
 * A classifier receives the measured duration of every call it classifies, unless it is declared to
 * read the result alone (`ofResult`; every classifier of this module is): then calls need not be
 * timed, which spares two clock reads per call (see docs/performance.md). How many parameters a
 * function declares is never looked at.
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
 * A failure that also opens the circuit at once for `openFor` ms, whatever the trip strategy says: the
 * dependency said when to come back (an HTTP 429 or 503 with `Retry-After`). Recorded as
 * `Event.failureOpenFor`; an `openFor` that is not a finite number `>= 0` makes it an ordinary failure.
 *
 * @category model
 * @since 0.1.0
 */
export interface Trip {
  readonly _tag: 'Trip'
  readonly openFor: number
}

/**
 * What a classifier says of a settled call: a `Verdict`, or a `Trip`.
 *
 * @category model
 * @since 0.1.0
 */
export type Classification = Verdict | Trip

/**
 * @category model
 * @since 0.1.0
 */
export type Classifier<E = unknown, A = unknown> = (result: Either<E, A>, duration: number) => Classification

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
 * A failure that opens the circuit at once for `openFor` ms.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Classifier } from 'tripswitch'
 *
 * const classify: Classifier.Classifier = (result) =>
 *   result._tag === 'Left' && result.left === 'quota exhausted' ? Classifier.trip(60_000) : 'success'
 * assert.deepStrictEqual(classify(E.left('quota exhausted'), 12), { _tag: 'Trip', openFor: 60_000 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const trip = (openFor: number): Trip => ({ _tag: 'Trip', openFor })

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
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Classifier } from 'tripswitch'
 *
 * const classify = Classifier.fromPredicates<Error, Response>({
 *   isIgnored: (e) => e.name === 'AbortError',
 *   isResultFailure: (res) => res.status >= 500
 * })
 * assert.strictEqual(classify(E.right(new Response(null, { status: 503 })), 10), 'failure')
 * assert.strictEqual(classify(E.right(new Response(null, { status: 404 })), 10), 'success')
 * assert.strictEqual(classify(E.left(new DOMException('stop', 'AbortError')), 10), 'ignore')
 * assert.strictEqual(classify(E.left(new Error('boom')), 10), 'failure')
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromPredicates = <E = unknown, A = unknown>(p: Predicates<E, A>): Classifier<E, A> => {
  const { isFailure, isResultFailure, isIgnored } = p
  if (isFailure === undefined && isResultFailure === undefined && isIgnored === undefined) return byEither
  return ofResult((result) => {
    if (result._tag === 'Right') {
      return isResultFailure !== undefined && isResultFailure(result.right) ? 'failure' : 'success'
    }
    if (isIgnored !== undefined && isIgnored(result.left)) return 'ignore'
    return isFailure === undefined || isFailure(result.left) ? 'failure' : 'success'
  })
}

/**
 * Only the `Left` values that satisfy `isFailure` are failures; other `Left`s count as successes (the
 * dependency answered, e.g. a "not found" error), and every `Right` is a success.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Classifier } from 'tripswitch'
 *
 * const isNetworkError = (e: unknown) => e instanceof TypeError
 * const classify = Classifier.failureWhen(isNetworkError)
 * assert.strictEqual(classify(E.left(new TypeError('fetch failed')), 10), 'failure')
 * assert.strictEqual(classify(E.left(new Error('not found')), 10), 'success')
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
 * Whether a classification is a `Trip`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Classifier } from 'tripswitch'
 *
 * assert.strictEqual(Classifier.isTrip(Classifier.trip(1_000)), true)
 * assert.strictEqual(Classifier.isTrip('failure'), false)
 *
 * @category guards
 * @since 0.1.0
 */
export const isTrip = (c: Classification): c is Trip => typeof c === 'object'

/**
 * Whether `u` is an abort: an error named `'AbortError'`, which is what `fetch` and other
 * signal-aware APIs reject with when their caller aborts them. A `CallTimeoutError` and the
 * `'TimeoutError'` of `AbortSignal.timeout` are not aborts: they are failures of the dependency.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Classifier } from 'tripswitch'
 *
 * assert.strictEqual(Classifier.isAbortError(new DOMException('stop', 'AbortError')), true)
 * assert.strictEqual(Classifier.isAbortError(new Error('stop')), false)
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
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import { Classifier } from 'tripswitch'
 *
 * const isCancelled = (e: unknown) => e instanceof Error && e.message === 'cancelled'
 * const classify = pipe(Classifier.byEither, Classifier.ignoreWhen(isCancelled))
 * assert.strictEqual(classify(E.left(new Error('cancelled')), 10), 'ignore')
 * assert.strictEqual(classify(E.left(new Error('boom')), 10), 'failure')
 *
 * @category combinators
 * @since 0.1.0
 */
export const ignoreWhen =
  <E>(isIgnored: (error: E) => boolean) =>
  <A>(classify: Classifier<E, A>): Classifier<E, A> =>
    readingDurationOf([classify], (result, duration) =>
      result._tag === 'Left' && isIgnored(result.left) ? 'ignore' : classify(result, duration)
    )

/**
 * Ignores the caller's own aborts (see `isAbortError`): a request the user cancelled says nothing
 * about the dependency's health.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import { Classifier } from 'tripswitch'
 *
 * const classify = pipe(Classifier.byEither, Classifier.ignoreAborts)
 * assert.strictEqual(classify(E.left(new DOMException('stop', 'AbortError')), 10), 'ignore')
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
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import { Classifier } from 'tripswitch'
 *
 * const isBusy = (value: unknown) => typeof value === 'object' && value !== null && 'busy' in value
 * const classify = pipe(Classifier.byEither, Classifier.failWhenRight(isBusy))
 * assert.strictEqual(classify(E.right({ busy: true }), 10), 'failure')
 * assert.strictEqual(classify(E.right({ items: [] }), 10), 'success')
 *
 * @category combinators
 * @since 0.1.0
 */
export const failWhenRight =
  <A>(isFailure: (value: A) => boolean) =>
  <E>(classify: Classifier<E, A>): Classifier<E, A> =>
    readingDurationOf([classify], (result, duration) =>
      result._tag === 'Right' && isFailure(result.right) ? 'failure' : classify(result, duration)
    )

/**
 * `Right` values that carry an HTTP status (a numeric `status`, as a fetch `Response` or an axios
 * response, or `statusCode`, as a Node `IncomingMessage`) satisfying `isFailure` are failures.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import { Classifier, withBreaker } from 'tripswitch'
 *
 * const classify = pipe(
 *   Classifier.byEither,
 *   Classifier.failWhenStatus((status) => status >= 500 || status === 429)
 * )
 * assert.strictEqual(classify(E.right(new Response(null, { status: 429 })), 10), 'failure')
 * assert.strictEqual(classify(E.right({ statusCode: 200 }), 10), 'success')
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

/**
 * `Right` values for which `openFor` returns a number trip the circuit for that many ms (see `Trip`);
 * for the rest (`undefined`) the classifier refined decides.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import { Classifier } from 'tripswitch'
 *
 * const quota = (value: unknown) =>
 *   typeof value === 'object' && value !== null && 'quotaResetsIn' in value ? 60_000 : undefined
 * const classify = pipe(Classifier.byEither, Classifier.tripWhen(quota))
 * assert.deepStrictEqual(classify(E.right({ quotaResetsIn: '1m' }), 10), Classifier.trip(60_000))
 * assert.strictEqual(classify(E.right({}), 10), 'success')
 *
 * @category combinators
 * @since 0.1.0
 */
export const tripWhen =
  <A>(openFor: (value: A) => number | undefined) =>
  <E>(classify: Classifier<E, A>): Classifier<E, A> =>
    readingDurationOf([classify], (result, duration) => {
      if (result._tag === 'Right') {
        const ms = openFor(result.right)
        if (ms !== undefined) return trip(ms)
      }
      return classify(result, duration)
    })

/**
 * A `Right` HTTP response with status 429 or 503 and a `Retry-After` header in seconds trips the
 * circuit for that long (see `retryAfterOf`); for the rest the classifier refined decides. Put it
 * after `failWhenStatus` in a `pipe`, so that it has the final word on those responses.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { pipe } from 'fp-ts/function'
 * import { Classifier } from 'tripswitch'
 *
 * const classify = pipe(
 *   Classifier.byEither,
 *   Classifier.failWhenStatus((status) => status >= 500),
 *   Classifier.tripOnRetryAfter
 * )
 * const unavailable = new Response(null, { status: 503, headers: { 'retry-after': '30' } })
 * assert.deepStrictEqual(classify(E.right(unavailable), 10), Classifier.trip(30_000))
 * assert.strictEqual(classify(E.right(new Response(null, { status: 500 })), 10), 'failure')
 *
 * @category combinators
 * @since 0.1.0
 */
export const tripOnRetryAfter = <E, A>(classify: Classifier<E, A>): Classifier<E, A> =>
  tripWhen<A>((value) => {
    const status = statusOf(value)
    return status === 429 || status === 503 ? retryAfterOf(value) : undefined
  })(classify)

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

const severity = (c: Classification): number =>
  typeof c === 'object' ? 2 : c === 'ignore' ? 3 : c === 'failure' ? 1 : 0

/**
 * Joins classifiers: a result is ignored if any of them ignores it, else a trip if any of them trips
 * (for the longest `openFor`), else a failure if any of them says failure, else a success. Laws:
 * associative, commutative and idempotent, with `empty` (every result a success) as identity. Use it
 * to combine classifiers written apart, each saying `'success'` for what it does not care about; to
 * refine one classifier, prefer the combinators.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { concatAll } from 'fp-ts/Monoid'
 * import { Classifier } from 'tripswitch'
 *
 * const M = Classifier.getMonoid<unknown, unknown>()
 * const classify = concatAll(M)([Classifier.byEither, Classifier.failWhenStatus((s) => s >= 500)(M.empty)])
 * assert.strictEqual(classify(E.right({ status: 503 }), 10), 'failure')
 * assert.strictEqual(classify(E.left('timeout'), 10), 'failure')
 * assert.strictEqual(classify(E.right({ status: 200 }), 10), 'success')
 *
 * @category instances
 * @since 0.1.0
 */
export const getMonoid = <E, A>(): Monoid<Classifier<E, A>> => ({
  concat: (x, y) =>
    readingDurationOf([x, y], (result, duration) => {
      const a = x(result, duration)
      const b = y(result, duration)
      if (typeof a === 'object' && typeof b === 'object') return a.openFor >= b.openFor ? a : b
      return severity(a) >= severity(b) ? a : b
    }),
  empty: ofResult(() => 'success')
})

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * What `classify` says of `result`, checked: a classifier that throws, or answers something that is
 * not a `Classification` (`undefined` from untyped code, say), is a bug in user code. It is reported
 * once per classifier on the console, and the call counts as a failure, so its permit is still
 * answered and the caller still gets its own result. What the runtime calls for every settled call.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Classifier } from 'tripswitch'
 * assert.strictEqual(Classifier.verdictOf(Classifier.byEither, E.right(1), 5), 'success')
 *
 * @category utils
 * @since 0.1.0
 */
export const verdictOf = <E, A>(
  classify: Classifier<E, A>,
  result: Either<E, A>,
  duration: number
): Classification => {
  let verdict: unknown
  try {
    verdict = classify(result, duration)
  } catch (error) {
    reportClassifier(classify, 'threw', error)
    return 'failure'
  }
  if (isClassification(verdict)) return verdict
  const got = verdict === null ? 'null' : typeof verdict === 'object' ? 'an object' : String(verdict)
  reportClassifier(classify, `returned ${got}, not 'success', 'failure', 'ignore' or a Trip`)
  return 'failure'
}

/**
 * Whether `u` is a `Classification`: `'success'`, `'failure'`, `'ignore'` or a `Trip`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Classifier } from 'tripswitch'
 * assert.strictEqual(Classifier.isClassification(Classifier.trip(5_000)), true)
 * assert.strictEqual(Classifier.isClassification(undefined), false)
 *
 * @category guards
 * @since 0.1.0
 */
export const isClassification = (u: unknown): u is Classification =>
  typeof u === 'string'
    ? u === 'success' || u === 'failure' || u === 'ignore'
    : typeof u === 'object' && u !== null && (u as { readonly _tag?: unknown })._tag === 'Trip'

const reported = new WeakSet<object>()

const reportClassifier = (classify: object, what: string, error?: unknown): void => {
  if (reported.has(classify)) return
  reported.add(classify)
  console.warn(`tripswitch: an outcome classifier ${what}; the call was recorded as a failure.`, error ?? '')
}

/**
 * Whether `classify` may read the call's duration: whether it is not declared to read the result alone
 * (`ofResult`). A breaker or guard whose classifier reads durations times every call; otherwise an
 * untimed call (see `Breaker`, "Timing") is classified with a duration of `NaN`. The combinators of
 * this module keep the answer of the classifiers they refine.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Classifier } from 'tripswitch'
 *
 * assert.strictEqual(Classifier.readsDuration(Classifier.byEither), false)
 * const slowIsFailure: Classifier.Classifier = (result, ms) =>
 *   ms > 2_000 || result._tag === 'Left' ? 'failure' : 'success'
 * assert.strictEqual(Classifier.readsDuration(slowIsFailure), true)
 *
 * @category utils
 * @since 0.1.0
 */
export const readsDuration = (classify: Classifier<never, never>): boolean => !ofResultAlone.has(classify)

// the classifiers known to read the result alone: this module's, and those given to `ofResult`
const ofResultAlone = new WeakSet<object>()

/**
 * Declares a classifier that reads the result alone, never the duration: a breaker or guard using it
 * need not time its calls (two clock reads saved per call; see docs/performance.md). Every classifier
 * of this module is declared so already, and the combinators keep the answer of what they refine. A
 * classifier not declared so receives the measured duration of every call.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Classifier } from 'tripswitch'
 *
 * const notFoundIsFine = Classifier.ofResult((result) =>
 *   result._tag === 'Right' || (result.left as { status?: number }).status === 404 ? 'success' : 'failure'
 * )
 * assert.strictEqual(Classifier.readsDuration(notFoundIsFine), false)
 *
 * @category constructors
 * @since 0.1.0
 */
export const ofResult = <E = unknown, A = unknown>(
  classify: (result: Either<E, A>) => Classification
): Classifier<E, A> => {
  ofResultAlone.add(classify)
  return classify
}

ofResultAlone.add(byEither)

// A refinement of `inner` reads durations exactly when one of `inner` does.
const readingDurationOf = <E, A>(
  inner: ReadonlyArray<Classifier<E, A>>,
  refined: Classifier<E, A>
): Classifier<E, A> => {
  if (!inner.some(readsDuration)) ofResultAlone.add(refined)
  return refined
}

/**
 * The HTTP status a value carries: its numeric `status`, else its numeric `statusCode`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Classifier } from 'tripswitch'
 *
 * assert.strictEqual(Classifier.statusOf({ statusCode: 503 }), 503)
 * assert.strictEqual(Classifier.statusOf('503'), undefined)
 *
 * @category utils
 * @since 0.1.0
 */
export const statusOf = (u: unknown): number | undefined => {
  if (typeof u !== 'object' || u === null) return undefined
  const { status, statusCode } = u as { readonly status?: unknown; readonly statusCode?: unknown }
  return typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined
}

/**
 * The `Retry-After` a value carries, in milliseconds: from its `headers` (a fetch `Headers`, or a
 * plain object as on a Node `IncomingMessage` or an axios response), when the header is a number of
 * seconds. An HTTP-date is not read (it would need the wall clock), nor is a malformed value.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Classifier } from 'tripswitch'
 *
 * const tooMany = new Response(null, { status: 429, headers: { 'retry-after': '120' } })
 * assert.strictEqual(Classifier.retryAfterOf(tooMany), 120_000)
 *
 * @category utils
 * @since 0.1.0
 */
export const retryAfterOf = (u: unknown): number | undefined => {
  if (typeof u !== 'object' || u === null) return undefined
  const headers: unknown = (u as { readonly headers?: unknown }).headers
  if (typeof headers !== 'object' || headers === null) return undefined
  const raw: unknown =
    typeof (headers as { readonly get?: unknown }).get === 'function'
      ? (headers as { readonly get: (name: string) => unknown }).get('retry-after')
      : ((headers as Record<string, unknown>)['retry-after'] ??
        (headers as Record<string, unknown>)['Retry-After'])
  const text = typeof raw === 'number' ? String(raw) : Array.isArray(raw) ? raw[0] : raw
  return typeof text === 'string' && /^\s*\d+\s*$/.test(text) ? Number(text) * 1_000 : undefined
}
