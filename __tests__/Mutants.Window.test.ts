/**
 * Deterministic examples for the mutants of src/Window.ts that no other test killed (issue 18, see
 * docs/testing.md "Mutation testing"): each test names the behaviour it pins.
 */
import * as E from 'fp-ts/Either'
import { Strategy, Window } from 'tripswitch'

const recordAll = (
  w: Window.Window,
  marks: string,
  at: (i: number) => number = (i) => i
): Window.WindowState =>
  [...marks].reduce((s, c, i) => Window.record(w, s, c === 'F', at(i)), Window.empty(w))

describe('Window.stateProblems: the bounds a count window implies', () => {
  const w = Window.count(10) // one page of one 32-bit word: 32 positions
  const s = recordAll(w, 'FSFSFSF') as Window.CountWindowState

  it('accepts the state the window recorded', () => {
    expect(Window.stateProblems(w, s)).toEqual([])
  })

  it('names marks above the calls in the window', () => {
    expect(Window.stateProblems(w, { ...s, marked: 8 })).toEqual([
      'tally.marked: expected an integer from 0 to 7, got 8'
    ])
  })

  it('names a cursor past the last position of the ring', () => {
    expect(Window.stateProblems(w, { ...s, cursor: 32 })).toEqual([
      'tally.cursor: expected an integer from 0 to 31, got 32'
    ])
  })

  it('names a page being filled that already holds every word of a page', () => {
    expect(Window.stateProblems(w, { ...s, page: [0] })).toEqual([
      'tally.page: expected fewer than 1 32-bit integers, got 1'
    ])
  })

  it('names a completed page of the wrong length, and more pages than the ring holds', () => {
    expect(Window.stateProblems(w, { ...s, pages: [[1, 2]] })).toEqual([
      'tally.pages[0]: expected 1 32-bit integers, got 2'
    ])
    expect(Window.stateProblems(w, { ...s, pages: [[0], [0]] })).toEqual([
      'tally.pages: expected an array of at most 1 pages, got 2'
    ])
  })

  it('names a cursor away from the calls recorded while the window is not full, with the calls', () => {
    expect(Window.stateProblems(w, { ...s, cursor: 3 })).toEqual([
      'tally.cursor: expected 7 (the calls recorded) while the window is not full, got 3'
    ])
  })
})

describe('Window.stateProblems: where the cursor puts the words and pages of a count window', () => {
  it.each([
    {
      what: 'a page being filled with fewer words than the cursor has passed',
      size: 100, // pages of 4 words
      calls: 40,
      change: { page: [] },
      layout: { page: 1, pages: 0 },
      problem: 'tally.page: expected 1 words at cursor 40, got 0'
    },
    {
      what: 'missing pages behind the cursor',
      size: 2_500, // three pages of 1,024 calls
      calls: 1_030,
      change: { pages: [] },
      layout: { page: 0, pages: 1 },
      problem: 'tally.pages: expected at least 1 pages at cursor 1030, got 0'
    }
  ])('names $what', ({ size, calls, change, layout, problem }) => {
    const w = Window.count(size)
    const s = recordAll(w, 'F'.repeat(calls)) as Window.CountWindowState
    expect(Window.stateProblems(w, s)).toEqual([])
    expect({ page: s.page.length, pages: s.pages.length }).toEqual(layout)
    expect(Window.stateProblems(w, { ...s, ...change })).toEqual([problem])
  })
})

describe('Window.stateProblems: the bounds and sums of a time window', () => {
  const w = Window.time(1_000, 4) // buckets of 250 ms
  // F in bucket 0, S in bucket 1, F F in bucket 2 (the newest)
  const s = recordAll(w, 'FSFF', (i) => [0, 300, 600, 610][i] as number) as Window.TimeWindowState

  it('accepts the state the window recorded', () => {
    expect(s).toMatchObject({ bucket: 2, calls: 4, marked: 3, bucketCalls: 2, bucketMarked: 2 })
    expect(s.ring).toEqual([1, 1, 1, 0, 0, 0, 0, 0])
    expect(Window.stateProblems(w, s)).toEqual([])
  })

  it.each<{
    readonly what: string
    readonly change: Partial<Window.TimeWindowState>
    readonly problems: ReadonlyArray<string>
  }>([
    {
      what: 'marks above the calls',
      change: { marked: 5 },
      problems: ['tally.marked: expected an integer from 0 to 4, got 5']
    },
    {
      what: "calls of the newest bucket above the window's",
      change: { bucketCalls: 5 },
      problems: ['tally.bucketCalls: expected an integer from 0 to 4, got 5']
    },
    {
      what: 'marks of the newest bucket above its calls',
      change: { bucketMarked: 3 },
      problems: ['tally.bucketMarked: expected an integer from 0 to 2, got 3']
    },
    {
      what: 'a bucket with more marks than calls',
      change: { ring: [1, 2, 1, 0, 0, 0, 0, 0] },
      problems: [
        "tally.ring[1]: expected at most the bucket's calls (1), got 2",
        'tally.marked: expected 4 (the sum of the buckets), got 3'
      ]
    },
    {
      what: 'marks that do not add up',
      change: { marked: 2 },
      problems: ['tally.marked: expected 3 (the sum of the buckets), got 2']
    },
    {
      what: "counts left in the newest bucket's slot",
      change: { ring: [1, 1, 1, 0, 1, 1, 0, 0] },
      problems: [
        "tally.ring[4]: expected zeros in the newest bucket's slot (its counts are bucketCalls and bucketMarked)",
        'tally.calls: expected 5 (the sum of the buckets), got 4',
        'tally.marked: expected 4 (the sum of the buckets), got 3'
      ]
    },
    {
      what: "calls alone left in the newest bucket's slot",
      change: { ring: [1, 1, 1, 0, 1, 0, 0, 0] },
      problems: [
        "tally.ring[4]: expected zeros in the newest bucket's slot (its counts are bucketCalls and bucketMarked)",
        'tally.calls: expected 5 (the sum of the buckets), got 4'
      ]
    },
    {
      what: "marks alone left in the newest bucket's slot",
      change: { ring: [1, 1, 1, 0, 0, 1, 0, 0] },
      problems: [
        "tally.ring[5]: expected at most the bucket's calls (0), got 1",
        "tally.ring[4]: expected zeros in the newest bucket's slot (its counts are bucketCalls and bucketMarked)",
        'tally.marked: expected 4 (the sum of the buckets), got 3'
      ]
    }
  ])('names $what', ({ change, problems }) => {
    expect(Window.stateProblems(w, { ...s, ...change })).toEqual(problems)
  })
})

describe('Window: the layout of a count window state (what a persisted state holds)', () => {
  it('keeps a window of fewer than 1,024 calls in a single page of a power of two of words', () => {
    const w = Window.count(100) // ceil(100 / 32) = 4 words of 32 calls: one page, a ring of 128 positions
    expect(recordAll(w, 'F'.repeat(40))).toEqual({
      _tag: 'CountWindow',
      calls: 40,
      marked: 40,
      cursor: 40,
      word: 0xff,
      page: [-1],
      pages: []
    })
    expect(recordAll(w, 'F'.repeat(128))).toEqual({
      _tag: 'CountWindow',
      calls: 100,
      marked: 100,
      cursor: 0,
      word: 0,
      page: [],
      pages: [[-1, -1, -1, -1]]
    })
    expect(
      Window.stateProblems(w, { ...(recordAll(w, 'S'.repeat(100)) as Window.CountWindowState), cursor: 128 })
    ).toEqual(['tally.cursor: expected an integer from 0 to 127, got 128'])
  })
})

describe('Window.check and Window.stateShapeChecks: a value that is not an object', () => {
  it('names a window, for Window.check', () => {
    expect(Window.check.decode(5)).toEqual(
      E.left([{ path: [], message: 'expected a window (Window.count or Window.time), got 5' }])
    )
  })

  it('names a count window and a time window', () => {
    expect(Window.stateShapeChecks.CountWindow.decode(5)).toEqual(
      E.left([expect.objectContaining({ message: 'expected a count window, got 5' })])
    )
    expect(Window.stateShapeChecks.TimeWindow.decode(5)).toEqual(
      E.left([expect.objectContaining({ message: 'expected a time window, got 5' })])
    )
  })
})

describe('Window.empty: shared empty states', () => {
  it('gives the same object for time windows of the same bucket count, and for every count window', () => {
    expect(Window.empty(Window.time(1_000, 4))).toBe(Window.empty(Window.time(8_000, 4)))
    expect(Window.empty(Window.time(1_000, 4))).not.toBe(Window.empty(Window.time(1_000, 5)))
    expect(Window.empty(Window.count(10))).toBe(Window.empty(Window.count(2_000)))
  })

  it('keeps at most 1,024 shapes of empty time windows: past those, each is made anew, equal in value', () => {
    // ask for more shapes than the cache holds, whatever this file asked for before
    for (let buckets = 1; buckets <= 1_100; buckets++) Window.empty(Window.time(buckets * 1_000, buckets))
    const uncached = Window.time(9_999_000, 9_999)
    expect(Window.empty(uncached)).not.toBe(Window.empty(uncached))
    expect(Window.empty(uncached)).toEqual(Window.empty(uncached))
    expect(Window.empty(Window.time(4_000, 4))).toBe(Window.empty(Window.time(8_000, 4)))
  })
})

describe('Window.documentCheck: a window in a config document that is not an object', () => {
  it('says a window was expected, also below a strategy document', () => {
    expect(Window.documentCheck.decode(5)).toEqual(
      E.left([{ path: [], message: 'expected a window, got 5' }])
    )
    expect(Strategy.documentCheck.decode({ kind: 'failureCount', window: 'count', threshold: 1 })).toEqual(
      E.left([{ path: ['window'], message: 'expected a window, got "count"' }])
    )
  })
})
