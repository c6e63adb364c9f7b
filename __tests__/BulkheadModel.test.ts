/**
 * Model-based test of the bulkhead runtime: random sequences of calls (some with a caller signal),
 * settlements, aborts and clock advances, driven through `withBulkhead` with the test clock and
 * manual timers, checked after every step against a reference model of what must have run, what
 * must wait, and what must have been refused, and why.
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { Bulkhead, isBulkheadRejectedError, withBulkhead } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { flush, manualTimers } from './_support/timers'

type Step =
  | { readonly _tag: 'call'; readonly abortable: boolean }
  | { readonly _tag: 'settle'; readonly pick: number; readonly fails: boolean }
  | { readonly _tag: 'abort'; readonly pick: number }
  | { readonly _tag: 'advance'; readonly ms: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ _tag: fc.constant('call' as const), abortable: fc.boolean() }),
  fc.record({ _tag: fc.constant('settle' as const), pick: fc.nat(20), fails: fc.boolean() }),
  fc.record({ _tag: fc.constant('abort' as const), pick: fc.nat(20) }),
  fc.record({ _tag: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 60 }) })
)

/** The model: calls running, calls waiting (with when they started waiting), and refusals. */
interface ModelCall {
  readonly id: number
  readonly since: number
  readonly controller: AbortController | undefined
}

describe('Bulkhead (model)', () => {
  it('runs, queues, hands over and refuses exactly as the reference model says', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }),
        async (limit, queue, steps) => {
          const clock = testClock()
          const timers = manualTimers(clock)
          const maxWait = 100
          const bh = Bulkhead.make({ limit, queue, maxWait, scheduler: timers.scheduler })()
          const guard = withBulkhead(bh)
          const resolvers = new Map<number, (r: E.Either<string, number>) => void>()
          const started: Array<number> = []
          const refused = new Map<number, string>()
          // the model
          let running: Array<number> = []
          let waiting: Array<ModelCall> = []
          const expectStarted: Array<number> = []
          const expectRefused = new Map<number, string>()
          let next = 0
          const promote = (): void => {
            while (running.length < limit && waiting.length > 0) {
              const w = waiting.shift()!
              running.push(w.id)
              expectStarted.push(w.id)
            }
          }
          for (const s of steps) {
            switch (s._tag) {
              case 'call': {
                const id = next++
                const controller = s.abortable ? new AbortController() : undefined
                const task: TE.TaskEither<string, number> = () => {
                  started.push(id)
                  return new Promise((resolve) => resolvers.set(id, resolve))
                }
                void guard(task)(controller?.signal).then((r) => {
                  if (E.isLeft(r) && isBulkheadRejectedError(r.left)) refused.set(id, r.left.reason)
                })
                if (running.length < limit) {
                  running.push(id)
                  expectStarted.push(id)
                } else if (waiting.length < queue) waiting.push({ id, since: clock.now(), controller })
                else expectRefused.set(id, 'full')
                break
              }
              case 'settle': {
                if (running.length === 0) break
                const id = running[s.pick % running.length]!
                resolvers.get(id)!(s.fails ? E.left('boom') : E.right(id))
                running = running.filter((r) => r !== id)
                promote()
                break
              }
              case 'abort': {
                const abortable = waiting.filter((w) => w.controller !== undefined)
                if (abortable.length === 0) break
                const w = abortable[s.pick % abortable.length]!
                w.controller!.abort()
                waiting = waiting.filter((x) => x !== w)
                expectRefused.set(w.id, 'aborted')
                break
              }
              case 'advance': {
                timers.advance(s.ms)
                for (const w of waiting.filter((x) => clock.now() - x.since >= maxWait)) {
                  expectRefused.set(w.id, 'timeout')
                }
                waiting = waiting.filter((x) => clock.now() - x.since < maxWait)
                break
              }
            }
            await flush()
            expect(started).toEqual(expectStarted)
            expect(refused).toEqual(expectRefused)
            const reasons = [...expectRefused.values()]
            const refusedFor = (reason: string) => reasons.filter((r) => r === reason).length
            expect(bh.metrics()).toMatchObject({
              active: running.length,
              queued: waiting.length,
              counts: {
                calls: next,
                ran: expectStarted.length,
                full: refusedFor('full'),
                timedOut: refusedFor('timeout'),
                aborted: refusedFor('aborted')
              }
            })
            expect(timers.pending()).toBe(waiting.length)
          }
        }
      ),
      { numRuns: 100 }
    )
  })
})
