/**
 * Circuit states to JSON and back, for persistence and for sharing through a store.
 *
 * A state read back from outside is untrusted: `decodeState` checks its shape (with the plain checks of
 * `codec.ts`; no io-ts, so the runtime that decodes store records and restored states loads none) and
 * then the reducer's invariants documented in `State.ts`, and gives `Left(StateDecodeError)` naming every problem
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
 *   the registered strategies (`Strategy.tallyShapeCheck`, `Strategy.tallyCheck`) and a half-open state is
 *   judged by `HalfOpen.problems`, the rule the reducer decides by.
 * - `decodeState(encodeState(s))` deep-equals `s` for every state the reducer can reach.
 *
 * What `decodeStateFor(circuit)` adds, besides the strategy's tally and the half-open rule: bounds that
 * every state the circuit can produce keeps, so that a state from outside cannot stall or break it.
 * - `generation <= maxGeneration` (`MAX_SAFE_INTEGER - 2`): one `step` or `admit` moves a generation by
 *   at most 2 (a half-open state past its deadline re-opens, then the event's own transition), so every
 *   next state of an accepted one still has a safe-integer generation and generations never collide.
 *   `nextTicket < MAX_SAFE_INTEGER` likewise (an admission takes one ticket).
 * - `attempt <= generation`: a circuit starts at level 0 in generation 0, and no transition raises the
 *   level by more than one. An `Open` or `HalfOpen` `attempt` is a level the backoff uses
 *   (`backoff.delay(attempt)[0] === attempt`: a policy that gave up stays at its last level).
 * - `Open.openFor` is what the circuit opens for: the backoff's delay `d` at `attempt`, shortened by
 *   jitter to no less than `d * (1 - jitter)`; or, for a `Retry-After` open (`Event.failureOpenFor`),
 *   any duration up to `maxRetryAfter` (24 h) at any level.
 * - Times (`since`, `openedAt`) lie within `±maxTime` (`1e15` ms, about 31,000 years): past that, the
 *   state is not from a clock. Whether a time is in the future cannot be decided without one.
 * - A lease was granted at an admission time `t` within `±maxTime`, for `expiresAt = t + probeLease`;
 *   with `halfOpenMaxDuration`, admission happens before `since + halfOpenMaxDuration` (later, the
 *   state reads as open), so `expiresAt <= since + halfOpenMaxDuration + probeLease`. Without a
 *   deadline a slot may be taken at any time after `since`, and only the magnitude is bounded.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as Ev from './Event'
import { pipe } from 'fp-ts/function'
import type { Circuit } from './Circuit'
import {
  array,
  type Check,
  finite,
  literal,
  nonNegativeInteger,
  number,
  oneOf,
  report,
  string,
  struct,
  tagged
} from './codec'
import * as HalfOpen from './HalfOpen'
import { type Lease, type State, tags } from './State'
import * as Strategy from './Strategy'
import type { Phase, Reply, Shared } from './Store'

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

/**
 * The largest `generation` `decodeStateFor` accepts: one step may add 2 and stay a safe integer.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { StateCodec } from 'tripswitch'
 * assert.strictEqual(StateCodec.maxGeneration + 2, Number.MAX_SAFE_INTEGER)
 *
 * @category model
 * @since 0.1.0
 */
export const maxGeneration = Number.MAX_SAFE_INTEGER - 2

/**
 * The largest magnitude of a time (`since`, `openedAt`, a lease's admission) `decodeStateFor` accepts:
 * `1e15` ms, about 31,000 years either side of the clock's origin.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { StateCodec } from 'tripswitch'
 * assert.ok(Date.now() < StateCodec.maxTime)
 *
 * @category model
 * @since 0.1.0
 */
export const maxTime = 1e15

/**
 * The longest `openFor` `decodeStateFor` accepts from a `Retry-After` open (one the backoff did not
 * choose): 24 hours, the longest the reducer opens for on a `Retry-After` (`Event.maxRetryAfter`).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { StateCodec } from 'tripswitch'
 * assert.strictEqual(StateCodec.maxRetryAfter, 86_400_000)
 *
 * @category model
 * @since 0.1.0
 */
export const maxRetryAfter: number = Ev.maxRetryAfter

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
// checks
// -------------------------------------------------------------------------------------

const nonNegative = number('a finite number >= 0', (n) => Number.isFinite(n) && n >= 0)

const tag = literal

// derived from the registered strategies (see `Strategy.ts`); an `Any` tally holds no `Any` tally, so
// the codec is not recursive and no input can make decoding recurse deeply
const TallyCodec = Strategy.tallyShapeCheck

const LeaseCodec: Check<Lease> = struct(
  'a probe lease',
  { ticket: nonNegativeInteger, expiresAt: finite },
  {}
)

const common = { generation: nonNegativeInteger, since: finite }

/**
 * The plain validator of a state's shape (the io-ts codec `StateCodec.StateShape` is built from it). It
 * checks types only: use `decodeState`, which also checks the reducer's invariants.
 *
 * @category checks
 * @since 0.1.0
 */
export const shapeCheck: Check<State> = tagged('a circuit state', '_tag', {
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
}) as Check<State>

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

const timeProblem = (field: string, time: number): ReadonlyArray<string> =>
  Math.abs(time) <= maxTime ? [] : [`${field}: expected a time within ±${maxTime} ms, got ${time}`]

/** The problem with `openFor` for an open at backoff level `attempt`, if any (see the header). */
const openForProblems = (circuit: Circuit, s: Extract<State, { _tag: 'Open' }>): ReadonlyArray<string> => {
  if (s.openFor <= maxRetryAfter) return []
  const [, d] = circuit.backoff.delay(s.attempt)
  const delay = Number.isNaN(d) ? circuit.config.openFor : d
  const jitter = circuit.config.jitter ?? 0
  // computed as `Backoff.jittered` computes it, so rounding cannot put a jittered delay below it
  const least = delay * (1 - jitter)
  return s.openFor >= least && s.openFor <= delay
    ? []
    : [
        `openFor: expected the backoff's delay at attempt ${s.attempt} (${delay} ms` +
          (jitter === 0 ? '' : `, or down to ${least} ms with jitter ${jitter}`) +
          `) or a Retry-After of at most ${maxRetryAfter} ms, got ${s.openFor}`
      ]
}

/** The bounds every state `circuit` produces keeps: generations, levels, times (see the header). */
const boundProblems = (circuit: Circuit, s: State): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (s.generation > maxGeneration) {
    problems.push(
      `generation: expected at most ${maxGeneration} (a step adds up to 2 and must stay a safe integer), got ${s.generation}`
    )
  }
  if (s._tag === 'Open') problems.push(...timeProblem('openedAt', s.openedAt))
  else problems.push(...timeProblem('since', s.since))
  if (s._tag === 'Closed' || s._tag === 'Open' || s._tag === 'HalfOpen') {
    if (s.attempt > s.generation) {
      problems.push(
        `attempt: expected at most the generation (${s.generation}), since a transition raises the level by one at most, got ${s.attempt}`
      )
    } else if (s._tag !== 'Closed' && circuit.backoff.delay(s.attempt)[0] !== s.attempt) {
      problems.push(
        `attempt: expected a level the backoff uses (its policy stops at ${circuit.backoff.delay(s.attempt)[0]}), got ${s.attempt}`
      )
    } else if (s._tag === 'Open') {
      problems.push(...openForProblems(circuit, s))
    }
  }
  if (s._tag === 'HalfOpen') {
    if (s.nextTicket >= Number.MAX_SAFE_INTEGER) {
      problems.push(
        `nextTicket: expected below ${Number.MAX_SAFE_INTEGER} (an admission adds 1), got ${s.nextTicket}`
      )
    }
    const { probeLease, halfOpenMaxDuration } = circuit.config
    const low = -maxTime + probeLease
    const high =
      halfOpenMaxDuration === undefined ? maxTime + probeLease : s.since + halfOpenMaxDuration + probeLease
    s.leases.forEach(({ expiresAt }, i) => {
      if (expiresAt < low || expiresAt > high || expiresAt > maxTime + probeLease) {
        problems.push(
          `leases[${i}].expiresAt: expected an admission time plus probeLease (${probeLease} ms), ` +
            (halfOpenMaxDuration === undefined
              ? `within ±${maxTime} ms`
              : `admitted before since + halfOpenMaxDuration (${halfOpenMaxDuration} ms): at most ${high}`) +
            `, got ${expiresAt}`
        )
      }
    })
  }
  return problems
}

/** What a state must satisfy to be driven by `circuit`: its strategy's tally and its config's bounds. */
const circuitProblems = (circuit: Circuit, s: State): ReadonlyArray<string> => [
  ...boundProblems(circuit, s),
  ...fitProblems(circuit, s)
]

/** The tally of the circuit's strategy, and the half-open rule of its config. */
const fitProblems = (circuit: Circuit, s: State): ReadonlyArray<string> => {
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
export const encodeState = (state: State): unknown => {
  // what the shape check builds is a fresh copy of known keys only
  const copy = shapeCheck.validate(state)
  return E.isRight(copy) ? copy.right : state
}

const decodeWith =
  (extra: (s: State) => ReadonlyArray<string>) =>
  (input: unknown): E.Either<StateDecodeError, State> =>
    pipe(
      shapeCheck.decode(input),
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
 * half-open state holds no more probes than `halfOpenProbes` and fewer successes than `successThreshold`,
 * and the state keeps the bounds the circuit keeps (see the module header): an `openFor` its backoff
 * or a `Retry-After` of at most `maxRetryAfter` gave, sane times, leases and levels, and a generation
 * that can still grow. Use it before handing a loaded state to a breaker.
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

// -------------------------------------------------------------------------------------
// shared records
// -------------------------------------------------------------------------------------

/**
 * The plain validator of a record shared by a fleet (`Store.Shared`; the io-ts codec
 * `StateCodec.SharedCodec` is built from it): a known phase, a non-negative
 * integer `epoch` and `attempt`, finite `openFor` and `remaining` of at least 0 (`remaining` at most
 * `maxTime`), a string `holder`. Unknown keys are rejected. Whether its `openFor` and `attempt` fit a
 * circuit is checked when it is merged (`decodeStateFor` of the merged state).
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { StateCodec } from 'tripswitch'
 * const record = { phase: 'Open', epoch: 2, attempt: 0, openFor: 1_000, remaining: 400, holder: '' }
 * assert.ok(E.isRight(StateCodec.sharedCheck.decode(record)))
 * assert.ok(E.isLeft(StateCodec.sharedCheck.decode({ ...record, phase: 'Ajar' })))
 *
 * @category checks
 * @since 0.1.0
 */
export const sharedCheck: Check<Shared> = struct(
  'a shared record',
  {
    phase: oneOf<Phase>(tags),
    epoch: nonNegativeInteger,
    attempt: nonNegativeInteger,
    openFor: number('a finite number >= 0, at most 1e15', (n) => n >= 0 && n <= maxTime),
    remaining: number('a finite number >= 0, at most 1e15', (n) => n >= 0 && n <= maxTime),
    holder: string
  },
  {}
)

/**
 * The plain validator of a store's `Reply` (the io-ts codec `StateCodec.ReplyCodec` is built from it):
 * a known outcome and a `sharedCheck` record.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { StateCodec } from 'tripswitch'
 * const record = { phase: 'Closed', epoch: 0, attempt: 0, openFor: 0, remaining: 0, holder: '' }
 * assert.ok(E.isRight(StateCodec.replyCheck.decode({ outcome: 'local', record })))
 *
 * @category checks
 * @since 0.1.0
 */
export const replyCheck: Check<Reply> = struct(
  "a store's reply",
  {
    outcome: oneOf<Reply['outcome']>(['accepted', 'voted', 'granted', 'local', 'refused']),
    record: sharedCheck
  },
  {}
)

/**
 * Decodes what a store answered (a `Reply` with `replyCheck`, or a `Shared` record with `sharedCheck`),
 * naming every problem with its path. Never throws. What the breaker decodes store records with; the
 * public `StateCodec.decodeShared` takes an io-ts codec instead.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { StateCodec } from 'tripswitch'
 * const decode = StateCodec.decodeSharedWith(StateCodec.sharedCheck, 'record')
 * const result = decode({ phase: 'Open', epoch: -1, attempt: 0, openFor: 0, remaining: 0, holder: '' })
 * assert.ok(E.isLeft(result) && /epoch/.test(result.left.message))
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeSharedWith =
  <A>(check: Check<A>, root: string) =>
  (input: unknown): E.Either<StateDecodeError, A> =>
    pipe(
      check.decode(input),
      E.mapLeft((errors) => new StateDecodeError(report(errors, root)))
    )
