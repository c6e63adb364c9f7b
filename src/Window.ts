/**
 * Sliding windows over recorded calls: the last `size` calls (a count window), or the calls of the last
 * `duration` ms in `buckets` time buckets (a time window). A window counts the calls it holds and how many
 * of them are *marked*; a strategy decides what a mark means (a failure, a slow call).
 *
 * A window is configuration data (`CountWindow`, `TimeWindow`); its running state (`WindowState`) is plain,
 * immutable, JSON-serializable data (numbers and arrays of numbers), driven by the pure `record`.
 *
 * Invariants:
 * - `record` costs O(1) amortized, whatever the window's size or length, and never mutates its input.
 * - Memory is bounded: a count window keeps one bit per call (packed 32 to a number, about `size / 32`
 *   numbers); a time window keeps two numbers per bucket.
 * - Count window: after `n` recorded calls it holds the last `min(n, size)` of them, exactly.
 * - Time window: the bucket width is `duration / buckets` ms and bucket `k` holds the calls recorded at
 *   a `now` with `floor(now / width) = k`. At `now`, the window holds buckets `floor(now / width) - buckets
 *   + 1` through `floor(now / width)`: a call expires at the first bucket boundary at least `duration`
 *   after its own bucket began (inclusive: at that instant it no longer counts), so the window spans
 *   between `duration - width` and `duration` ms of history. After an idle gap of any length, stale
 *   buckets never count: catching up clears at most `buckets` slots, however long the gap.
 * - Time never runs backwards in a window: a call recorded at a `now` earlier than the newest bucket
 *   (clocks of several processes sharing a state may disagree a little) counts in the newest bucket.
 *
 * How it stays O(1) while immutable: a count window is a persistent ring of bits in three levels. The
 * newest bits live in one number (`word`), completed words in a short array (`page`), completed pages
 * in a ring (`pages`). A page holds a power of two of words, at most 32 (1,024 calls), so positions
 * are found with masks and shifts. A call writes one bit into `word`; every 32 calls the word is
 * appended to a copy of `page`; when the page is full it goes into a copy of the ring (`size / 1,024`
 * pages for windows of 1,024 calls or more, a single page for smaller ones). The bit of the call that
 * leaves the window is read in place. A time window keeps the newest bucket's counts in two numbers
 * and copies its ring of buckets only when time moves to a new bucket. New states share everything
 * they did not change with old ones, which are never changed.
 *
 * Windows, documents of windows and window states are checked by the plain validators of this module
 * (`check`, `documentCheck`, `stateCheck`; no io-ts); `problems` and `stateProblems` report what they
 * find. The io-ts codecs `Window.Window`, `Window.WindowDocument`, `Window.stateShapes` and
 * `Window.stateCodec` are built from them in `codecs/Window.ts`.
 *
 * @since 0.1.0
 */
import {
  array,
  type Check,
  int32,
  integer,
  literal,
  nonNegativeInteger,
  number,
  problem,
  problemsOf,
  refine,
  safeInteger,
  struct,
  tagged,
  type Problem,
  type Rule,
  type TypeOf
} from './codec'
import { durationOf } from './Duration'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The last `size` recorded calls.
 *
 * @category model
 * @since 0.1.0
 */
export interface CountWindow {
  readonly _tag: 'CountWindow'
  readonly size: number
}

/**
 * The calls recorded in the last `duration` ms, counted in `buckets` buckets of `duration / buckets` ms.
 *
 * @category model
 * @since 0.1.0
 */
export interface TimeWindow {
  readonly _tag: 'TimeWindow'
  readonly duration: number
  readonly buckets: number
}

/**
 * @category model
 * @since 0.1.0
 */
export type Window = CountWindow | TimeWindow

/**
 * The running state of a count window.
 *
 * @category model
 * @since 0.1.0
 */
export interface CountWindowState {
  readonly _tag: 'CountWindow'
  /** Calls in the window: the number recorded, up to the window's size. */
  readonly calls: number
  /** Marked calls in the window. */
  readonly marked: number
  /** Where the next call goes, in a ring of `32 * words per page * pages` positions. */
  readonly cursor: number
  /** The bits of the word being filled (bit `i` is position `32 * floor(cursor / 32) + i`). */
  readonly word: number
  /** The completed words of the page being filled. */
  readonly page: ReadonlyArray<number>
  /** The ring of completed pages, by page number. */
  readonly pages: ReadonlyArray<ReadonlyArray<number>>
}

/**
 * The running state of a time window.
 *
 * @category model
 * @since 0.1.0
 */
export interface TimeWindowState {
  readonly _tag: 'TimeWindow'
  /**
   * The newest bucket: `floor(now / width)` of the latest call that moved time forward;
   * `-Number.MAX_SAFE_INTEGER` before the first call.
   */
  readonly bucket: number
  /** Calls in the window as of `bucket`. */
  readonly calls: number
  /** Marked calls in the window as of `bucket`. */
  readonly marked: number
  /** Calls in the newest bucket. */
  readonly bucketCalls: number
  /** Marked calls in the newest bucket. */
  readonly bucketMarked: number
  /**
   * Older buckets, two numbers (calls, marked) per slot: bucket `k` is in slot `k % buckets`. The
   * newest bucket's slot holds zeros (its counts are `bucketCalls` and `bucketMarked`).
   */
  readonly ring: ReadonlyArray<number>
}

/**
 * @category model
 * @since 0.1.0
 */
export type WindowState = CountWindowState | TimeWindowState

/**
 * What a window holds at some instant.
 *
 * @category model
 * @since 0.1.0
 */
export interface Totals {
  readonly calls: number
  readonly marked: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The last `size` calls.
 *
 * @example
 * import { Window } from 'tripswitch'
 * const last100 = Window.count(100)
 *
 * @category constructors
 * @since 0.1.0
 */
export const count = (size: number): CountWindow => ({ _tag: 'CountWindow', size })

/**
 * The calls of the last `duration` ms, in `buckets` buckets (`duration` must be a multiple of `buckets`).
 * More buckets make expiry smoother (a call leaves within one bucket width of `duration`) at the cost of
 * two numbers per bucket and a copy of the buckets each time time moves to a new bucket.
 *
 * @example
 * import { Window } from 'tripswitch'
 * const lastMinute = Window.time(60_000, 12) // 12 buckets of 5 s
 *
 * @category constructors
 * @since 0.1.0
 */
export const time = (duration: number, buckets: number): TimeWindow => ({
  _tag: 'TimeWindow',
  duration,
  buckets
})

/**
 * The largest count window, so that a window's memory stays small (about 125 KB of bits).
 *
 * @category constructors
 * @since 0.1.0
 */
export const maxSize = 1_000_000

/**
 * The most buckets a time window may have.
 *
 * @category constructors
 * @since 0.1.0
 */
export const maxBuckets = 10_000

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/** @category guards @since 0.1.0 */
export const isCountWindow = (w: Window): w is CountWindow => w._tag === 'CountWindow'

/** @category guards @since 0.1.0 */
export const isTimeWindow = (w: Window): w is TimeWindow => w._tag === 'TimeWindow'

// -------------------------------------------------------------------------------------
// count windows
// -------------------------------------------------------------------------------------

interface Geometry {
  /** Words per page. */
  readonly words: number
  /** Positions per page: `32 * words`. */
  readonly span: number
  /** Pages in the ring. */
  readonly pages: number
  /** Positions in the ring: `span * pages`, at least `size`. */
  readonly positions: number
}

/** The smallest power of two at least `n`, for `1 <= n <= 2^31` (`Math.clz32(0)` is 32, so `pow2(1)` is 1). */
const pow2 = (n: number): number => 1 << (32 - Math.clz32(n - 1))

/**
 * Words per page: a power of two, so that positions within a page are found by masks and shifts; at
 * most 32 (1,024 positions), the pages of larger windows.
 */
const pageWords = (size: number): number => Math.min(32, pow2((size + 31) >>> 5))

const geometry = (size: number): Geometry => {
  const words = pageWords(size)
  const span = 32 * words
  // The call leaving a full window is at most ceil(size / span) pages behind the page being filled,
  // and is read before that page completes and takes its slot.
  const pages = Math.ceil(size / span)
  return { words, span, pages, positions: span * pages }
}

const emptyCount: CountWindowState = {
  _tag: 'CountWindow',
  calls: 0,
  marked: 0,
  cursor: 0,
  word: 0,
  page: [],
  pages: []
}

/** The bit of the call `back` positions behind the cursor (1 = the newest); a missing page reads as 0. */
const bitAt = (s: CountWindowState, g: Geometry, back: number): number => {
  const cursor = s.cursor
  const inWord = cursor & 31
  if (inWord >= back) return (s.word >>> (inWord - back)) & 1
  const inPage = cursor % g.span
  if (inPage >= back) {
    const e = inPage - back
    return ((s.page[e >>> 5] ?? 0) >>> (e & 31)) & 1
  }
  let e = cursor - back
  if (e < 0) e += g.positions
  const page = s.pages[Math.floor(e / g.span)]
  const off = e % g.span
  return page === undefined ? 0 : ((page[off >>> 5] ?? 0) >>> (off & 31)) & 1
}

/** A copy of `xs` with `x` after its last element (a plain loop: faster than spreading). */
const append = (xs: ReadonlyArray<number>, x: number): ReadonlyArray<number> => {
  const n = xs.length
  const out = new Array<number>(n + 1)
  for (let i = 0; i < n; i++) out[i] = xs[i] as number
  out[n] = x
  return out
}

const recordCount = (w: CountWindow, s: CountWindowState, mark: boolean): CountWindowState => {
  const size = w.size
  const cursor = s.cursor
  let calls = s.calls
  let marked = s.marked
  if (calls < size) calls++
  else {
    // The call leaving the window: in the word being filled, in the page being filled, or in the ring.
    const inWord = cursor & 31
    if (inWord >= size) marked -= (s.word >>> (inWord - size)) & 1
    else {
      const span = pageWords(size) << 5
      let e = (cursor & (span - 1)) - size
      let bits: ReadonlyArray<number> | undefined = s.page
      if (e < 0) {
        // in a completed page of the ring (of ceil(size / span) pages of span positions)
        e = cursor - size
        if (e < 0) e += span * Math.ceil(size / span)
        bits = s.pages[e >>> (31 - Math.clz32(span))]
        e &= span - 1
      }
      marked -= bits === undefined ? 0 : ((bits[e >>> 5] ?? 0) >>> (e & 31)) & 1
    }
  }
  let word = s.word
  if (mark) {
    word |= 1 << (cursor & 31)
    marked++
  }
  let next = cursor + 1
  let page = s.page
  let pages = s.pages
  if ((next & 31) === 0) {
    const g = geometry(size)
    page = append(page, word)
    word = 0
    if (page.length === g.words) {
      const ring = pages.slice()
      ring[Math.floor(cursor / g.span)] = page
      pages = ring
      page = []
    }
    if (next === g.positions) next = 0
  }
  return { _tag: 'CountWindow', calls, marked, cursor: next, word, page, pages }
}

// -------------------------------------------------------------------------------------
// time windows
// -------------------------------------------------------------------------------------

/** The `bucket` of a time window that has never recorded a call: before any instant. */
const beforeAll = -Number.MAX_SAFE_INTEGER

const emptyTimes = new Map<number, TimeWindowState>()

const emptyTime = (buckets: number): TimeWindowState => {
  let s = emptyTimes.get(buckets)
  if (s === undefined) {
    s = {
      _tag: 'TimeWindow',
      bucket: beforeAll,
      calls: 0,
      marked: 0,
      bucketCalls: 0,
      bucketMarked: 0,
      ring: new Array<number>(2 * buckets).fill(0)
    }
    if (emptyTimes.size < 1024) emptyTimes.set(buckets, s)
  }
  return s
}

/** Where bucket `k`'s two counts start in the ring (`k` may be negative). */
const slotOf = (k: number, n: number): number => 2 * (((k % n) + n) % n)

const bucketOf = (w: TimeWindow, now: number): number => Math.floor(now / (w.duration / w.buckets))

const recordTime = (w: TimeWindow, s: TimeWindowState, mark: boolean, now: number): TimeWindowState => {
  const m = mark ? 1 : 0
  const b = bucketOf(w, now)
  if (b <= s.bucket) {
    // The newest bucket; an earlier instant counts in it too.
    return {
      _tag: 'TimeWindow',
      bucket: s.bucket,
      calls: s.calls + 1,
      marked: s.marked + m,
      bucketCalls: s.bucketCalls + 1,
      bucketMarked: s.bucketMarked + m,
      ring: s.ring
    }
  }
  const n = w.buckets
  if (s.calls === 0 || b - s.bucket >= n) {
    // Everything has expired (or nothing was there): start afresh, clearing at most `n` slots. An empty
    // window's slots are all zeros already.
    return {
      _tag: 'TimeWindow',
      bucket: b,
      calls: 1,
      marked: m,
      bucketCalls: 1,
      bucketMarked: m,
      ring: s.calls === 0 ? s.ring : emptyTime(n).ring
    }
  }
  const ring = s.ring.slice()
  const newest = slotOf(s.bucket, n)
  ring[newest] = s.bucketCalls
  ring[newest + 1] = s.bucketMarked
  let calls = s.calls
  let marked = s.marked
  // Buckets s.bucket + 1 .. b enter, and buckets s.bucket + 1 - n .. b - n, whose slots they take, leave.
  for (let k = s.bucket + 1; k <= b; k++) {
    const slot = slotOf(k, n)
    calls -= ring[slot] ?? 0
    marked -= ring[slot + 1] ?? 0
    ring[slot] = 0
    ring[slot + 1] = 0
  }
  return {
    _tag: 'TimeWindow',
    bucket: b,
    calls: calls + 1,
    marked: marked + m,
    bucketCalls: 1,
    bucketMarked: m,
    ring
  }
}

const noCalls: Totals = { calls: 0, marked: 0 }

const timeTotals = (w: TimeWindow, s: TimeWindowState, now: number): Totals => {
  const b = bucketOf(w, now)
  if (s.calls === 0 || b <= s.bucket) return s
  const n = w.buckets
  if (b - s.bucket >= n) return noCalls
  let calls = s.calls
  let marked = s.marked
  for (let k = s.bucket + 1; k <= b; k++) {
    const slot = slotOf(k, n)
    calls -= s.ring[slot] ?? 0
    marked -= s.ring[slot + 1] ?? 0
  }
  return { calls, marked }
}

// -------------------------------------------------------------------------------------
// running state
// -------------------------------------------------------------------------------------

/**
 * An empty window of the given kind. Empty states are immutable and shared: every empty count window
 * is one object, and so is every empty time window of the same number of buckets (for the first 1,024
 * numbers of buckets asked for; past those, each call makes a new one, equal in value).
 *
 * @category running state
 * @since 0.1.0
 */
export const empty = (w: Window): WindowState =>
  w._tag === 'CountWindow' ? emptyCount : emptyTime(w.buckets)

/**
 * Records one call observed at `now`, marked or not. O(1) amortized; returns a new state and never
 * changes `s`, which must be a state of `w` (made by `empty(w)` and `record` with the same window).
 *
 * @example
 * import { Window } from 'tripswitch'
 * const w = Window.count(4)
 * const failed = [true, false, false, false, false]
 * const s = failed.reduce((s, f, i) => Window.record(w, s, f, i), Window.empty(w))
 * Window.totals(w, s, 5) // { calls: 4, marked: 0 }
 *
 * @category running state
 * @since 0.1.0
 */
export const record = (w: Window, s: WindowState, mark: boolean, now: number): WindowState =>
  w._tag === 'CountWindow'
    ? recordCount(w, s as CountWindowState, mark)
    : recordTime(w, s as TimeWindowState, mark, now)

/**
 * What the window holds at `now`: a time window lets old buckets expire (without changing `s`); a count
 * window ignores `now`. O(1) when `now` is in the newest bucket, at most O(buckets) otherwise.
 *
 * @category running state
 * @since 0.1.0
 */
export const totals = (w: Window, s: WindowState, now: number): Totals =>
  w._tag === 'CountWindow' ? s : timeTotals(w, s as TimeWindowState, now)

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

const size = integer(1, maxSize)

const buckets = integer(1, maxBuckets)

const duration = number('a positive integer number of milliseconds', (n) => Number.isInteger(n) && n >= 1)

const divides: Rule<{ readonly duration: number; readonly buckets: number }> = {
  reads: ['duration', 'buckets'],
  check: ({ duration, buckets }) =>
    duration % buckets === 0
      ? []
      : [
          problem(
            ['buckets'],
            `expected a divisor of duration (${duration} ms), so that every bucket spans whole milliseconds, got ${buckets}`
          )
        ]
}

/**
 * The plain validator of a window as data (the io-ts codec `Window.Window` is built from it): a count
 * window's `size` is an integer from 1 to `maxSize`; a time window's `duration` is a positive integer
 * number of milliseconds and `buckets` an integer from 1 to `maxBuckets` that divides it into buckets
 * of whole milliseconds. Unknown keys are rejected.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Window } from 'tripswitch'
 * assert.ok(E.isRight(Window.check.decode(Window.time(60_000, 12))))
 * assert.ok(E.isLeft(Window.check.decode(Window.time(1_000, 3))))
 *
 * @category checks
 * @since 0.1.0
 */
export const check: Check<Window> = tagged('a window (Window.count or Window.time)', '_tag', {
  CountWindow: struct('a count window', { _tag: literal('CountWindow'), size }, {}),
  TimeWindow: struct('a time window', { _tag: literal('TimeWindow'), duration, buckets }, {}, [divides])
})

/**
 * The plain validator of a window in a config document (the io-ts codec `Window.WindowDocument` is
 * built from it): `{ "kind": "count", "size": 100 }` (the last 100 calls) or `{ "kind": "time",
 * "duration": "60s", "buckets": 12 }` (the calls of the last minute, in 5 s buckets), with the fields
 * of `Window` and durations in milliseconds or as strings. `fromDocument` turns a decoded one into a
 * `Window`, which `check` then checks as a whole.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Window } from 'tripswitch'
 * const decoded = Window.documentCheck.decode({ kind: 'time', duration: '1m', buckets: 12 })
 * assert.deepStrictEqual(E.map(Window.fromDocument)(decoded), E.right(Window.time(60_000, 12)))
 *
 * @category checks
 * @since 0.1.0
 */
export const documentCheck = tagged('a window', 'kind', {
  count: struct('a count window', { kind: literal('count'), size }, {}),
  time: struct('a time window', { kind: literal('time'), duration: durationOf(duration), buckets }, {})
})

/**
 * A decoded window document: its duration in milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export type WindowDocument = TypeOf<typeof documentCheck>

/**
 * The window a decoded document describes.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Window } from 'tripswitch'
 * assert.deepStrictEqual(Window.fromDocument({ kind: 'count', size: 20 }), Window.count(20))
 *
 * @category codecs
 * @since 0.1.0
 */
export const fromDocument = (d: WindowDocument): Window =>
  d.kind === 'count' ? count(d.size) : time(d.duration, d.buckets)

/**
 * The plain validators of the shapes of window states, by `_tag`, whatever the window (the io-ts
 * codecs `Window.stateShapes` are built from them): what a decoder of persisted state checks before it
 * knows the circuit. `stateCheck(w)` checks a state against `w`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Window } from 'tripswitch'
 * assert.ok(Window.stateShapeChecks.CountWindow.is(Window.empty(Window.count(10))))
 *
 * @category checks
 * @since 0.1.0
 */
export const stateShapeChecks = {
  CountWindow: struct(
    'a count window',
    {
      _tag: literal('CountWindow'),
      calls: nonNegativeInteger,
      marked: nonNegativeInteger,
      cursor: nonNegativeInteger,
      word: int32,
      page: array(int32),
      pages: array(array(int32))
    },
    {}
  ),
  TimeWindow: struct(
    'a time window',
    {
      _tag: literal('TimeWindow'),
      bucket: safeInteger,
      calls: nonNegativeInteger,
      marked: nonNegativeInteger,
      bucketCalls: nonNegativeInteger,
      bucketMarked: nonNegativeInteger,
      ring: array(nonNegativeInteger)
    },
    {}
  )
}

const atMost = (key: string, max: number, value: number): ReadonlyArray<Problem> =>
  value <= max ? [] : [problem([key], `expected an integer from 0 to ${max}, got ${value}`)]

/** What a count window of `size` implies of its state: array sizes, bounds, and counts that match the bits. */
const countProblems = (size: number, s: CountWindowState): ReadonlyArray<Problem> => {
  const g = geometry(size)
  const { calls, marked, cursor, page, pages } = s
  const bounds = [
    ...atMost('calls', size, calls),
    ...atMost('marked', Math.min(calls, size), marked),
    ...atMost('cursor', g.positions - 1, cursor),
    ...(page.length < g.words
      ? []
      : [problem(['page'], `expected fewer than ${g.words} 32-bit integers, got ${page.length}`)]),
    ...(pages.length <= g.pages
      ? pages.flatMap((p, i) =>
          p.length === g.words
            ? []
            : [problem(['pages', i], `expected ${g.words} 32-bit integers, got ${p.length}`)]
        )
      : [problem(['pages'], `expected an array of at most ${g.pages} pages, got ${pages.length}`)])
  ]
  if (bounds.length > 0) return bounds
  const filling = Math.floor(cursor / g.span)
  const words = Math.floor((cursor % g.span) / 32)
  if (calls < size && cursor !== calls) {
    return [
      problem(
        ['cursor'],
        `expected ${calls} (the calls recorded) while the window is not full, got ${cursor}`
      )
    ]
  }
  if (page.length !== words)
    return [problem(['page'], `expected ${words} words at cursor ${cursor}, got ${page.length}`)]
  // the word being filled holds the bits below the cursor's position, none at or above it (at a word's
  // start, none at all: a recorded word moves to the page)
  if (s.word >>> (cursor & 31) !== 0) {
    return [problem(['word'], `expected no bits at or above the cursor's position (${cursor & 31})`)]
  }
  if (pages.length < filling) {
    return [problem(['pages'], `expected at least ${filling} pages at cursor ${cursor}, got ${pages.length}`)]
  }
  let recount = 0
  for (let back = 1; back <= calls; back++) recount += bitAt(s, g, back)
  return recount === marked
    ? []
    : [
        problem(
          ['marked'],
          `expected ${recount} (the marks stored for the calls in the window), got ${marked}`
        )
      ]
}

/** What a time window of `n` buckets implies of its state: the ring's size, and counts that add up. */
const timeProblems = (n: number, s: TimeWindowState): ReadonlyArray<Problem> => {
  const { bucket, calls, marked, bucketCalls, bucketMarked, ring } = s
  const bounds = [
    ...atMost('marked', calls, marked),
    ...atMost('bucketCalls', calls, bucketCalls),
    ...atMost('bucketMarked', Math.min(bucketCalls, marked), bucketMarked),
    ...(ring.length === 2 * n
      ? []
      : [problem(['ring'], `expected ${2 * n} non-negative integers, got ${ring.length}`)])
  ]
  if (bounds.length > 0) return bounds
  const out: Array<Problem> = []
  let sumCalls = bucketCalls
  let sumMarked = bucketMarked
  for (let i = 0; i < n; i++) {
    const c = ring[2 * i] as number
    const mk = ring[2 * i + 1] as number
    if (mk > c)
      out.push(problem(['ring', 2 * i + 1], `expected at most the bucket's calls (${c}), got ${mk}`))
    sumCalls += c
    sumMarked += mk
  }
  const newest = slotOf(bucket, n)
  if (ring[newest] !== 0 || ring[newest + 1] !== 0) {
    out.push(
      problem(
        ['ring', newest],
        "expected zeros in the newest bucket's slot (its counts are bucketCalls and bucketMarked)"
      )
    )
  }
  if (sumCalls !== calls)
    out.push(problem(['calls'], `expected ${sumCalls} (the sum of the buckets), got ${calls}`))
  if (sumMarked !== marked) {
    out.push(problem(['marked'], `expected ${sumMarked} (the sum of the buckets), got ${marked}`))
  }
  return out
}

/**
 * The plain validator of a running state of the window `w` (the io-ts codec `Window.stateCodec(w)` is
 * built from it): its shape (`stateShapeChecks`), the array sizes `w` implies, and counts consistent
 * with the stored bits or buckets, so that a reducer may safely continue from it. O(size) for a count
 * window, O(buckets) for a time window.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Window } from 'tripswitch'
 * const w = Window.count(10)
 * assert.ok(E.isRight(Window.stateCheck(w).decode(Window.record(w, Window.empty(w), true, 0))))
 *
 * @category checks
 * @since 0.1.0
 */
export const stateCheck = (w: Window): Check<WindowState> =>
  w._tag === 'CountWindow'
    ? (refine(
        tagged('the state of a CountWindow', '_tag', { CountWindow: stateShapeChecks.CountWindow }),
        (s: CountWindowState) => countProblems(w.size, s)
      ) as Check<WindowState>)
    : (refine(
        tagged('the state of a TimeWindow', '_tag', { TimeWindow: stateShapeChecks.TimeWindow }),
        (s: TimeWindowState) => timeProblems(w.buckets, s)
      ) as Check<WindowState>)

// -------------------------------------------------------------------------------------
// validation
// -------------------------------------------------------------------------------------

/**
 * Every problem with `u` as a window, one line each naming its field under `path`; empty when `u` is a
 * valid `Window`: the problems `check` finds.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Window } from 'tripswitch'
 * assert.deepStrictEqual(Window.problems(Window.count(0)), [
 *   'window.size: expected an integer from 1 to 1000000, got 0'
 * ])
 *
 * @category validation
 * @since 0.1.0
 */
export const problems = (u: unknown, path = 'window'): ReadonlyArray<string> => problemsOf(check, u, path)

/**
 * Every problem with `u` as a running state of the (valid) window `w`, one line each naming its field
 * under `path`; empty when a reducer may safely continue from it: the problems `stateCheck(w)` finds.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Window } from 'tripswitch'
 * const w = Window.count(10)
 * assert.deepStrictEqual(Window.stateProblems(w, Window.empty(w)), [])
 *
 * @category validation
 * @since 0.1.0
 */
export const stateProblems = (w: Window, u: unknown, path = 'tally'): ReadonlyArray<string> =>
  problemsOf(stateCheck(w), u, path)
