/**
 * Circuit states to JSON and back, for persistence and for sharing through a store.
 *
 * A state read back from outside is untrusted: `decodeState` checks its shape with io-ts and then the
 * reducer's invariants documented in `State.ts`, and gives `Left(StateDecodeError)` naming every problem
 * with its path. `decodeStateFor(circuit)` also checks the state against a circuit's strategy and config.
 *
 * Invariants:
 * - `encodeState` gives a fresh, JSON-safe value: plain objects and arrays, finite numbers, strings and
 *   booleans only (a state never holds `Infinity` or `NaN`).
 * - `decodeState` never throws and never returns or mutates its input: every object of the result is
 *   built fresh from known keys. Unknown keys are rejected, and `__proto__`, `constructor` and
 *   `prototype` keys at any depth are reported, so nothing can reach an object prototype.
 * - A decoded state satisfies the reducer's invariants: a non-negative integer `generation` and
 *   `attempt`, finite times, `openFor >= 0`, half-open lease tickets distinct and below `nextTicket`,
 *   and a tally of a known strategy with consistent counts.
 * - Nothing about strategies or the half-open rule is written here: the tally codecs are derived from
 *   the registered strategies (`Strategy.TallyShape`, `Strategy.tallyCodec`) and a half-open state is
 *   judged by `HalfOpen.problems`, the rule the reducer decides by.
 * - `decodeState(encodeState(s))` deep-equals `s` for every state the reducer can reach.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import type { Circuit } from './Circuit'
import { array, finite, nonNegativeInteger, number, report, struct, tagged } from './codec'
import * as HalfOpen from './HalfOpen'
import type { Lease, State } from './State'
import * as Strategy from './Strategy'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A persisted or shared state that cannot be trusted: lists every problem, each with its path.
 *
 * @category model
 * @since 0.1.0
 */
export class StateDecodeError extends Error {
  readonly _tag = 'StateDecodeError'
  constructor(readonly problems: ReadonlyArray<string>) {
    super(`Invalid circuit state:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'StateDecodeError'
  }
}

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * @example
 * import { StateCodec } from 'tripswitch'
 * const e: unknown = new StateCodec.StateDecodeError(['generation: expected a non-negative integer'])
 * StateCodec.isStateDecodeError(e) // true
 *
 * @category guards
 * @since 0.1.0
 */
export const isStateDecodeError = (u: unknown): u is StateDecodeError => u instanceof StateDecodeError

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const nonNegative = number('a finite number >= 0', (n) => Number.isFinite(n) && n >= 0)

const tag = <K extends string>(k: K) => t.literal(k)

// derived from the registered strategies (see `Strategy.ts`); an `Any` tally holds no `Any` tally, so
// the codec is not recursive and no input can make decoding recurse deeply
const TallyCodec = Strategy.TallyShape

const LeaseCodec: t.Type<Lease, unknown, unknown> = struct(
  'a probe lease',
  { ticket: nonNegativeInteger, expiresAt: finite },
  {}
)

const common = { generation: nonNegativeInteger, since: finite }

/**
 * The io-ts codec of a state's shape. It checks types only: use `decodeState`, which also checks the
 * reducer's invariants.
 *
 * @category codecs
 * @since 0.1.0
 */
export const StateShape: t.Type<State, unknown, unknown> = tagged('a circuit state', '_tag', {
  Closed: struct(
    'a Closed state',
    { _tag: tag('Closed'), ...common, attempt: nonNegativeInteger, tally: TallyCodec },
    {}
  ),
  Open: struct(
    'an Open state',
    {
      _tag: tag('Open'),
      generation: nonNegativeInteger,
      openedAt: finite,
      openFor: nonNegative,
      attempt: nonNegativeInteger
    },
    {}
  ),
  HalfOpen: struct(
    'a HalfOpen state',
    {
      _tag: tag('HalfOpen'),
      ...common,
      attempt: nonNegativeInteger,
      nextTicket: nonNegativeInteger,
      leases: array(LeaseCodec),
      successes: nonNegativeInteger,
      failures: nonNegativeInteger
    },
    {}
  ),
  ForcedOpen: struct('a ForcedOpen state', { _tag: tag('ForcedOpen'), ...common }, {}),
  Disabled: struct('a Disabled state', { _tag: tag('Disabled'), ...common }, {}),
  MetricsOnly: struct('a MetricsOnly state', { _tag: tag('MetricsOnly'), ...common, tally: TallyCodec }, {})
})

// -------------------------------------------------------------------------------------
// invariants
// -------------------------------------------------------------------------------------

/** What the reducer guarantees of a state whatever its config: one line per broken invariant. */
const invariantProblems = (s: State): ReadonlyArray<string> => {
  if (s._tag !== 'HalfOpen') return []
  const problems: Array<string> = []
  const seen = new Set<number>()
  s.leases.forEach(({ ticket }, i) => {
    const at = `leases[${i}].ticket`
    if (ticket >= s.nextTicket)
      problems.push(`${at}: expected below nextTicket (${s.nextTicket}), got ${ticket}`)
    if (seen.has(ticket))
      problems.push(`${at}: expected a ticket held by one lease only, got ${ticket} again`)
    seen.add(ticket)
  })
  return problems
}

/** What a state must satisfy to be driven by `circuit`: its strategy's tally and its config's bounds. */
const circuitProblems = (circuit: Circuit, s: State): ReadonlyArray<string> => {
  const { strategy, config } = circuit
  switch (s._tag) {
    case 'Closed':
    case 'MetricsOnly': {
      const problems = Strategy.tallyProblems(strategy, s.tally, 'tally')
      // as of its latest record (times at or before it read the stored totals), a closed circuit's
      // tally has not tripped its strategy: otherwise the circuit would have opened then
      if (problems.length === 0 && s._tag === 'Closed' && Strategy.isTripped(strategy, s.tally, s.since)) {
        return [
          "tally: expected a tally that has not tripped the circuit's strategy (a closed circuit would have opened)"
        ]
      }
      return problems
    }
    case 'HalfOpen':
      // the half-open rule of the reducer: slots within halfOpenProbes, no verdict reached yet
      return HalfOpen.problems(config, {
        leases: s.leases.length,
        successes: s.successes,
        failures: s.failures
      })
    default:
      return []
  }
}

// -------------------------------------------------------------------------------------
// encoding and decoding
// -------------------------------------------------------------------------------------

/**
 * A fresh, JSON-safe copy of `state`, ready for `JSON.stringify` or a store.
 *
 * @example
 * import { Circuit, StateCodec } from 'tripswitch'
 * const json = JSON.stringify(StateCodec.encodeState(Circuit.initial(0)))
 *
 * @category encoding
 * @since 0.1.0
 */
export const encodeState = (state: State): unknown => StateShape.encode(state)

const decodeWith =
  (extra: (s: State) => ReadonlyArray<string>) =>
  (input: unknown): E.Either<StateDecodeError, State> =>
    pipe(
      StateShape.decode(input),
      E.mapLeft((errors) => new StateDecodeError(report(errors, 'state'))),
      E.chain((s) => {
        const problems = [...invariantProblems(s), ...extra(s)]
        return problems.length > 0 ? E.left(new StateDecodeError(problems)) : E.right(s)
      })
    )

/**
 * Decodes a state from untrusted input (a parsed JSON document, a store's reply), checking its shape and
 * the reducer's invariants. Never throws.
 *
 * @example
 * import { Circuit, StateCodec } from 'tripswitch'
 * import * as E from 'fp-ts/Either'
 *
 * const saved = JSON.stringify(StateCodec.encodeState(Circuit.initial(0)))
 * const state = StateCodec.decodeState(JSON.parse(saved))
 * if (E.isLeft(state)) console.error(state.left.message)
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeState: (input: unknown) => E.Either<StateDecodeError, State> = decodeWith(() => [])

/**
 * Like `decodeState`, and also checks that the state fits `circuit`: its tally belongs to the circuit's
 * strategy and holds no more than the strategy allows (a closed tally below the trip threshold), and a
 * half-open state holds no more probes than `halfOpenProbes` and fewer successes than `successThreshold`.
 * Use it before handing a loaded state to a breaker.
 *
 * @example
 * import { Circuit, StateCodec } from 'tripswitch'
 * const circuit = Circuit.make({ failureThreshold: 5 })
 * const state = StateCodec.decodeStateFor(circuit)({ _tag: 'Closed', generation: 0, since: 0, attempt: 0,
 *   tally: { _tag: 'ConsecutiveFailures', failures: 7 } })
 * // left: tally.failures: expected below the strategy's threshold (5), got 7
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeStateFor = (circuit: Circuit): ((input: unknown) => E.Either<StateDecodeError, State>) =>
  decodeWith((s) => circuitProblems(circuit, s))
