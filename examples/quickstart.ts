import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import { isCircuitOpenError, withBreaker, type CircuitOpenError } from 'tripswitch'
import { testClock } from 'tripswitch/testing'

const clock = testClock() // only so this example need not wait 30 s: leave `clock` out in real code
const users = withBreaker({ name: 'users', failureThreshold: 3, openFor: 30_000, clock: clock.now })

let healthy = false
const fetchUser = (id: string): TE.TaskEither<Error, string> =>
  healthy ? TE.right(`user ${id}`) : TE.left(new Error('users answered 503'))

const show = (result: E.Either<Error | CircuitOpenError, string>): string =>
  E.isRight(result)
    ? result.right
    : isCircuitOpenError(result.left)
      ? `rejected: retry in ${result.left.retryAfter} ms`
      : `failed: ${result.left.message}`

export const main = async (log: (line: string) => void = console.log): Promise<void> => {
  for (let i = 0; i < 4; i++) log(show(await pipe(fetchUser('42'), users)())) // 3 failures open it
  healthy = true
  clock.advance(30_000) // half-open: the next call is a probe
  log(`${show(await pipe(fetchUser('42'), users)())} (${users.breaker.state()._tag})`)
}

if (require.main === module) void main()
