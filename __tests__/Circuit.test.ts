import * as fc from 'fast-check'
import * as O from 'fp-ts/Option'
import { Circuit, Decision, Event, State, Strategy, Transition, Window } from 'tripswitch'
import { type Action, action, configInput, drive, type Reached } from './_support/arbitraries'

const c = Circuit.make()

/** Admits a call at `now` and records `outcome` for it at `now + duration`. */
const call =
  (circuit: Circuit.Circuit, now: number, outcome: 'success' | 'failure' | 'ignore', duration = 1) =>
  (s: State.State): State.State => {
    const [d, admitted] = circuit.admit(s, now)
    if (!Decision.isPermit(d)) return admitted
    return circuit.step(admitted, Event.outcome(outcome, d, duration), now + duration)
  }

const run = (s0: State.State, steps: ReadonlyArray<(s: State.State) => State.State>): State.State =>
  steps.reduce((s, f) => f(s), s0)

describe('Circuit', () => {
  it('admits every call while closed and stays closed when they succeed (normal operation)', () => {
    const s = run(c.initial(0), [call(c, 1, 'success'), call(c, 2, 'success'), call(c, 3, 'success')])
    expect(s._tag).toBe('Closed')
    expect(c.admit(s, 4)[0]).toEqual(Decision.permit(0))
  })

  it('opens after 3 consecutive failures', () => {
    const two = run(c.initial(0), [call(c, 1, 'failure'), call(c, 2, 'failure')])
    expect(two._tag).toBe('Closed')
    const three = call(c, 3, 'failure')(two)
    expect(three).toEqual(State.open(1, 4, 30_000, 0))
  })

  it('resets the consecutive count on a success while closed', () => {
    const s = run(c.initial(0), [
      call(c, 1, 'failure'),
      call(c, 2, 'failure'),
      call(c, 3, 'success'),
      call(c, 4, 'failure'),
      call(c, 5, 'failure')
    ])
    expect(s._tag).toBe('Closed')
  })

  it('does not count ignored outcomes as successes or failures', () => {
    const s = run(c.initial(0), [
      call(c, 1, 'failure'),
      call(c, 2, 'failure'),
      call(c, 3, 'ignore'),
      call(c, 4, 'failure')
    ])
    expect(s._tag).toBe('Open')
  })

  it('rejects while open with the milliseconds left until a probe may pass', () => {
    const open = State.open(1, 1_000, 30_000, 0)
    expect(c.admit(open, 1_000)[0]).toEqual(Decision.rejection(30_000))
    expect(c.admit(open, 30_999)[0]).toEqual(Decision.rejection(1))
    expect(c.admit(open, 30_999)[1]).toBe(open)
  })

  it('admits a probe exactly at openedAt + openFor (inclusive boundary)', () => {
    const open = State.open(1, 1_000, 30_000, 0)
    const [d, s] = c.admit(open, 31_000)
    expect(d).toEqual(Decision.probe(2, 0))
    expect(s).toEqual(State.halfOpen(2, 31_000, 0, 1, [{ ticket: 0, expiresAt: 61_000 }], 0, 0))
  })

  it('admits exactly one probe in half-open and rejects the others until its lease expires', () => {
    const [, half] = c.admit(State.open(1, 0, 30_000, 0), 30_000)
    const [second] = c.admit(half, 30_010)
    expect(second).toEqual(Decision.rejection(29_990))
  })

  it("closes on the probe's success", () => {
    const [d, half] = c.admit(State.open(1, 0, 30_000, 0), 30_000)
    const closed = c.step(half, Event.success(d as Decision.Permit, 5), 30_005)
    expect(closed).toEqual(State.closed(3, 30_005, 0, { _tag: 'ConsecutiveFailures', failures: 0 }))
  })

  it("re-opens for another 30 s on the probe's failure", () => {
    const [d, half] = c.admit(State.open(1, 0, 30_000, 0), 30_000)
    const reopened = c.step(half, Event.failure(d as Decision.Permit, 5), 30_005)
    expect(reopened).toEqual(State.open(3, 30_005, 30_000, 1))
    expect(c.admit(reopened, 60_004)[0]._tag).toBe('Rejection')
    expect(c.admit(reopened, 60_005)[0]._tag).toBe('Permit')
  })

  it('frees the slot of an ignored probe for the next call', () => {
    const [d, half] = c.admit(State.open(1, 0, 30_000, 0), 30_000)
    const freed = c.step(half, Event.ignored(d as Decision.Permit), 30_001)
    expect(freed._tag).toBe('HalfOpen')
    expect(c.admit(freed, 30_002)[0]).toEqual(Decision.probe(2, 1))
  })

  it('lets another probe in once a hung probe lease has expired', () => {
    const [, half] = c.admit(State.open(1, 0, 30_000, 0), 30_000)
    expect(c.admit(half, 59_999)[0]._tag).toBe('Rejection')
    const [next] = c.admit(half, 60_000)
    expect(next).toEqual(Decision.probe(2, 1))
  })

  describe('slow calls while half-open', () => {
    const strategy = Strategy.slowCallRate({
      window: Window.count(10),
      threshold: 0.5,
      slowCallDuration: 100
    })
    const sc = Circuit.make({ strategy, openFor: 1_000, halfOpenProbes: 2, successThreshold: 2 })
    const [p0, h0] = sc.admit(State.open(1, 0, 1_000, 0), 1_000)
    const [p1, h1] = sc.admit(h0, 1_001)

    it.each([
      ['two quick successes close the circuit', 50, 50, 'Closed'],
      ['a slow success re-opens it, though the dependency answered', 50, 150, 'Open'],
      ['a success exactly at slowCallDuration is slow', 100, 50, 'Open'],
      ['a success of unknown duration is not slow', NaN, 50, 'Closed']
    ] as const)('%s', (_, first, second, to) => {
      const after = sc.step(h1, Event.success(p0 as Decision.Permit, first), 1_100)
      const next =
        after._tag === 'HalfOpen'
          ? sc.step(after, Event.success(p1 as Decision.Permit, second), 1_150)
          : after
      expect(next._tag).toBe(to)
    })

    it('judges no probe by its duration without a slow-call strategy', () => {
      const [p, h] = c.admit(State.open(1, 0, 30_000, 0), 30_000)
      expect(c.step(h, Event.success(p as Decision.Permit, 1e9), 30_001)._tag).toBe('Closed')
    })
  })

  describe('slow probes', () => {
    // the default circuit: 1 probe, its lease 30 s; the dependency answers in 45 s
    const [slow, half] = c.admit(State.open(1, 0, 30_000, 0), 30_000)
    const [second, half2] = c.admit(half, 60_000)

    it.each([
      ['a success of the first, expired, probe closes the circuit', slow, 'success', 'Closed'],
      ['a failure of the first, expired, probe re-opens it', slow, 'failure', 'Open'],
      ['a success of the second probe closes it', second, 'success', 'Closed'],
      ['a failure of the second probe re-opens it', second, 'failure', 'Open']
    ] as const)('%s', (_, permit, verdict, to) => {
      const next = c.step(half2, Event.outcome(verdict, permit as Decision.Permit, 45_000), 75_000)
      expect(next._tag).toBe(to)
      expect(next.generation).toBe(3)
    })

    it('counts a slow probe once: its second answer, or one after the verdict, decides nothing', () => {
      const c3 = Circuit.make({ halfOpenProbes: 3, successThreshold: 3, probeLease: 100 })
      const [p0, h0] = c3.admit(State.open(1, 0, 1_000, 0), 1_000)
      const [, h1] = c3.admit(h0, 1_200) // p0's lease expired at 1_100: p1 takes a slot
      const once = c3.step(h1, Event.success(p0 as Decision.Permit), 1_250)
      expect(once).toMatchObject({ _tag: 'HalfOpen', successes: 1 })
      expect(c3.step(once, Event.success(p0 as Decision.Permit), 1_260)).toBe(once)
    })

    it('keeps the halfOpenProbes most recent expired leases and forgets older ones, so the state stays bounded', () => {
      let s: State.State = c.admit(State.open(1, 0, 30_000, 0), 30_000)[1]
      const permits: Array<Decision.Permit> = []
      for (let t = 30_000; t <= 30_000 + 30_000 * 5; t += 30_000) {
        const [d, next] = c.admit(s, t)
        if (Decision.isPermit(d)) permits.push(d)
        s = next
      }
      expect((s as State.HalfOpen).leases.length).toBeLessThanOrEqual(2)
      // the oldest probe is forgotten: its answer decides nothing; the most recent expired one still decides
      expect(c.step(s, Event.success(permits[0]!), 200_000)).toBe(s)
      expect(c.step(s, Event.success(permits[permits.length - 2]!), 200_000)._tag).toBe('Closed')
    })
  })

  it('does not let a late success from before a trip close the open circuit', () => {
    const s0 = c.initial(0)
    const [early] = c.admit(s0, 0) // admitted while closed, generation 0
    const open = run(s0, [call(c, 1, 'failure'), call(c, 2, 'failure'), call(c, 3, 'failure')])
    expect(open._tag).toBe('Open')
    expect(c.step(open, Event.success(early as Decision.Permit), 10)).toBe(open)
    const [probe, half] = c.admit(open, 40_000)
    expect(probe._tag).toBe('Permit')
    expect(c.step(half, Event.success(early as Decision.Permit), 40_001)).toBe(half)
  })

  it('needs successThreshold probe successes to close when several probes are configured', () => {
    const c3 = Circuit.make({ halfOpenProbes: 3, successThreshold: 2 })
    const [p0, h0] = c3.admit(State.open(1, 0, 30_000, 0), 30_000)
    const [p1, h1] = c3.admit(h0, 30_001)
    const [p2, h2] = c3.admit(h1, 30_002)
    expect(c3.admit(h2, 30_003)[0]._tag).toBe('Rejection')
    const afterOne = c3.step(h2, Event.success(p0 as Decision.Permit), 30_010)
    expect(afterOne._tag).toBe('HalfOpen')
    const afterTwo = c3.step(afterOne, Event.success(p1 as Decision.Permit), 30_011)
    expect(afterTwo._tag).toBe('Closed')
    // the third probe is now late: it cannot re-open the closed circuit
    expect(c3.step(afterTwo, Event.failure(p2 as Decision.Permit), 30_012)).toBe(afterTwo)
  })

  it.each<readonly [string, Event.Control, State.StateTag]>([
    ['ForceOpen', Event.forceOpen, 'ForcedOpen'],
    ['Disable', Event.disable, 'Disabled'],
    ['MetricsOnly', Event.metricsOnly, 'MetricsOnly'],
    ['Reset', Event.reset, 'Closed']
  ])('moves to the manual state on %s and starts a new generation', (_, event, tag) => {
    const s = c.step(c.initial(0), event, 5)
    expect(s._tag).toBe(tag)
    expect(s.generation).toBe(1)
  })

  it('rejects every call while forced open, with an infinite retryAfter', () => {
    const s = c.step(c.initial(0), Event.forceOpen, 0)
    expect(c.admit(s, 1e12)[0]).toEqual(Decision.rejection(Infinity))
    expect(c.retryAfter(s, 1e12)).toBe(Infinity)
  })

  it('never opens in metrics-only mode, and records nothing while disabled', () => {
    const steps = [call(c, 1, 'failure'), call(c, 2, 'failure'), call(c, 3, 'failure'), call(c, 4, 'failure')]
    const metrics = run(c.step(c.initial(0), Event.metricsOnly, 0), steps)
    expect(metrics).toEqual(State.metricsOnly(1, 0, { _tag: 'ConsecutiveFailures', failures: 4 }))
    const disabled = c.step(c.initial(0), Event.disable, 0)
    expect(run(disabled, steps)).toBe(disabled)
  })

  it('ignores admission events that do not match the state (the reducer is total)', () => {
    const open = State.open(1, 0, 30_000, 0)
    expect(c.step(open, Event.admitted(Decision.probe(2, 0)), 10)).toBe(open) // too early
    expect(c.step(open, Event.admitted(Decision.probe(5, 0)), 40_000)).toBe(open) // wrong generation
    const closed = c.initial(0)
    expect(c.step(closed, Event.admitted(Decision.probe(0, 0)), 0)).toBe(closed)
  })

  it('is pure: the same state, event and time always give the same result, and inputs are untouched', () => {
    const states = [
      c.initial(0),
      State.open(1, 0, 30_000, 0),
      State.halfOpen(2, 30_000, 0, 1, [{ ticket: 0, expiresAt: 60_000 }], 0, 0)
    ]
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom<'success' | 'failure' | 'ignore'>('success', 'failure', 'ignore'),
        (s, now, outcome) => {
          const frozen = JSON.stringify(s)
          const a = call(c, now, outcome)(s)
          const b = call(c, now, outcome)(s)
          expect(a).toEqual(b)
          expect(JSON.stringify(s)).toBe(frozen)
          expect(JSON.parse(JSON.stringify(a))).toEqual(a)
        }
      )
    )
  })

  it('uses the defaults through the module-level step, admit and initial', () => {
    const s = run(Circuit.initial(0), [
      call(Circuit.defaultCircuit, 1, 'failure'),
      call(Circuit.defaultCircuit, 2, 'failure')
    ])
    const [d] = Circuit.admit(s, 3)
    const opened = Circuit.step(s, Event.failure(d as Decision.Permit), 3)
    expect(opened).toEqual(State.open(1, 3, 30_000, 0))
  })

  describe('time', () => {
    const admitsEveryCall = (s: State.State): boolean =>
      s._tag === 'Closed' || s._tag === 'Disabled' || s._tag === 'MetricsOnly'

    /** A state reached by a random script, often after a manual control to Disabled or MetricsOnly. */
    const reached: fc.Arbitrary<Reached> = fc
      .tuple(
        configInput,
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(action, { maxLength: 40 }),
        fc.constantFrom<Event.Control | undefined>(undefined, Event.disable, Event.metricsOnly, Event.reset),
        fc.array(action, { maxLength: 20 })
      )
      .map(([config, start, before, control, after]) => {
        const between: ReadonlyArray<Action> =
          control === undefined ? [] : [{ _tag: 'Control', dt: 0, event: control }]
        return drive(Circuit.make(config), start, [...before, ...between, ...after])
      })

    /** Any time at all, `NaN` (what the runtime steps at before it reads its clock) included. */
    const anyTime = fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 2e12 }))

    it('admits the same way at any time in a Closed, Disabled or MetricsOnly state', () => {
      fc.assert(
        fc.property(reached, anyTime, anyTime, ({ circuit, state }, t1, t2) => {
          fc.pre(admitsEveryCall(state))
          expect(circuit.admit(state, t1)).toEqual(circuit.admit(state, t2))
        }),
        { numRuns: 300 }
      )
    })

    it('steps an outcome that keeps the tag and generation the same way at any time, when the strategy reads no clock', () => {
      const outcome = fc.record({
        verdict: fc.constantFrom<Event.Verdict>('success', 'failure', 'ignore'),
        openFor: fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: undefined }),
        duration: fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 100 })),
        late: fc.boolean()
      })
      fc.assert(
        fc.property(reached, outcome, anyTime, anyTime, ({ circuit, state, now }, o, t1, t2) => {
          fc.pre(!Strategy.readsClock(circuit.strategy))
          fc.pre(state._tag === 'Closed' || state._tag === 'MetricsOnly')
          const [d] = circuit.admit(state, now)
          const permit = o.late ? Decision.permit(state.generation - 1) : (d as Decision.Permit)
          const e =
            o.verdict === 'failure' && o.openFor !== undefined
              ? Event.failureOpenFor(permit, o.openFor, o.duration)
              : Event.outcome(o.verdict, permit, o.duration)
          const next = circuit.step(state, e, t1)
          fc.pre(next._tag === state._tag && next.generation === state.generation)
          expect(circuit.step(state, e, t2)).toEqual(next)
        }),
        { numRuns: 300 }
      )
    })

    /** Any state a script reaches, with an outcome for it: of its own permit, or a late one. */
    const outcomeIn = fc.record({
      verdict: fc.constantFrom<Event.Verdict>('success', 'failure', 'ignore'),
      openFor: fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: undefined }),
      duration: fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 100 })),
      late: fc.boolean()
    })
    const eventOf = (
      circuit: Circuit.Circuit,
      state: State.State,
      now: number,
      o: { verdict: Event.Verdict; openFor: number | undefined; duration: number; late: boolean }
    ): Event.Outcome => {
      const [d] = circuit.admit(state, now)
      const permit = o.late || !Decision.isPermit(d) ? Decision.permit(Math.max(0, state.generation - 1)) : d
      return o.verdict === 'failure' && o.openFor !== undefined
        ? Event.failureOpenFor(permit, o.openFor, o.duration)
        : Event.outcome(o.verdict, permit, o.duration)
    }

    it('admitUntimed agrees with admit at every time, and answers Some exactly where every call is admitted', () => {
      fc.assert(
        fc.property(reached, anyTime, ({ circuit, state }, t) => {
          const fast = circuit.admitUntimed(state)
          expect(O.isSome(fast)).toBe(State.admitsEveryCall(state))
          if (O.isSome(fast)) expect(circuit.admit(state, t)).toEqual([fast.value, state])
        }),
        { numRuns: 500 }
      )
    })

    it('stepUntimed agrees with step at every time whenever it answers Some', () => {
      fc.assert(
        fc.property(reached, outcomeIn, anyTime, anyTime, ({ circuit, state, now }, o, t1, t2) => {
          const e = eventOf(circuit, state, now, o)
          const fast = circuit.stepUntimed(state, e)
          if (O.isSome(fast)) {
            expect(circuit.step(state, e, t1)).toEqual(fast.value)
            expect(circuit.step(state, e, t2)).toEqual(fast.value)
          }
        }),
        { numRuns: 500 }
      )
    })

    it('stepUntimed answers Some for every non-transition in a Closed state whose strategy reads no clock', () => {
      fc.assert(
        fc.property(reached, outcomeIn, ({ circuit, state, now }, o) => {
          fc.pre(state._tag === 'Closed' && !Strategy.readsClock(circuit.strategy))
          const e = eventOf(circuit, state, now, o)
          const next = circuit.step(state, e, now)
          expect(O.isSome(circuit.stepUntimed(state, e))).toBe(!Transition.isTransition(state, next))
        }),
        { numRuns: 300 }
      )
    })

    it('isUnmovedBySuccess holds only where an untimed success leaves the state as it is at every time', () => {
      fc.assert(
        fc.property(reached, fc.boolean(), anyTime, ({ circuit, state, now }, late, t) => {
          const [d] = circuit.admit(state, now)
          const permit =
            late || !Decision.isPermit(d) ? Decision.permit(Math.max(0, state.generation - 1)) : d
          if (circuit.isUnmovedBySuccess(state, permit)) {
            expect(circuit.step(state, Event.success(permit), t)).toEqual(state)
          }
        }),
        { numRuns: 500 }
      )
    })

    it('isUnmovedBySuccess holds for the default breaker in its fresh closed state, the hot path', () => {
      const circuit = Circuit.make()
      const s = circuit.initial(0)
      const [d] = circuit.admit(s, 0)
      expect(circuit.isUnmovedBySuccess(s, d as Decision.Permit)).toBe(true)
      const counting = Circuit.make({
        strategy: Strategy.failureCount({ window: Window.count(5), threshold: 2 })
      })
      const c0 = counting.initial(0)
      const [p] = counting.admit(c0, 0)
      expect(counting.isUnmovedBySuccess(c0, p as Decision.Permit)).toBe(false)
    })

    it('steps an outcome into a time window by the time it is stepped at', () => {
      const circuit = Circuit.make({
        strategy: Strategy.failureCount({ window: Window.time(1_000, 10), threshold: 5 })
      })
      const s = circuit.initial(0)
      const [d] = circuit.admit(s, 0)
      const e = Event.failure(d as Decision.Permit)
      expect(circuit.step(s, e, 10)).not.toEqual(circuit.step(s, e, 5_000))
    })
  })
})

describe('Circuit halfOpenExpiry', () => {
  const base = { failureThreshold: 1, openFor: 1_000, halfOpenMaxDuration: 500, probeLease: 10_000 } as const
  const closing = Circuit.make({ ...base, halfOpenExpiry: 'close' })
  const reopening = Circuit.make(base)
  const fresh = Strategy.initial(Strategy.consecutiveFailures(1))

  /** Trips at 1, admits the probe at 1_001: half-open since 1_001, its deadline at 1_501. */
  const probing = (circuit: Circuit.Circuit) => {
    const tripped = call(circuit, 0, 'failure')(circuit.initial(0))
    const [probe, h] = circuit.admit(tripped, 1_001)
    return { h: h as State.HalfOpen, p: probe as Decision.Permit }
  }

  it('starts from the half-open state this table assumes', () => {
    const { h, p } = probing(closing)
    expect(h).toEqual(State.halfOpen(2, 1_001, 0, 1, [{ ticket: 0, expiresAt: 11_001 }], 0, 0))
    expect(p).toEqual(Decision.probe(2, 0))
  })

  it.each<readonly [string, (c: Circuit.Circuit, h: State.HalfOpen, p: Decision.Permit) => unknown, unknown]>(
    [
      ['asOf just before the deadline: still half-open', (c, h) => c.asOf(h, 1_500), 'same'],
      [
        'asOf at the deadline: closed at the deadline, fresh tally',
        (c, h) => c.asOf(h, 1_501),
        State.closed(3, 1_501, 0, fresh)
      ],
      ['retryAfter before the deadline: until it closes', (c, h) => c.retryAfter(h, 1_100), 401],
      ['retryAfter at the deadline: 0, a closed circuit admits at once', (c, h) => c.retryAfter(h, 1_501), 0],
      [
        'admit before the deadline: rejected until it closes',
        (c, h) => c.admit(h, 1_100),
        [Decision.rejection(401), 'same']
      ],
      [
        'admit at the deadline: a plain permit of the closed generation',
        (c, h) => c.admit(h, 1_501),
        [Decision.permit(3), State.closed(3, 1_501, 0, fresh)]
      ],
      [
        'a probe success before the deadline closes at its own time',
        (c, h, p) => c.step(h, Event.success(p), 1_400),
        State.closed(3, 1_400, 0, fresh)
      ],
      [
        'a probe failure before the deadline re-opens at the next level',
        (c, h, p) => c.step(h, Event.failure(p), 1_400),
        State.open(3, 1_400, 1_000, 1)
      ],
      [
        'a probe failure after the deadline is late: closed at the deadline',
        (c, h, p) => c.step(h, Event.failure(p), 1_600),
        State.closed(3, 1_501, 0, fresh)
      ],
      [
        'a probe success after the deadline is late: closed at the deadline',
        (c, h, p) => c.step(h, Event.success(p), 1_600),
        State.closed(3, 1_501, 0, fresh)
      ],
      [
        'a manual event after the deadline starts from the closed state',
        (_c, h) => closing.step(h, Event.forceOpen, 1_600),
        State.forcedOpen(4, 1_600)
      ]
    ]
  )('with close: %s', (_name, f, expected) => {
    const { h, p } = probing(closing)
    const got = f(closing, h, p)
    const same = (x: unknown): unknown => (x === 'same' ? h : x)
    expect(got).toEqual(Array.isArray(expected) ? expected.map(same) : same(expected))
  })

  it('keeps the next level to decay when closing by expiry with a healthy period, as a probe success would', () => {
    const c = Circuit.make({ ...base, halfOpenExpiry: 'close', healthyPeriod: 60_000 })
    const { h, p } = probing(c)
    expect(c.asOf(h, 1_501)).toEqual(State.closed(3, 1_501, 1, fresh))
    expect(c.step(h, Event.success(p), 1_400)).toEqual(State.closed(3, 1_400, 1, fresh))
  })

  it('re-opens at the deadline by default, as before', () => {
    const { h } = probing(reopening)
    expect(reopening.asOf(h, 1_501)).toEqual(State.open(3, 1_501, 1_000, 1))
    expect(reopening.retryAfter(h, 1_100)).toBe(1_401)
    expect(reopening.admit(h, 1_501)).toEqual([Decision.rejection(1_000), State.open(3, 1_501, 1_000, 1)])
  })

  it('names why: half-open-expired-closed for a close at the deadline, probe-succeeded for a probe', () => {
    const { h, p } = probing(closing)
    const expired = closing.asOf(h, 1_501)
    expect(Transition.reason(h, expired, 'Admitted', 1_501)).toBe('half-open-expired-closed')
    expect(Transition.reason(h, closing.step(h, Event.failure(p), 1_600), 'Failure', 1_600)).toBe(
      'half-open-expired-closed'
    )
    expect(Transition.reason(h, closing.step(h, Event.success(p), 1_600), 'Success', 1_600)).toBe(
      'half-open-expired-closed'
    )
    expect(Transition.reason(h, closing.step(h, Event.success(p), 1_400), 'Success', 1_400)).toBe(
      'probe-succeeded'
    )
    expect(Transition.reason(h, reopening.asOf(h, 1_501), 'Admitted')).toBe('half-open-expired')
  })

  it('agrees in asOf, admit, step and retryAfter about an expired half-open state', () => {
    const script = fc.record({
      expiry: fc.constantFrom<'open' | 'close'>('open', 'close'),
      openFor: fc.integer({ min: 0, max: 2_000 }),
      maxDuration: fc.integer({ min: 1, max: 3_000 }),
      probes: fc.integer({ min: 1, max: 3 }),
      lease: fc.integer({ min: 1, max: 5_000 }),
      healthy: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
      extra: fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 3 }),
      late: fc.integer({ min: 0, max: 10_000 }),
      verdict: fc.constantFrom<Event.Verdict>('success', 'failure', 'ignore')
    })
    fc.assert(
      fc.property(script, (x) => {
        const circuit = Circuit.make({
          failureThreshold: 1,
          openFor: x.openFor,
          halfOpenProbes: x.probes,
          halfOpenMaxDuration: x.maxDuration,
          halfOpenExpiry: x.expiry,
          probeLease: x.lease,
          ...(x.healthy === undefined ? {} : { healthyPeriod: x.healthy })
        })
        const tripped = call(circuit, 0, 'failure')(circuit.initial(0))
        const [first, h0] = circuit.admit(tripped, 1 + x.openFor)
        expect(h0._tag).toBe('HalfOpen')
        const h = h0 as State.HalfOpen
        const deadline = h.since + x.maxDuration
        let s: State.State = h
        const permits: Array<Decision.Permit> = [first as Decision.Permit]
        for (const dt of x.extra) {
          const t = Math.min(h.since + dt, deadline - 1)
          const [d, next] = circuit.admit(s, t)
          if (next._tag !== 'HalfOpen') return
          s = next
          if (Decision.isPermit(d)) permits.push(d)
        }
        const now = deadline + x.late
        const view = circuit.asOf(s, now)
        expect(view.generation).toBe(h.generation + 1)
        if (x.expiry === 'close') {
          expect(view).toEqual(
            State.closed(h.generation + 1, deadline, x.healthy === undefined ? 0 : h.attempt + 1, fresh)
          )
          expect(circuit.retryAfter(s, now)).toBe(0)
        } else {
          expect(view).toMatchObject({ _tag: 'Open', openedAt: deadline, attempt: h.attempt + 1 })
        }
        expect(circuit.asOf(view, now)).toBe(view)
        expect(circuit.retryAfter(s, now)).toBe(circuit.retryAfter(view, now))
        expect(circuit.admit(s, now)).toEqual(circuit.admit(view, now))
        for (const p of permits) {
          const e = Event.outcome(x.verdict, p, 1)
          expect(circuit.step(s, e, now)).toEqual(circuit.step(view, e, now))
        }
        expect(circuit.step(s, Event.reset, now)).toEqual(circuit.step(view, Event.reset, now))
        // before the deadline, retryAfter and admit agree with what the state becomes at it
        const before = deadline - 1
        const r = circuit.retryAfter(s, before)
        const [d] = circuit.admit(s, before)
        expect(Decision.isRejection(d) ? d.retryAfter : 0).toBe(r)
        if (r > 0) expect(Decision.isPermit(circuit.admit(s, before + r)[0])).toBe(true)
      }),
      { numRuns: 300 }
    )
  })
})
