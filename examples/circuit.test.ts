/**
 * A jest test of a breaker config, with the pure reducer and explicit timestamps: no timers, no
 * sleeping, no fake global clock. `admitOrThrow` (tripswitch/testing) gives the permit of a call
 * that must be admitted, without a cast.
 *
 * Run it with `npx jest examples/circuit.test.ts` (the test suite runs it).
 */
import { Circuit, decodeConfig, Event, type State } from 'tripswitch'
import { admitOrThrow } from 'tripswitch/testing'

const config = decodeConfig({ failureThreshold: 3, openFor: '10s', halfOpenProbes: 2, successThreshold: 2 })
if (config._tag === 'Left') throw config.left
const circuit = Circuit.make(config.right)

/** Admits a call at `at` and records its outcome `ms` later. */
const call = (state: State.State, at: number, outcome: 'success' | 'failure', ms = 5): State.State => {
  const [permit, admitted] = admitOrThrow(circuit, state, at)
  return circuit.step(admitted, Event.outcome(outcome, permit, ms), at + ms)
}

describe('the payments breaker config', () => {
  it('stays closed through two failures and opens on the third', () => {
    let s = circuit.initial(0)
    s = call(s, 100, 'failure')
    s = call(s, 200, 'failure')
    expect(s._tag).toBe('Closed')
    s = call(s, 300, 'failure')
    expect(s).toMatchObject({ _tag: 'Open', openFor: 10_000 })
    expect(circuit.retryAfter(s, 305)).toBe(10_000)
  })

  it('rejects calls while open, and admits probes at openedAt + 10 s', () => {
    let s = circuit.initial(0)
    for (const t of [1, 2, 3]) s = call(s, t, 'failure')
    const [rejected] = circuit.admit(s, 5_000)
    expect(rejected).toEqual({ _tag: 'Rejection', retryAfter: 5_008 })
    expect(() => admitOrThrow(circuit, s, 10_007)).toThrow(/rejected the call at 10007/)
    const [probe] = admitOrThrow(circuit, s, 10_008)
    expect(probe.probe).toBe(true)
  })

  it('closes after two successful probes, and re-opens on a failed one', () => {
    let s = circuit.initial(0)
    for (const t of [1, 2, 3]) s = call(s, t, 'failure')
    const [p1, h1] = admitOrThrow(circuit, s, 10_008)
    const [p2, h2] = admitOrThrow(circuit, h1, 10_009)
    expect(h2._tag).toBe('HalfOpen')
    const once = circuit.step(h2, Event.success(p1, 3), 10_011)
    expect(once._tag).toBe('HalfOpen')
    expect(circuit.step(once, Event.success(p2, 3), 10_012)._tag).toBe('Closed')
    expect(circuit.step(once, Event.failure(p2, 3), 10_012)._tag).toBe('Open')
  })
})
