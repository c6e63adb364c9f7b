/**
 * A fixed-size latency histogram: log-linear buckets over microseconds, percentiles on demand.
 *
 * Recording is O(1) and allocates nothing; memory never grows with traffic. Durations are rounded to
 * whole microseconds; below 16 µs every microsecond has its own bucket, above it each power of two is
 * split into 8 equal buckets, up to 2^32 µs (about 71 minutes; longer durations share the last bucket).
 * A percentile is the midpoint of its bucket, clamped to the exact minimum and maximum recorded, so its
 * relative error is at most 1/16 (6.25 %) of the true value's order statistic (plus the rounding to
 * 1 µs).
 *
 * The 240 counters (960 bytes) are allocated on the first `record`, so a breaker that never ran a call
 * costs a few words.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A mutable accumulator of durations in milliseconds. Read it with `quantile`, `mean`; change it only
 * with `record`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Histogram {
  readonly _tag: 'Histogram'
  /** Per-bucket counts; allocated on the first `record`. */
  counts: Uint32Array | undefined
  /** How many finite durations were recorded. */
  count: number
  /** Their sum, in milliseconds. */
  sum: number
  /** The smallest and largest recorded, in milliseconds (`Infinity` and `-Infinity` while empty). */
  min: number
  max: number
}

const SUB_BITS = 3
const SUB = 1 << SUB_BITS // buckets per power of two
const LINEAR = SUB << 1 // values below this get one bucket each
const TOP_EXPONENT = 31
const MAX_MICROS = 2 ** 32 - 1

/**
 * The number of buckets.
 *
 * @category model
 * @since 0.1.0
 */
export const size = LINEAR + (TOP_EXPONENT - SUB_BITS) * SUB

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Allocates an empty histogram outside of `IO`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const unsafeMake = (): Histogram => ({
  _tag: 'Histogram',
  counts: undefined,
  count: 0,
  sum: 0,
  min: Infinity,
  max: -Infinity
})

/**
 * @example
 * import * as assert from 'node:assert'
 * import { Histogram } from 'tripswitch'
 *
 * const h = Histogram.make()
 * for (const ms of [1, 2, 3, 40]) Histogram.record(h, ms)
 * assert.strictEqual(Histogram.quantile(0.5)(h), 1.9835) // the true median, 2, within 6.25 %
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: IO<Histogram> = unsafeMake

// -------------------------------------------------------------------------------------
// buckets
// -------------------------------------------------------------------------------------

/**
 * The bucket of a duration in milliseconds (negative durations count as 0).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Histogram } from 'tripswitch'
 *
 * assert.strictEqual(Histogram.bucketOf(0.005), 5) // one bucket per microsecond below 16 µs
 *
 * @category buckets
 * @since 0.1.0
 */
export const bucketOf = (ms: number): number => {
  const micros = ms > 0 ? Math.min(Math.round(ms * 1000), MAX_MICROS) : 0
  if (micros < LINEAR) return micros
  const exponent = 31 - Math.clz32(micros)
  return LINEAR + (exponent - SUB_BITS - 1) * SUB + ((micros >>> (exponent - SUB_BITS)) & (SUB - 1))
}

/**
 * The smallest and largest whole-microsecond durations of bucket `index`, in milliseconds.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Histogram } from 'tripswitch'
 *
 * assert.deepStrictEqual(Histogram.bucketBounds(Histogram.bucketOf(100)), [98.304, 106.495])
 *
 * @category buckets
 * @since 0.1.0
 */
export const bucketBounds = (index: number): readonly [number, number] => {
  const lower = lowerMicros(index)
  return [lower / 1000, (lower + widthMicros(index) - 1) / 1000]
}

// A bucket's smallest whole-microsecond duration, and how many whole microseconds it spans (a shift,
// not `2 **`, which is a floating-point power: the last bucket spans 2 ** 28, within 32-bit integers).
const lowerMicros = (index: number): number =>
  index < LINEAR ? index : (SUB + ((index - LINEAR) & (SUB - 1))) * widthMicros(index)
const widthMicros = (index: number): number =>
  index < LINEAR ? 1 : 1 << (((index - LINEAR) >> SUB_BITS) + 1)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Adds one duration, in milliseconds. `NaN` (an unknown duration) is skipped. O(1), never throws.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Histogram } from 'tripswitch'
 *
 * const h = Histogram.make()
 * Histogram.record(h, 12.5)
 * assert.strictEqual(h.count, 1)
 * assert.strictEqual(Histogram.mean(h), 12.5)
 *
 * @category combinators
 * @since 0.1.0
 */
export const record = (h: Histogram, ms: number): void => {
  if (ms !== ms) return
  const counts = h.counts ?? (h.counts = new Uint32Array(size))
  counts[bucketOf(ms)]! += 1
  h.count += 1
  h.sum += ms
  if (ms < h.min) h.min = ms
  if (ms > h.max) h.max = ms
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * The `q`-quantile (`0 < q <= 1`) in milliseconds: the midpoint of the bucket holding the
 * `ceil(q * count)`-th smallest duration, clamped to the recorded minimum and maximum. `NaN` while
 * empty.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Histogram } from 'tripswitch'
 *
 * const h = Histogram.make()
 * for (let ms = 1; ms <= 100; ms++) Histogram.record(h, ms)
 * assert.strictEqual(Histogram.quantile(0.99)(h), 100) // the true value, 99, within 6.25 %
 *
 * @category destructors
 * @since 0.1.0
 */
export const quantile =
  (q: number) =>
  (h: Histogram): number => {
    const counts = h.counts
    if (counts === undefined || h.count === 0) return NaN
    const rank = Math.max(1, Math.ceil(q * h.count))
    let seen = 0
    // from the minimum's bucket: every bucket below it is empty
    for (let i = bucketOf(h.min); i < counts.length; i++) {
      seen += counts[i]!
      if (seen >= rank) {
        // the bucket's middle, in whole half-microseconds (no float noise)
        const midpoint = (2 * lowerMicros(i) + widthMicros(i) - 1) / 2000
        return Math.min(h.max, Math.max(h.min, midpoint))
      }
    }
    return h.max
  }

/**
 * The mean duration in milliseconds, `NaN` while empty.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Histogram } from 'tripswitch'
 *
 * const h = Histogram.make()
 * assert.ok(Number.isNaN(Histogram.mean(h)))
 * Histogram.record(h, 10)
 * assert.strictEqual(Histogram.mean(h), 10)
 *
 * @category destructors
 * @since 0.1.0
 */
export const mean = (h: Histogram): number => (h.count === 0 ? NaN : h.sum / h.count)
