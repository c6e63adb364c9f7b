/**
 * The recorder on live breakers (the test clock), and the strongest test of replay: a trace recorded
 * from a live breaker, replayed through the same config by the pure core, reproduces every decision
 * the breaker made and every transition, exactly.
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { Breaker, Classifier, type Config, Event, wrap } from 'tripswitch'
import { Recorder, Replay, Trace } from 'tripswitch/replay'
import { testClock } from 'tripswitch/testing'
import { configInput } from './_support/arbitraries'

type Answer = 'fail' | 'ignore' | 'ok' | { readonly retryAfter: number }

type Step =
  | { readonly _tag: 'Call'; readonly dt: number; readonly duration: number; readonly answer: Answer }
  | { readonly _tag: 'Control'; readonly dt: number; readonly event: Event.Control }

const classify: Classifier.Classifier<unknown, unknown> = (result) => {
  if (result._tag === 'Right') return 'success'
  const e = result.left
  if (e === 'ignore') return 'ignore'
  if (typeof e === 'object' && e !== null && 'retryAfter' in e)
    return Classifier.trip((e as { retryAfter: number }).retryAfter)
  return 'failure'
}

/**
 * Runs `steps` against a live breaker with `config` on the test clock, with a recorder subscribed:
 * calls overlap (each settles `duration` ms after it starts), so probes, late outcomes and leases
 * all happen. Call `k` starts at an integer time and settles at a half: no start shares a moment with
 * another event. Resolves to the recorded text.
 */
const live = async (config: Config.ConfigInput, steps: ReadonlyArray<Step>, half = 0.5): Promise<string> => {
  const clock = testClock()
  const breaker = Breaker.make(config, { name: 'live', clock: clock.now, classify })()
  const recorder = Recorder.make({ flushLines: 7 })
  breaker.subscribe(recorder.listener)
  const pending = new Map<number, { settle: () => void; done: Promise<unknown> }>()
  const moments: Array<{ readonly t: number; readonly run: () => Promise<void> }> = []
  let t = 0
  steps.forEach((step, id) => {
    t += step.dt
    if (step._tag === 'Control') {
      const event = step.event
      moments.push({ t, run: async () => breaker.control(event)() })
      return
    }
    const { duration, answer } = step
    moments.push({
      t,
      run: async () => {
        let settle = (): void => undefined
        const work = wrap(breaker)(
          () =>
            new Promise<string>((resolve, reject) => {
              settle = () => (answer === 'ok' ? resolve('ok') : reject(answer))
            })
        )
        const done = work().catch(() => undefined)
        pending.set(id, { settle: () => settle(), done })
      }
    })
    moments.push({
      t: t + duration + half,
      run: async () => {
        const p = pending.get(id)!
        p.settle()
        await p.done
      }
    })
  })
  moments.sort((a, b) => a.t - b.t)
  for (const m of moments) {
    clock.set(Math.max(clock.now(), m.t))
    await m.run()
  }
  return recorder.text()
}

const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Answer>('fail') },
  { weight: 4, arbitrary: fc.constant<Answer>('ok') },
  { weight: 1, arbitrary: fc.constant<Answer>('ignore') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2_000 }).map((retryAfter) => ({ retryAfter })) }
)

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      _tag: fc.constant('Call' as const),
      dt: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1_500 })),
      duration: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1_200 })),
      answer
    })
  },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant('Control' as const),
      dt: fc.integer({ min: 1, max: 100 }),
      event: fc.constantFrom<Event.Control>(Event.reset, Event.forceOpen, Event.metricsOnly, Event.disable)
    })
  }
)

const replayed = (text: string, config: Config.ConfigInput) => {
  const parsed = Trace.unsafeParse(text, 'stop')
  const prepared = Replay.prepare(parsed.trace)
  return { parsed, prepared, result: Replay.replay(prepared, config, 'same') }
}

describe('Recorder', () => {
  it('writes a versioned header, the calls, the decisions and the transitions', async () => {
    const text = await live({ failureThreshold: 2, openFor: 1_000 }, [
      { _tag: 'Call', dt: 1, duration: 5, answer: 'fail' },
      { _tag: 'Call', dt: 10, duration: 5, answer: { retryAfter: 700 } },
      { _tag: 'Call', dt: 10, duration: 5, answer: 'ok' },
      { _tag: 'Call', dt: 800, duration: 5, answer: 'ok' }
    ])
    expect(text.split('\n')).toEqual([
      '{"k":"trace","version":1,"breaker":"live","source":"recorded"}',
      '{"k":"call","t":1,"d":5.5,"o":"failure"}',
      '{"k":"call","t":11,"d":5.5,"o":"failure","open":700}',
      '{"k":"transition","t":16.5,"from":"Closed","to":"Open","why":"tripped"}',
      '{"k":"call","t":21,"o":"rejected","ra":695.5}',
      '{"k":"transition","t":821,"from":"Open","to":"HalfOpen","why":"half-open"}',
      '{"k":"call","t":821,"d":5.5,"o":"success","p":true}',
      '{"k":"transition","t":826.5,"from":"HalfOpen","to":"Closed","why":"probe-succeeded"}',
      ''
    ])
  })

  it('replays a recorded trace through the same config to the same decisions and transitions, exactly', async () => {
    let calls = 0
    let transitions = 0
    let rejected = 0
    await fc.assert(
      fc.asyncProperty(
        configInput,
        fc.array(step, { minLength: 10, maxLength: 60, size: 'max' }),
        async (config, steps) => {
          const text = await live(config, steps)
          const { parsed, prepared, result } = replayed(text, config)
          expect(parsed.errors).toEqual([])
          // every call is in the trace
          const callLines = parsed.trace.lines.filter((l) => l.k === 'call')
          expect(callLines).toHaveLength(steps.filter((s) => s._tag === 'Call').length)
          calls += callLines.length
          rejected += callLines.filter((l) => l.k === 'call' && l.o === 'rejected').length
          transitions += result.transitions.length
          expect(Replay.disagreements(prepared, result)).toEqual([])
        }
      ),
      { numRuns: 150 }
    )
    // the property saw what it claims to check
    expect({ calls: calls > 3_000, rejected: rejected > 500, transitions: transitions > 500 }).toEqual({
      calls: true,
      rejected: true,
      transitions: true
    })
  })

  it('reproduces a sequential client whose calls start in the millisecond the previous one ends', async () => {
    const config = { failureThreshold: 2, openFor: 100, halfOpenProbes: 1 }
    const steps: ReadonlyArray<Step> = Array.from({ length: 40 }, (_, k) => ({
      _tag: 'Call',
      dt: k % 3 === 0 ? 0 : 50,
      duration: 0,
      answer: k % 5 < 3 ? 'fail' : 'ok'
    }))
    const text = await live(config, steps, 0)
    const { prepared, result } = replayed(text, config)
    expect(result.transitions.length).toBeGreaterThan(4)
    expect(Replay.disagreements(prepared, result)).toEqual([])
  })

  it('finds the differences when the config differs', async () => {
    const steps: ReadonlyArray<Step> = Array.from({ length: 10 }, () => ({
      _tag: 'Call',
      dt: 10,
      duration: 1,
      answer: 'fail'
    }))
    const text = await live({ failureThreshold: 3 }, steps)
    const { prepared } = replayed(text, { failureThreshold: 3 })
    const other = Replay.replay(prepared, { failureThreshold: 5 })
    expect(Replay.disagreements(prepared, other)[0]).toEqual({
      line: 6,
      recorded: 'rejected (retryAfter 29991.5)',
      replayed: 'admitted'
    })
  })

  it('stops at its limit with a truncated line', async () => {
    const clock = testClock()
    const breaker = Breaker.make({}, { clock: clock.now })()
    const chunks: Array<string> = []
    const recorder = Recorder.make({ maxLines: 5, write: (c) => chunks.push(c) })
    breaker.subscribe(recorder.listener)
    for (let k = 0; k < 10; k++) await wrap(breaker)(async () => k)()
    recorder.flush()
    const lines = chunks.join('').trim().split('\n')
    expect(lines).toHaveLength(5)
    expect(lines[4]).toBe('{"k":"truncated","t":0,"lines":5}')
    expect(recorder.stats()).toEqual({
      lines: 5,
      bytes: chunks.join('').length,
      truncated: true,
      failed: false
    })
    expect(E.isRight(Trace.parse(chunks.join('')))).toBe(true)
  })

  it('never breaks a call when its sink throws, and stops writing', async () => {
    const errors: Array<unknown> = []
    const breaker = Breaker.make({}, { onListenerError: (e) => errors.push(e) })()
    const recorder = Recorder.make({
      flushLines: 1,
      write: () => {
        throw new Error('disk full')
      }
    })
    breaker.subscribe(recorder.listener)
    await expect(wrap(breaker)(async () => 1)()).resolves.toBe(1)
    await expect(wrap(breaker)(async () => 2)()).resolves.toBe(2)
    expect(errors).toEqual([new Error('disk full')])
    expect(recorder.stats().failed).toBe(true)
  })

  it('checks its options', () => {
    expect(() => Recorder.make({ maxLines: 0 })).toThrow('maxLines: expected an integer >= 1')
    expect(() => Recorder.make({ write: 'file' as never })).toThrow('write: expected a function')
  })

  it('records a fallback and a timeout', async () => {
    const clock = testClock()
    const breaker = Breaker.make({ failureThreshold: 1 }, { clock: clock.now })()
    const recorder = Recorder.make()
    breaker.subscribe(recorder.listener)
    await wrap(breaker)(() => Promise.reject(new Error('x')))().catch(() => undefined)
    await wrap(breaker)(async () => 1, { fallback: async () => 0 })()
    expect(recorder.text().split('\n').slice(3, 5)).toEqual([
      '{"k":"call","t":0,"o":"rejected","ra":30000}',
      '{"k":"fallback","t":0}'
    ])
  })
})
