/**
 * A child process for `TimerExit.test.ts`: runs one scenario, whose only pending work is what the
 * scenario makes, prints what it saw, and on exit prints `exit <ms>`: how long after the scenario
 * started the process ran out of work and exited by itself.
 *
 * Run with `node -r tsx/cjs __tests__/_support/timerExit.ts <scenario>`.
 */
import * as E from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import { Breaker, timeoutTE, withBreaker } from '../../src'

const started = performance.now()
const elapsed = (): number => Math.round(performance.now() - started)
process.on('exit', () => console.log(`exit ${elapsed()}`))

const show = (result: E.Either<unknown, unknown>): string =>
  E.isLeft(result)
    ? `Left(${String((result.left as { readonly _tag?: unknown })._tag ?? result.left)})`
    : `Right(${String(result.right)})`

const hung: TaskEither<never, never> = () => new Promise(() => {})

const scenarios: Record<string, () => void> = {
  // a hung call through a breaker with `timeout: 200`, and nothing else to do
  'hung-breaker': () => {
    const breaker = Breaker.make({}, { name: 'hung' })()
    void withBreaker(breaker, { timeout: 200 })(hung)().then((result) => {
      console.log(`${show(result)} after ${elapsed()} inFlight ${breaker.counts().inFlight}`)
    })
  },
  // the same through the standalone combinator
  'hung-timeoutTE': () => {
    void timeoutTE(200)(hung)().then((result) => console.log(`${show(result)} after ${elapsed()}`))
  },
  // a breaker and a guard with a timeout, never called
  idle: () => {
    const breaker = Breaker.make({}, { name: 'idle' })()
    const guard = withBreaker(breaker, { timeout: 60_000 })
    console.log(`idle ${breaker.state()._tag} ${typeof guard}`)
  },
  // calls that settle at once under long timeouts: their timers must be cleared
  quick: () => {
    const breaker = Breaker.make({}, { name: 'quick' })()
    const quick: TaskEither<never, string> = () => Promise.resolve(E.right('quick'))
    void Promise.all([withBreaker(breaker, { timeout: 60_000 })(quick)(), timeoutTE(60_000)(quick)()]).then(
      (results) => console.log(`${results.map(show).join(' ')} inFlight ${breaker.counts().inFlight}`)
    )
  }
}

const scenario = scenarios[process.argv[2] ?? '']
if (scenario === undefined) {
  console.error(`unknown scenario ${String(process.argv[2])}`)
  process.exitCode = 2
} else scenario()
