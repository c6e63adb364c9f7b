/**
 * Replay: what a config would have done with the calls of a trace, decided by the pure core.
 *
 * For each config, `replay` drives the circuit's `admit` and `step` (`Circuit.ts`) with the trace's
 * timestamps: each call is admitted at its arrival and, if the replayed circuit let it through, its
 * outcome is recorded at `arrival + duration`, as the runtime does. The outcome of a call is the
 * trace's when the recorded breaker let it through, or the one the truth assumes (`Truth.ts`) when it
 * did not. A manual transition of the trace (`why: manual`) is replayed as its control event (forced
 * open, disabled, metrics-only, reset); transitions adopted from a store are not (a replay is one
 * breaker alone).
 *
 * Order: the moments of a trace are taken in time order; at equal times, in the order of the lines
 * (which is the order the recorder saw them), a call's admission right before its own outcome, and the
 * first probe of a half-open period at its `half-open` transition line. So a replay through the
 * recorded config reproduces every decision of the recorded breaker (the tests check it on live
 * breakers), except where calls overlap within one millisecond in a way the lines cannot tell: a call
 * arriving in the same millisecond in which another settles is taken as arriving after it.
 *
 * The report's figures (see `Figures`) compare configs side by side on the same truth.
 *
 * @since 0.1.0
 */
import * as Circuit from '../Circuit'
import type * as Config from '../Config'
import type * as D from '../Decision'
import * as Ev from '../Event'
import type * as S from '../State'
import { isTransition, reason, type Cause } from '../Transition'
import type * as Trace from './Trace'
import * as Truth from './Truth'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A trace made ready for replays: its truth and the order of its moments, computed once and shared
 * by every config replayed over it.
 *
 * @category model
 * @since 0.1.0
 */
export interface Prepared {
  readonly trace: Trace.Trace
  readonly truth: Truth.Truth
  /** Call line indices in the order of their admissions. */
  readonly admissions: Int32Array
  /** The position each admission takes among the lines at its time (see the module's header). */
  readonly admissionAt: Int32Array
  /** Lines of the observed calls' outcomes and of manual transitions, in time order. */
  readonly moments: Int32Array
  /** Whether the trace says the caller has a fallback. */
  readonly fallback: boolean
}

/**
 * What a replayed circuit decided for a call.
 *
 * @category model
 * @since 0.1.0
 */
export type Verdict = 'admitted' | 'probe' | 'rejected'

/**
 * @category model
 * @since 0.1.0
 */
export interface TransitionAt {
  readonly t: number
  readonly from: S.StateTag
  readonly to: S.StateTag
  readonly why: Trace.Transition['why']
}

/**
 * One outage as a config saw it.
 *
 * @category model
 * @since 0.1.0
 */
export interface OutageFigures extends Truth.Outage {
  /** Ms from the outage's start until the circuit first opened in it; `null` if it never did. */
  readonly detectedAfter: number | null
  /** Ms from the outage's end until the circuit was closed again; `null` if not by the trace's end. */
  readonly recoveredAfter: number | null
}

/**
 * The report of one replay.
 *
 * - `callsIntoFailure`: calls let through whose outcome (known or assumed) is a failure: the load
 *   sent into a failing dependency.
 * - `falseRejections`: calls rejected whose outcome would have been a success.
 * - `outages`: each outage of the truth with its time to detect and time to recover.
 * - `recoveryDelay`: the sum over outages of `recoveredAfter` (an unrecovered one counts until the
 *   trace's end): the time callers were turned away from a dependency that was up again.
 * - `trips`: Closed to Open. `reopens`: HalfOpen to Open (a failed probe or an expired half-open).
 *   `flaps`: trips that began outside every outage (the circuit opened on a healthy dependency).
 * - `fallbacks`: rejected calls a fallback served (all of them when the trace says the caller has a
 *   fallback, none otherwise).
 *
 * @category model
 * @since 0.1.0
 */
export interface Figures {
  readonly calls: number
  readonly admitted: number
  readonly rejected: number
  readonly callsIntoFailure: number
  readonly falseRejections: number
  readonly outages: ReadonlyArray<OutageFigures>
  readonly recoveryDelay: number
  readonly trips: number
  readonly reopens: number
  readonly flaps: number
  readonly fallbacks: number
}

/**
 * A replay: the decision per line (`undefined` for a line that is no call), each rejection's
 * `retryAfter`, the transitions, and the figures.
 *
 * @category model
 * @since 0.1.0
 */
export interface Result {
  readonly name: string
  readonly verdicts: ReadonlyArray<Verdict | undefined>
  /** `retryAfter` of each rejected line (`NaN` for the other lines). */
  readonly retryAfter: Float64Array
  readonly transitions: ReadonlyArray<TransitionAt>
  readonly figures: Figures
}

// -------------------------------------------------------------------------------------
// preparing
// -------------------------------------------------------------------------------------

const manualEvent = (to: S.StateTag): Ev.Control =>
  to === 'ForcedOpen'
    ? Ev.forceOpen
    : to === 'Disabled'
      ? Ev.disable
      : to === 'MetricsOnly'
        ? Ev.metricsOnly
        : Ev.reset

/**
 * A trace made ready for replays (see `Prepared`), with the truth's options.
 *
 * @category constructors
 * @since 0.1.0
 */
export const prepare = (trace: Trace.Trace, options: Truth.Options = {}): Prepared => {
  const truth = Truth.make(trace, options)
  const { lines } = trace
  // the first probe of a half-open period is admitted at its `half-open` transition line
  const admissionAt = new Int32Array(lines.length)
  const halfOpenAt = new Map<number, Array<number>>()
  const moments: Array<number> = []
  let fallback = trace.header.fallback === true
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    admissionAt[i] = i
    if (l.k === 'transition') {
      if (l.why === 'half-open') {
        const at = halfOpenAt.get(l.t)
        if (at === undefined) halfOpenAt.set(l.t, [i])
        else at.push(i)
      }
      if (l.why === 'manual') moments.push(i)
    } else if (l.k === 'call') {
      if (l.p === true) {
        const at = halfOpenAt.get(l.t)
        const j = at?.shift()
        if (j !== undefined) admissionAt[i] = j
      }
      if (l.o !== 'rejected') moments.push(i)
    } else if (l.k === 'fallback') fallback = true
  }
  // by arrival, and among equal arrivals by the position each admission takes
  const admissions = Int32Array.from(truth.byArrival)
  for (let a = 0; a < admissions.length;) {
    const t = lines[admissions[a]!]!.t
    let b = a + 1
    while (b < admissions.length && lines[admissions[b]!]!.t === t) b++
    if (b - a > 1) admissions.subarray(a, b).sort((x, y) => admissionAt[x]! - admissionAt[y]!)
    a = b
  }
  const ends = new Float64Array(lines.length)
  for (const i of moments) ends[i] = Truth.endOf(lines[i]!)
  return {
    trace,
    truth,
    admissions,
    admissionAt,
    moments: Truth.sortBy(Int32Array.from(moments), ends),
    fallback
  }
}

// -------------------------------------------------------------------------------------
// replaying
// -------------------------------------------------------------------------------------

/** A binary heap of (time, line) outcomes of calls admitted in the replay but not in the trace. */
class Pending {
  private readonly times: Array<number> = []
  private readonly ids: Array<number> = []
  get size(): number {
    return this.ids.length
  }
  topTime(): number {
    return this.times[0]!
  }
  topId(): number {
    return this.ids[0]!
  }
  private less(a: number, b: number): boolean {
    return this.times[a]! < this.times[b]! || (this.times[a] === this.times[b] && this.ids[a]! < this.ids[b]!)
  }
  private swap(a: number, b: number): void {
    const t = this.times[a]!
    this.times[a] = this.times[b]!
    this.times[b] = t
    const i = this.ids[a]!
    this.ids[a] = this.ids[b]!
    this.ids[b] = i
  }
  push(time: number, id: number): void {
    this.times.push(time)
    this.ids.push(id)
    let k = this.ids.length - 1
    while (k > 0) {
      const parent = (k - 1) >> 1
      if (!this.less(k, parent)) break
      this.swap(k, parent)
      k = parent
    }
  }
  pop(): void {
    const last = this.ids.length - 1
    this.swap(0, last)
    this.times.pop()
    this.ids.pop()
    let k = 0
    for (;;) {
      const l = 2 * k + 1
      const r = l + 1
      let m = k
      if (l < last && this.less(l, m)) m = l
      if (r < last && this.less(r, m)) m = r
      if (m === k) break
      this.swap(k, m)
      k = m
    }
  }
}

/**
 * Replays a prepared trace through one circuit (or config), named `name` in the report.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Circuit } from 'tripswitch'
 * import { Generate, Replay } from 'tripswitch/replay'
 * const prepared = Replay.prepare(Generate.trace('hard-outage', { seed: 1 }))
 * const result = Replay.replay(prepared, Circuit.make({ failureThreshold: 5, openFor: 5_000 }), 'five')
 * assert.strictEqual(result.figures.outages.length, 1)
 * assert.ok(result.figures.outages[0]!.detectedAfter! < 1_000)
 *
 * @category replaying
 * @since 0.1.0
 */
export const replay = (
  prepared: Prepared,
  circuitOrConfig: Circuit.Circuit | Config.ConfigInput,
  name = 'config'
): Result => {
  const circuit = isCircuit(circuitOrConfig) ? circuitOrConfig : Circuit.make(circuitOrConfig)
  const { trace, truth, admissions, admissionAt, moments } = prepared
  const { lines } = trace
  const n = lines.length
  const verdicts: Array<Verdict | undefined> = new Array<Verdict | undefined>(n)
  const retryAfter = new Float64Array(n).fill(NaN)
  const permits: Array<D.Permit | undefined> = new Array<D.Permit | undefined>(n)
  const transitions: Array<TransitionAt> = []
  const pending = new Pending()
  let state = circuit.initial(n === 0 ? 0 : truth.start)

  const moved = (prev: S.State, next: S.State, cause: Cause, t: number): void => {
    if (isTransition(prev, next))
      transitions.push({ t, from: prev._tag, to: next._tag, why: reason(prev, next, cause, t) })
  }

  const admit = (i: number): void => {
    const call = lines[i] as Trace.Call
    const t = call.t
    const prev = state
    const [decision, next] = circuit.admit(prev, t)
    state = next
    moved(prev, next, 'Admitted', t)
    if (decision._tag === 'Rejection') {
      verdicts[i] = 'rejected'
      retryAfter[i] = decision.retryAfter
      return
    }
    verdicts[i] = decision.probe ? 'probe' : 'admitted'
    permits[i] = decision
    if (call.o === 'rejected') {
      const s = truth.source[i]!
      pending.push(s === -1 ? t : t + ((lines[s] as Trace.Call).d ?? 0), i)
    }
  }

  const settle = (i: number, t: number): void => {
    const permit = permits[i]
    if (permit === undefined) return
    const s = truth.source[i]!
    const observed = (s === -1 ? lines[i] : lines[s]) as Trace.Call
    const verdict =
      observed.o === 'success' || s === -1 ? 'success' : observed.o === 'failure' ? 'failure' : 'ignore'
    const event = Ev.outcome(verdict, permit, observed.d ?? 0, observed.open)
    const prev = state
    state = circuit.step(prev, event, t)
    moved(prev, state, event._tag, t)
  }

  const control = (l: Trace.Transition): void => {
    const event = manualEvent(l.to)
    const prev = state
    state = circuit.step(prev, event, l.t)
    moved(prev, state, event._tag, l.t)
  }

  let a = 0
  let m = 0
  for (;;) {
    const hasA = a < admissions.length
    const hasM = m < moments.length
    if (!hasA && !hasM && pending.size === 0) break
    // the earliest of the next admission, the next moment of the trace and the next assumed outcome
    let kind = -1
    let bestT = Infinity
    let bestPos = Infinity
    if (hasA) {
      const i = admissions[a]!
      bestT = lines[i]!.t
      bestPos = admissionAt[i]!
      kind = 0
    }
    if (hasM) {
      const i = moments[m]!
      const t = Truth.endOf(lines[i]!)
      // at equal times and positions an admission goes first (a call before its own outcome)
      if (t < bestT || (t === bestT && i < bestPos)) {
        bestT = t
        bestPos = i
        kind = 1
      }
    }
    if (pending.size > 0) {
      const t = pending.topTime()
      const i = pending.topId()
      if (t < bestT || (t === bestT && i < bestPos)) {
        bestT = t
        kind = 2
      }
    }
    if (kind === 0) admit(admissions[a++]!)
    else if (kind === 1) {
      const i = moments[m++]!
      const l = lines[i]!
      if (l.k === 'transition') control(l)
      else settle(i, bestT)
    } else {
      const i = pending.topId()
      pending.pop()
      settle(i, bestT)
    }
  }

  return { name, verdicts, retryAfter, transitions, figures: figuresOf(prepared, verdicts, transitions) }
}

const isCircuit = (u: unknown): u is Circuit.Circuit =>
  typeof u === 'object' &&
  u !== null &&
  typeof (u as Circuit.Circuit).admit === 'function' &&
  typeof (u as Circuit.Circuit).step === 'function'

// -------------------------------------------------------------------------------------
// figures
// -------------------------------------------------------------------------------------

/**
 * The state a timeline of transitions has at `t` (after every transition at or before `t`; `Closed`
 * before the first).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Replay } from 'tripswitch/replay'
 * const timeline = [{ t: 10, from: 'Closed', to: 'Open', why: 'tripped' }] as const
 * assert.deepStrictEqual([Replay.stateAt(timeline, 9), Replay.stateAt(timeline, 10)], ['Closed', 'Open'])
 *
 * @category utils
 * @since 0.1.0
 */
export const stateAt = (transitions: ReadonlyArray<TransitionAt>, t: number): S.StateTag => {
  let lo = 0
  let hi = transitions.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (transitions[mid]!.t <= t) lo = mid + 1
    else hi = mid
  }
  return lo === 0 ? 'Closed' : transitions[lo - 1]!.to
}

const passes = (s: S.StateTag): boolean => s === 'Closed' || s === 'Disabled' || s === 'MetricsOnly'

const figuresOf = (
  prepared: Prepared,
  verdicts: ReadonlyArray<Verdict | undefined>,
  transitions: ReadonlyArray<TransitionAt>
): Figures => {
  const { trace, truth } = prepared
  const { lines } = trace
  let calls = 0
  let admitted = 0
  let rejected = 0
  let callsIntoFailure = 0
  let falseRejections = 0
  for (let i = 0; i < lines.length; i++) {
    const v = verdicts[i]
    if (v === undefined) continue
    calls++
    const s = truth.source[i]!
    const o = s === -1 ? 'success' : (lines[s] as Trace.Call).o
    if (v === 'rejected') {
      rejected++
      if (o === 'success') falseRejections++
    } else {
      admitted++
      if (o === 'failure') callsIntoFailure++
    }
  }
  const within = (t: number): boolean => truth.outages.some((o) => t >= o.start && t < o.end)
  let trips = 0
  let reopens = 0
  let flaps = 0
  for (const tr of transitions) {
    if (tr.to !== 'Open') continue
    if (tr.from === 'Closed') {
      trips++
      if (!within(tr.t)) flaps++
    } else if (tr.from === 'HalfOpen') reopens++
  }
  let recoveryDelay = 0
  const outages = truth.outages.map((o): OutageFigures => {
    let detectedAfter: number | null = passes(stateAt(transitions, o.start)) ? null : 0
    let recoveredAfter: number | null = null
    for (const tr of transitions) {
      if (detectedAfter === null && tr.t >= o.start && tr.t <= o.end && !passes(tr.to))
        detectedAfter = tr.t - o.start
    }
    if (!o.ongoing) {
      if (passes(stateAt(transitions, o.end))) recoveredAfter = 0
      else {
        const closed = transitions.find((tr) => tr.t > o.end && passes(tr.to))
        recoveredAfter = closed === undefined ? null : closed.t - o.end
      }
      recoveryDelay += recoveredAfter ?? truth.end - o.end
    }
    return { ...o, detectedAfter, recoveredAfter }
  })
  return {
    calls,
    admitted,
    rejected,
    callsIntoFailure,
    falseRejections,
    outages,
    recoveryDelay,
    trips,
    reopens,
    flaps,
    fallbacks: prepared.fallback ? rejected : 0
  }
}

// -------------------------------------------------------------------------------------
// fidelity
// -------------------------------------------------------------------------------------

/**
 * Where a replay and the recorded breaker disagree: the line (its number in the text), what the
 * trace says and what the replay decided.
 *
 * @category model
 * @since 0.1.0
 */
export interface Disagreement {
  readonly line: number
  readonly recorded: string
  readonly replayed: string
}

const recordedVerdict = (l: Trace.Call): string =>
  l.o === 'rejected' ? `rejected (retryAfter ${l.ra ?? NaN})` : l.p === true ? 'probe' : 'admitted'

/**
 * Compares a replay with the decisions recorded in its trace: every call's decision (and a
 * rejection's `retryAfter`) and every transition, in order. Empty when the replay reproduces the
 * recorded breaker exactly (as it does through the recorded config).
 *
 * @category replaying
 * @since 0.1.0
 */
export const disagreements = (prepared: Prepared, result: Result, max = 20): ReadonlyArray<Disagreement> => {
  const { lines, lineNumbers } = prepared.trace
  const out: Array<Disagreement> = []
  const recordedTransitions: Array<readonly [number, Trace.Transition]> = []
  for (let i = 0; i < lines.length && out.length < max; i++) {
    const l = lines[i]!
    if (l.k === 'transition') {
      if (l.why !== 'adopted') recordedTransitions.push([i, l])
      continue
    }
    if (l.k !== 'call') continue
    const v = result.verdicts[i]
    const replayed = v === 'rejected' ? `rejected (retryAfter ${result.retryAfter[i]})` : String(v)
    if (recordedVerdict(l) !== replayed)
      out.push({ line: lineNumbers[i]!, recorded: recordedVerdict(l), replayed })
  }
  const show = (tr: TransitionAt): string => `${tr.from} -> ${tr.to} (${tr.why}) at ${tr.t}`
  for (
    let k = 0;
    k < Math.max(recordedTransitions.length, result.transitions.length) && out.length < max;
    k++
  ) {
    const rec = recordedTransitions[k]
    const rep = result.transitions[k]
    const a = rec === undefined ? 'nothing' : show(rec[1])
    const b = rep === undefined ? 'nothing' : show(rep)
    if (a !== b)
      out.push({
        line: rec === undefined ? 0 : lineNumbers[rec[0]]!,
        recorded: `transition ${a}`,
        replayed: `transition ${b}`
      })
  }
  return out
}
