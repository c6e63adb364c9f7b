/**
 * A model-based test of the whole runtime: random scripts of admissions, outcomes, synchronous guarded
 * calls, manual controls, a listener that calls back into the breaker, and the passing of time, run
 * against a breaker and against the reference, the pure reducer driven by hand at the same clock
 * readings. After every step the cell holds exactly the model's state, and the transitions the
 * listeners saw form one chain, in order, ending in the state the cell holds.
 */
import * as fc from 'fast-check'
import { Breaker, Circuit, Decision, Event, type Listener, type State, wrapSync } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { configInput } from './_support/arbitraries'

type Step =
  | { readonly _tag: 'Admit' }
  | { readonly _tag: 'Settle'; readonly index: number; readonly verdict: 'success' | 'failure' | 'ignore' }
  | { readonly _tag: 'Call'; readonly fails: boolean }
  | { readonly _tag: 'Control'; readonly event: Event.Control }
  | { readonly _tag: 'Advance'; readonly ms: number }
  | { readonly _tag: 'ResetOnFailure'; readonly on: boolean }

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ _tag: 'Admit' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      _tag: fc.constant('Settle' as const),
      index: fc.nat(),
      verdict: fc.constantFrom('success' as const, 'failure' as const, 'ignore' as const)
    })
  },
  { weight: 3, arbitrary: fc.record({ _tag: fc.constant('Call' as const), fails: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant('Control' as const),
      event: fc.constantFrom<Event.Control>(Event.forceOpen, Event.disable, Event.metricsOnly, Event.reset)
    })
  },
  {
    weight: 2,
    arbitrary: fc.record({ _tag: fc.constant('Advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) })
  },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant('ResetOnFailure' as const), on: fc.boolean() }) }
)

describe('Runtime', () => {
  it('holds exactly the reference state after every step, and reports its transitions in order', () => {
    fc.assert(
      fc.property(configInput, fc.array(step, { maxLength: 80 }), (config, script) => {
        const clock = testClock(1_000)
        const circuit = Circuit.make(config)
        const b = Breaker.make(config, { clock: clock.now, name: 'model' })()
        let model: State.State = circuit.initial(1_000)
        let resetOnFailure = false
        const transitions: Array<Listener.Transition> = []
        b.subscribe((e) => {
          if (e._tag === 'Transition') transitions.push(e)
          if (e._tag === 'Failure' && resetOnFailure) b.control(Event.reset)()
        })
        const permits: Array<Decision.Permit> = []

        /** The model's outcome, with what the listener does on a failure. */
        const settle = (permit: Decision.Permit, verdict: 'success' | 'failure' | 'ignore'): void => {
          model = circuit.step(model, Event.outcome(verdict, permit, 0), clock.now())
          if (verdict === 'failure' && resetOnFailure) model = circuit.step(model, Event.reset, clock.now())
        }

        for (const s of script) {
          switch (s._tag) {
            case 'Admit': {
              const [expected, next] = circuit.admit(model, clock.now())
              model = next
              const decision = b.admit()
              expect(decision).toEqual(expected)
              if (Decision.isPermit(decision)) permits.push(decision)
              break
            }
            case 'Settle': {
              if (permits.length === 0) break
              const [permit] = permits.splice(s.index % permits.length, 1)
              b.record(permit!, s.verdict)
              settle(permit!, s.verdict)
              break
            }
            case 'Call': {
              const [decision, next] = circuit.admit(model, clock.now())
              model = next
              let ran = false
              try {
                wrapSync(b)(() => {
                  ran = true
                  if (s.fails) throw new Error('down')
                })()
              } catch {
                // a failure or a rejection: both are checked through the state
              }
              expect(ran).toBe(Decision.isPermit(decision))
              if (Decision.isPermit(decision)) settle(decision, s.fails ? 'failure' : 'success')
              break
            }
            case 'Control':
              b.control(s.event)()
              model = circuit.step(model, s.event, clock.now())
              break
            case 'Advance':
              clock.advance(s.ms)
              break
            case 'ResetOnFailure':
              resetOnFailure = s.on
              break
          }
          expect(b.ref.get()).toEqual(model)
          for (let i = 1; i < transitions.length; i++) {
            expect(transitions[i]!.from).toBe(transitions[i - 1]!.to)
          }
          const last = transitions[transitions.length - 1]
          if (last !== undefined) {
            expect(last.to).toBe(model._tag)
            expect(last.state.generation).toBe(model.generation)
          }
        }
      }),
      { numRuns: 200 }
    )
  })

  it('recovers within one open period of a sane clock, whatever the clock read before', () => {
    // a bad reading: not a number, beyond any sane time, a throw; or any time at all (jumps either way)
    const reading = fc.oneof(
      fc.constantFrom<number | 'throw'>(NaN, Infinity, -Infinity, 'throw', 1e300, -2e15),
      fc.integer({ min: -1e13, max: 1e13 })
    )
    fc.assert(
      fc.property(
        fc.array(fc.tuple(reading, fc.boolean()), { maxLength: 40 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        (chaos, base) => {
          let now: number | 'throw' = 0
          const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
          const b = Breaker.make(
            { failureThreshold: 2, openFor: 1_000 },
            {
              clock: () => {
                if (now === 'throw') throw new Error('no clock')
                return now
              },
              onListenerError: () => undefined
            }
          )()
          const call = (fails: boolean): boolean => {
            let ran = false
            try {
              wrapSync(b)(() => {
                ran = true
                if (fails) throw new Error('down')
              })()
            } catch {
              // failures and rejections are what the chaos is made of
            }
            return ran
          }
          for (const [r, fails] of chaos) {
            now = r
            call(fails)
          }
          // a sane clock from here on, from any base: within one open period a call passes and closes it
          let ran = false
          for (let i = 0; i <= 11 && !ran; i++) {
            now = base + i * 100
            ran = call(false)
          }
          warn.mockRestore()
          expect(ran).toBe(true)
          expect(b.state()._tag).toBe('Closed')
          const s = b.ref.get()
          expect(Number.isFinite(s.generation)).toBe(true)
        }
      ),
      { numRuns: 300 }
    )
  })
})
