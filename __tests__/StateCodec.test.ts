import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import * as O from 'fp-ts/Option'
import { Circuit, Decision, type State, StateCodec, Strategy, Window } from 'tripswitch'
import { reached, reachableState } from './_support/arbitraries'

const { decodeState, decodeStateFor, encodeState } = StateCodec

const problemsOf = (r: E.Either<StateCodec.StateDecodeError, State.State>): ReadonlyArray<string> =>
  E.isLeft(r) ? r.left.problems : []

const closedDoc = {
  _tag: 'Closed',
  generation: 3,
  since: 1_000,
  attempt: 0,
  tally: { _tag: 'ConsecutiveFailures', failures: 1 }
}

const halfOpenDoc = {
  _tag: 'HalfOpen',
  generation: 4,
  since: 2_000,
  attempt: 1,
  nextTicket: 2,
  leases: [
    { ticket: 0, expiresAt: 2_500 },
    { ticket: 1, expiresAt: 2_600 }
  ],
  successes: 0,
  failures: 0
}

const untouchedPrototypes = (): void => {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  expect(Object.prototype).not.toHaveProperty('polluted')
  expect(Object.getPrototypeOf({})).toBe(Object.prototype)
}

describe('StateCodec', () => {
  it('round-trips every reachable state: decode(encode(s)) deep-equals s', () => {
    fc.assert(
      fc.property(reachableState, (s) => {
        expect(decodeState(encodeState(s))).toStrictEqual(E.right(s))
      }),
      { numRuns: 500 }
    )
  })

  it('round-trips every reachable state through JSON text', () => {
    fc.assert(
      fc.property(reachableState, (s) => {
        expect(decodeState(JSON.parse(JSON.stringify(encodeState(s))))).toStrictEqual(E.right(s))
      }),
      { numRuns: 300 }
    )
  })

  it('accepts every state a circuit reaches when decoding for that circuit', () => {
    fc.assert(
      fc.property(reached, ({ circuit, state }) => {
        expect(decodeStateFor(circuit)(encodeState(state))).toStrictEqual(E.right(state))
      }),
      { numRuns: 500 }
    )
  })

  it('encodes to fresh, JSON-safe data', () => {
    fc.assert(
      fc.property(reachableState, (s) => {
        const encoded = encodeState(s)
        expect(encoded).not.toBe(s)
        expect(JSON.parse(JSON.stringify(encoded))).toStrictEqual(encoded)
      }),
      { numRuns: 200 }
    )
  })

  it('decodes to fresh objects that do not share structure with the input', () => {
    const input = structuredClone(halfOpenDoc)
    const decoded = decodeState(input)
    if (E.isLeft(decoded)) throw decoded.left
    expect(decoded.right).not.toBe(input)
    input.leases[0]!.ticket = 99
    input.generation = 99
    expect(decoded.right).toStrictEqual(halfOpenDoc)
  })

  it('decodes each kind of state', () => {
    const docs = [
      closedDoc,
      { _tag: 'Open', generation: 1, openedAt: 5, openFor: 30_000, attempt: 2 },
      halfOpenDoc,
      { _tag: 'ForcedOpen', generation: 7, since: 8 },
      { _tag: 'Disabled', generation: 7, since: 8 },
      { _tag: 'MetricsOnly', generation: 7, since: 8, tally: { _tag: 'ConsecutiveFailures', failures: 9 } }
    ]
    for (const doc of docs) expect(decodeState(doc)).toStrictEqual(E.right(doc))
  })

  it('gives a decoded state that the reducer drives like any other', () => {
    const circuit = Circuit.make()
    const decoded = decodeState({ _tag: 'Open', generation: 1, openedAt: 0, openFor: 30_000, attempt: 0 })
    if (E.isLeft(decoded)) throw decoded.left
    expect(circuit.admit(decoded.right, 29_999)[0]).toStrictEqual(Decision.rejection(1))
    const [decision, next] = circuit.admit(decoded.right, 30_000)
    expect(decision).toStrictEqual(Decision.probe(2, 0))
    expect(next._tag).toBe('HalfOpen')
  })

  it('reports a bad field with its path, what was expected and what was found', () => {
    expect(problemsOf(decodeState({ ...closedDoc, generation: -1 }))).toStrictEqual([
      'generation: expected a non-negative integer, got -1'
    ])
    expect(problemsOf(decodeState({ ...closedDoc, generation: 1.5 }))).toStrictEqual([
      'generation: expected a non-negative integer, got 1.5'
    ])
    expect(problemsOf(decodeState({ ...closedDoc, since: Infinity }))).toStrictEqual([
      'since: expected a finite number, got Infinity'
    ])
    expect(
      problemsOf(decodeState({ ...closedDoc, tally: { _tag: 'ConsecutiveFailures', failures: '2' } }))
    ).toStrictEqual(['tally.failures: expected a non-negative integer, got "2"'])
  })

  it('reports every problem at once, in one readable message', () => {
    const result = decodeState({
      ...halfOpenDoc,
      generation: 'x',
      attempt: -2,
      leases: [{ ticket: 0, expiresAt: NaN }, { ticket: 1 }],
      extra: true
    })
    expect(problemsOf(result)).toStrictEqual([
      'extra: unknown key (expected one of: _tag, generation, since, attempt, nextTicket, leases, successes, failures)',
      'generation: expected a non-negative integer, got "x"',
      'attempt: expected a non-negative integer, got -2',
      'leases[0].expiresAt: expected a finite number, got NaN',
      'leases[1].expiresAt: missing, expected a finite number'
    ])
    if (E.isRight(result)) throw new Error('expected a Left')
    expect(result.left.message).toBe(
      `Invalid circuit state:\n${result.left.problems.map((p) => `  - ${p}`).join('\n')}`
    )
    expect(StateCodec.isStateDecodeError(result.left)).toBe(true)
    expect(result.left).toBeInstanceOf(Error)
  })

  it('rejects an unknown state tag, naming the tags it knows', () => {
    expect(problemsOf(decodeState({ ...closedDoc, _tag: 'Ajar' }))).toStrictEqual([
      '_tag: expected one of Closed, Open, HalfOpen, ForcedOpen, Disabled, MetricsOnly, got "Ajar"'
    ])
    expect(problemsOf(decodeState({ ...closedDoc, tally: { _tag: 'Vibes', failures: 0 } }))).toStrictEqual([
      'tally._tag: expected one of ConsecutiveFailures, CountWindow, TimeWindow, Any, got "Vibes"'
    ])
  })

  it('rejects what is not a state at all', () => {
    expect(problemsOf(decodeState(null))).toStrictEqual(['state: expected a circuit state, got null'])
    expect(problemsOf(decodeState('Closed'))).toStrictEqual(['state: expected a circuit state, got "Closed"'])
    expect(problemsOf(decodeState([closedDoc]))).toStrictEqual([
      'state: expected a circuit state, got an array'
    ])
  })

  it('rejects a typo in a key with a hint', () => {
    const { generation, ...rest } = closedDoc
    expect(problemsOf(decodeState({ ...rest, generaton: generation }))).toStrictEqual([
      'generaton: unknown key; did you mean generation?',
      'generation: missing, expected a non-negative integer'
    ])
  })

  it('rejects half-open leases whose tickets are repeated or not yet issued', () => {
    const leases = [
      { ticket: 1, expiresAt: 2_500 },
      { ticket: 1, expiresAt: 2_600 },
      { ticket: 2, expiresAt: 2_700 }
    ]
    expect(problemsOf(decodeState({ ...halfOpenDoc, leases }))).toStrictEqual([
      'leases[1].ticket: expected a ticket held by one lease only, got 1 again',
      'leases[2].ticket: expected below nextTicket (2), got 2'
    ])
  })

  it('decodes window tallies and an Any tally of them', () => {
    const w = Window.time(1_000, 4)
    const timed = [10, 300, 900].reduce((t, now) => Window.record(w, t, now !== 300, now), Window.empty(w))
    const count = Window.record(Window.count(3), Window.empty(Window.count(3)), true, 0)
    for (const tally of [timed, count, { _tag: 'Any', tallies: [timed, count] }]) {
      const doc = { ...closedDoc, tally }
      expect(decodeState(doc)).toStrictEqual(E.right(doc))
    }
  })

  it('rejects an Any tally nested in an Any tally, which the reducer never makes', () => {
    const inner = { _tag: 'Any', tallies: [{ _tag: 'ConsecutiveFailures', failures: 0 }] }
    expect(problemsOf(decodeState({ ...closedDoc, tally: { _tag: 'Any', tallies: [inner] } }))).toStrictEqual(
      ['tally.tallies[0]._tag: expected one of ConsecutiveFailures, CountWindow, TimeWindow, got "Any"']
    )
  })

  it('rejects a negative open duration', () => {
    expect(
      problemsOf(decodeState({ _tag: 'Open', generation: 1, openedAt: 0, openFor: -5, attempt: 0 }))
    ).toStrictEqual(['openFor: expected a finite number >= 0, got -5'])
  })

  it('rejects __proto__, constructor and prototype keys at any depth and pollutes nothing', () => {
    const inputs = [
      '{"__proto__": {"polluted": true}, "_tag": "ForcedOpen", "generation": 1, "since": 2}',
      '{"_tag": "Closed", "generation": 0, "since": 0, "attempt": 0, "tally": {"_tag": "ConsecutiveFailures", "failures": 0, "__proto__": {"polluted": true}}}',
      '{"_tag": "HalfOpen", "generation": 1, "since": 0, "attempt": 0, "nextTicket": 1, "successes": 0, "failures": 0, "leases": [{"ticket": 0, "expiresAt": 5, "__proto__": {"polluted": true}}]}',
      '{"_tag": "Disabled", "generation": 1, "since": 2, "constructor": {"prototype": {"polluted": true}}}',
      '{"_tag": "Disabled", "generation": 1, "since": 2, "prototype": {"polluted": true}}'
    ]
    const paths = ['__proto__', 'tally.__proto__', 'leases[0].__proto__', 'constructor', 'prototype']
    inputs.forEach((json, i) => {
      const result = decodeState(JSON.parse(json))
      expect(problemsOf(result)).toStrictEqual([
        `${paths[i]}: not allowed as a key (it could tamper with object prototypes)`
      ])
      untouchedPrototypes()
    })
  })

  it('ignores properties inherited through a prototype', () => {
    const inherited = Object.create({ generation: 5 }) as Record<string, unknown>
    Object.assign(inherited, { _tag: 'Disabled', since: 0 })
    expect(problemsOf(decodeState(inherited))).toStrictEqual([
      'generation: missing, expected a non-negative integer'
    ])
  })

  it('never throws on random junk, only returns a Left', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }),
        (u) => {
          expect(E.isLeft(decodeState(u))).toBe(true)
        }
      ),
      { numRuns: 1_000 }
    )
  })

  it('never throws on a reachable state with one field replaced by junk, and what it accepts still round-trips', () => {
    fc.assert(
      fc.property(reached, fc.nat(), fc.anything(), ({ circuit, state, now }, pick, junk) => {
        const doc = encodeState(state) as Record<string, unknown>
        const keys = Object.keys(doc)
        const key = keys[pick % keys.length] as string
        const result = decodeStateFor(circuit)({ ...doc, [key]: junk })
        if (E.isRight(result)) {
          expect(decodeState(encodeState(result.right))).toStrictEqual(result)
          expect(() => circuit.admit(result.right, now)).not.toThrow()
        }
        untouchedPrototypes()
      }),
      { numRuns: 500 }
    )
  })

  describe('decodeStateFor', () => {
    const circuit = Circuit.make({ failureThreshold: 5, halfOpenProbes: 2, successThreshold: 2 })

    it('rejects a closed tally that the strategy would already have tripped on', () => {
      const doc = { ...closedDoc, tally: { _tag: 'ConsecutiveFailures', failures: 5 } }
      expect(E.isRight(decodeState(doc))).toBe(true)
      expect(problemsOf(decodeStateFor(circuit)(doc))).toStrictEqual([
        "tally: expected a tally that has not tripped the circuit's strategy (a closed circuit would have opened)"
      ])
    })

    it("rejects a tally that belongs to another strategy than the circuit's", () => {
      const byRate = Circuit.make({
        strategy: Strategy.failureRate({ window: Window.count(4), threshold: 0.5 })
      })
      const problems = problemsOf(decodeStateFor(byRate)(closedDoc))
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatch(/^tally\._tag: expected "CountWindow"/)
    })

    it('rejects a window tally whose counts disagree with the calls it stores', () => {
      const w = Window.count(4)
      const byRate = Circuit.make({ strategy: Strategy.failureRate({ window: w, threshold: 0.9 }) })
      const tally = [true, false, true].reduce((t, f, i) => Window.record(w, t, f, i), Window.empty(w))
      const good = { ...closedDoc, tally }
      expect(decodeStateFor(byRate)(good)).toStrictEqual(E.right(good))
      const problems = problemsOf(decodeStateFor(byRate)({ ...good, tally: { ...tally, marked: 1 } }))
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatch(/^tally\.marked: /)
    })

    it('judges a half-open state by the failure-rate verdict when the circuit uses one', () => {
      const byRate = Circuit.make({ halfOpenProbes: 4, halfOpenFailureRate: 0.5 })
      const at = (successes: number, failures: number) => ({
        ...halfOpenDoc,
        leases: [],
        successes,
        failures
      })
      expect(E.isRight(decodeStateFor(byRate)(at(1, 1)))).toBe(true)
      expect(problemsOf(decodeStateFor(byRate)(at(0, 2)))).toStrictEqual([
        'failures: expected failures / halfOpenProbes below halfOpenFailureRate (0.5), got 2 of 4'
      ])
      expect(problemsOf(decodeStateFor(byRate)(at(3, 0)))).toStrictEqual([
        'successes: expected few enough that the failure rate could still reach halfOpenFailureRate (0.5), got 3 of 4'
      ])
      expect(problemsOf(decodeStateFor(circuit)(at(0, 1)))).toStrictEqual([
        'failures: expected 0 (a probe failure re-opens the circuit), got 1'
      ])
    })

    it('accepts a metrics-only tally beyond the threshold, since that state never opens', () => {
      const doc = {
        _tag: 'MetricsOnly',
        generation: 1,
        since: 0,
        tally: { _tag: 'ConsecutiveFailures', failures: 50 }
      }
      expect(decodeStateFor(circuit)(doc)).toStrictEqual(E.right(doc))
    })

    it('rejects a half-open state holding more leases than the live and recently expired ones of the config', () => {
      const leases = [0, 1, 2, 3, 4].map((ticket) => ({ ticket, expiresAt: 2_500 + ticket }))
      const doc = { ...halfOpenDoc, nextTicket: 5, leases }
      expect(problemsOf(decodeStateFor(circuit)(doc))).toStrictEqual([
        'leases: expected at most 2 × halfOpenProbes (4) leases (the live ones and the most recent expired ones), got 5'
      ])
    })

    it('rejects a half-open state that already has the successes that would have closed it', () => {
      const doc = { ...halfOpenDoc, leases: [], successes: 2 }
      expect(problemsOf(decodeStateFor(circuit)(doc))).toStrictEqual([
        'successes: expected below successThreshold (2), got 2'
      ])
    })

    describe('bounds the circuit keeps', () => {
      const jittered = Circuit.make({
        openFor: 1_000,
        jitter: 0.2,
        halfOpenProbes: 2,
        halfOpenMaxDuration: 5_000,
        probeLease: 500
      })
      // levels 0 and 1 only: the policy gives up after that
      const stepped = Circuit.make({
        backoff: (st) => (st.iterNumber <= 1 ? O.some(100 * (st.iterNumber + 1)) : O.none)
      })
      const open = { _tag: 'Open', generation: 9, openedAt: 5, openFor: 1_000, attempt: 0 }
      const half = {
        _tag: 'HalfOpen',
        generation: 9,
        since: 10_000,
        attempt: 0,
        nextTicket: 1,
        leases: [{ ticket: 0, expiresAt: 10_500 }],
        successes: 0,
        failures: 0
      }
      const max = Number.MAX_SAFE_INTEGER

      it.each([
        ['a jittered open', open, { openFor: 801 }],
        ['an open for exactly the delay', open, {}],
        ['a Retry-After open of up to 24 h at any level', open, { openFor: 86_400_000, attempt: 3 }],
        ['a Retry-After open of 0 ms', open, { openFor: 0 }],
        ['a generation that can still take two steps', open, { generation: max - 2 }],
        ['times at ±1e15 ms', open, { openedAt: -1e15 }],
        [
          'a lease admitted just before the half-open deadline',
          half,
          { leases: [{ ticket: 0, expiresAt: 15_500 }] }
        ]
      ])('accepts %s', (_, base, patch) => {
        const doc = { ...base, ...patch }
        expect(decodeStateFor(jittered)(doc)).toStrictEqual(E.right(doc))
      })

      it.each([
        [
          'an open longer than its backoff delay and than any Retry-After',
          open,
          { openFor: 1e300 },
          "openFor: expected the backoff's delay at attempt 0 (1000 ms, or down to 800 ms with jitter 0.2) or a Retry-After of at most 86400000 ms, got 1e+300"
        ],
        [
          'an open of just over 24 h that the backoff did not choose',
          open,
          { openFor: 86_400_001 },
          "openFor: expected the backoff's delay at attempt 0 (1000 ms, or down to 800 ms with jitter 0.2) or a Retry-After of at most 86400000 ms, got 86400001"
        ],
        [
          'a generation one more transition would push past MAX_SAFE_INTEGER',
          open,
          { generation: max - 1 },
          `generation: expected at most ${max - 2} (a step adds up to 2 and must stay a safe integer), got ${max - 1}`
        ],
        [
          'an attempt above the generation',
          open,
          { attempt: 10 },
          'attempt: expected at most the generation (9), since a transition raises the level by one at most, got 10'
        ],
        [
          'an openedAt beyond 1e15 ms',
          open,
          { openedAt: 1e16 },
          'openedAt: expected a time within ±1000000000000000 ms, got 10000000000000000'
        ],
        [
          'a since beyond -1e15 ms',
          { ...closedDoc, attempt: 0 },
          { since: -2e15 },
          'since: expected a time within ±1000000000000000 ms, got -2000000000000000'
        ],
        [
          'a lease expiring later than any admission before the deadline allows',
          half,
          { leases: [{ ticket: 0, expiresAt: 15_501 }] },
          'leases[0].expiresAt: expected an admission time plus probeLease (500 ms), admitted before since + halfOpenMaxDuration (5000 ms): at most 15500, got 15501'
        ],
        [
          'a nextTicket one more admission would push past MAX_SAFE_INTEGER',
          half,
          { nextTicket: max },
          `nextTicket: expected below ${max} (an admission adds 1), got ${max}`
        ]
      ])('rejects %s, naming the field', (_, base, patch, problem) => {
        expect(problemsOf(decodeStateFor(jittered)({ ...base, ...patch }))).toStrictEqual([problem])
      })

      it('rejects an open at a level its backoff policy never reaches', () => {
        expect(problemsOf(decodeStateFor(stepped)({ ...open, openFor: 200, attempt: 3 }))).toStrictEqual([
          'attempt: expected a level the backoff uses (its policy stops at 1), got 3'
        ])
        const atLast = { ...open, openFor: 200, attempt: 1 }
        expect(decodeStateFor(stepped)(atLast)).toStrictEqual(E.right(atLast))
      })

      it('bounds a lease by magnitude alone when there is no half-open deadline', () => {
        const noDeadline = Circuit.make({ probeLease: 500 })
        const late = { ...half, leases: [{ ticket: 0, expiresAt: 1e14 }] }
        expect(decodeStateFor(noDeadline)(late)).toStrictEqual(E.right(late))
        expect(
          problemsOf(decodeStateFor(noDeadline)({ ...half, leases: [{ ticket: 0, expiresAt: 2e15 }] }))
        ).toStrictEqual([
          'leases[0].expiresAt: expected an admission time plus probeLease (500 ms), within ±1000000000000000 ms, got 2000000000000000'
        ])
      })

      it('accepts what decodeState alone accepts past these bounds', () => {
        expect(E.isRight(decodeState({ ...open, openFor: 1e300, generation: max }))).toBe(true)
      })
    })

    it('reports shape problems before checking the state against the circuit', () => {
      expect(problemsOf(decodeStateFor(circuit)({ ...closedDoc, generation: -1 }))).toStrictEqual([
        'generation: expected a non-negative integer, got -1'
      ])
    })
  })
})
