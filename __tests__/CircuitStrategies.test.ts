import * as fc from 'fast-check'
import { capDelay, exponentialBackoff, limitRetries, Monoid } from 'retry-ts'
import * as E from 'fp-ts/Either'
import {
  Circuit,
  Config,
  ConfigError,
  Decision,
  decodeStateFor,
  encodeState,
  Event,
  State,
  Strategy,
  Window
} from 'tripswitch'

// -------------------------------------------------------------------------------------
// a driver with explicit timestamps
// -------------------------------------------------------------------------------------

type Verdict = 'F' | 'S' | 'I'

const driver = (input: Config.ConfigInput, start = 0) => {
  const circuit = Circuit.make(input)
  let state = circuit.initial(start)
  const held: Array<Decision.Permit> = []
  const self = {
    circuit,
    get state(): State.State {
      return state
    },
    /** A call arrives at `t`: its decision; an admitted call's permit is held until answered. */
    call: (t: number): Decision.Decision => {
      const [d, next] = circuit.admit(state, t)
      state = next
      if (Decision.isPermit(d)) held.push(d)
      return d
    },
    /** Answers the oldest held permit at `t`. */
    answer: (t: number, v: Verdict, ms = NaN): State.State => {
      const p = held.shift()
      if (p === undefined) throw new Error('no permit held')
      state = circuit.step(
        state,
        Event.outcome(v === 'F' ? 'failure' : v === 'S' ? 'success' : 'ignore', p, ms),
        t
      )
      return state
    },
    /** A call at `t` that settles at once (if admitted) with `v`. */
    run: (t: number, v: Verdict, ms = NaN): Decision.Decision => {
      const d = self.call(t)
      if (Decision.isPermit(d)) self.answer(t, v, ms)
      return d
    },
    /** Answers the oldest held permit at `t` with a failure that opens the circuit for `openFor` ms. */
    answerOpenFor: (t: number, openFor: number, ms = NaN): State.State => {
      const p = held.shift()
      if (p === undefined) throw new Error('no permit held')
      return (state = circuit.step(state, Event.failureOpenFor(p, openFor, ms), t))
    },
    /** Applies `event` to the state at `t`. */
    step: (event: Event.Event, t: number): State.State => (state = circuit.step(state, event, t)),
    /** Fails calls at t, t+1, ... until the circuit opens; the time it opened. */
    tripAt: (t: number): number => {
      for (let i = 0; i < 10_000; i++) {
        self.run(t + i, 'F')
        if (state._tag === 'Open') return t + i
      }
      throw new Error('never tripped')
    }
  }
  return self
}

const tag = (s: State.State) => s._tag

const asOpen = (s: State.State): State.Open => {
  if (s._tag !== 'Open') throw new Error(`expected Open, got ${s._tag}`)
  return s
}

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('Circuit with strategies', () => {
  describe('trip strategies', () => {
    it.each([
      {
        case: 'a failure rate exactly at the threshold trips',
        strategy: Strategy.failureRate({ window: Window.count(4), threshold: 0.5 }),
        history: 'SFSF',
        opensAt: 3
      },
      {
        case: 'below the minimum number of calls nothing trips',
        strategy: Strategy.failureRate({ window: Window.count(10), threshold: 0.5, minimumCalls: 5 }),
        history: 'FFFF',
        opensAt: -1
      },
      {
        case: 'a failure count among the last 5 calls trips',
        strategy: Strategy.failureCount({ window: Window.count(5), threshold: 2 }),
        history: 'SFSSF',
        opensAt: 4
      },
      {
        case: 'consecutive failures as a strategy',
        strategy: Strategy.consecutiveFailures(2),
        history: 'FSFF',
        opensAt: 3
      }
    ])('$case', ({ strategy, history, opensAt }) => {
      const d = driver({ strategy })
      const states = [...history].map((v, i) => (d.run(i * 10, v as Verdict), tag(d.state)))
      expect(states.indexOf('Open')).toBe(opensAt)
      if (opensAt >= 0)
        expect(d.state).toMatchObject({ _tag: 'Open', openedAt: opensAt * 10, openFor: 30_000 })
    })

    it('trips on slow calls while the failure rate is low', () => {
      const window = Window.time(10_000, 10)
      const d = driver({
        strategy: Strategy.any(
          Strategy.failureRate({ window, threshold: 0.5, minimumCalls: 4 }),
          Strategy.slowCallRate({ window, threshold: 0.75, slowCallDuration: 1_000, minimumCalls: 4 })
        )
      })
      d.run(0, 'S', 1_200)
      d.run(100, 'F', 20)
      d.run(200, 'S', 2_000)
      expect(tag(d.state)).toBe('Closed')
      d.run(300, 'S', 1_000)
      expect(d.state).toMatchObject({ _tag: 'Open', openedAt: 300 })
    })

    it('does not let stale successes from before an idle hour hide new failures', () => {
      const d = driver({
        strategy: Strategy.failureRate({ window: Window.time(60_000, 60), threshold: 0.5, minimumCalls: 5 })
      })
      for (let i = 0; i < 200; i++) d.run(i * 100, 'S')
      for (let i = 0; i < 4; i++) d.run(3_600_000 + i, 'F')
      expect(tag(d.state)).toBe('Closed')
      d.run(3_600_004, 'F')
      expect(d.state).toMatchObject({ _tag: 'Open', openedAt: 3_600_004 })
    })

    it('keeps failureThreshold as shorthand for the consecutive strategy', () => {
      expect(Circuit.make({ failureThreshold: 5 }).strategy).toEqual(Strategy.consecutiveFailures(5))
      expect(Circuit.make().strategy).toEqual(Strategy.consecutiveFailures(3))
    })

    it('starts a closing circuit with a fresh tally', () => {
      const strategy = Strategy.failureRate({ window: Window.count(4), threshold: 0.5 })
      const d = driver({ strategy, openFor: 1_000 })
      const opened = d.tripAt(0)
      d.run(opened + 1_000, 'S')
      expect(d.state).toMatchObject({ _tag: 'Closed', tally: Strategy.initial(strategy) })
    })

    it('records into the window while metrics-only, and never opens', () => {
      const strategy = Strategy.failureRate({ window: Window.count(4), threshold: 0.5 })
      const d = driver({ strategy })
      d.step(Event.metricsOnly, 0)
      for (let t = 1; t <= 8; t++) d.run(t, 'F')
      expect(d.state).toMatchObject({ _tag: 'MetricsOnly', tally: { calls: 4, marked: 4 } })
    })

    it('admits closed calls with the same permit at any time, leaving the state as it is, for any strategy', () => {
      for (const strategy of [
        Strategy.consecutiveFailures(3),
        Strategy.failureRate({ window: Window.count(100), threshold: 0.5 }),
        Strategy.failureRate({ window: Window.time(1_000, 10), threshold: 0.5, minimumCalls: 10 })
      ]) {
        const circuit = Circuit.make({ strategy })
        const s = circuit.initial(0)
        const first = circuit.admit(s, 1)
        expect(circuit.admit(s, 2_000_000)).toEqual(first)
        expect(circuit.admit(s, NaN)).toEqual(first)
        expect(first[1]).toBe(s)
      }
    })
  })

  describe('half-open verdicts', () => {
    /** Trips, waits out the open time, and admits `probes` probes; returns the time they were admitted. */
    const probing = (input: Config.ConfigInput, probes: number) => {
      const d = driver({ openFor: 1_000, ...input })
      const opened = d.tripAt(0)
      const t = opened + 1_000
      for (let i = 0; i < probes; i++) expect(Decision.isPermit(d.call(t))).toBe(true)
      expect(d.state).toMatchObject({ _tag: 'HalfOpen', leases: { length: probes } })
      return { d, t }
    }

    it('4 probes at 50 % fed F,F,S,F re-open (at the second failure)', () => {
      const { d, t } = probing({ halfOpenProbes: 4, halfOpenFailureRate: 0.5 }, 4)
      const attempt = (d.state as State.HalfOpen).attempt
      expect(tag(d.answer(t + 10, 'F'))).toBe('HalfOpen')
      expect(d.answer(t + 20, 'F')).toMatchObject({ _tag: 'Open', openedAt: t + 20, attempt: attempt + 1 })
      const open = d.state
      // the remaining answers are late: they change nothing
      expect(d.answer(t + 30, 'S')).toBe(open)
      expect(d.answer(t + 40, 'F')).toBe(open)
    })

    it.each([
      { probes: 4, rate: 0.5, answers: 'SSS', verdict: 'Closed', why: 'one failure of 4 is below 50 %' },
      { probes: 4, rate: 0.5, answers: 'SFSS', verdict: 'Closed', why: 'decided at the last probe' },
      { probes: 4, rate: 0.5, answers: 'SFSF', verdict: 'Open', why: 'exactly 50 % re-opens' },
      { probes: 4, rate: 0.75, answers: 'FSS', verdict: 'Closed', why: 'three failures are impossible now' },
      { probes: 4, rate: 0.75, answers: 'FFS', verdict: 'HalfOpen', why: 'a third failure would re-open' },
      { probes: 4, rate: 0.75, answers: 'FSF', verdict: 'HalfOpen', why: 'undecided' },
      { probes: 1, rate: 1, answers: 'F', verdict: 'Open', why: 'a single probe decides' },
      { probes: 3, rate: 0.1, answers: 'F', verdict: 'Open', why: 'any failure is at least 10 %' }
    ])('$probes probes at $rate fed $answers: $verdict ($why)', ({ probes, rate, answers, verdict }) => {
      const { d, t } = probing({ halfOpenProbes: probes, halfOpenFailureRate: rate }, probes)
      ;[...answers].forEach((v, i) => d.answer(t + i + 1, v as Verdict))
      expect(tag(d.state)).toBe(verdict)
    })

    it('by default, closes after successThreshold successes and re-opens at any failure', () => {
      const closes = probing({ halfOpenProbes: 3, successThreshold: 2 }, 3)
      closes.d.answer(closes.t + 1, 'S')
      expect(tag(closes.d.state)).toBe('HalfOpen')
      expect(tag(closes.d.answer(closes.t + 2, 'S'))).toBe('Closed')
      const reopens = probing({ halfOpenProbes: 3, successThreshold: 2 }, 3)
      reopens.d.answer(reopens.t + 1, 'S')
      expect(tag(reopens.d.answer(reopens.t + 2, 'F'))).toBe('Open')
    })

    it('lets an ignored probe free its slot for another', () => {
      const { d, t } = probing({ halfOpenProbes: 2, halfOpenFailureRate: 0.5 }, 2)
      expect(Decision.isRejection(d.call(t + 1))).toBe(true)
      d.answer(t + 2, 'I')
      expect(Decision.isPermit(d.call(t + 3))).toBe(true)
    })

    describe('halfOpenMaxDuration', () => {
      const input: Config.ConfigInput = { halfOpenProbes: 2, halfOpenMaxDuration: 5_000, probeLease: 60_000 }

      it('re-opens at the deadline: the next call is rejected and finds the circuit open since then', () => {
        const { d, t } = probing(input, 2)
        const h = d.state as State.HalfOpen
        // full: no slot frees before the deadline (at t + 5 s), and then it re-opens for 1 s
        expect(d.circuit.retryAfter(d.state, t + 1_000)).toBe(5_000)
        expect(d.call(t + 1_000)).toEqual(Decision.rejection(5_000))
        const decision = d.call(t + 5_000)
        expect(decision).toEqual(Decision.rejection(1_000))
        expect(d.state).toEqual(State.open(h.generation + 1, t + 5_000, 1_000, h.attempt + 1))
      })

      it('does not count a probe that answers after the deadline', () => {
        const { d, t } = probing(input, 2)
        const h = d.state as State.HalfOpen
        expect(d.answer(t + 6_000, 'S')).toEqual(
          State.open(h.generation + 1, t + 5_000, 1_000, h.attempt + 1)
        )
      })

      it('admits a probe at once when the re-open has already run out by the next call', () => {
        const { d, t } = probing(input, 2)
        const h = d.state as State.HalfOpen
        expect(d.call(t + 5_000 + 1_000)).toEqual(Decision.probe(h.generation + 2, 0))
        expect(d.state).toMatchObject({ _tag: 'HalfOpen', generation: h.generation + 2, since: t + 6_000 })
      })

      it('frees a slot at a lease expiry that comes before the deadline', () => {
        const { d, t } = probing({ ...input, probeLease: 2_000 }, 2)
        expect(d.circuit.retryAfter(d.state, t + 1_000)).toBe(1_000)
        expect(Decision.isPermit(d.call(t + 2_000))).toBe(true)
      })

      it('answers retryAfter for the re-open before any call makes it so', () => {
        const { d, t } = probing(input, 2)
        expect(tag(d.state)).toBe('HalfOpen')
        expect(d.circuit.retryAfter(d.state, t + 5_400)).toBe(600)
      })
    })
  })

  describe('reset backoff', () => {
    /** Trips, then fails every probe: the open durations in order. */
    const openings = (input: Config.ConfigInput, n: number): ReadonlyArray<number> => {
      const d = driver(input)
      d.tripAt(0)
      const out: Array<number> = []
      for (let i = 0; i < n; i++) {
        const open = asOpen(d.state)
        out.push(open.openFor)
        const at = open.openedAt + open.openFor
        expect(Decision.isRejection(d.call(at - 1))).toBe(true)
        d.run(at, 'F')
      }
      return out
    }

    it('backoff 1 s, 2 s, 4 s, 8 s capped at 10 s gives 1, 2, 4, 8, 10, 10', () => {
      expect(openings({ backoff: capDelay(10_000, exponentialBackoff(1_000)) }, 6)).toEqual([
        1_000, 2_000, 4_000, 8_000, 10_000, 10_000
      ])
    })

    it('keeps the last delay once the policy gives up', () => {
      expect(openings({ backoff: Monoid.concat(exponentialBackoff(1_000), limitRetries(2)) }, 5)).toEqual([
        1_000, 2_000, 2_000, 2_000, 2_000
      ])
    })

    it('stays exactly as before by default: 30 s every time, and closing resets the level', () => {
      expect(openings({}, 3)).toEqual([30_000, 30_000, 30_000])
      const d = driver({})
      const opened = d.tripAt(0)
      d.run(opened + 30_000, 'F')
      expect(d.state).toMatchObject({ _tag: 'Open', attempt: 1, openFor: 30_000 })
      d.run(opened + 60_000, 'S')
      expect(d.state).toMatchObject({ _tag: 'Closed', attempt: 0 })
      expect(Circuit.make().config).toEqual(Config.defaults)
    })

    it('resets the level when the circuit closes, without a healthy period', () => {
      const d = driver({ backoff: exponentialBackoff(1_000) })
      d.tripAt(0)
      d.run(1_000, 'F') // 2 s
      d.run(3_000, 'S')
      expect(d.state).toMatchObject({ _tag: 'Closed', attempt: 0 })
      const opened = d.tripAt(3_001)
      expect(d.state).toMatchObject({ _tag: 'Open', openedAt: opened, openFor: 1_000, attempt: 0 })
    })

    it('damps a flapping dependency: the level decays only after healthy periods', () => {
      const d = driver({ backoff: capDelay(60_000, exponentialBackoff(1_000)), healthyPeriod: 60_000 })
      const flap = (t: number): State.Open => {
        const opened = d.tripAt(t)
        const open = asOpen(d.state)
        d.run(opened + open.openFor, 'S') // the probe passes; the dependency fails again right after
        return open
      }
      // fails again right after every recovery: 1 s, 2 s, 4 s, 8 s instead of 1 s every time
      let t = 0
      const opens: Array<number> = []
      for (let i = 0; i < 4; i++) {
        const open = flap(t)
        opens.push(open.openFor)
        t = open.openedAt + open.openFor + 1
      }
      expect(opens).toEqual([1_000, 2_000, 4_000, 8_000])
      expect(d.state).toMatchObject({ _tag: 'Closed', attempt: 4 })
      // healthy for two full periods: two levels lower
      const later = (d.state as State.Closed).since + 2 * 60_000
      d.tripAt(later)
      expect(d.state).toMatchObject({ _tag: 'Open', attempt: 2, openFor: 4_000 })
      // healthy for long: back to the first level
      const open = asOpen(d.state)
      d.run(open.openedAt + open.openFor, 'S')
      d.tripAt(open.openedAt + open.openFor + 3_600_000)
      expect(d.state).toMatchObject({ _tag: 'Open', attempt: 0, openFor: 1_000 })
    })

    it('forgets the level on a manual reset', () => {
      const d = driver({ backoff: exponentialBackoff(1_000), healthyPeriod: 60_000 })
      d.tripAt(0)
      d.run(1_000, 'F')
      d.step(Event.reset, 2_000)
      expect(d.state).toMatchObject({ _tag: 'Closed', attempt: 0 })
    })

    it('jitters deterministically: the same events give the same open times, within the jitter', () => {
      const opens = (start: number) => {
        const d = driver({ backoff: constantish, jitter: 0.5 })
        d.tripAt(start)
        return asOpen(d.state).openFor
      }
      const constantish = exponentialBackoff(10_000)
      const a = Array.from({ length: 50 }, (_, i) => opens(i * 1_000 + 0.5))
      expect(Array.from({ length: 50 }, (_, i) => opens(i * 1_000 + 0.5))).toEqual(a)
      for (const d of a) {
        expect(d).toBeGreaterThan(5_000)
        expect(d).toBeLessThanOrEqual(10_000)
      }
      expect(new Set(a).size).toBe(50)
    })
  })

  describe('failures that open the circuit for a given time (Retry-After)', () => {
    it('opens a closed circuit at once for exactly that long, at the level a trip would use', () => {
      const d = driver({ backoff: exponentialBackoff(1_000), jitter: 0.5 })
      expect(Decision.isPermit(d.call(10))).toBe(true)
      d.answerOpenFor(45, 120_000, 35)
      expect(d.state).toMatchObject({ _tag: 'Open', openedAt: 45, openFor: 120_000, attempt: 0 })
      // the level escalates as usual afterwards
      d.run(120_045, 'F')
      expect(d.state).toMatchObject({ _tag: 'Open', attempt: 1 })
    })

    it('re-opens a half-open circuit for that long, at the next level', () => {
      const d = driver({ openFor: 1_000 })
      d.tripAt(0)
      expect(Decision.isPermit(d.call(1_002))).toBe(true)
      d.answerOpenFor(1_010, 5_000)
      expect(d.state).toMatchObject({ _tag: 'Open', openedAt: 1_010, openFor: 5_000, attempt: 1 })
    })

    it.each([NaN, -1, Infinity])('treats openFor = %s as an ordinary failure', (openFor) => {
      const d = driver({})
      expect(Decision.isPermit(d.call(0))).toBe(true)
      d.answerOpenFor(1, openFor)
      expect(d.state).toMatchObject({ _tag: 'Closed', tally: { failures: 1 } })
    })

    it('admits a probe at once after openFor = 0', () => {
      const d = driver({})
      expect(Decision.isPermit(d.call(0))).toBe(true)
      d.answerOpenFor(1, 0)
      expect(Decision.isPermit(d.call(1))).toBe(true)
      expect(tag(d.state)).toBe('HalfOpen')
    })

    it('changes nothing when late, and never opens a metrics-only circuit', () => {
      const d = driver({})
      expect(Decision.isPermit(d.call(0))).toBe(true)
      d.step(Event.forceOpen, 1)
      const forced = d.state
      expect(d.answerOpenFor(2, 10_000)).toBe(forced)
      d.step(Event.metricsOnly, 3)
      expect(Decision.isPermit(d.call(4))).toBe(true)
      expect(d.answerOpenFor(5, 10_000)).toMatchObject({ _tag: 'MetricsOnly', tally: { failures: 1 } })
    })

    it('is what Event.outcome builds for a failure with openFor', () => {
      const p = Decision.permit(0)
      expect(Event.outcome('failure', p, 12, 3_000)).toEqual(Event.failureOpenFor(p, 3_000, 12))
      expect(Event.outcome('success', p, 12, 3_000)).toEqual(Event.success(p, 12))
      expect(Event.outcome('failure', p, 12)).toEqual(Event.failure(p, 12))
    })
  })

  describe('config', () => {
    const problems = (input: unknown): ReadonlyArray<string> => {
      try {
        Config.resolve(input as Config.ConfigInput)
        return []
      } catch (e) {
        if (e instanceof ConfigError) return e.problems
        throw e
      }
    }

    it.each([
      {
        input: { strategy: Strategy.failureRate({ window: Window.count(10), threshold: 1.5 }) },
        problem: 'strategy.threshold: expected a rate in (0, 1], got 1.5'
      },
      {
        input: {
          strategy: Strategy.failureRate({ window: Window.count(10), threshold: 0.5, minimumCalls: 20 })
        },
        problem: "strategy.minimumCalls: expected at most the window's size (10) calls, got 20"
      },
      {
        input: {
          strategy: Strategy.failureRate({ window: Window.count(-3), threshold: 0.5, minimumCalls: 1 })
        },
        problem: 'strategy.window.size: expected an integer from 1 to 1000000, got -3'
      },
      {
        input: { strategy: Strategy.failureRate({ window: Window.time(10_000, 3), threshold: 0.5 }) },
        problem:
          'strategy.window.buckets: expected a divisor of duration (10000 ms), so that every bucket spans whole milliseconds, got 3'
      },
      {
        input: { strategy: Strategy.consecutiveFailures(5), failureThreshold: 5 },
        problem:
          'strategy: give either failureThreshold or strategy, not both (failureThreshold: n is shorthand for strategy: consecutiveFailures(n); combine strategies with Strategy.any)'
      },
      {
        input: { backoff: exponentialBackoff(1_000), openFor: 1_000 },
        problem:
          'backoff: give either openFor or backoff, not both (openFor: ms is shorthand for backoff: constantDelay(ms))'
      },
      {
        input: { backoff: 1_000 },
        problem: 'backoff: expected a retry-ts RetryPolicy (a function), got number'
      },
      {
        input: { backoff: limitRetries(0) },
        problem:
          'backoff: expected a policy that gives a finite delay >= 0 for the first open (iteration 0), got none'
      },
      { input: { jitter: 1.5 }, problem: 'jitter: expected a number in [0, 1], got 1.5' },
      { input: { jitter: -0.1 }, problem: 'jitter: expected a number in [0, 1], got -0.1' },
      {
        input: { healthyPeriod: 0 },
        problem:
          'healthyPeriod: expected a finite positive duration in milliseconds, or a string such as "500ms", "30s", "2m", got 0'
      },
      { input: { halfOpenFailureRate: 0 }, problem: 'halfOpenFailureRate: expected a rate in (0, 1], got 0' },
      {
        input: { halfOpenFailureRate: 1.2 },
        problem: 'halfOpenFailureRate: expected a rate in (0, 1], got 1.2'
      },
      {
        input: { halfOpenFailureRate: 0.5, successThreshold: 1 },
        problem:
          'halfOpenFailureRate: give either successThreshold or halfOpenFailureRate, not both (the half-open verdict is by probe successes or by the failure rate over the probes)'
      },
      {
        input: { halfOpenMaxDuration: -1 },
        problem:
          'halfOpenMaxDuration: expected a finite positive duration in milliseconds, or a string such as "500ms", "30s", "2m", got -1'
      },
      {
        input: { halfOpenMaxDurations: 10 },
        problem: expect.stringMatching(/^halfOpenMaxDurations: unknown option/)
      }
    ])('rejects $input: $problem', ({ input, problem }) => {
      expect(problems(input)).toEqual([problem])
    })

    it('reports every problem at once, each naming its field', () => {
      expect(
        problems({
          strategy: Strategy.slowCallRate({ window: Window.count(0), threshold: 2, slowCallDuration: 0 }),
          jitter: 3,
          halfOpenFailureRate: -1
        })
      ).toEqual([
        'strategy.window.size: expected an integer from 1 to 1000000, got 0',
        'strategy.threshold: expected a rate in (0, 1], got 2',
        // the default minimumCalls is the (invalid) window size
        'strategy.minimumCalls: expected a positive integer, got 0',
        'strategy.slowCallDuration: expected a finite positive duration in milliseconds, got 0',
        'jitter: expected a number in [0, 1], got 3',
        'halfOpenFailureRate: expected a rate in (0, 1], got -1'
      ])
    })

    it('keeps options out of the resolved config unless given', () => {
      expect(Config.resolve({})).toEqual(Config.defaults)
      const strategy = Strategy.failureRate({ window: Window.count(10), threshold: 0.5 })
      expect(Config.resolve({ strategy, jitter: 0.1, halfOpenMaxDuration: 5_000 })).toEqual({
        ...Config.defaults,
        strategy,
        jitter: 0.1,
        halfOpenMaxDuration: 5_000
      })
    })
  })

  describe('reachable states', () => {
    const strategies = fc.constantFrom<ReadonlyArray<Strategy.Strategy>>(
      [Strategy.consecutiveFailures(2)],
      [Strategy.failureRate({ window: Window.count(5), threshold: 0.5, minimumCalls: 3 })],
      [
        Strategy.failureCount({ window: Window.time(1_000, 5), threshold: 3 }),
        Strategy.slowCallRate({ window: Window.count(4), threshold: 0.5, slowCallDuration: 30 })
      ]
    )

    const configs: fc.Arbitrary<Config.ConfigInput> = fc
      .record({
        strategies,
        probes: fc.integer({ min: 1, max: 4 }),
        byRate: fc.boolean(),
        rate: fc.double({ min: 0.1, max: 1, noNaN: true }),
        maxHalfOpen: fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined }),
        backoff: fc.boolean(),
        jitter: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        healthyPeriod: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }),
        probeLease: fc.integer({ min: 1, max: 2_000 })
      })
      .map((c) => {
        const [first, ...rest] = c.strategies
        return {
          strategy: Strategy.any(first as Strategy.Strategy, ...rest),
          halfOpenProbes: c.probes,
          ...(c.byRate ? { halfOpenFailureRate: c.rate } : {}),
          ...(c.maxHalfOpen === undefined ? {} : { halfOpenMaxDuration: c.maxHalfOpen }),
          ...(c.backoff ? { backoff: capDelay(2_000, exponentialBackoff(100)) } : { openFor: 500 }),
          ...(c.jitter === undefined ? {} : { jitter: c.jitter }),
          ...(c.healthyPeriod === undefined ? {} : { healthyPeriod: c.healthyPeriod }),
          probeLease: c.probeLease
        }
      })

    const script = fc.array(
      fc.record({
        dt: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5_000 })),
        action: fc.constantFrom('call', 'call', 'F', 'S', 'I', 'F429', 'reset'),
        ms: fc.integer({ min: 0, max: 60 })
      }),
      { maxLength: 120 }
    )

    it('are plain JSON data that keep the documented invariants', () => {
      fc.assert(
        fc.property(configs, script, (input, steps) => {
          const d = driver(input)
          const { circuit } = d
          let t = 0
          let generation = 0
          const held: Array<Decision.Permit> = []
          let state = circuit.initial(0)
          for (const { dt, action, ms } of steps) {
            t += dt
            if (action === 'call') {
              const [decision, next] = circuit.admit(state, t)
              state = next
              if (Decision.isPermit(decision)) held.push(decision)
            } else if (action === 'reset') {
              state = circuit.step(state, Event.reset, t)
            } else {
              const p = held.shift()
              if (p === undefined) continue
              const e =
                action === 'F429'
                  ? Event.failureOpenFor(p, 700, ms)
                  : Event.outcome(action === 'F' ? 'failure' : action === 'S' ? 'success' : 'ignore', p, ms)
              state = circuit.step(state, e, t)
            }
            expect(JSON.parse(JSON.stringify(state))).toEqual(state)
            expect(state.generation).toBeGreaterThanOrEqual(generation)
            generation = state.generation
            if (state._tag === 'Open') {
              expect(Number.isFinite(state.openFor) && state.openFor >= 0).toBe(true)
            }
            if (state._tag === 'HalfOpen') {
              const probes = circuit.config.halfOpenProbes
              const live = state.leases.filter((l) => l.expiresAt > t).length
              expect(live + state.successes + state.failures).toBeLessThanOrEqual(probes)
              expect(state.leases.length).toBeLessThanOrEqual(2 * probes)
            }
            if (state._tag === 'Closed') {
              expect(Strategy.tallyProblems(circuit.strategy, state.tally)).toEqual([])
              expect(Strategy.isTripped(circuit.strategy, state.tally, t)).toBe(false)
            }
          }
        }),
        { numRuns: 300 }
      )
    })
  })

  it('opens for at most Event.maxRetryAfter on a Retry-After, so no reply wedges the circuit open, and the state decodes', () => {
    const circuit = Circuit.make()
    const s0 = circuit.initial(0)
    const [d] = circuit.admit(s0, 0)
    const opened = circuit.step(s0, Event.failureOpenFor(d as Decision.Permit, 1e15), 10)
    expect(opened).toMatchObject({ _tag: 'Open', openedAt: 10, openFor: Event.maxRetryAfter })
    expect(E.isRight(decodeStateFor(circuit)(encodeState(opened)))).toBe(true)
  })
})
