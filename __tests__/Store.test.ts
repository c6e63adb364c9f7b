/**
 * The store seam: the in-memory store passes the contract suite, breakers of one name share their
 * transitions through it, and a store that throws, rejects or never answers never blocks or fails a
 * call. The merge of a local state with a shared one (`Circuit.adopt`) obeys its laws.
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import { Breaker, Circuit, type Listener, Store, withBreaker, wrap } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { storeContract } from './_support/storeContract'

storeContract('Store.memory', Store.memory)

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Stores that misbehave in each way a real one can. */
const faulty: ReadonlyArray<readonly [string, () => Store.Store]> = [
  [
    'throws',
    () => ({
      load: () => {
        throw new Error('load threw')
      },
      publish: () => {
        throw new Error('publish threw')
      },
      watch: () => {
        throw new Error('watch threw')
      }
    })
  ],
  [
    'rejects',
    () => ({
      load: () => Promise.reject(new Error('load rejected')),
      publish: () => Promise.reject(new Error('publish rejected')),
      watch: () => () => undefined
    })
  ],
  [
    'never answers',
    () => ({
      load: () => new Promise<never>(() => undefined),
      publish: () => new Promise<never>(() => undefined),
      watch: () => () => undefined
    })
  ],
  [
    'answers garbage',
    () => ({
      load: () => Promise.resolve(O.some({ state: { _tag: 'Open', generation: -1 }, at: 0 })),
      publish: () => Promise.resolve(),
      watch: () => () => undefined
    })
  ]
]

describe('Store', () => {
  it('shares a transition of one breaker with the others of the same name', () => {
    const clock = testClock(0)
    const fleet = Store.memory()
    const make = () =>
      Breaker.make(
        { failureThreshold: 1, openFor: 1_000 },
        { name: 'users', clock: clock.now, store: fleet.connect() }
      )()
    const a = make()
    const b = make()
    const events: Array<Listener.BreakerEvent> = []
    b.subscribe((e) => events.push(e))
    const d = a.admit()
    if (d._tag === 'Permit') a.record(d, 'failure')
    expect(a.state()._tag).toBe('Open')
    expect(b.state()).toEqual(a.state())
    expect(events).toMatchObject([{ _tag: 'Transition', from: 'Closed', to: 'Open', why: 'adopted' }])
    clock.advance(1_000)
    expect(b.retryAfter()).toBe(0)
  })

  it('loads the shared state when a breaker starts', async () => {
    const clock = testClock(0)
    const fleet = Store.memory()
    const first = Breaker.make({}, { name: 'users', clock: clock.now, store: fleet.connect() })()
    first.control({ _tag: 'ForceOpen' })()
    const late = Breaker.make({}, { name: 'users', clock: clock.now, store: fleet.connect() })()
    await flush()
    expect(late.state()._tag).toBe('ForcedOpen')
  })

  it('rebases shared times onto the local clock: deadlines travel as time remaining', () => {
    const fleet = Store.memory()
    const here = testClock(1_000_000)
    const there = testClock(5)
    const a = Breaker.make(
      { failureThreshold: 1, openFor: 800 },
      { name: 'x', clock: there.now, store: fleet.connect() }
    )()
    const b = Breaker.make(
      { failureThreshold: 1, openFor: 800 },
      { name: 'x', clock: here.now, store: fleet.connect() }
    )()
    const d = a.admit()
    if (d._tag === 'Permit') a.record(d, 'failure')
    expect(b.state()).toMatchObject({ _tag: 'Open', openedAt: 1_000_000 })
    expect(b.retryAfter()).toBe(800)
  })

  it('rejects a store that is not one, naming what is missing', () => {
    expect(() => Breaker.make({}, { store: {} as never })()).toThrow(/store\.load: expected a function/)
    expect(() => Breaker.make({}, { storeTimeout: 0 })()).toThrow(/storeTimeout/)
  })

  it.each(faulty)('keeps every call going when the store %s, and reports it', async (_, store) => {
    const failed: Array<unknown> = []
    const b = Breaker.make(
      { failureThreshold: 2 },
      {
        store: store(),
        storeTimeout: 20,
        onListenerError: (error, event) => failed.push([event._tag, String(error)])
      }
    )()
    const events: Array<string> = []
    await expect(wrap(b)(async () => 1)()).resolves.toBe(1)
    expect(await withBreaker(b)(TE.left('x'))()).toEqual(E.left('x'))
    expect(await withBreaker(b)(TE.left('x'))()).toEqual(E.left('x'))
    expect(b.state()._tag).toBe('Open')
    b.subscribe((e) => events.push(e._tag))
    b.control({ _tag: 'Reset' })()
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(b.state()._tag).toBe('Closed')
    expect(failed.length + events.filter((e) => e === 'StoreFailed').length).toBeGreaterThan(0)
  })

  describe('Circuit.adopt', () => {
    const circuit = Circuit.make({ failureThreshold: 2, openFor: 100 })
    const states = fc
      .array(
        fc.constantFrom<'fail' | 'ok' | 'wait' | 'force' | 'reset'>('fail', 'ok', 'wait', 'force', 'reset'),
        {
          maxLength: 12
        }
      )
      .map((moves) => {
        let s = circuit.initial(0)
        let t = 0
        for (const m of moves) {
          t += m === 'wait' ? 100 : 1
          if (m === 'force') s = circuit.step(s, { _tag: 'ForceOpen' }, t)
          else if (m === 'reset') s = circuit.step(s, { _tag: 'Reset' }, t)
          else if (m !== 'wait') {
            const [d, admitted] = circuit.admit(s, t)
            s =
              d._tag === 'Permit'
                ? circuit.step(
                    admitted,
                    { _tag: m === 'fail' ? 'Failure' : 'Success', permit: d, duration: 1 },
                    t
                  )
                : admitted
          }
        }
        return s
      })

    it('adopting a state into itself changes nothing', () => {
      fc.assert(fc.property(states, (s) => circuit.adopt(s, s, 0) === s))
    })

    it('adopting the same record twice is adopting it once', () => {
      fc.assert(
        fc.property(states, states, fc.integer({ min: -1_000, max: 1_000 }), (local, remote, shift) => {
          const once = circuit.adopt(local, remote, shift)
          expect(circuit.adopt(once, remote, shift)).toEqual(once)
        })
      )
    })

    it('keeps the newer generation of the two', () => {
      fc.assert(
        fc.property(states, states, (local, remote) => {
          expect(circuit.adopt(local, remote, 0).generation).toBe(
            Math.max(local.generation, remote.generation)
          )
        })
      )
    })
  })
})
