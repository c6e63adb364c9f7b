/**
 * An fp-ts pipeline with retry-ts, inside the breaker and outside it.
 *
 * - Inside: `pipe(retrying(policy, call, check), withBreaker(b))` makes a whole retry sequence one
 *   outcome: a call that fails once and then succeeds is a success for the breaker.
 * - Outside: `retrying(policy, () => pipe(call, guard), check)` retries the guarded call; its `check`
 *   must not retry a `CircuitOpenError` (an open circuit answers at once, and retrying it is a busy
 *   loop), which `isCircuitOpenError` says.
 *
 * Run it with `npx tsx examples/fp-retry.ts`.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type * as TE from 'fp-ts/TaskEither'
import { constantDelay, limitRetries, Monoid } from 'retry-ts'
import { retrying } from 'retry-ts/Task'
import { type CircuitOpenError, isCircuitOpenError, withBreaker } from 'tripswitch'

interface Quote {
  readonly status: number
  readonly price: number
}

// retry twice, 10 ms apart
const policy = Monoid.concat(constantDelay(10), limitRetries(2))

/** An upstream that answers the statuses it is given, one per request, then 200. */
const flaky = (
  statuses: ReadonlyArray<number>
): { readonly call: TE.TaskEither<Error, Quote>; sent: () => number } => {
  let n = 0
  return {
    call: () => Promise.resolve(E.right({ status: statuses[n++] ?? 200, price: 42 })),
    sent: () => n
  }
}

const isServerError = (r: E.Either<Error | CircuitOpenError, Quote>): boolean =>
  E.isRight(r) && r.right.status >= 500

export const main = async (log: (line: string) => void = console.log): Promise<void> => {
  // inside: one 503, then a 200, is one successful outcome
  const once503 = flaky([503])
  const inside = withBreaker<Error, Quote>({
    name: 'quotes-inside',
    failureThreshold: 1,
    isResultFailure: (q) => q.status >= 500
  })
  const r1 = await pipe(
    retrying(policy, () => once503.call, isServerError),
    inside
  )()
  log(
    `inside: ${E.isRight(r1) ? r1.right.status : 'error'} after ${once503.sent()} requests; breaker ${inside.breaker.state()._tag}`
  )

  // outside: every attempt goes through the breaker; once it opens, retrying stops
  const down = flaky([503, 503, 503, 503])
  const outside = withBreaker<Error, Quote>({
    name: 'quotes-outside',
    failureThreshold: 1,
    isResultFailure: (q) => q.status >= 500
  })
  const r2 = await retrying(
    policy,
    () => pipe(down.call, outside),
    (r) => (E.isLeft(r) ? !isCircuitOpenError(r.left) : r.right.status >= 500)
  )()
  const why =
    E.isLeft(r2) && isCircuitOpenError(r2.left)
      ? `rejected, retry after ${r2.left.retryAfter} ms`
      : 'answered'
  log(`outside: ${why}; ${down.sent()} request reached the upstream; breaker ${outside.breaker.state()._tag}`)
}

if (require.main === module) void main()
