import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import {
  Breaker,
  Decision,
  isCircuitOpenError,
  type Listener,
  Registry,
  type State,
  withBreaker
} from 'tripswitch'
import { testClock } from 'tripswitch/testing'

const setup = (config: Breaker.Settings = { failureThreshold: 2, openFor: 1_000 }) => {
  const clock = testClock(1_000)
  const breaker = Breaker.make(config, { name: 'svc', clock: clock.now })()
  const transitions: Array<Pick<Listener.Transition, 'from' | 'to' | 'why' | 'at'>> = []
  breaker.subscribe((e) => {
    if (e._tag === 'Transition') transitions.push({ from: e.from, to: e.to, why: e.why, at: e.at })
  })
  const call = (verdict: 'success' | 'failure') => {
    const d = breaker.admit(clock.now())
    if (Decision.isPermit(d)) breaker.record(d, verdict, 1, clock.now())
    return d
  }
  return { clock, breaker, transitions, call }
}

describe('ManualControl', () => {
  describe('forceOpen', () => {
    it('isolates the circuit until reset: every call is rejected, whatever the time', async () => {
      const { clock, breaker, transitions } = setup()
      Breaker.forceOpen(breaker)()
      clock.advance(86_400_000)
      let ran = false
      const result = await withBreaker(breaker)(
        TE.fromIO(() => {
          ran = true
        })
      )()
      expect(ran).toBe(false)
      expect(E.isLeft(result) && isCircuitOpenError(result.left) && result.left.retryAfter).toBe(Infinity)
      expect(transitions).toEqual([{ from: 'Closed', to: 'ForcedOpen', why: 'manual', at: 1_000 }])
    })

    it('shows in the metrics as ForcedOpen with no retryAfter', () => {
      const { clock, breaker } = setup()
      Breaker.forceOpen(breaker)()
      clock.advance(250)
      breaker.admit(clock.now())
      expect(breaker.metrics()).toMatchObject({
        state: 'ForcedOpen',
        timeInState: 250,
        retryAfter: null,
        counts: { calls: 1, rejected: 1 }
      })
    })

    it('makes the outcome of a call admitted before it late: it changes nothing', () => {
      const { breaker, transitions } = setup({ failureThreshold: 1 })
      const d = breaker.admit(1_000)
      Breaker.forceOpen(breaker)()
      if (Decision.isPermit(d)) breaker.record(d, 'success', 1, 1_001)
      expect(breaker.state()._tag).toBe('ForcedOpen')
      expect(transitions.map((t) => t.to)).toEqual(['ForcedOpen'])
    })
  })

  describe('disable', () => {
    it('lets every call pass and never opens, however many fail', () => {
      const { breaker, transitions, call } = setup()
      Breaker.disable(breaker)()
      for (let i = 0; i < 10; i++) expect(Decision.isPermit(call('failure'))).toBe(true)
      expect(breaker.state()._tag).toBe('Disabled')
      expect(transitions).toEqual([{ from: 'Closed', to: 'Disabled', why: 'manual', at: 1_000 }])
    })

    it('still counts the calls in the metrics, which show the Disabled state', () => {
      const { breaker, call } = setup()
      Breaker.disable(breaker)()
      call('failure')
      call('success')
      expect(breaker.metrics()).toMatchObject({
        state: 'Disabled',
        retryAfter: 0,
        failureRate: 0.5,
        counts: { calls: 2, failures: 1, successes: 1, rejected: 0 }
      })
    })
  })

  describe('metricsOnly', () => {
    it('records outcomes in the tally but never opens', () => {
      const { breaker, transitions, call } = setup()
      Breaker.metricsOnly(breaker)()
      for (let i = 0; i < 5; i++) expect(Decision.isPermit(call('failure'))).toBe(true)
      const state = breaker.state()
      expect(state._tag).toBe('MetricsOnly')
      const fresh = breaker.circuit.initial(0) as State.Closed
      expect((state as State.MetricsOnly).tally).not.toEqual(fresh.tally)
      expect(breaker.metrics()).toMatchObject({
        state: 'MetricsOnly',
        failureRate: 1,
        counts: { failures: 5 }
      })
      expect(transitions).toEqual([{ from: 'Closed', to: 'MetricsOnly', why: 'manual', at: 1_000 }])
    })
  })

  describe('reset', () => {
    it('closes an open circuit at once, and the next failures count afresh', () => {
      const { clock, breaker, transitions, call } = setup()
      call('failure')
      call('failure')
      clock.advance(10)
      Breaker.reset(breaker)()
      expect(breaker.state()._tag).toBe('Closed')
      call('failure')
      expect(breaker.state()._tag).toBe('Closed')
      expect(transitions).toEqual([
        { from: 'Closed', to: 'Open', why: 'tripped', at: 1_000 },
        { from: 'Open', to: 'Closed', why: 'manual', at: 1_010 }
      ])
    })

    it('leaves every manual state for a fresh closed circuit', () => {
      const cases = [
        [Breaker.forceOpen, 'ForcedOpen'],
        [Breaker.disable, 'Disabled'],
        [Breaker.metricsOnly, 'MetricsOnly']
      ] as const
      for (const [enter, tag] of cases) {
        const { breaker, transitions } = setup()
        enter(breaker)()
        Breaker.reset(breaker)()
        expect(breaker.state()).toMatchObject({ _tag: 'Closed', attempt: 0, generation: 2 })
        expect(transitions.map((t) => `${t.from}->${t.to}:${t.why}`)).toEqual([
          `Closed->${tag}:manual`,
          `${tag}->Closed:manual`
        ])
      }
    })

    it('is a transition even from a closed circuit: a new generation starts', () => {
      const { breaker, transitions } = setup()
      Breaker.reset(breaker)()
      expect(transitions).toEqual([{ from: 'Closed', to: 'Closed', why: 'manual', at: 1_000 }])
      expect(breaker.state().generation).toBe(1)
    })
  })

  describe('methods and IOs', () => {
    const forms = [
      ['forceOpen', 'ForcedOpen'],
      ['disable', 'Disabled'],
      ['metricsOnly', 'MetricsOnly']
    ] as const

    it.each(forms)('b.%s() acts when called, and reports the move like the IO form', (method, tag) => {
      const { breaker, transitions } = setup()
      expect(breaker[method]()).toBeUndefined()
      expect(breaker.state()._tag).toBe(tag)
      breaker.reset()
      expect(breaker.state()._tag).toBe('Closed')
      expect(transitions.map((t) => `${t.from}->${t.to}:${t.why}`)).toEqual([
        `Closed->${tag}:manual`,
        `${tag}->Closed:manual`
      ])
    })

    it.each(forms)('Breaker.%s(b) does nothing until the IO runs', (method, tag) => {
      const { breaker, transitions } = setup()
      const io = Breaker[method](breaker)
      expect(breaker.state()._tag).toBe('Closed')
      expect(transitions).toEqual([])
      io()
      expect(breaker.state()._tag).toBe(tag)
    })

    it('Breaker.reset(b) is an IO, b.reset() acts at once', () => {
      const { breaker } = setup()
      breaker.forceOpen()
      const io = Breaker.reset(breaker)
      expect(breaker.state()._tag).toBe('ForcedOpen')
      io()
      expect(breaker.state()._tag).toBe('Closed')
    })

    it('keeps the methods on the prototype, costing an idle breaker nothing', () => {
      const { breaker } = setup()
      for (const method of ['forceOpen', 'disable', 'metricsOnly', 'reset'] as const) {
        expect(Object.prototype.hasOwnProperty.call(breaker, method)).toBe(false)
        expect(typeof Breaker.Breaker.prototype[method]).toBe('function')
      }
    })
  })

  it('moves between manual states directly, each move reported', () => {
    const { breaker, transitions } = setup()
    Breaker.forceOpen(breaker)()
    Breaker.disable(breaker)()
    Breaker.metricsOnly(breaker)()
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual([
      'Closed->ForcedOpen',
      'ForcedOpen->Disabled',
      'Disabled->MetricsOnly'
    ])
  })

  it('shows manual states in the registry health view', () => {
    const registry = Registry.make({ breakerOptions: { clock: () => 0 } })()
    Breaker.forceOpen(registry.get('a'))()
    Breaker.disable(registry.get('b'))()
    Breaker.metricsOnly(registry.get('c'))()
    const health = registry.health()
    expect(health.status).toBe('degraded')
    expect(health.states).toMatchObject({ ForcedOpen: 1, Disabled: 1, MetricsOnly: 1 })
    expect(health.breakers.map((b) => b.state)).toEqual(['ForcedOpen', 'Disabled', 'MetricsOnly'])
  })
})
