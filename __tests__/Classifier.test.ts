import { setTimeout as sleep } from 'node:timers/promises'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import { concatAll } from 'fp-ts/Monoid'
import * as TE from 'fp-ts/TaskEither'
import { Breaker, CallTimeoutError, Classifier, withBreaker } from 'tripswitch'
import { testClock } from 'tripswitch/testing'

const always = () => true
const never = () => false
/** A base that answers differently from `byEither`, so delegation to it is visible. */
const inverted: Classifier.Classifier = Classifier.ofResult((result) =>
  E.isLeft(result) ? 'success' : 'failure'
)

describe('Classifier', () => {
  describe('byEither', () => {
    it('counts a Left as a failure and a Right as a success', () => {
      expect(Classifier.byEither(E.left('x'), 1)).toBe('failure')
      expect(Classifier.byEither(E.right('x'), 1)).toBe('success')
    })
  })

  describe('fromPredicates', () => {
    it('returns byEither when no predicate is given', () => {
      expect(Classifier.fromPredicates({})).toBe(Classifier.byEither)
    })

    it('checks isIgnored before isFailure, and isResultFailure on Rights', () => {
      const classify = Classifier.fromPredicates<string, number>({
        isIgnored: (e) => e === 'aborted',
        isFailure: (e) => e !== 'not found',
        isResultFailure: (n) => n >= 500
      })
      expect(classify(E.left('aborted'), 0)).toBe('ignore')
      expect(classify(E.left('not found'), 0)).toBe('success')
      expect(classify(E.left('refused'), 0)).toBe('failure')
      expect(classify(E.right(503), 0)).toBe('failure')
      expect(classify(E.right(200), 0)).toBe('success')
    })
  })

  describe('failureWhen', () => {
    it('counts only the Lefts that satisfy the predicate as failures', () => {
      const classify = Classifier.failureWhen((e: unknown) => e instanceof TypeError)
      expect(classify(E.left(new TypeError('fetch failed')), 3)).toBe('failure')
      expect(classify(E.left(new Error('not found')), 3)).toBe('success')
      expect(classify(E.right('ok'), 3)).toBe('success')
    })
  })

  describe('ignoreWhen', () => {
    it('ignores the Lefts that satisfy the predicate and defers to the base for the rest', () => {
      const classify = pipe(
        inverted,
        Classifier.ignoreWhen((e: unknown) => e === 'cancelled')
      )
      expect(classify(E.left('cancelled'), 0)).toBe('ignore')
      expect(classify(E.left('other'), 0)).toBe('success')
      expect(classify(E.right('cancelled'), 0)).toBe('failure')
    })

    it('passes the duration to the base', () => {
      const seen: Array<number> = []
      const base: Classifier.Classifier = (_, duration) => {
        seen.push(duration)
        return 'success'
      }
      pipe(base, Classifier.ignoreWhen(never))(E.left('x'), 42)
      expect(seen).toEqual([42])
    })
  })

  describe('isAbortError and ignoreAborts', () => {
    it('recognises the reason of an aborted AbortController', () => {
      const controller = new AbortController()
      controller.abort()
      expect(Classifier.isAbortError(controller.signal.reason)).toBe(true)
    })

    it('recognises the rejection of an aborted signal-aware Node API', async () => {
      const controller = new AbortController()
      const pending = sleep(10_000, undefined, { signal: controller.signal })
      controller.abort()
      const error = await pending.then(
        () => undefined,
        (e: unknown) => e
      )
      expect(Classifier.isAbortError(error)).toBe(true)
    })

    it('does not take timeouts for aborts', () => {
      expect(Classifier.isAbortError(new CallTimeoutError(500, 'x'))).toBe(false)
      expect(Classifier.isAbortError(new DOMException('timed out', 'TimeoutError'))).toBe(false)
      expect(Classifier.isAbortError(new Error('AbortError'))).toBe(false)
      expect(Classifier.isAbortError('AbortError')).toBe(false)
      expect(Classifier.isAbortError(null)).toBe(false)
    })

    it('ignores aborts and defers to the base for everything else', () => {
      const classify = pipe(Classifier.byEither, Classifier.ignoreAborts)
      expect(classify(E.left(new DOMException('stop', 'AbortError')), 0)).toBe('ignore')
      expect(classify(E.left(new CallTimeoutError(500)), 0)).toBe('failure')
      expect(classify(E.right('ok'), 0)).toBe('success')
    })
  })

  describe('failWhenRight', () => {
    it('counts the Rights that satisfy the predicate as failures and defers to the base for the rest', () => {
      const overTen = Classifier.failWhenRight((n: number) => n > 10)
      expect(pipe(Classifier.byEither, overTen)(E.right(11), 0)).toBe('failure')
      expect(pipe(Classifier.byEither, overTen)(E.right(10), 0)).toBe('success')
      expect(pipe(inverted, overTen)(E.right(10), 0)).toBe('failure')
      expect(pipe(inverted, overTen)(E.left(11), 0)).toBe('success')
    })
  })

  describe('failWhenStatus and statusOf', () => {
    const classify = pipe(
      Classifier.byEither,
      Classifier.failWhenStatus((status) => status >= 500 || status === 429)
    )

    it('fails fetch Responses with a matching status', () => {
      expect(classify(E.right(new Response(null, { status: 503 })), 0)).toBe('failure')
      expect(classify(E.right(new Response(null, { status: 429 })), 0)).toBe('failure')
      expect(classify(E.right(new Response(null, { status: 404 })), 0)).toBe('success')
      expect(classify(E.right(new Response('ok', { status: 200 })), 0)).toBe('success')
    })

    it('reads statusCode when there is no numeric status, as on a Node IncomingMessage', () => {
      expect(Classifier.statusOf({ statusCode: 502 })).toBe(502)
      expect(Classifier.statusOf({ status: '500', statusCode: 200 })).toBe(200)
      expect(classify(E.right({ statusCode: 502 }), 0)).toBe('failure')
    })

    it('leaves values without a status and all Lefts to the base', () => {
      expect(Classifier.statusOf('503')).toBeUndefined()
      expect(Classifier.statusOf({ status: '503' })).toBeUndefined()
      expect(classify(E.right('503'), 0)).toBe('success')
      expect(classify(E.left({ status: 200 }), 0)).toBe('failure')
    })
  })

  describe('trips', () => {
    const limited = (status: number, retryAfter?: string) =>
      new Response(null, { status, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } })

    it('reads Retry-After in seconds from fetch Headers and from plain header objects', () => {
      expect(Classifier.retryAfterOf(limited(429, '120'))).toBe(120_000)
      expect(Classifier.retryAfterOf({ headers: { 'retry-after': '3' } })).toBe(3_000)
      expect(Classifier.retryAfterOf({ headers: { 'Retry-After': 0 } })).toBe(0)
      expect(Classifier.retryAfterOf({ headers: { 'retry-after': ['7'] } })).toBe(7_000)
    })

    it('does not read an HTTP-date, a malformed value or a missing header', () => {
      expect(Classifier.retryAfterOf(limited(503, 'Wed, 21 Oct 2015 07:28:00 GMT'))).toBeUndefined()
      expect(Classifier.retryAfterOf(limited(503, '-5'))).toBeUndefined()
      expect(Classifier.retryAfterOf(limited(503, '1.5'))).toBeUndefined()
      expect(Classifier.retryAfterOf(limited(503))).toBeUndefined()
      expect(Classifier.retryAfterOf({})).toBeUndefined()
      expect(Classifier.retryAfterOf(null)).toBeUndefined()
    })

    it('trips on a 429 or 503 with Retry-After, and leaves other responses to the base', () => {
      const classify = pipe(
        Classifier.byEither,
        Classifier.failWhenStatus((s) => s >= 500),
        Classifier.tripOnRetryAfter
      )
      expect(classify(E.right(limited(429, '30')), 0)).toEqual(Classifier.trip(30_000))
      expect(classify(E.right(limited(503, '5')), 0)).toEqual(Classifier.trip(5_000))
      expect(classify(E.right(limited(503)), 0)).toBe('failure')
      expect(classify(E.right(limited(500, '5')), 0)).toBe('failure')
      expect(classify(E.right(limited(200, '5')), 0)).toBe('success')
    })

    it('trips with tripWhen for the Rights it names, and tells trips apart with isTrip', () => {
      const classify = pipe(
        Classifier.byEither,
        Classifier.tripWhen((n: number) => (n < 0 ? -n : undefined))
      )
      const tripped = classify(E.right(-250), 0)
      expect(Classifier.isTrip(tripped)).toBe(true)
      expect(tripped).toEqual({ _tag: 'Trip', openFor: 250 })
      expect(classify(E.right(1), 0)).toBe('success')
      expect(Classifier.isTrip('failure')).toBe(false)
    })

    it('opens the circuit at once for the Retry-After, through a breaker', async () => {
      const clock = testClock(0)
      const classify = pipe(Classifier.byEither, Classifier.tripOnRetryAfter)
      const breaker = Breaker.make({ failureThreshold: 5, openFor: 1_000 }, { clock: clock.now, classify })()
      const guard = withBreaker(breaker)
      await guard(TE.right(limited(429, '60')))()
      expect(breaker.state()._tag).toBe('Open')
      clock.advance(59_999)
      expect(breaker.retryAfter()).toBe(1)
      clock.advance(1)
      expect(breaker.retryAfter()).toBe(0)
    })
  })

  describe('composition', () => {
    it('lets the last refinement in a pipe have the final word', () => {
      const failThenIgnore = pipe(
        Classifier.byEither,
        Classifier.failWhenRight(always),
        Classifier.ignoreWhen(always)
      )
      expect(failThenIgnore(E.left('x'), 0)).toBe('ignore')
      expect(failThenIgnore(E.right('x'), 0)).toBe('failure')
    })

    it('joins classifiers with getMonoid: ignore over trip over failure over success', () => {
      const M = Classifier.getMonoid<unknown, unknown>()
      const ignores: Classifier.Classifier = (r) => (E.isLeft(r) && r.left === 'abort' ? 'ignore' : 'success')
      const busy = Classifier.failWhenStatus((s) => s === 503)(M.empty)
      const classify = concatAll(M)([Classifier.byEither, ignores, busy])
      expect(classify(E.left('abort'), 0)).toBe('ignore')
      expect(classify(E.left('refused'), 0)).toBe('failure')
      expect(classify(E.right({ status: 503 }), 0)).toBe('failure')
      expect(classify(E.right({ status: 200 }), 0)).toBe('success')
      expect(M.empty(E.left('x'), 0)).toBe('success')
      const shortTrip: Classifier.Classifier = () => Classifier.trip(1_000)
      const longTrip: Classifier.Classifier = () => Classifier.trip(9_000)
      expect(M.concat(shortTrip, longTrip)(E.right(1), 0)).toEqual(Classifier.trip(9_000))
      expect(M.concat(Classifier.byEither, shortTrip)(E.left(1), 0)).toEqual(Classifier.trip(1_000))
      expect(M.concat(ignores, shortTrip)(E.left('abort'), 0)).toBe('ignore')
    })

    it('obeys the Monoid laws, and is commutative and idempotent', () => {
      const M = Classifier.getMonoid<number, number>()
      const verdict = fc.oneof(
        fc.constantFrom<Classifier.Classification>('success', 'failure', 'ignore'),
        fc.nat(5).map((s) => Classifier.trip(s * 1_000))
      )
      const classifier = fc.func<[E.Either<number, number>, number], Classifier.Classification>(verdict)
      const result = fc.oneof(fc.integer().map(E.left), fc.integer().map(E.right))
      fc.assert(
        fc.property(classifier, classifier, classifier, result, fc.nat(), (x, y, z, r, d) => {
          expect(M.concat(M.concat(x, y), z)(r, d)).toEqual(M.concat(x, M.concat(y, z))(r, d))
          expect(M.concat(x, y)(r, d)).toEqual(M.concat(y, x)(r, d))
          expect(M.concat(x, x)(r, d)).toEqual(x(r, d))
          expect(M.concat(x, M.empty)(r, d)).toEqual(x(r, d))
          expect(M.concat(M.empty, x)(r, d)).toEqual(x(r, d))
        })
      )
    })
  })

  describe('with a breaker', () => {
    it('opens on 503 responses and lets aborts pass without counting them', async () => {
      const clock = testClock()
      const classify = pipe(
        Classifier.byEither,
        Classifier.failWhenStatus((status) => status >= 500),
        Classifier.ignoreAborts
      )
      const breaker = Breaker.make({ failureThreshold: 2 }, { clock: clock.now, classify })()
      const guard = withBreaker(breaker)
      const aborted = TE.left(new DOMException('user left', 'AbortError'))
      const busy = TE.right(new Response(null, { status: 503 }))
      await guard(busy)()
      await guard(aborted)()
      await guard(aborted)()
      expect(breaker.state()._tag).toBe('Closed')
      await guard(busy)()
      expect(breaker.state()._tag).toBe('Open')
    })
  })

  describe('readsDuration', () => {
    const M = Classifier.getMonoid<unknown, unknown>()
    /** A base that reads durations: a call of a second or more fails. */
    const slow: Classifier.Classifier = (result, ms) =>
      E.isLeft(result) || ms >= 1_000 ? 'failure' : 'success'
    /** The same classifiers, declaring their parameters the other way. */
    const slowUndeclared: Classifier.Classifier = (...args) => slow(...args)
    const byEitherDeclared: Classifier.Classifier = (result, ms) => Classifier.byEither(result, ms)
    const teapot = Classifier.failWhenStatus((s) => s === 418)(M.empty)
    const refinements: ReadonlyArray<readonly [string, (c: Classifier.Classifier) => Classifier.Classifier]> =
      [
        ['ignoreWhen', Classifier.ignoreWhen((e: unknown) => e === 'cancelled')],
        ['ignoreAborts', Classifier.ignoreAborts],
        ['failWhenRight', Classifier.failWhenRight((v: unknown) => v === 'busy')],
        ['failWhenStatus', Classifier.failWhenStatus((status) => status >= 500)],
        ['tripWhen', Classifier.tripWhen((v: unknown) => (v === 'quota' ? 5_000 : undefined))],
        ['tripOnRetryAfter', Classifier.tripOnRetryAfter],
        ['getMonoid().concat(c, empty)', (c) => M.concat(c, M.empty)],
        ['getMonoid().concat(teapot, c)', (c) => M.concat(teapot, c)]
      ]
    const results: ReadonlyArray<E.Either<unknown, unknown>> = [
      E.left('cancelled'),
      E.left(new DOMException('stop', 'AbortError')),
      E.left('refused'),
      E.right('ok'),
      E.right('busy'),
      E.right('quota'),
      E.right({ status: 418 }),
      E.right({ status: 503 }),
      E.right({ status: 429, headers: { 'retry-after': '3' } }),
      E.right({ status: 200 })
    ]

    it('says byEither and classifiers of the result alone read no duration', () => {
      expect(Classifier.readsDuration(Classifier.byEither)).toBe(false)
      expect(Classifier.readsDuration(Classifier.failureWhen(always))).toBe(false)
      expect(Classifier.readsDuration(Classifier.fromPredicates({ isIgnored: never }))).toBe(false)
      expect(Classifier.readsDuration(M.empty)).toBe(false)
      expect(Classifier.readsDuration(inverted)).toBe(false)
    })

    it('says a classifier that declares a duration parameter reads durations', () => {
      expect(Classifier.readsDuration(slow)).toBe(true)
      expect(Classifier.readsDuration(byEitherDeclared)).toBe(true)
    })

    it('never judges by declared parameters: a defaulted duration or rest parameters still read durations', () => {
      const defaulted: Classifier.Classifier = (result, ms = 0) =>
        E.isLeft(result) || ms > 1 ? 'failure' : 'success'
      expect(defaulted.length).toBe(1)
      expect(Classifier.readsDuration(defaulted)).toBe(true)
      expect(Classifier.readsDuration(slowUndeclared)).toBe(true)
      expect(Classifier.readsDuration((() => 'success') as Classifier.Classifier)).toBe(true)
    })

    it.each(refinements)('%s keeps the answer of the classifier it refines', (_, refine) => {
      expect(Classifier.readsDuration(refine(Classifier.byEither))).toBe(false)
      expect(Classifier.readsDuration(refine(refine(Classifier.byEither)))).toBe(false)
      expect(Classifier.readsDuration(refine(slow))).toBe(true)
      expect(Classifier.readsDuration(refine(refine(slow)))).toBe(true)
    })

    it('reads durations in a join exactly when one of its parts does', () => {
      expect(Classifier.readsDuration(M.concat(Classifier.byEither, inverted))).toBe(false)
      expect(Classifier.readsDuration(M.concat(Classifier.byEither, slow))).toBe(true)
      expect(Classifier.readsDuration(M.concat(slow, Classifier.byEither))).toBe(true)
      expect(Classifier.readsDuration(concatAll(M)([Classifier.byEither, inverted, slow]))).toBe(true)
      expect(Classifier.readsDuration(concatAll(M)([Classifier.byEither, inverted]))).toBe(false)
    })

    it.each(refinements)('%s passes the duration to the classifier it refines', (_, refine) => {
      const classify = refine(slow)
      expect(classify(E.right('ok'), 10)).toBe('success')
      expect(classify(E.right('ok'), 5_000)).toBe('failure')
    })

    it.each(refinements)(
      '%s classifies the same whether the classifier it refines declares a duration or not',
      (_, refine) => {
        fc.assert(
          fc.property(
            fc.constantFrom(...results),
            fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 3_000 })),
            (result, ms) => {
              expect(refine(slow)(result, ms)).toEqual(refine(slowUndeclared)(result, ms))
              expect(refine(Classifier.byEither)(result, ms)).toEqual(refine(byEitherDeclared)(result, ms))
            }
          )
        )
      }
    )
  })
})
