/**
 * The contenders and the scenario set-ups: each set-up builds every contender for one scenario and
 * puts it in the state the scenario claims (closed, open), with a probe that reads that state back
 * from the library itself, so the harness can check it before and after each measurement.
 *
 * Every contender guards the same work: an async function resolving `1` (or, in the failure scenario,
 * rejecting with a prebuilt error on every tenth call). A contender's `call` never rejects: where a
 * library rejects (opossum, cockatiel, `wrap`), the rejection is caught in the same way for all of
 * them, and the raw baseline of that scenario is caught the same way too.
 */
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import CircuitBreaker from 'opossum'
import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  SamplingBreaker,
  type CircuitBreakerPolicy
} from 'cockatiel'
import { Breaker, Strategy, Window, wrap, withBreaker } from '../src/index'
import { testClock, type TestClock } from '../src/testing/index'
import { burst, longOpen, names, rateNames, threshold } from './names'

export { burst, longOpen, names, rateNames, threshold } from './names'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The state a contender is in, as its library reports it. */
export type Observed = 'closed' | 'open' | 'half-open' | 'n/a'

/** One thing measured: a call, and a probe of the breaker's state. */
export interface Contender {
  readonly name: string
  readonly call: () => Promise<unknown>
  readonly state: () => Observed
}

/** A scenario: the state its breakers claim, and its contenders. */
export interface Scenario {
  readonly name: string
  readonly claim: Observed
  readonly contenders: ReadonlyArray<Contender>
}

// -------------------------------------------------------------------------------------
// work
// -------------------------------------------------------------------------------------

const boom = new Error('boom')
const swallow = (): void => undefined
export const settle = (p: Promise<unknown>): Promise<unknown> => p.then(undefined, swallow)

/** The work every contender guards: an async call that succeeds. */
export const succeed = async (): Promise<number> => 1

/** A fresh async call that fails on every tenth call (the 10th, 20th, ...), never twice in a row. */
export const failEveryTenth = (): (() => Promise<number>) => {
  let n = 0
  return async () => {
    n = n === 9 ? 0 : n + 1
    if (n === 0) throw boom
    return 1
  }
}

/** An async call that always fails. */
export const fail = async (): Promise<number> => {
  throw boom
}

// -------------------------------------------------------------------------------------
// breakers
// -------------------------------------------------------------------------------------

const tripswitchBreaker = (clock?: TestClock): Breaker.Breaker =>
  Breaker.make(
    { failureThreshold: threshold, openFor: longOpen },
    clock === undefined ? { name: 'bench' } : { name: 'bench', clock: clock.now }
  )()

export const tripswitchState = (b: Breaker.Breaker) => (): Observed => {
  const s = b.state()
  switch (s._tag) {
    case 'Closed':
      return 'closed'
    case 'Open':
    case 'ForcedOpen':
      return 'open'
    case 'HalfOpen':
      return 'half-open'
    default:
      return 'n/a'
  }
}

export const cockatielPolicy = (sampling: boolean, halfOpenAfter = longOpen): CircuitBreakerPolicy =>
  circuitBreaker(handleAll, {
    halfOpenAfter,
    breaker: sampling
      ? new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 1 })
      : new ConsecutiveBreaker(threshold)
  })

export const cockatielState = (p: CircuitBreakerPolicy) => (): Observed => {
  switch (p.state) {
    case CircuitState.Closed:
      return 'closed'
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'open'
    case CircuitState.HalfOpen:
      return 'half-open'
  }
}

const opossumBreaker = <A>(
  action: () => Promise<A>,
  timeout: boolean,
  resetTimeout = longOpen
): CircuitBreaker<[], A> =>
  new CircuitBreaker(action, {
    ...(timeout ? {} : { timeout: false as const }),
    resetTimeout,
    errorThresholdPercentage: 50,
    // At its default (on), every failure and every 1 s snapshot sorts every latency of the last 10 s:
    // a cost that grows with the call rate (see docs/performance.md), so it is off here.
    rollingPercentilesEnabled: false
  })

const opossumState = (b: CircuitBreaker<[], unknown>) => (): Observed =>
  b.closed ? 'closed' : b.halfOpen ? 'half-open' : b.opened ? 'open' : 'n/a'

export const none = (): Observed => 'n/a'

// -------------------------------------------------------------------------------------
// scenarios
// -------------------------------------------------------------------------------------

/** Every call succeeds; every breaker is closed. */
export const closedSuccess = (): Scenario => {
  const b1 = tripswitchBreaker()
  const b2 = tripswitchBreaker()
  const guarded = pipe(TE.tryCatch(succeed, String), withBreaker(b1))
  const wrapped = wrap(b2)(succeed)
  const te = TE.tryCatch(succeed, String)
  const o1 = opossumBreaker(succeed, false)
  const o2 = opossumBreaker(succeed, true)
  const c1 = cockatielPolicy(false)
  const c2 = cockatielPolicy(true)
  return {
    name: 'closed, every call succeeds',
    claim: 'closed',
    contenders: [
      { name: names.raw, call: succeed, state: none },
      { name: names.te, call: te, state: none },
      { name: names.withBreaker, call: guarded, state: tripswitchState(b1) },
      { name: names.wrap, call: wrapped, state: tripswitchState(b2) },
      { name: names.opossum, call: () => o1.fire(), state: opossumState(o1) },
      { name: names.opossumTimeout, call: () => o2.fire(), state: opossumState(o2) },
      { name: names.cockatiel, call: () => c1.execute(succeed), state: cockatielState(c1) },
      { name: names.cockatielSampling, call: () => c2.execute(succeed), state: cockatielState(c2) }
    ]
  }
}

/**
 * One call in ten fails, never two in a row: below every contender's threshold (5 consecutive
 * failures; a 50 % failure rate), so every breaker stays closed while it records failures.
 */
export const closedTenPercent = (): Scenario => {
  const b1 = tripswitchBreaker()
  const b2 = tripswitchBreaker()
  const guarded = pipe(TE.tryCatch(failEveryTenth(), String), withBreaker(b1))
  const wrapped = wrap(b2)(failEveryTenth())
  const raw = failEveryTenth()
  const te = TE.tryCatch(failEveryTenth(), String)
  const o1 = opossumBreaker(failEveryTenth(), false)
  const o2 = opossumBreaker(failEveryTenth(), true)
  const c1 = cockatielPolicy(false)
  const c2 = cockatielPolicy(true)
  const w1 = failEveryTenth()
  const w2 = failEveryTenth()
  return {
    name: 'closed, 10 % of calls fail',
    claim: 'closed',
    contenders: [
      { name: names.raw, call: () => settle(raw()), state: none },
      { name: names.te, call: te, state: none },
      { name: names.withBreaker, call: guarded, state: tripswitchState(b1) },
      { name: names.wrap, call: () => settle(wrapped()), state: tripswitchState(b2) },
      { name: names.opossum, call: () => settle(o1.fire()), state: opossumState(o1) },
      { name: names.opossumTimeout, call: () => settle(o2.fire()), state: opossumState(o2) },
      { name: names.cockatiel, call: () => settle(c1.execute(w1)), state: cockatielState(c1) },
      { name: names.cockatielSampling, call: () => settle(c2.execute(w2)), state: cockatielState(c2) }
    ]
  }
}

// -------------------------------------------------------------------------------------
// rate strategies
// -------------------------------------------------------------------------------------

/**
 * A breaker on a failure rate of 50 % over `window` (at least 100 calls in it, tripswitch's default
 * for these windows): the settings of cockatiel's sampling breaker below (50 % over 10 s) and the
 * shape of Resilience4j's default (50 % over the last 100 calls).
 */
export const rateBreaker = (window: Window.Window, name: string): Breaker.Breaker =>
  Breaker.make({ strategy: Strategy.failureRate({ window, threshold: 0.5 }), openFor: longOpen }, { name })()

/** The two rate windows measured: the last 100 calls, and the last 10 s in 10 buckets of 1 s. */
export const rateWindows = (): ReadonlyArray<readonly [string, Window.Window]> => [
  [rateNames.count, Window.count(100)],
  [rateNames.time, Window.time(10_000, 10)]
]

/**
 * Closed, through `wrap`, with rate strategies against cockatiel's sampling breaker: every call
 * succeeds (`failures` false) or one in ten fails, never two in a row (`failures` true). Every breaker
 * stays closed: 10 % is below every threshold.
 */
export const rateScenario = (failures: boolean): Scenario => {
  const work = (): (() => Promise<number>) => (failures ? failEveryTenth() : succeed)
  const raw = work()
  const policy = cockatielPolicy(true)
  const cockatielWork = work()
  const tripswitch = rateWindows().map(([name, window]): Contender => {
    const b = rateBreaker(window, name)
    const wrapped = wrap(b)(work())
    return { name, call: () => settle(wrapped()), state: tripswitchState(b) }
  })
  return {
    name: failures
      ? 'rate strategies, closed, 10 % of calls fail'
      : 'rate strategies, closed, every call succeeds',
    claim: 'closed',
    contenders: [
      { name: names.raw, call: () => settle(raw()), state: none },
      ...tripswitch,
      {
        name: names.cockatielSampling,
        call: () => settle(policy.execute(cockatielWork)),
        state: cockatielState(policy)
      }
    ]
  }
}

/** Trips each contender with failing calls; resolves when every one of them has seen them. */
const trip = async (calls: ReadonlyArray<() => Promise<unknown>>): Promise<void> => {
  for (let i = 0; i < 2 * threshold; i++) await Promise.all(calls.map((call) => call()))
}

/** Every breaker is open (tripped by failures, open for an hour): every call is rejected. */
export const openRejection = async (): Promise<Scenario> => {
  const b1 = tripswitchBreaker()
  const b2 = tripswitchBreaker()
  const guardedFail = pipe(TE.tryCatch(fail, String), withBreaker(b1))
  const guarded = pipe(TE.tryCatch(succeed, String), withBreaker(b1))
  const wrappedFail = wrap(b2)(fail)
  const wrapped = wrap(b2)(succeed)
  const o1 = opossumBreaker(fail, false)
  const o2 = opossumBreaker(fail, true)
  const c1 = cockatielPolicy(false)
  const c2 = cockatielPolicy(true)
  await trip([
    guardedFail,
    () => settle(wrappedFail()),
    () => settle(o1.fire()),
    () => settle(o2.fire()),
    () => settle(c1.execute(fail)),
    () => settle(c2.execute(fail))
  ])
  return {
    name: 'open, every call rejected',
    claim: 'open',
    contenders: [
      { name: names.withBreaker, call: guarded, state: tripswitchState(b1) },
      { name: names.wrap, call: () => settle(wrapped()), state: tripswitchState(b2) },
      { name: names.opossum, call: () => settle(o1.fire()), state: opossumState(o1) },
      { name: names.opossumTimeout, call: () => settle(o2.fire()), state: opossumState(o2) },
      { name: names.cockatiel, call: () => settle(c1.execute(succeed)), state: cockatielState(c1) },
      { name: names.cockatielSampling, call: () => settle(c2.execute(succeed)), state: cockatielState(c2) }
    ]
  }
}

// -------------------------------------------------------------------------------------
// half-open
// -------------------------------------------------------------------------------------

/**
 * A contender for the half-open scenario: `ready` waits (untimed) until a probe may pass, `burst`
 * fires `burst` concurrent calls of a failing task and reports how many ran; the probe's failure
 * re-opens the circuit for the next round.
 */
export interface HalfOpenContender {
  readonly name: string
  readonly ready: () => Promise<void>
  readonly burst: () => Promise<number>
  readonly state: () => Observed
  /** The state the contender is in when `ready` resolves, as its library reports it. */
  readonly readyClaim: Observed
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const fire = async (n: number, call: () => Promise<unknown>): Promise<void> => {
  const calls: Array<Promise<unknown>> = []
  for (let i = 0; i < n; i++) calls.push(call())
  await Promise.all(calls)
}

/** The set-up of the half-open scenario: every contender tripped, its open period short or movable. */
export const halfOpen = async (): Promise<ReadonlyArray<HalfOpenContender>> => {
  let ran = 0
  const counted = async (): Promise<number> => {
    ran++
    throw boom
  }
  const count = async (call: () => Promise<unknown>): Promise<number> => {
    ran = 0
    await fire(burst, call)
    return ran
  }

  const clock1 = testClock(0)
  const clock2 = testClock(0)
  const b1 = tripswitchBreaker(clock1)
  const b2 = tripswitchBreaker(clock2)
  const guarded = pipe(TE.tryCatch(counted, String), withBreaker(b1))
  const wrapped = wrap(b2)(counted)
  const o1 = opossumBreaker(counted, false, 1)
  const c1 = cockatielPolicy(false, 1)
  await trip([guarded, () => settle(wrapped()), () => settle(o1.fire()), () => settle(c1.execute(counted))])

  return [
    {
      name: names.withBreaker,
      ready: async () => clock1.advance(b1.retryAfter()),
      burst: () => count(guarded),
      state: tripswitchState(b1),
      // tripswitch moves to half-open lazily: the first call after the open period is the probe
      readyClaim: 'open'
    },
    {
      name: names.wrap,
      ready: async () => clock2.advance(b2.retryAfter()),
      burst: () => count(() => settle(wrapped())),
      state: tripswitchState(b2),
      readyClaim: 'open'
    },
    {
      name: names.opossum,
      ready: async () => {
        while (!o1.halfOpen) await sleep(1)
      },
      burst: () => count(() => settle(o1.fire())),
      state: opossumState(o1),
      readyClaim: 'half-open'
    },
    {
      name: names.cockatiel,
      // cockatiel, like tripswitch, moves to half-open on the first call after its open period
      ready: () => sleep(2),
      burst: () => count(() => settle(c1.execute(counted))),
      state: cockatielState(c1),
      readyClaim: 'open'
    }
  ]
}
