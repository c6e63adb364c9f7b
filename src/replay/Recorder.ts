/**
 * The recorder: a listener that writes what a live breaker saw as a trace (see `Trace.ts`).
 *
 * Subscribe its `listener` to a breaker (`breaker.subscribe(recorder.listener)`); from then on every
 * call's arrival, duration, outcome and the breaker's decision (admitted, probe, rejected with its
 * `retryAfter`), every transition and every fallback served is one line. A subscribed listener makes
 * the breaker time every call, which is what gives each call its arrival (`at - duration` of its
 * outcome event).
 *
 * Cheap enough to leave on: a line is one template string, appended to a buffer that is handed to
 * `write` every `flushLines` lines (and on `flush`); nothing is parsed or validated on the way out
 * (the bench measures its cost per call: docs/performance.md). Bounded: after `maxLines` lines or
 * `maxBytes` bytes (whichever comes first) it writes one `truncated` line and stops recording, so a
 * recorder left on never fills a disk.
 *
 * A `write` that throws is the breaker's listener throwing: it is reported to `onListenerError` and
 * never reaches a call; the recorder stops writing after the first such error (`stats().failed`).
 *
 * What a listener cannot see, a trace does not hold: the error of a failed call (`s` is written only
 * for timeouts, as `"timeout"`), and transitions adopted from a store are written but not replayed.
 * A recorder records one breaker: events of another breaker (by name) are left out.
 *
 * @since 0.1.0
 */
import type { BreakerEvent, Listener } from '../Listener'
import * as Trace from './Trace'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface Options {
  /**
   * Receives the trace's text, a chunk at a time (whole lines, each ending with `\n`). Without it the
   * recorder keeps the text in memory (`text()`).
   */
  readonly write?: (chunk: string) => void
  /** The recorded breaker's config document (see `ConfigCodec.ConfigDocument`), for the header. */
  readonly config?: Readonly<Record<string, unknown>>
  /** Whether the caller has a fallback for rejected calls (for the header; replays count fallbacks). */
  readonly fallback?: boolean
  /** The most lines to write, header and `truncated` line included (default 1,000,000). */
  readonly maxLines?: number
  /** The most bytes (UTF-16 code units) to write (default 64 MiB). */
  readonly maxBytes?: number
  /** Lines buffered before a `write` (default 512). */
  readonly flushLines?: number
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Stats {
  readonly lines: number
  readonly bytes: number
  /** Whether the limit was reached (a `truncated` line was written). */
  readonly truncated: boolean
  /** Whether `write` threw (recording stopped then). */
  readonly failed: boolean
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Recorder {
  /** Subscribe this to the breaker to record. */
  readonly listener: Listener
  /** Hands what is buffered to `write`. */
  readonly flush: () => void
  /** The text recorded so far, when there is no `write` (flushes first); `''` with a `write`. */
  readonly text: () => string
  readonly stats: () => Stats
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const checkCount = (name: string, v: unknown, fallback: number): number => {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !(v >= 1) || !(Number.isInteger(v) || v === Infinity)) {
    throw new RangeError(`Recorder: ${name}: expected an integer >= 1 (or Infinity), got ${String(v)}`)
  }
  return v
}

/**
 * A recorder (see the module's header).
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as TE from 'fp-ts/TaskEither'
 * import { Breaker, withBreaker } from 'tripswitch'
 * import { Recorder } from 'tripswitch/replay'
 * import { testClock } from 'tripswitch/testing'
 *
 * const clock = testClock()
 * const breaker = Breaker.make({ failureThreshold: 1 }, { name: 'payments', clock: clock.now })()
 * const recorder = Recorder.make({ config: { failureThreshold: 1 } })
 * breaker.subscribe(recorder.listener)
 * await withBreaker(breaker)(TE.left('down'))()
 * await withBreaker(breaker)(TE.right(1))()
 * assert.deepStrictEqual(recorder.text().split('\n').slice(1, 4), [
 *   '{"k":"call","t":0,"d":0,"o":"failure"}',
 *   '{"k":"transition","t":0,"from":"Closed","to":"Open","why":"tripped"}',
 *   '{"k":"call","t":0,"o":"rejected","ra":30000}'
 * ])
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options = {}): Recorder => {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Recorder: options: expected an object, got ${String(options)}`)
  }
  const { write, config, fallback } = options
  if (write !== undefined && typeof write !== 'function') {
    throw new TypeError(`Recorder: write: expected a function, got ${typeof write}`)
  }
  const maxLines = checkCount('maxLines', options.maxLines, 1_000_000)
  const maxBytes = checkCount('maxBytes', options.maxBytes, 64 * 1024 * 1024)
  const flushLines = checkCount('flushLines', options.flushLines, 512)
  if (maxLines < 2)
    throw new RangeError('Recorder: maxLines: expected at least 2 (a header and a truncated line)')

  // the longest truncated line: two numbers of at most 24 characters each
  const reserve = '{"k":"truncated","t":,"lines":}'.length + 48
  let breaker: string | undefined
  let buffer: Array<string> = []
  const kept: Array<string> = []
  let lines = 0
  let bytes = 0
  let truncated = false
  let failed = false
  let timedOut = false

  const flush = (): void => {
    if (buffer.length === 0) return
    const chunk = `${buffer.join('\n')}\n`
    buffer = []
    if (write === undefined) {
      kept.push(chunk)
      return
    }
    if (failed) return
    try {
      write(chunk)
    } catch (error) {
      failed = true
      throw error
    }
  }

  // one line, unless the limit is reached: then the `truncated` line, and nothing more
  const put = (line: string, t: number): void => {
    if (truncated || failed) return
    // room is kept for the truncated line (at most `reserve` characters)
    if (lines + 2 > maxLines || bytes + line.length + reserve + 2 > maxBytes) {
      const truncation = `{"k":"truncated","t":${t},"lines":${lines + 1}}`
      truncated = true
      buffer.push(truncation)
      lines++
      bytes += truncation.length + 1
      flush()
      return
    }
    buffer.push(line)
    lines++
    bytes += line.length + 1
    if (buffer.length >= flushLines) flush()
  }

  const header = (name: string): string =>
    Trace.encode({
      k: 'trace',
      version: Trace.version,
      breaker: name,
      source: 'recorded',
      ...(config === undefined ? {} : { config }),
      ...(fallback === undefined ? {} : { fallback })
    })

  const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null')

  const listener = (e: BreakerEvent): void => {
    if (breaker === undefined) {
      breaker = e.breaker
      put(header(breaker), e.at)
    } else if (e.breaker !== breaker) return
    switch (e._tag) {
      case 'Success':
      case 'Failure':
      case 'Ignored': {
        const o = e._tag === 'Success' ? 'success' : e._tag === 'Failure' ? 'failure' : 'ignored'
        const d = Number.isFinite(e.duration) ? e.duration : 0
        let line = `{"k":"call","t":${e.at - d},"d":${d},"o":"${o}"`
        if (e.probe) line += ',"p":true'
        if (e._tag === 'Failure' && e.openFor !== undefined) line += `,"open":${e.openFor}`
        if (timedOut && e._tag === 'Failure') line += ',"s":"timeout"'
        timedOut = false
        put(`${line}}`, e.at)
        return
      }
      case 'Rejection':
        put(`{"k":"call","t":${e.at},"o":"rejected","ra":${num(e.retryAfter)}}`, e.at)
        return
      case 'Transition':
        put(`{"k":"transition","t":${e.at},"from":"${e.from}","to":"${e.to}","why":"${e.why}"}`, e.at)
        return
      case 'FallbackUsed':
        put(`{"k":"fallback","t":${e.at}}`, e.at)
        return
      case 'Timeout':
        timedOut = true
        return
      default:
        return
    }
  }

  return {
    listener,
    flush,
    text: () => {
      flush()
      return kept.join('')
    },
    stats: () => ({ lines, bytes, truncated, failed })
  }
}
