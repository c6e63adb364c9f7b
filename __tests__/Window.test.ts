import * as fc from 'fast-check'
import { Window } from 'tripswitch'

// -------------------------------------------------------------------------------------
// a naive model: keep the whole history, recount on every question
// -------------------------------------------------------------------------------------

interface Call {
  readonly t: number
  readonly mark: boolean
}

const naiveCount = (size: number, history: ReadonlyArray<Call>): Window.Totals => {
  const last = history.slice(Math.max(0, history.length - size))
  return { calls: last.length, marked: last.filter((c) => c.mark).length }
}

const naiveTime = (w: Window.TimeWindow, history: ReadonlyArray<Call>, at: number): Window.Totals => {
  const width = w.duration / w.buckets
  // a call counts in the newest bucket seen so far: time never runs backwards in a window
  let newest = -Infinity
  const placed = history.map((c) => {
    newest = Math.max(newest, Math.floor(c.t / width))
    return { bucket: newest, mark: c.mark }
  })
  const current = Math.max(Math.floor(at / width), newest)
  const held = placed.filter((p) => p.bucket > current - w.buckets && p.bucket <= current)
  return { calls: held.length, marked: held.filter((p) => p.mark).length }
}

const run = (w: Window.Window, history: ReadonlyArray<Call>): Window.WindowState =>
  history.reduce((s, c) => Window.record(w, s, c.mark, c.t), Window.empty(w))

const totals = (w: Window.Window, history: ReadonlyArray<Call>, at: number): Window.Totals => {
  const t = Window.totals(w, run(w, history), at)
  return { calls: t.calls, marked: t.marked }
}

const calls = (spec: string, times?: ReadonlyArray<number>): ReadonlyArray<Call> =>
  [...spec].map((c, i) => ({ t: times?.[i] ?? i, mark: c === 'F' }))

// -------------------------------------------------------------------------------------
// arbitraries
// -------------------------------------------------------------------------------------

const countWindow = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 70 }) },
  { weight: 1, arbitrary: fc.integer({ min: 71, max: 3_000 }) }
)

const timeWindow = fc
  .record({ width: fc.integer({ min: 1, max: 100 }), buckets: fc.integer({ min: 1, max: 20 }) })
  .map(({ width, buckets }) => Window.time(width * buckets, buckets))

/** Clock moves: mostly small, sometimes whole windows or a very long idle gap, sometimes backwards. */
const gap = (scale: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 2 * scale }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 30 * scale }) },
    { weight: 1, arbitrary: fc.double({ min: 0, max: 3 * scale, noNaN: true }) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000_000, max: 1_000_000_000_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -3 * scale, max: 0 }) }
  )

const timeHistory = (w: Window.TimeWindow): fc.Arbitrary<ReadonlyArray<Call>> =>
  fc
    .tuple(
      fc.integer({ min: -10_000, max: 10_000 }),
      fc.array(fc.record({ dt: gap(w.duration / w.buckets), mark: fc.boolean() }), { maxLength: 200 })
    )
    .map(([start, steps]) => {
      let t = start
      return steps.map(({ dt, mark }) => {
        t += dt
        return { t, mark }
      })
    })

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('Window', () => {
  describe('count windows', () => {
    it('a window of 4 fed F,S,S,S holds 4 calls with 1 failure, and after one more S holds 4 with 0', () => {
      const w = Window.count(4)
      expect(totals(w, calls('FSSS'), 3)).toEqual({ calls: 4, marked: 1 })
      expect(totals(w, calls('FSSSS'), 4)).toEqual({ calls: 4, marked: 0 })
    })

    it.each([
      { size: 1, history: '', expected: { calls: 0, marked: 0 } },
      { size: 1, history: 'F', expected: { calls: 1, marked: 1 } },
      { size: 1, history: 'FS', expected: { calls: 1, marked: 0 } },
      { size: 3, history: 'FF', expected: { calls: 2, marked: 2 } },
      { size: 3, history: 'FFSF', expected: { calls: 3, marked: 2 } },
      { size: 5, history: 'FFFFFSSSSS', expected: { calls: 5, marked: 0 } },
      { size: 32, history: 'F' + 'S'.repeat(31), expected: { calls: 32, marked: 1 } },
      { size: 32, history: 'F' + 'S'.repeat(32), expected: { calls: 32, marked: 0 } },
      { size: 33, history: 'F'.repeat(40), expected: { calls: 33, marked: 33 } }
    ])('a window of $size fed "$history" holds $expected.calls calls, $expected.marked marked', (c) => {
      expect(totals(Window.count(c.size), calls(c.history), 100)).toEqual(c.expected)
    })

    it('ignores time: a long idle gap does not empty it', () => {
      const w = Window.count(3)
      expect(totals(w, calls('FFS', [0, 1, 2]), 1e12)).toEqual({ calls: 3, marked: 2 })
    })

    it('equals a recount of the full history, whatever the history and the window size', () => {
      fc.assert(
        fc.property(
          countWindow,
          fc.array(fc.record({ mark: fc.boolean(), repeat: fc.integer({ min: 1, max: 120 }) }), {
            maxLength: 60
          }),
          (size, runs) => {
            const w = Window.count(size)
            let s = Window.empty(w)
            const history: Array<Call> = []
            for (const { mark, repeat } of runs) {
              for (let i = 0; i < repeat; i++) {
                history.push({ t: history.length, mark })
                s = Window.record(w, s, mark, history.length)
              }
              const t = Window.totals(w, s, history.length)
              expect({ calls: t.calls, marked: t.marked }).toEqual(naiveCount(size, history))
            }
            expect(Window.stateProblems(w, s)).toEqual([])
          }
        ),
        { numRuns: 300 }
      )
    })

    it.each([1_000, 1_024, 1_025, 2_500, 100_000])(
      'a window of %i equals a recount after it wrapped around its ring several times',
      (size) => {
        const w = Window.count(size)
        let s = Window.empty(w)
        let seed = size
        const marks: Array<number> = []
        const prefix = [0]
        const n = Math.max(4 * size, 20_000)
        for (let i = 0; i < n; i++) {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
          // bursts of failures and of successes, so the counts move a lot
          const mark = ((seed >>> 16) & 7) < (Math.floor(i / 997) % 2 === 0 ? 1 : 6) ? 1 : 0
          marks.push(mark)
          prefix.push((prefix[i] ?? 0) + mark)
          s = Window.record(w, s, mark === 1, i)
          if (i % 613 === 0 || i === n - 1) {
            const held = Math.min(size, i + 1)
            expect(Window.totals(w, s, i)).toMatchObject({
              calls: held,
              marked: (prefix[i + 1] ?? 0) - (prefix[i + 1 - held] ?? 0)
            })
          }
        }
        expect(Window.stateProblems(w, s)).toEqual([])
      }
    )

    it('keeps memory bounded by its size: about size / 32 numbers (whole pages of 1,024 calls)', () => {
      for (const size of [10, 1_000, 100_000]) {
        const w = Window.count(size)
        let s = Window.empty(w) as Window.CountWindowState
        for (let i = 0; i < 3 * size + 5_000; i++)
          s = Window.record(w, s, i % 3 === 0, i) as Window.CountWindowState
        const numbers = s.pages.reduce((n, p) => n + p.length, 0) + s.page.length + 1
        expect(numbers).toBeLessThanOrEqual(32 * Math.ceil(size / 1_024) + 32)
        expect(numbers).toBeLessThanOrEqual(size / 32 + 64)
      }
    })
  })

  describe('time windows', () => {
    // 1 s in 10 buckets of 100 ms
    const w = Window.time(1_000, 10)

    it.each([
      { at: 999, expected: { calls: 3, marked: 2 }, why: 'everything is within the window' },
      { at: 1_000, expected: { calls: 1, marked: 1 }, why: 'the first bucket expires at exactly 1 s' },
      { at: 1_899, expected: { calls: 1, marked: 1 }, why: "the last call's bucket is still held" },
      { at: 1_900, expected: { calls: 0, marked: 0 }, why: "the last call's bucket expires" },
      { at: 1e12, expected: { calls: 0, marked: 0 }, why: 'nothing survives a long idle gap' }
    ])('fed F at 0, S at 50, F at 950, holds $expected.calls calls at $at: $why', ({ at, expected }) => {
      expect(totals(w, calls('FSF', [0, 50, 950]), at)).toEqual(expected)
    })

    it.each([
      { gap: 899, expected: { calls: 3, marked: 3 } },
      { gap: 900, expected: { calls: 2, marked: 2 } },
      { gap: 1_000, expected: { calls: 1, marked: 1 } },
      { gap: 10_000, expected: { calls: 1, marked: 1 } },
      { gap: 1e12, expected: { calls: 1, marked: 1 } }
    ])('after an idle gap of $gap ms, only the calls still in the window count', ({ gap, expected }) => {
      // F at 0 and F at 100; then F after the gap
      expect(totals(w, calls('FFF', [0, 100, 100 + gap]), 100 + gap)).toEqual(expected)
    })

    it('never counts stale buckets after a long idle period (where sampling breakers that keep them fail)', () => {
      // a busy minute of failures, silence for an hour, then one success: the window holds that success only
      const busy = Array.from({ length: 600 }, (_, i) => ({ t: i * 100, mark: true }))
      const later = 3_600_000
      const s = run(w, [...busy, { t: later, mark: false }])
      expect(Window.totals(w, s, later)).toMatchObject({ calls: 1, marked: 0 })
    })

    it('counts a call stamped before the newest bucket in the newest bucket', () => {
      expect(totals(w, calls('FF', [500, 120]), 500)).toEqual({ calls: 2, marked: 2 })
      // the early call expires with the newest bucket, not with its own
      expect(totals(w, calls('FF', [500, 120]), 1_499)).toEqual({ calls: 2, marked: 2 })
      expect(totals(w, calls('FF', [500, 120]), 1_500)).toEqual({ calls: 0, marked: 0 })
    })

    it('works with negative and fractional timestamps', () => {
      expect(totals(w, calls('FSF', [-250.5, -249.9, -0.5]), 0)).toEqual({ calls: 3, marked: 2 })
      expect(totals(w, calls('FSF', [-250.5, -249.9, -0.5]), 700)).toEqual({ calls: 1, marked: 1 })
    })

    it('equals a recount of the full history at every step and at any later instant, idle gaps included', () => {
      fc.assert(
        fc.property(
          timeWindow.chain((w) => fc.tuple(fc.constant(w), timeHistory(w), gap(w.duration / w.buckets))),
          ([w, history, extra]) => {
            let s = Window.empty(w)
            const seen: Array<Call> = []
            for (const c of history) {
              const before = JSON.stringify(s)
              const next = Window.record(w, s, c.mark, c.t)
              expect(JSON.stringify(s)).toBe(before) // never mutates its input
              s = next
              seen.push(c)
              const t = Window.totals(w, s, c.t)
              expect({ calls: t.calls, marked: t.marked }).toEqual(naiveTime(w, seen, c.t))
            }
            const last = history[history.length - 1]?.t ?? 0
            const at = last + Math.abs(extra)
            const t = Window.totals(w, s, at)
            expect({ calls: t.calls, marked: t.marked }).toEqual(naiveTime(w, history, at))
            expect(Window.stateProblems(w, s)).toEqual([])
          }
        ),
        { numRuns: 400 }
      )
    })

    it('keeps memory bounded by its bucket count', () => {
      const hour = Window.time(3_600_000, 60)
      let s = Window.empty(hour) as Window.TimeWindowState
      for (let i = 0; i < 50_000; i++)
        s = Window.record(hour, s, i % 2 === 0, i * 997) as Window.TimeWindowState
      expect(s.ring).toHaveLength(120)
    })
  })

  describe('state', () => {
    it('is plain JSON data: a round trip through JSON continues exactly as the original', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            countWindow.map((size): Window.Window => Window.count(size)),
            timeWindow.map((w): Window.Window => w)
          ),
          fc.array(fc.record({ dt: fc.integer({ min: 0, max: 500 }), mark: fc.boolean() }), {
            maxLength: 300
          }),
          fc.array(fc.record({ dt: fc.integer({ min: 0, max: 500 }), mark: fc.boolean() }), {
            maxLength: 50
          }),
          (w, first, then) => {
            let t = 0
            let s = Window.empty(w)
            for (const c of first) s = Window.record(w, s, c.mark, (t += c.dt))
            let copy = JSON.parse(JSON.stringify(s)) as Window.WindowState
            expect(copy).toEqual(s)
            for (const c of then) {
              t += c.dt
              s = Window.record(w, s, c.mark, t)
              copy = Window.record(w, copy, c.mark, t)
            }
            expect(copy).toEqual(s)
          }
        ),
        { numRuns: 200 }
      )
    })

    it('reports a mark stored at or above the cursor, also at the start of a word', () => {
      const w = Window.count(10)
      const empty = Window.empty(w) as Window.CountWindowState
      expect(Window.stateProblems(w, { ...empty, word: 1 })).toEqual([
        "tally.word: expected no bits at or above the cursor's position (0)"
      ])
      const s = run(w, calls('FS')) as Window.CountWindowState
      expect(Window.stateProblems(w, s)).toEqual([])
      expect(Window.stateProblems(w, { ...s, word: s.word | 4 })).toEqual([
        "tally.word: expected no bits at or above the cursor's position (2)"
      ])
      // what the decoder accepts, the window records on from: a full word, then the next call
      const full = run(Window.count(40), calls('F'.repeat(32))) as Window.CountWindowState
      expect(Window.stateProblems(Window.count(40), full)).toEqual([])
      const next = Window.record(Window.count(40), full, true, 0)
      expect(Window.stateProblems(Window.count(40), next)).toEqual([])
    })

    it('reports a tampered state, naming the field', () => {
      const w = Window.count(100)
      const s = run(w, calls('FFSFSSF')) as Window.CountWindowState
      expect(Window.stateProblems(w, s)).toEqual([])
      expect(Window.stateProblems(w, { ...s, marked: 2 })).toEqual([
        'tally.marked: expected 4 (the marks stored for the calls in the window), got 2'
      ])
      expect(Window.stateProblems(w, { ...s, calls: 101 })).toEqual([
        'tally.calls: expected an integer from 0 to 100, got 101'
      ])
      expect(Window.stateProblems(w, { ...s, cursor: 3 })[0]).toMatch(/^tally.cursor: expected 7/)
      expect(Window.stateProblems(w, { ...s, extra: 1 })).toEqual([
        'tally.extra: unknown key (expected one of: _tag, calls, marked, cursor, word, page, pages)'
      ])
      expect(Window.stateProblems(w, 'x')).toEqual(['tally: expected the state of a CountWindow, got "x"'])
      const tw = Window.time(1_000, 4)
      const ts = run(tw, calls('FSF', [0, 300, 600])) as Window.TimeWindowState
      expect(Window.stateProblems(tw, ts)).toEqual([])
      expect(Window.stateProblems(tw, { ...ts, calls: 5 })).toEqual([
        'tally.calls: expected 3 (the sum of the buckets), got 5'
      ])
      expect(Window.stateProblems(tw, { ...ts, ring: [1, 2] })[0]).toMatch(
        /^tally.ring: expected 8 non-negative/
      )
      expect(Window.stateProblems(tw, s)).toEqual(['tally._tag: expected "TimeWindow", got "CountWindow"'])
    })
  })

  describe('validation', () => {
    it.each([
      { window: Window.count(0), problem: 'window.size: expected an integer from 1 to 1000000, got 0' },
      { window: Window.count(-5), problem: 'window.size: expected an integer from 1 to 1000000, got -5' },
      { window: Window.count(2.5), problem: 'window.size: expected an integer from 1 to 1000000, got 2.5' },
      {
        window: Window.count(2_000_000),
        problem: 'window.size: expected an integer from 1 to 1000000, got 2000000'
      },
      {
        window: Window.time(0, 10),
        problem: 'window.duration: expected a positive integer number of milliseconds, got 0'
      },
      {
        window: Window.time(-1_000, 10),
        problem: 'window.duration: expected a positive integer number of milliseconds, got -1000'
      },
      {
        window: Window.time(1_000, 0),
        problem: 'window.buckets: expected an integer from 1 to 10000, got 0'
      },
      {
        window: Window.time(1_000, 3),
        problem:
          'window.buckets: expected a divisor of duration (1000 ms), so that every bucket spans whole milliseconds, got 3'
      },
      {
        window: Window.time(10, 20),
        problem:
          'window.buckets: expected a divisor of duration (10 ms), so that every bucket spans whole milliseconds, got 20'
      },
      {
        window: { _tag: 'Sliding', size: 3 },
        problem: 'window._tag: expected one of CountWindow, TimeWindow, got "Sliding"'
      }
    ])('rejects $window: $problem', ({ window, problem }) => {
      expect(Window.problems(window)).toEqual([problem])
    })

    it('accepts sensible windows', () => {
      for (const w of [
        Window.count(1),
        Window.count(1_000_000),
        Window.time(1, 1),
        Window.time(3_600_000, 60)
      ]) {
        expect(Window.problems(w)).toEqual([])
      }
    })
  })
})
