/**
 * The demo's two clients of the flaky service, both on Node's own `fetch` with an
 * `AbortSignal.timeout`:
 *
 * - unprotected: one request per call; whatever the service does, its caller gets.
 * - protected: the same request, retried once by retry-ts after a 5xx or a connection error
 *   (never after a timeout, which would only pile more load on a slow service), guarded by a
 *   tripswitch breaker that counts 5xx replies as failures, and falling back to the last good quote
 *   while the circuit is open. The whole retry sequence is one outcome for the breaker.
 *
 * A call resolves to an `Answer` (never rejects): what its caller saw.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import { constantDelay, limitRetries, Monoid as RetryPolicyMonoid } from 'retry-ts'
import { retrying } from 'retry-ts/Task'
import { Breaker, type Clock, isCircuitOpenError, orFallback, withBreaker } from 'tripswitch'
import type { ClientName } from './scenario'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Why a request got no HTTP reply.
 *
 * @category model
 * @since 0.1.0
 */
export type NetError =
  { readonly _tag: 'Timeout' } | { readonly _tag: 'ConnectionError'; readonly reason: string }

/**
 * An HTTP reply: its status and, for a 200, the quote.
 *
 * @category model
 * @since 0.1.0
 */
export interface Reply {
  readonly _tag: 'Reply'
  readonly status: number
  readonly price: number | undefined
}

/**
 * What the protected client's caller gets while the circuit is open: the last good quote, if any.
 *
 * @category model
 * @since 0.1.0
 */
export interface Stale {
  readonly _tag: 'Stale'
  readonly price: number | undefined
}

/**
 * What a caller saw: a fresh quote, a fallback quote, or an error (a 5xx, a timeout, a reset).
 *
 * @category model
 * @since 0.1.0
 */
export interface Answer {
  readonly outcome: 'ok' | 'fallback' | 'error'
  /** The breaker rejected the call without running it. */
  readonly rejected: boolean
  readonly detail: string
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Client {
  readonly name: ClientName
  /** Makes call number `index` of the schedule. */
  readonly call: (index: number) => T.Task<Answer>
}

/**
 * What both clients need. Durations in demo ms; `speed` converts them to wall-clock ms.
 *
 * @category model
 * @since 0.1.0
 */
export interface Env {
  readonly origin: string
  readonly timeout: number
  readonly speed: number
}

/**
 * @category model
 * @since 0.1.0
 */
export interface ProtectedSettings {
  readonly clock: Clock.Clock
  readonly failureThreshold: number
  readonly openFor: number
  readonly halfOpenProbes: number
  readonly retries: number
  /** Delay before each retry, in demo ms. */
  readonly retryDelay: number
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const netError = (e: unknown): NetError => {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return { _tag: 'Timeout' }
  const cause = e instanceof Error ? (e.cause as { readonly code?: unknown } | undefined) : undefined
  return {
    _tag: 'ConnectionError',
    reason: typeof cause?.code === 'string' ? cause.code : e instanceof Error ? e.message : String(e)
  }
}

const priceOf = (body: unknown): number | undefined => {
  const price =
    typeof body === 'object' && body !== null ? (body as { readonly price?: unknown }).price : undefined
  return typeof price === 'number' ? price : undefined
}

/**
 * One HTTP request for a quote, with a timeout on the whole exchange (headers and body).
 *
 * @example
 * const reply = await fetchQuote({ origin, timeout: 300, speed: 1 }, 'unprotected', 0, 0)()
 *
 * @category utils
 * @since 0.1.0
 */
export const fetchQuote = (
  env: Env,
  client: ClientName,
  call: number,
  attempt: number
): TE.TaskEither<NetError, Reply> =>
  TE.tryCatch(async () => {
    const res = await fetch(`${env.origin}/quote?client=${client}&call=${call}&attempt=${attempt}`, {
      signal: AbortSignal.timeout(Math.max(1, Math.round(env.timeout / env.speed)))
    })
    return { _tag: 'Reply', status: res.status, price: priceOf(await res.json()) }
  }, netError)

const describe = (e: NetError): string => (e._tag === 'Timeout' ? 'timeout' : `connection error ${e.reason}`)

const answerOf = (result: E.Either<NetError, Reply | Stale>): Answer => {
  if (E.isLeft(result)) return { outcome: 'error', rejected: false, detail: describe(result.left) }
  const r = result.right
  if (r._tag === 'Stale') {
    return r.price === undefined
      ? { outcome: 'error', rejected: true, detail: 'circuit open, no good quote yet' }
      : { outcome: 'fallback', rejected: true, detail: `last good quote ${r.price}` }
  }
  return r.status === 200
    ? { outcome: 'ok', rejected: false, detail: `quote ${r.price}` }
    : { outcome: 'error', rejected: false, detail: `HTTP ${r.status}` }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The client without protection.
 *
 * @example
 * const answer = await unprotected(env).call(0)()
 *
 * @category constructors
 * @since 0.1.0
 */
export const unprotected = (env: Env): Client => ({
  name: 'unprotected',
  call: (index) => pipe(fetchQuote(env, 'unprotected', index, 0), T.map(answerOf))
})

/**
 * The client behind a tripswitch breaker (see the module header). Its breaker is returned so the
 * demo can watch its state.
 *
 * @example
 * const { client, breaker } = protectedClient(env, settings)
 * const answer = await client.call(0)()
 * breaker.state()._tag // 'Closed'
 *
 * @category constructors
 * @since 0.1.0
 */
export const protectedClient = (
  env: Env,
  settings: ProtectedSettings
): { readonly client: Client; readonly breaker: Breaker.Breaker } => {
  const breaker = Breaker.make<NetError, Reply>({
    name: 'quotes',
    failureThreshold: settings.failureThreshold,
    openFor: settings.openFor,
    halfOpenProbes: settings.halfOpenProbes,
    clock: settings.clock,
    isResultFailure: (reply) => reply.status >= 500
  })()
  const guard = withBreaker(breaker)
  const policy = RetryPolicyMonoid.concat(
    constantDelay(settings.retryDelay / env.speed),
    limitRetries(settings.retries)
  )
  // Retry a 5xx or a reset connection, never a timeout, and never a CircuitOpenError: none can
  // occur inside the breaker, but the same check is the right one for a retry placed outside it.
  const retryable = (result: E.Either<NetError, Reply>): boolean =>
    E.isLeft(result)
      ? !isCircuitOpenError(result.left) && result.left._tag === 'ConnectionError'
      : result.right.status >= 500
  let lastGood: number | undefined
  const remember = (result: E.Either<NetError, Reply | Stale>): E.Either<NetError, Reply | Stale> => {
    if (E.isRight(result) && result.right._tag === 'Reply' && result.right.price !== undefined) {
      lastGood = result.right.price
    }
    return result
  }
  const call = (index: number): T.Task<Answer> =>
    pipe(
      retrying(policy, (status) => fetchQuote(env, 'protected', index, status.iterNumber), retryable),
      guard,
      orFallback(() => T.fromIO((): Stale => ({ _tag: 'Stale', price: lastGood }))),
      T.map((result) => answerOf(remember(result)))
    )
  return { client: { name: 'protected', call }, breaker }
}
