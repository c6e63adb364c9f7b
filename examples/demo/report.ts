/**
 * What the demo measured: a recorder fed while the demo runs (calls, arrivals at the service,
 * breaker transitions), per-second counts for the live view, and the final `Report` written to
 * report.json and drawn in timeline.svg.
 *
 * Counting rules: a call and its answer count in the second the call was made, so that the counts of a
 * second add up once its calls have settled (`calls = ok + errors + fallbacks`; `rejections` are the
 * calls the open breaker answered without running them, with a fallback or, before any good quote,
 * an error); a request counts as `sent` in the second it reached the service, as the service logged
 * it (a retry is a second request). The same names are used per second and per client. All times are
 * demo ms (see scenario.ts).
 *
 * @since 0.1.0
 */
import type { State } from 'tripswitch'
import type { Answer } from './clients'
import { type ClientName, type Options, outage, type Phase, type PhaseName, phaseAt } from './scenario'
import type { Arrival } from './service'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export type StateTag = State.State['_tag']

/**
 * A call as its caller saw it.
 *
 * @category model
 * @since 0.1.0
 */
export interface Call {
  readonly client: ClientName
  readonly issuedAt: number
  readonly settledAt: number
  readonly answer: Answer
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Transition {
  readonly at: number
  readonly from: StateTag
  readonly to: StateTag
}

/**
 * One client's counts in one second: its calls made in that second and what their callers got, and
 * the requests that reached the service in that second.
 *
 * @category model
 * @since 0.1.0
 */
export interface Counts {
  calls: number
  ok: number
  errors: number
  fallbacks: number
  rejections: number
  sent: number
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Second {
  /** Start of the second, in demo seconds. */
  readonly t: number
  readonly phase: PhaseName
  /** The breaker's state at the end of the second. */
  readonly state: StateTag
  readonly protected: Readonly<Counts>
  readonly unprotected: Readonly<Counts>
}

/**
 * One client over the whole run.
 *
 * @category model
 * @since 0.1.0
 */
export interface Summary {
  readonly calls: number
  readonly ok: number
  readonly errors: number
  readonly fallbacks: number
  readonly rejections: number
  /** Requests that reached the service (retries included). */
  readonly sent: number
  /** Requests that reached the service while it was failing or slow. */
  readonly sentDuringOutage: number
  /** Errors its callers got for calls made during the outage. */
  readonly errorsDuringOutage: number
  /** Of the caller latencies, in demo ms. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number }
  /** Demo ms from the start of the outage to the breaker opening; `null` if it never did. */
  readonly detectedAfter: number | null
  /**
   * Demo ms from the end of the outage (the service answering again) to the first fresh quote after
   * which every answer its callers got was fresh; `null` if that never happened.
   */
  readonly recoveredAfter: number | null
  /** Answers other than fresh quotes (fallbacks and errors) its callers got after the outage ended. */
  readonly staleAfterOutage: number
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Report {
  readonly demo: 'tripswitch'
  readonly options: Omit<Options, 'out'>
  readonly phases: ReadonlyArray<Phase>
  readonly outage: { readonly start: number; readonly end: number }
  readonly breaker: {
    readonly transitions: ReadonlyArray<Transition>
    readonly finalState: StateTag
    readonly openedDuringOutage: boolean
    /** The circuit closed after the outage and was closed at the end. */
    readonly closedAfterRecovery: boolean
    /**
     * Protected calls answered while the circuit was open, by outcome. The errors are the failed
     * probes (answered as their failure re-opens the circuit) and calls in flight when it opened.
     */
    readonly whileOpen: { readonly calls: number; readonly fallbacks: number; readonly errors: number }
  }
  readonly clients: { readonly protected: Summary; readonly unprotected: Summary }
  readonly seconds: ReadonlyArray<Second>
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Recorder {
  readonly call: (client: ClientName, issuedAt: number) => void
  readonly answer: (call: Call) => void
  readonly arrival: (a: Arrival) => void
  readonly transition: (t: Transition) => void
  /** The counts of second `i` so far. */
  readonly second: (i: number) => Second
  /** Whether every call made in second `i` has been answered. */
  readonly settled: (i: number) => boolean
  /** The transitions during second `i`. */
  readonly transitionsIn: (i: number) => ReadonlyArray<Transition>
  readonly report: () => Report
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The nearest-rank percentile `p` (0 to 100) of `xs`, `0` for no values.
 *
 * @example
 * percentile([1, 2, 3, 4], 50) // 2
 *
 * @category utils
 * @since 0.1.0
 */
export const percentile = (xs: ReadonlyArray<number>, p: number): number => {
  if (xs.length === 0) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

/**
 * The breaker's state at demo time `t`.
 *
 * @category utils
 * @since 0.1.0
 */
export const stateAt = (transitions: ReadonlyArray<Transition>, t: number): StateTag => {
  let state: StateTag = 'Closed'
  for (const tr of transitions) {
    if (tr.at > t) break
    state = tr.to
  }
  return state
}

const zero = (): Counts => ({ calls: 0, ok: 0, errors: 0, fallbacks: 0, rejections: 0, sent: 0 })

const plural = { ok: 'ok', error: 'errors', fallback: 'fallbacks' } as const

/**
 * When the callers of `calls` got only fresh answers from `from` on: the settle time of the first
 * fresh answer after the last answer that was not, at or after `from`; `undefined` if the last answer
 * was not fresh, or there was none.
 *
 * @example
 * freshFrom(calls, outage.end) // 17_480
 *
 * @category utils
 * @since 0.1.0
 */
export const freshFrom = (calls: ReadonlyArray<Call>, from: number): number | undefined => {
  const after = calls.filter((c) => c.settledAt >= from).sort((a, b) => a.settledAt - b.settledAt)
  let fresh: number | undefined
  for (const c of after) {
    if (c.answer.outcome !== 'ok') fresh = undefined
    else fresh ??= c.settledAt
  }
  return fresh
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A recorder for a run with these options and phases.
 *
 * @example
 * const recorder = make(options, phases(options.duration * 1000))
 * recorder.call('unprotected', 0)
 * recorder.second(0).unprotected.calls // 1
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options, all: ReadonlyArray<Phase>): Recorder => {
  const seconds = Math.max(1, Math.ceil(options.duration))
  const buckets = Array.from({ length: seconds }, () => ({ protected: zero(), unprotected: zero() }))
  const bucket = (t: number, client: ClientName): Counts =>
    (buckets[Math.min(seconds - 1, Math.max(0, Math.floor(t / 1000)))] as (typeof buckets)[number])[client]
  const calls: Array<Call> = []
  const arrivals: Array<Arrival> = []
  const transitions: Array<Transition> = []
  const out = outage(all)

  const second = (i: number): Second => {
    const b = buckets[i] ?? { protected: zero(), unprotected: zero() }
    return {
      t: i,
      phase: phaseAt(all, i * 1000).name,
      state: stateAt(transitions, (i + 1) * 1000 - 1e-9),
      protected: { ...b.protected },
      unprotected: { ...b.unprotected }
    }
  }

  const summary = (client: ClientName): Summary => {
    const mine = calls.filter((c) => c.client === client)
    const sent = arrivals.filter((a) => a.client === client)
    const opened =
      client === 'protected' ? transitions.find((t) => t.to === 'Open' && t.at >= out.start) : undefined
    const latencies = mine.map((c) => c.settledAt - c.issuedAt)
    const recovered = freshFrom(mine, out.end)
    const during = (t: number): boolean => t >= out.start && t < out.end
    return {
      calls: mine.length,
      ok: mine.filter((c) => c.answer.outcome === 'ok').length,
      errors: mine.filter((c) => c.answer.outcome === 'error').length,
      fallbacks: mine.filter((c) => c.answer.outcome === 'fallback').length,
      rejections: mine.filter((c) => c.answer.rejected).length,
      sent: sent.length,
      sentDuringOutage: sent.filter((a) => during(a.at)).length,
      errorsDuringOutage: mine.filter((c) => during(c.issuedAt) && c.answer.outcome === 'error').length,
      latency: {
        p50: Math.round(percentile(latencies, 50)),
        p99: Math.round(percentile(latencies, 99)),
        max: Math.round(percentile(latencies, 100))
      },
      detectedAfter: opened === undefined || opened.at >= out.end ? null : Math.round(opened.at - out.start),
      recoveredAfter: recovered === undefined ? null : Math.round(recovered - out.end),
      staleAfterOutage: mine.filter((c) => c.settledAt >= out.end && c.answer.outcome !== 'ok').length
    }
  }

  const report = (): Report => {
    const { out: _dir, ...rest } = options
    const last = transitions[transitions.length - 1]
    const finalState = last?.to ?? 'Closed'
    const openCalls = calls.filter(
      (c) => c.client === 'protected' && stateAt(transitions, c.settledAt) === 'Open'
    )
    return {
      demo: 'tripswitch',
      options: rest,
      phases: all,
      outage: out,
      breaker: {
        // whole demo milliseconds for people; decisions above use the clock's readings as they were
        transitions: transitions.map((t) => ({ ...t, at: Math.round(t.at) })),
        finalState,
        openedDuringOutage: transitions.some((t) => t.to === 'Open' && t.at >= out.start && t.at < out.end),
        closedAfterRecovery:
          finalState === 'Closed' && transitions.some((t) => t.to === 'Closed' && t.at >= out.end),
        whileOpen: {
          calls: openCalls.length,
          fallbacks: openCalls.filter((c) => c.answer.outcome === 'fallback').length,
          errors: openCalls.filter((c) => c.answer.outcome === 'error').length
        }
      },
      clients: { protected: summary('protected'), unprotected: summary('unprotected') },
      seconds: buckets.map((_, i) => second(i))
    }
  }

  return {
    call: (client, issuedAt) => {
      bucket(issuedAt, client).calls++
    },
    answer: (c) => {
      calls.push(c)
      const b = bucket(c.issuedAt, c.client)
      b[plural[c.answer.outcome]]++
      if (c.answer.rejected) b.rejections++
    },
    arrival: (a) => {
      arrivals.push(a)
      bucket(a.at, a.client).sent++
    },
    transition: (t) => {
      transitions.push(t)
    },
    second,
    settled: (i) => {
      const b = buckets[i]
      return (
        b === undefined ||
        [b.protected, b.unprotected].every((c) => c.ok + c.errors + c.fallbacks === c.calls)
      )
    },
    transitionsIn: (i) => transitions.filter((t) => t.at >= i * 1000 && t.at < (i + 1) * 1000),
    report
  }
}
