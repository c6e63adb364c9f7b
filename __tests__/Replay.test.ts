/**
 * Traces, the truth model, replays and their figures, on small hand-made traces; sweeps, the
 * pictures and the command.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import * as E from 'fp-ts/Either'
import { Cli, Generate, Replay, Svg, Sweep, Trace, Truth } from 'tripswitch/replay'
import { pictures } from '../examples/tuning'
import { parseXml } from './_support/xml'

const header = '{"k":"trace","version":1,"breaker":"b"}'
const call = (t: number, d: number, o: 'success' | 'failure' | 'ignored') => ({ k: 'call' as const, t, d, o })
const rejected = (t: number, ra: number) => ({ k: 'call' as const, t, o: 'rejected' as const, ra })
const traceOf = (lines: ReadonlyArray<Trace.Line>, fallback = false): Trace.Trace => ({
  header: { k: 'trace', version: 1, breaker: 'b', ...(fallback ? { fallback } : {}) },
  lines,
  lineNumbers: lines.map((_, i) => i + 2)
})

describe('Trace', () => {
  it.each([
    [
      '{"k":"call","t":0,"o":"success"}',
      'line 2: d: missing, expected the duration of a call that ran ("success")'
    ],
    ['{"k":"call","t":"0","d":1,"o":"success"}', 'line 2: t: expected a finite number of ms, got "0"'],
    [
      '{"k":"call","t":0,"d":1,"o":"fine"}',
      'line 2: o: expected one of success, failure, ignored, rejected, got "fine"'
    ],
    ['{"k":"call","t":0,"d":-1,"o":"success"}', 'line 2: d: expected a finite number of ms >= 0, got -1'],
    ['{"k":"call","t":0,"d":1,"o":"success","ra":5}', 'line 2: ra: only a rejected call has a retryAfter'],
    [
      '{"k":"call","t":0,"d":1,"o":"success","open":5}',
      'line 2: open: only a failure asks for a Retry-After'
    ],
    ['{"k":"call","t":0,"d":1,"o":"success","dd":5}', 'line 2: dd: unknown key; did you mean d?'],
    [
      '{"k":"transition","t":0,"from":"Closed","to":"Shut","why":"tripped"}',
      'line 2: to: expected one of Closed, Open, HalfOpen, ForcedOpen, Disabled, MetricsOnly, got "Shut"'
    ],
    ['{"k":"calls","t":0}', 'line 2: k: expected one of call, transition, fallback, truncated, got "calls"'],
    ['[1]', 'line 2: expected a trace line (an object), got an array'],
    ['{"k":"call",', 'line 2: not JSON (Expected double-quoted property name in JSON at position 12']
  ])('reports %s by its line and field, and reads the rest', (bad, problem) => {
    const parsed = Trace.parse([header, bad, '{"k":"call","t":5,"d":1,"o":"success"}', ''].join('\n'))
    expect(E.isRight(parsed) && parsed.right.errors).toEqual([expect.stringContaining(problem)])
    expect(E.isRight(parsed) && parsed.right.trace.lines).toEqual([call(5, 1, 'success')])
    expect(E.isRight(parsed) && parsed.right.trace.lineNumbers).toEqual([3])
  })

  it('stops at the first bad line with onError: stop', () => {
    const parsed = Trace.parse(
      [header, '{"k":"call","t":0,"o":"success"}', '{"k":"call","t":"x"}'].join('\n'),
      'stop'
    )
    expect(E.isLeft(parsed) && parsed.left.problems).toEqual([
      'line 2: d: missing, expected the duration of a call that ran ("success")'
    ])
  })

  it('requires a header of its version first', () => {
    const problems = (text: string) => {
      const parsed = Trace.parse(text)
      return E.isLeft(parsed) ? parsed.left.problems : []
    }
    expect(problems('')).toEqual(['line 1: missing, expected a trace header'])
    expect(problems('{"k":"trace","version":2,"breaker":"b"}')).toEqual([
      "line 1: version: expected 1 (this reader's version), got 2"
    ])
    expect(problems('\n{"k":"call","t":0,"d":1,"o":"success"}')).toEqual([
      'line 2: k: expected "trace", got "call"',
      'line 2: t: unknown key; did you mean k?',
      'line 2: d: unknown key; did you mean k?',
      'line 2: o: unknown key; did you mean k?',
      'line 2: version: missing, expected a trace header to have it',
      'line 2: breaker: missing, expected a trace header to have it'
    ])
  })

  it('round-trips a trace through its text, Infinity as null', () => {
    const lines: ReadonlyArray<Trace.Line> = [
      call(0, 1, 'failure'),
      { k: 'call', t: 2, o: 'rejected', ra: Infinity },
      { k: 'transition', t: 1, from: 'Closed', to: 'ForcedOpen', why: 'manual' },
      { k: 'fallback', t: 2 },
      { k: 'truncated', t: 3, lines: 6 }
    ]
    const text = Trace.format({ k: 'trace', version: 1, breaker: 'b' }, lines)
    expect(Trace.unsafeParse(text).trace.lines).toEqual(lines)
  })

  it('decodes a line into a fresh object of its known keys, Infinity for a null retryAfter', () => {
    const input = { k: 'call', t: 1, o: 'rejected', ra: null }
    const decoded = Trace.Line.decode(input)
    expect(E.isRight(decoded) && decoded.right).toEqual({ k: 'call', t: 1, o: 'rejected', ra: Infinity })
    expect(E.isRight(decoded) && decoded.right).not.toBe(input)
    expect(input.ra).toBeNull()
    expect(Trace.Line.is({ k: 'fallback', t: 1 })).toBe(true)
    expect(Trace.Line.is({ k: 'fallback', t: 1, constructor: 1 })).toBe(false)
  })

  it('reports at most 100 bad lines one by one', () => {
    const text = [header, ...Array.from({ length: 150 }, () => '{}')].join('\n')
    const errors = Trace.unsafeParse(text).errors
    expect(errors).toHaveLength(101)
    expect(errors[100]).toBe('and 50 more bad lines')
  })
})

describe('Truth', () => {
  const lines: ReadonlyArray<Trace.Line> = [
    call(0, 1, 'failure'),
    rejected(1_000, 0),
    rejected(2_600, 0),
    call(3_000, 1, 'success')
  ]
  it.each([
    ['nearest', [0, 0, 3, 3]],
    ['previous', [0, 0, 0, 3]],
    ['next', [0, 3, 3, 3]]
  ] as const)('assumes a rejected call answered as its %s observed neighbour', (assume, source) => {
    expect(Array.from(Truth.make(traceOf(lines), { assume }).source)).toEqual(source)
  })

  it('finds outages by bucket: from the first failure to the first success of the first healthy bucket', () => {
    const t = Truth.make(
      traceOf([
        call(0, 1, 'success'),
        call(1_200, 1, 'failure'),
        call(1_900, 1, 'failure'),
        call(3_500, 1, 'success'),
        call(5_000, 1, 'failure')
      ]),
      { bucket: 1_000 }
    )
    expect(t.outages).toEqual([
      { start: 1_200, end: 3_500, ongoing: false },
      { start: 5_000, end: 5_001, ongoing: true }
    ])
    expect(Array.from(t.buckets.rates)).toEqual([0, 1, NaN, 0, NaN, 1])
  })

  it('widens its buckets for a trace that would need more than maxBuckets', () => {
    const t = Truth.make(traceOf([call(0, 1, 'success'), call(1e10, 1, 'failure')]), { bucket: 1_000 })
    expect([t.buckets.size, t.buckets.rates.length]).toEqual([
      (1e10 + 1) / Truth.maxBuckets,
      Truth.maxBuckets
    ])
    expect(t.outages).toEqual([{ start: 1e10, end: 1e10 + 1, ongoing: true }])
  })

  it('checks its options', () => {
    expect(() => Truth.resolve({ bucket: 0 })).toThrow('bucket: expected a finite number of ms > 0, got 0')
    expect(() => Truth.resolve({ outageRate: 2 })).toThrow('outageRate: expected a rate in (0, 1], got 2')
    expect(() => Truth.resolve({ assume: 'always' as never })).toThrow(
      'assume: expected nearest, previous or next'
    )
  })
})

describe('Replay', () => {
  // a dependency down from 1 s to 3 s, one call every 200 ms, each 10 ms long; the trace saw all
  const outage: ReadonlyArray<Trace.Line> = Array.from({ length: 25 }, (_, k) =>
    call(k * 200, 10, k * 200 >= 1_000 && k * 200 < 3_000 ? 'failure' : 'success')
  )
  const figures = (lines: ReadonlyArray<Trace.Line>, config: object, fallback = false) =>
    Replay.replay(Replay.prepare(traceOf(lines, fallback)), config).figures

  it.each([
    // config, calls into failure, false rejections, detected after, recovered after, trips, re-opens
    // open 1410-2410, the probe at 2600 fails, open 2610-3610: 3000-3600 rejected though healthy
    [{ failureThreshold: 3, openFor: 1_000 }, 4, 4, 410, 810, 1, 1],
    // open 1410-3910: 3000-3800 rejected though healthy; the probe at 4000 closes it
    [{ failureThreshold: 3, openFor: 2_500 }, 3, 5, 410, 1010, 1, 0],
    // never opens: every failing call goes through
    [{ failureThreshold: 20, openFor: 1_000 }, 10, 0, null, 0, 0, 0],
    // opens at 1010, probes fail at 1600, 2200, 2800; the probe at 3400 closes it at 3410
    [{ failureThreshold: 1, openFor: 400 }, 4, 2, 10, 410, 1, 3]
  ])(
    'replays %j to its figures',
    (config, intoFailure, falseRejections, detected, recovered, trips, reopens) => {
      const f = figures(outage, config)
      expect([
        f.callsIntoFailure,
        f.falseRejections,
        f.outages[0]?.detectedAfter,
        f.outages[0]?.recoveredAfter,
        f.trips,
        f.reopens
      ]).toEqual([intoFailure, falseRejections, detected, recovered, trips, reopens])
      expect(f.calls).toBe(25)
      expect(f.admitted + f.rejected).toBe(25)
    }
  )

  it('counts a trip on a healthy dependency as a flap, and fallbacks when the caller has one', () => {
    const blips = [
      call(0, 1, 'failure'),
      call(100, 1, 'success'),
      call(200, 1, 'success'),
      call(300, 1, 'success'),
      call(400, 1, 'success')
    ]
    const f = figures(blips, { failureThreshold: 1, openFor: 250 }, true)
    expect([f.trips, f.flaps, f.rejected, f.fallbacks, f.falseRejections, f.outages.length]).toEqual([
      1, 1, 2, 2, 2, 0
    ])
    expect(figures(blips, { failureThreshold: 1, openFor: 250 }).fallbacks).toBe(0)
  })

  it('gives a call the recorded breaker rejected the outcome and duration the truth assumes', () => {
    // recorded: open from 10 to 30 s; the probe at 30 s succeeded
    const lines: ReadonlyArray<Trace.Line> = [
      call(0, 5, 'failure'),
      { k: 'transition', t: 5, from: 'Closed', to: 'Open', why: 'tripped' },
      rejected(1_000, 29_000),
      rejected(25_000, 5_000),
      call(30_000, 5, 'success')
    ]
    const result = Replay.replay(Replay.prepare(traceOf(lines)), { failureThreshold: 1, openFor: 500 })
    expect(result.verdicts).toEqual(['admitted', undefined, 'probe', 'probe', 'admitted'])
    // the probe at 1 s failed (its nearest observed call failed), the one at 25 s succeeded
    expect(result.transitions.map((t) => `${t.t} ${t.to}`)).toEqual([
      '5 Open',
      '1000 HalfOpen',
      '1005 Open',
      '25000 HalfOpen',
      '25005 Closed'
    ])
  })

  it('replays manual transitions as control events', () => {
    const lines: ReadonlyArray<Trace.Line> = [
      { k: 'transition', t: 0, from: 'Closed', to: 'ForcedOpen', why: 'manual' },
      rejected(10, Infinity),
      { k: 'transition', t: 20, from: 'ForcedOpen', to: 'Closed', why: 'manual' },
      call(30, 1, 'success')
    ]
    const prepared = Replay.prepare(traceOf(lines))
    const result = Replay.replay(prepared, {})
    expect(result.verdicts).toEqual([undefined, 'rejected', undefined, 'admitted'])
    expect(result.retryAfter[1]).toBe(Infinity)
    expect(Replay.disagreements(prepared, result)).toEqual([])
  })
})

describe('Sweep', () => {
  it('names and checks the points of a grid', () => {
    const bad = Sweep.grid({ vary: { failureThreshold: [3, 0] } })
    expect(E.isLeft(bad) && bad.left.problems).toEqual([
      'grid point 2 (failureThreshold=0): failureThreshold: expected a positive integer, got 0'
    ])
    const shape = Sweep.grid({ vary: { openFor: [] }, bases: {} })
    expect(E.isLeft(shape) && shape.left.problems).toEqual([
      'bases: unknown key; did you mean base?',
      'vary.openFor: expected a non-empty list of values, got an array'
    ])
    const big = Sweep.grid({ vary: { a: Array(101).fill(1), b: Array(100).fill(1) } })
    expect(E.isLeft(big) && big.left.problems).toEqual(['grid: 10100 configs, expected at most 10000'])
  })

  it('finds the same figures on worker threads as inline, and marks the front', async () => {
    const g = Generate.trace('flapping', { duration: 120_000, rate: 10 })
    const text = Trace.format(g.header, g.lines)
    const points = Sweep.grid({ vary: { failureThreshold: [2, 5], openFor: ['5s', '20s', '30s'] } })
    if (E.isLeft(points)) throw points.left
    const { outcomes: inline } = await Sweep.run(text, points.right, { workers: 0 })
    const { outcomes: threaded } = await Sweep.run(text, points.right, { workers: 2 })
    expect(threaded).toEqual(inline)
    const front = inline.filter((o) => o.front)
    expect(front.length).toBeGreaterThan(0)
    for (const o of inline.filter((x) => !x.front)) {
      expect(
        front.some(
          (f) =>
            f.figures.callsIntoFailure <= o.figures.callsIntoFailure &&
            f.figures.falseRejections <= o.figures.falseRejections &&
            f.figures.recoveryDelay <= o.figures.recoveryDelay
        )
      ).toBe(true)
    }
  }, 60_000)
})

describe('Svg', () => {
  it('draws a well-formed picture with a row per config', () => {
    const prepared = Replay.prepare(Generate.trace('retry-after', { duration: 60_000 }))
    const results = [
      Replay.replay(prepared, { failureThreshold: 3 }, 'a & b'),
      Replay.replay(prepared, {}, 'defaults')
    ]
    const texts = parseXml(Svg.render('retry <after>', prepared, results))
    expect(texts).toEqual(
      expect.arrayContaining(['Replay: retry &lt;after&gt;', 'a &amp; b', 'defaults', 'dependency health'])
    )
  })

  it('draws the health of a trace with more buckets than pixels, one rect per pixel column', () => {
    const prepared = Replay.prepare(Generate.trace('flapping', { duration: 3_000_000, rate: 1 }))
    expect(prepared.truth.buckets.rates.length).toBe(3_000)
    const svg = Svg.render('long', prepared, [])
    parseXml(svg)
    expect(svg.match(/<rect /g)!.length).toBeLessThan(1_200)
  })
})

describe('docs/tuning.md', () => {
  it('shows the pictures examples/tuning.ts draws, each well-formed', () => {
    for (const [name, svg] of pictures()) {
      expect([name, readFileSync(path.join(__dirname, '..', 'docs', name), 'utf8') === svg]).toEqual([
        name,
        true
      ])
      expect(parseXml(svg)).toContain('dependency health')
    }
  })
})

describe('Cli', () => {
  const memory = (files: Record<string, string>) => {
    const out: Array<string> = []
    const err: Array<string> = []
    const fs = new Map(Object.entries(files))
    const io: Cli.Io = {
      readFile: (f) => {
        const s = fs.get(f)
        if (s === undefined) throw new Error('ENOENT')
        return s
      },
      writeFile: (f, s) => void fs.set(f, s),
      stdout: (s) => void out.push(s),
      stderr: (s) => void err.push(s)
    }
    return { io, out, err, fs }
  }

  it('replays a trace through configs side by side, reporting bad lines and writing the picture', async () => {
    const m = memory({
      't.jsonl': [
        header,
        JSON.stringify(call(0, 1, 'failure')),
        '{"k":"call","t":"x"}',
        JSON.stringify(call(10, 1, 'failure'))
      ].join('\n'),
      'one.json': '{"failureThreshold": 1}',
      'two.json': '{"failureThreshold": 2, "openFor": "1s"}'
    })
    expect(
      await Cli.main(
        ['replay', 't.jsonl', '--config', 'one.json', '--config=two.json', '--svg', 'o.svg'],
        m.io
      )
    ).toBe(0)
    expect(m.out.join('')).toMatch(/^ +one +two\ncalls +2 +2\nadmitted +1 +2\nrejected +1 +0\n/)
    expect(m.err.join('')).toBe(
      't.jsonl: line 3: t: expected a finite number of ms, got "x" (left out; --strict stops instead)\n' +
        't.jsonl: line 3: o: missing, expected a call line to have it (left out; --strict stops instead)\n'
    )
    expect(parseXml(m.fs.get('o.svg')!)).toContain('one')
    expect(await Cli.main(['replay', 't.jsonl', '--strict'], m.io)).toBe(1)
  })

  it('says whether a recorded trace replays to its decisions through its own config', async () => {
    const m = memory({
      'r.jsonl': [
        '{"k":"trace","version":1,"breaker":"b","source":"recorded","config":{"failureThreshold":1}}',
        JSON.stringify(call(0, 1, 'failure')),
        '{"k":"transition","t":1,"from":"Closed","to":"Open","why":"tripped"}',
        JSON.stringify(rejected(5, 29_996))
      ].join('\n')
    })
    expect(await Cli.main(['replay', 'r.jsonl'], m.io)).toBe(0)
    expect(m.out.join('')).toContain('reproduces every recorded decision')
  })

  it.each([
    [['replay'], 2, 'replay: expected a trace file'],
    [['replay', 'missing.jsonl'], 1, 'missing.jsonl: cannot read it (ENOENT)'],
    [
      ['replay', 'g.jsonl', '--config', 'bad.json'],
      1,
      'bad.json: Invalid circuit breaker config:\n  - failureTreshold: unknown key; did you mean failureThreshold?'
    ],
    [['replay', 'g.jsonl', '--colour'], 2, 'unknown option --colour'],
    [['sweep', 'g.jsonl'], 2, 'sweep: expected --grid <grid.json>'],
    [
      ['generate', 'earthquake'],
      2,
      'generate: expected one of hard-outage, brownout, flapping, slow, retry-after, got earthquake'
    ],
    [['frobnicate'], 2, 'unknown command frobnicate']
  ])('%j exits %d naming the problem', async (argv, code, message) => {
    const m = memory({ 'g.jsonl': `${header}\n`, 'bad.json': '{"failureTreshold": 3}' })
    expect(await Cli.main(argv, m.io)).toBe(code)
    expect(m.err.join('')).toContain(message)
  })

  it('sweeps a grid inline and prints the front, reporting lines left out', async () => {
    const g = Generate.trace('hard-outage', { duration: 60_000, rate: 10 })
    const m = memory({
      't.jsonl': `${Trace.format(g.header, g.lines)}{"k":"call"}\n`,
      'grid.json': '{"vary":{"failureThreshold":[2,50]}}',
      'bad.jsonl': '{"k":"trace"}\n'
    })
    expect(await Cli.main(['sweep', 't.jsonl', '--grid', 'grid.json', '--workers', '0', '--all'], m.io)).toBe(
      0
    )
    expect(m.out.join('')).toMatch(/^2 configs, 1 on the Pareto front/)
    expect(m.out.join('')).toContain('failureThreshold=50 (dominated)')
    expect(m.err.join('')).toContain(
      `t.jsonl: line ${g.lines.length + 2}: t: missing, expected a call line to have it (left out)`
    )
    expect(await Cli.main(['sweep', 'bad.jsonl', '--grid', 'grid.json', '--workers', '0'], m.io)).toBe(1)
    expect(m.err.join('')).toContain('bad.jsonl: Invalid trace:\n  - line 1: version: missing')
  })

  it('runs as the tripswitch program (bin), from the sources', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tripswitch-cli-'))
    try {
      const root = path.join(__dirname, '..')
      const tsx = path.join(root, 'node_modules', '.bin', 'tsx')
      const bin = path.join(root, 'src', 'replay', 'bin.ts')
      const trace = path.join(dir, 't.jsonl')
      execFileSync(tsx, [bin, 'generate', 'slow', '--duration', '60000', '--out', trace])
      writeFileSync(path.join(dir, 'a.json'), '{"failureThreshold": 4}')
      const out = execFileSync(tsx, [bin, 'replay', trace, '--config', path.join(dir, 'a.json')], {
        encoding: 'utf8'
      })
      expect(out).toMatch(/calls into failure/)
      expect(readFileSync(trace, 'utf8').split('\n')[0]).toBe(
        '{"k":"trace","version":1,"breaker":"generated:slow","source":"generated","fallback":true}'
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
