import * as fc from 'fast-check'
import { Histogram } from 'tripswitch'

/** The exact `q`-quantile as `Histogram.quantile` defines its rank: the `ceil(q * n)`-th smallest. */
const exactQuantile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!

const micros = (ms: number) => Math.round(ms * 1000) / 1000

describe('Histogram', () => {
  it('is empty at first: NaN quantiles and mean, no counters allocated', () => {
    const h = Histogram.make()
    expect(Histogram.quantile(0.5)(h)).toBeNaN()
    expect(Histogram.mean(h)).toBeNaN()
    expect(h.counts).toBeUndefined()
  })

  it('gives every microsecond below 16 µs its own bucket', () => {
    for (let us = 0; us < 16; us++) {
      expect(Histogram.bucketOf(us / 1000)).toBe(us)
      expect(Histogram.bucketBounds(us)).toEqual([us / 1000, us / 1000])
    }
  })

  it('has buckets that tile the range without gaps, each at most 1/8 of its lower bound wide', () => {
    let previousUpper = -0.001
    for (let i = 0; i < Histogram.size; i++) {
      const [lo, hi] = Histogram.bucketBounds(i)
      expect(micros(lo)).toBeCloseTo(previousUpper + 0.001, 6)
      expect(Histogram.bucketOf(lo)).toBe(i)
      expect(Histogram.bucketOf(hi)).toBe(i)
      if (i >= 16) expect(hi - lo + 0.001).toBeLessThanOrEqual(lo / 8 + 1e-9)
      previousUpper = hi
    }
  })

  it('puts negative durations in the first bucket and very long ones in the last', () => {
    expect(Histogram.bucketOf(-5)).toBe(0)
    expect(Histogram.bucketOf(1e12)).toBe(Histogram.size - 1)
    expect(Histogram.bucketOf(Infinity)).toBe(Histogram.size - 1)
  })

  it('skips unknown (NaN) durations', () => {
    const h = Histogram.make()
    Histogram.record(h, NaN)
    expect(h.count).toBe(0)
    Histogram.record(h, 3)
    expect(h.count).toBe(1)
    expect(Histogram.mean(h)).toBe(3)
  })

  it('returns the exact value when every duration is the same', () => {
    const h = Histogram.make()
    for (let i = 0; i < 100; i++) Histogram.record(h, 123.456)
    expect(Histogram.quantile(0.5)(h)).toBe(123.456)
    expect(Histogram.quantile(0.99)(h)).toBe(123.456)
  })

  it('keeps min, max, count and mean exactly', () => {
    const h = Histogram.make()
    for (const ms of [4, 1, 9, 2]) Histogram.record(h, ms)
    expect([h.min, h.max, h.count, Histogram.mean(h)]).toEqual([1, 9, 4, 4])
  })

  it('estimates p50, p90 and p99 within 6.25 % of the exact order statistic', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 3_600_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (durations) => {
          const h = Histogram.make()
          for (const d of durations) Histogram.record(h, d)
          const sorted = durations.map(micros).sort((a, b) => a - b)
          for (const q of [0.5, 0.9, 0.99]) {
            const exact = exactQuantile(sorted, q)
            const estimate = Histogram.quantile(q)(h)
            expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(exact / 16 + 0.001)
          }
        }
      )
    )
  })

  it("reads a quantile as the middle of its bucket's bounds, kept within min and max", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 5_000_000, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (durations, q) => {
          const h = Histogram.make()
          for (const d of durations) Histogram.record(h, d)
          const rank = Math.max(1, Math.ceil(q * h.count))
          const buckets = durations.map(Histogram.bucketOf).sort((a, b) => a - b)
          const [lo, hi] = Histogram.bucketBounds(buckets[rank - 1]!)
          const middle = Math.round((lo + hi) * 1000) / 2000
          expect(Histogram.quantile(q)(h)).toBe(Math.min(h.max, Math.max(h.min, middle)))
        }
      )
    )
  })

  it('uses a fixed amount of memory however many durations it records', () => {
    const h = Histogram.make()
    Histogram.record(h, 1)
    const counts = h.counts
    expect(counts?.byteLength).toBe(Histogram.size * 4)
    for (let i = 0; i < 200_000; i++) Histogram.record(h, (i % 5_000) / 7)
    expect(h.counts).toBe(counts)
    expect(h.counts?.byteLength).toBe(Histogram.size * 4)
    expect(h.count).toBe(200_001)
  })
})
