/**
 * The truth of a trace: what the dependency would have answered to each call, and when it was down.
 *
 * A trace holds the outcome of every call the recorded breaker let through (an observed call). A call
 * it rejected has no outcome, but another config may let it through; its outcome is assumed to be
 * that of an observed call near it in time (`Assume`):
 * - `'nearest'` (the default): the observed call whose arrival is nearest (a tie goes to the later
 *   one); over an open period this splits the gap in the middle between what the dependency did before
 *   it and what the probe at its end found.
 * - `'previous'`: the latest observed call before it (pessimistic after a failure: the dependency
 *   stays down until a probe shows otherwise).
 * - `'next'`: the first observed call after it (optimistic: the dependency recovered as early as it
 *   could have).
 * The assumed call answers with the observed call's outcome, duration, and Retry-After.
 *
 * Health over time: the trace is cut into buckets of `bucket` ms (default 1 s; wider if the trace would
 * need more than `maxBuckets`). A bucket's failure
 * rate is `failures / (successes + failures)` of the calls arriving in it, their outcomes known or
 * assumed (ignored calls count as neither); a bucket with no such call has the health of the one
 * before it. An outage is a run of buckets whose rate is at least `outageRate` (default 0.5): it
 * starts at the arrival of the first failure in its first bucket and ends at the arrival of the first
 * success in the first bucket after it that is healthy (or at the end of the trace, `ongoing`).
 *
 * Pure: a trace in, plain data out.
 *
 * @since 0.1.0
 */
import type * as Trace from './Trace'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How the outcome of a call the recorded breaker rejected is assumed (see the module's header).
 *
 * @category model
 * @since 0.1.0
 */
export type Assume = 'nearest' | 'previous' | 'next'

/**
 * @category model
 * @since 0.1.0
 */
export interface Options {
  readonly assume?: Assume
  /** Milliseconds per health bucket (default 1,000). */
  readonly bucket?: number
  /** The failure rate at which a bucket counts as down, in (0, 1] (default 0.5). */
  readonly outageRate?: number
}

/**
 * An interval the dependency was down.
 *
 * @category model
 * @since 0.1.0
 */
export interface Outage {
  readonly start: number
  readonly end: number
  /** Whether it lasted to the end of the trace. */
  readonly ongoing: boolean
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Truth {
  /** The call lines' indices (into `trace.lines`) by arrival; ties in line order. */
  readonly byArrival: Int32Array
  /**
   * For each line index, the index of the observed call whose outcome stands for it: itself when it
   * was observed, a neighbour when it was rejected, `-1` for a line that is no call (or a trace
   * without any observed call).
   */
  readonly source: Int32Array
  readonly outages: ReadonlyArray<Outage>
  /** The first bucket's start, the bucket size, and each bucket's failure rate (`NaN`: no call). */
  readonly buckets: { readonly start: number; readonly size: number; readonly rates: Float64Array }
  /** The first and last moment of the trace. */
  readonly start: number
  readonly end: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Sorts `indices` (which are increasing) by `key[index]`, stably, so that equal keys stay in index
 * order: an insertion sort, about linear on what traces hold (lines come in the order calls end, so
 * arrivals are out of order by the few calls in flight), falling back to a comparison sort when the
 * data is far from sorted.
 *
 * @internal
 */
export const sortBy = (indices: Int32Array, key: Float64Array): Int32Array => {
  let budget = 64 * indices.length + 1_024
  for (let i = 1; i < indices.length; i++) {
    const x = indices[i]!
    const k = key[x]!
    let j = i - 1
    while (j >= 0 && key[indices[j]!]! > k) {
      indices[j + 1] = indices[j]!
      j--
      if (--budget === 0) {
        indices[j + 1] = x
        return indices.sort((a, b) => key[a]! - key[b]! || a - b)
      }
    }
    indices[j + 1] = x
  }
  return indices
}

/**
 * The most health buckets of a truth: a trace longer than `maxBuckets` buckets gets buckets wider than
 * asked.
 *
 * @category model
 * @since 0.1.0
 */
export const maxBuckets = 1_000_000

/**
 * Whether line `l` is a call the recorded breaker let through (its outcome is observed).
 *
 * @category guards
 * @since 0.1.0
 */
export const isObserved = (l: Trace.Line): l is Trace.Call => l.k === 'call' && l.o !== 'rejected'

/**
 * The moment line `l` stands at: a call's end (its arrival when rejected), or the line's time.
 *
 * @category utils
 * @since 0.1.0
 */
export const endOf = (l: Trace.Line): number => (l.k === 'call' && l.d !== undefined ? l.t + l.d : l.t)

/**
 * The options, checked: throws a `RangeError` naming the bad one.
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolve = (options: Options = {}): Required<Options> => {
  const assume = options.assume ?? 'nearest'
  const bucket = options.bucket ?? 1_000
  const outageRate = options.outageRate ?? 0.5
  if (assume !== 'nearest' && assume !== 'previous' && assume !== 'next') {
    throw new RangeError(`assume: expected nearest, previous or next, got ${String(assume)}`)
  }
  if (typeof bucket !== 'number' || !Number.isFinite(bucket) || bucket <= 0) {
    throw new RangeError(`bucket: expected a finite number of ms > 0, got ${String(bucket)}`)
  }
  if (typeof outageRate !== 'number' || !(outageRate > 0 && outageRate <= 1)) {
    throw new RangeError(`outageRate: expected a rate in (0, 1], got ${String(outageRate)}`)
  }
  return { assume, bucket, outageRate }
}

/**
 * The truth of a trace (see the module's header).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Trace, Truth } from 'tripswitch/replay'
 * const lines: ReadonlyArray<Trace.Line> = [
 *   { k: 'call', t: 0, d: 1, o: 'failure' },
 *   { k: 'call', t: 100, o: 'rejected', ra: 1900 },
 *   { k: 'call', t: 2_000, d: 1, o: 'success' }
 * ]
 * const truth = Truth.make({ header: { k: 'trace', version: 1, breaker: 'b' }, lines, lineNumbers: [2, 3, 4] })
 * assert.strictEqual(truth.source[1], 0) // the rejected call is assumed to have failed, as its nearest did
 * assert.deepStrictEqual(truth.outages, [{ start: 0, end: 2_000, ongoing: false }])
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (trace: Trace.Trace, options: Options = {}): Truth => {
  const { assume, bucket, outageRate } = resolve(options)
  const { lines } = trace
  const calls: Array<number> = []
  const arrival = new Float64Array(lines.length)
  let start = Infinity
  let end = -Infinity
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    arrival[i] = l.t
    if (l.k === 'call') calls.push(i)
    if (l.t < start) start = l.t
    const e = endOf(l)
    if (e > end) end = e
  }
  if (start === Infinity) start = end = 0
  // nearly sorted already (lines come at the calls' ends)
  const byArrival = sortBy(Int32Array.from(calls), arrival)

  const source = new Int32Array(lines.length).fill(-1)
  // the latest observed call at or before each call, by arrival, then the first at or after
  let prev = -1
  for (const i of byArrival) {
    if (isObserved(lines[i]!)) prev = i
    source[i] = prev
  }
  let next = -1
  for (let j = byArrival.length - 1; j >= 0; j--) {
    const i = byArrival[j]!
    if (isObserved(lines[i]!)) {
      next = i
      continue
    }
    const before = source[i]!
    if (assume === 'next' || before === -1) source[i] = next === -1 ? before : next
    else if (assume === 'nearest' && next !== -1) {
      const t = lines[i]!.t
      source[i] = t - lines[before]!.t < lines[next]!.t - t ? before : next
    }
  }

  // health by bucket: at most `maxBuckets` (a longer trace gets wider buckets)
  const width = Math.max(bucket, (end - start) / maxBuckets)
  const n = Math.max(1, Math.min(maxBuckets, Math.ceil((end - start) / width) + (end === start ? 1 : 0)))
  const failures = new Float64Array(n)
  const answered = new Float64Array(n)
  const bucketOf = (t: number): number => Math.min(n - 1, Math.floor((t - start) / width))
  for (const i of byArrival) {
    const s = source[i]!
    if (s === -1) continue
    const o = (lines[s] as Trace.Call).o
    if (o === 'ignored') continue
    const b = bucketOf(lines[i]!.t)
    answered[b]!++
    if (o === 'failure') failures[b]!++
  }
  const rates = new Float64Array(n)
  for (let b = 0; b < n; b++) rates[b] = answered[b]! === 0 ? NaN : failures[b]! / answered[b]!

  // outages: runs of down buckets (an empty bucket keeps the health of the one before)
  const outages: Array<Outage> = []
  let down = false
  let from = 0
  // where each bucket's calls begin in `byArrival`
  const firstCall = new Int32Array(n + 1).fill(byArrival.length)
  for (let j = byArrival.length - 1; j >= 0; j--) firstCall[bucketOf(lines[byArrival[j]!]!.t)] = j
  for (let b = n - 1; b >= 0; b--) firstCall[b] = Math.min(firstCall[b]!, firstCall[b + 1]!)
  const firstIn = (b: number, outcome: Trace.Outcome): number => {
    for (let j = firstCall[b]!; j < firstCall[b + 1]!; j++) {
      const i = byArrival[j]!
      const t = lines[i]!.t
      const s = source[i]!
      if (s !== -1 && (lines[s] as Trace.Call).o === outcome) return t
    }
    return start + b * width
  }
  for (let b = 0; b < n; b++) {
    const r = rates[b]!
    if (Number.isNaN(r)) continue
    if (!down && r >= outageRate) {
      down = true
      from = firstIn(b, 'failure')
    } else if (down && r < outageRate) {
      down = false
      outages.push({ start: from, end: firstIn(b, 'success'), ongoing: false })
    }
  }
  if (down) outages.push({ start: from, end, ongoing: true })

  return { byArrival, source, outages, buckets: { start, size: width, rates }, start, end }
}
