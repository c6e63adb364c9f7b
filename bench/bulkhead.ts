/**
 * The bulkhead scenarios: admission and release of an uncontended call, and the refusal of a full
 * bulkhead, for tripswitch (`withBulkhead` over a TaskEither, `bulkheaded` over an async function)
 * and cockatiel's `bulkhead(limit, queue)`, beside the raw calls they guard. Every contender guards
 * the same work (an async function resolving `1`); a contender's `call` never rejects (a refusal that
 * rejects is caught the same way for all).
 */
import * as TE from 'fp-ts/TaskEither'
import { bulkhead as cockatielBulkhead } from 'cockatiel'
import { Bulkhead, bulkheaded, withBulkhead } from '../src/index'
import type { Contender, Observed, Scenario } from './contenders'
import { bulkheadNames } from './names'

export { bulkheadNames } from './names'

const succeed = async (): Promise<number> => 1
const swallow = (): void => undefined
const settle = (p: Promise<unknown>): Promise<unknown> => p.then(undefined, swallow)
const never = (): Promise<never> => new Promise<never>(() => undefined)

// How a contender's bulkhead reads: 'closed' while a call would be admitted, 'open' while it would be
// refused (the harness's state names, reused for a bulkhead's two states).
const tripswitchState = (bh: Bulkhead.Bulkhead) => (): Observed =>
  bh.metrics().saturated ? 'open' : 'closed'
const cockatielState = (p: ReturnType<typeof cockatielBulkhead>) => (): Observed =>
  p.executionSlots === 0 && p.queueSlots === 0 ? 'open' : 'closed'

/** Uncontended: a limit of 10, no queue, one call at a time. */
export const bulkheadUncontended = (): Scenario => {
  const a = Bulkhead.unsafeMake({ name: 'te', limit: 10 })
  const b = Bulkhead.unsafeMake({ name: 'fn', limit: 10 })
  const c = cockatielBulkhead(10, 0)
  const task = TE.tryCatch(succeed, String)
  const guardedTask = withBulkhead(a)(task)
  const guardedFn = bulkheaded(b)(succeed)
  const contenders: ReadonlyArray<Contender> = [
    { name: bulkheadNames.raw, call: succeed, state: () => 'n/a' },
    { name: bulkheadNames.te, call: task, state: () => 'n/a' },
    { name: bulkheadNames.withBulkhead, call: () => guardedTask(), state: tripswitchState(a) },
    { name: bulkheadNames.bulkheaded, call: guardedFn, state: tripswitchState(b) },
    { name: bulkheadNames.cockatiel, call: () => c.execute(succeed), state: cockatielState(c) }
  ]
  return { name: 'bulkhead, uncontended (limit 10)', claim: 'closed', contenders }
}

/** Full: a limit of 1 taken by a call that never settles, no queue; every call is refused. */
export const bulkheadFull = (): Scenario => {
  const a = Bulkhead.unsafeMake({ name: 'te', limit: 1 })
  const b = Bulkhead.unsafeMake({ name: 'fn', limit: 1 })
  const c = cockatielBulkhead(1, 0)
  void withBulkhead(a)(never)()
  void settle(bulkheaded(b)(never)())
  void settle(c.execute(never))
  const guardedTask = withBulkhead(a)(TE.tryCatch(succeed, String))
  const guardedFn = bulkheaded(b)(succeed)
  const contenders: ReadonlyArray<Contender> = [
    { name: bulkheadNames.withBulkhead, call: () => guardedTask(), state: tripswitchState(a) },
    { name: bulkheadNames.bulkheaded, call: () => settle(guardedFn()), state: tripswitchState(b) },
    { name: bulkheadNames.cockatiel, call: () => settle(c.execute(succeed)), state: cockatielState(c) }
  ]
  return { name: 'bulkhead, full (every call refused)', claim: 'open', contenders }
}
