/**
 * Traces: what a breaker saw, as a versioned JSON Lines document, and its io-ts codec.
 *
 * A trace is one JSON object per line (`\n`-separated; blank lines are skipped). The first line is the
 * header; every other line is an event, in the order the recorder saw them (see docs/tuning.md):
 *
 * ```
 * {"k":"trace","version":1,"breaker":"payments","config":{"failureThreshold":5}}
 * {"k":"call","t":1000,"d":25,"o":"success"}
 * {"k":"call","t":1030,"d":12,"o":"failure","s":"503"}
 * {"k":"call","t":1050,"d":8,"o":"failure","open":120000}
 * {"k":"transition","t":1058,"from":"Closed","to":"Open","why":"tripped"}
 * {"k":"call","t":1100,"o":"rejected","ra":119958}
 * {"k":"fallback","t":1100}
 * {"k":"truncated","t":9000,"lines":1000000}
 * ```
 *
 * - `call`: one call. `t` is its arrival (ms, the breaker's clock); `o` its outcome: `success`,
 *   `failure` or `ignored` for a call that ran (then `d`, its duration in ms, is required), or
 *   `rejected` for one the breaker turned away (then `ra` is its `retryAfter`, `null` for "forced
 *   open"). `p: true` marks a half-open probe. `open` is the Retry-After (ms) a failure asked for;
 *   `s` a status or error class, where known (a string). A call line comes when the call settled (or
 *   was rejected), so lines are in the order of those moments.
 * - `transition`: the breaker's state changed at `t` (`from`, `to`, `why` as `Listener.Transition`).
 * - `fallback`: a rejected call's fallback served the caller at `t`.
 * - `truncated`: the recorder reached its limit at `t` after `lines` lines and wrote nothing more.
 *
 * Times are finite numbers, durations and `ra` finite and `>= 0`. A line with an unknown key or an
 * unknown `k` is an error: the format is versioned, and a reader of version 1 reads version 1 only.
 *
 * The codec (`Line`, `Header`) is the one validator of a line. `parse` reads a whole text: an error
 * names the line and the field, and the other lines are kept (or, with `onError: 'stop'`, reading
 * stops at the first bad line).
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { isRecord, own, show, unknownKey } from '../codec'
import { report } from '../codecs/io'
import { type StateTag, tags as stateTags } from '../State'
import type { Reason } from '../Transition'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The version of the line format this module reads and writes.
 *
 * @category model
 * @since 0.1.0
 */
export const version = 1

/**
 * The first line of a trace.
 *
 * @category model
 * @since 0.1.0
 */
export interface Header {
  readonly k: 'trace'
  readonly version: 1
  /** The breaker's name. */
  readonly breaker: string
  /** The recorded breaker's config, as a config document (see `ConfigCodec.ConfigDocument`), if known. */
  readonly config?: unknown
  /** Whether the recorded caller has a fallback for rejected calls. */
  readonly fallback?: boolean
  /** Who wrote the trace: `'recorded'` (a `Recorder`) or `'generated'` (`Generate`). */
  readonly source?: string
}

/**
 * What became of a call.
 *
 * @category model
 * @since 0.1.0
 */
export type Outcome = 'success' | 'failure' | 'ignored' | 'rejected'

/**
 * One call. For `rejected`, `d` is absent and `ra` is the `retryAfter` (`Infinity` for forced open,
 * written `null`).
 *
 * @category model
 * @since 0.1.0
 */
export interface Call {
  readonly k: 'call'
  readonly t: number
  readonly d?: number
  readonly o: Outcome
  readonly p?: boolean
  readonly ra?: number
  readonly open?: number
  readonly s?: string
}

/** @category model @since 0.1.0 */
export interface Transition {
  readonly k: 'transition'
  readonly t: number
  readonly from: StateTag
  readonly to: StateTag
  readonly why: Reason
}

/** @category model @since 0.1.0 */
export interface Fallback {
  readonly k: 'fallback'
  readonly t: number
}

/** @category model @since 0.1.0 */
export interface Truncated {
  readonly k: 'truncated'
  readonly t: number
  readonly lines: number
}

/**
 * An event line of a trace.
 *
 * @category model
 * @since 0.1.0
 */
export type Line = Call | Transition | Fallback | Truncated

/**
 * A decoded trace: its header and its event lines, each with its line number in the text (1-based).
 *
 * @category model
 * @since 0.1.0
 */
export interface Trace {
  readonly header: Header
  readonly lines: ReadonlyArray<Line>
  /** `lineNumbers[i]` is the line of the text `lines[i]` came from. */
  readonly lineNumbers: ReadonlyArray<number>
}

/**
 * A trace read from a text, with the problems of the lines that did not decode (each
 * `line N: field: what was wrong`); those lines are left out of `trace`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Parsed {
  readonly trace: Trace
  readonly errors: ReadonlyArray<string>
}

/**
 * A trace that could not be read at all (no header, or a bad header, or a bad line with `onError:
 * 'stop'`), with every problem found.
 *
 * @category model
 * @since 0.1.0
 */
export class TraceError extends Error {
  readonly _tag = 'TraceError' as const
  constructor(readonly problems: ReadonlyArray<string>) {
    super(`Invalid trace:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'TraceError'
  }
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const reasons: ReadonlyArray<Reason> = [
  'tripped',
  'half-open',
  'probe-succeeded',
  'probe-failed',
  'half-open-expired',
  'half-open-expired-closed',
  'manual',
  'adopted'
]
const outcomes: ReadonlyArray<Outcome> = ['success', 'failure', 'ignored', 'rejected']

type Check = (v: unknown) => string | undefined

const finiteTime: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : `expected a finite number of ms, got ${show(v)}`
const nonNegative: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0
    ? undefined
    : `expected a finite number of ms >= 0, got ${show(v)}`
const oneOf =
  (known: ReadonlyArray<string>): Check =>
  (v) =>
    typeof v === 'string' && known.includes(v)
      ? undefined
      : `expected one of ${known.join(', ')}, got ${show(v)}`
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : `expected true or false, got ${show(v)}`)
const shortString: Check = (v) =>
  typeof v === 'string' && v.length <= 256
    ? undefined
    : `expected a string of at most 256 characters, got ${show(v)}`
const count: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
    ? undefined
    : `expected a non-negative integer, got ${show(v)}`

type Problems = ReadonlyArray<readonly [string, string]>

const none: Problems = []

/** A line's codec, and its decoder for the hot path (see `read` in `lineCodec`). */
type LineCodec<A> = t.Type<A, A, unknown> & {
  readonly read: (u: unknown, inPlace?: boolean) => Record<string, unknown> | Problems
}

/**
 * A strict object of known fields, each checked by a small function. One pass over the input's keys
 * decodes it and finds its problems (the hot path of reading a million lines); `whole` then checks
 * the decoded fields together.
 */
const lineCodec = <A>(
  name: string,
  required: Readonly<Record<string, Check>>,
  optional: Readonly<Record<string, Check>>,
  whole: (o: Readonly<Record<string, unknown>>) => ReadonlyArray<readonly [string, string]> = () => none
): LineCodec<A> => {
  const known = [...Object.keys(required), ...Object.keys(optional)]
  const requiredKeys = Object.keys(required)
  // no prototype: a key such as `__proto__` or `constructor` finds no check
  const checks: Record<string, Check> = Object.assign(
    Object.create(null) as Record<string, Check>,
    optional,
    required
  )
  /**
   * The decoded object (fresh, known keys only), or the problems found, each with its key. `inPlace`
   * (for an object `JSON.parse` just made, that nobody else holds) decodes it without a copy.
   */
  const read = (u: unknown, inPlace = false): Record<string, unknown> | Problems => {
    if (!isRecord(u)) return [['', `expected ${name}, got ${show(u)}`]]
    const out: Record<string, unknown> = inPlace ? (u as Record<string, unknown>) : {}
    let found: Array<readonly [string, string]> | undefined
    let present = 0
    const keys = Object.keys(u)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      const check = checks[key]
      if (check === undefined) {
        ;(found ??= []).push([key, unknownKey(key, known, 'key')])
        continue
      }
      const v = own(u, key)
      if (v === undefined) continue
      const p = check(v)
      if (p !== undefined) (found ??= []).push([key, p])
      // `null` is how JSON writes Infinity (a `retryAfter` while forced open)
      else out[key] = v === null ? Infinity : v
      if (key in required) present++
    }
    if (present < requiredKeys.length) {
      for (const key of requiredKeys) {
        if (own(u, key) === undefined) (found ??= []).push([key, `missing, expected ${name} to have it`])
      }
    }
    if (found !== undefined) return found
    const rules = whole(out)
    return rules.length === 0 ? out : rules
  }
  const type = new t.Type<A, A, unknown>(
    name,
    (u): u is A => !Array.isArray(read(u)),
    (u, c) => {
      const r = read(u)
      if (!Array.isArray(r)) return t.success(r as A)
      return t.failures(
        (r as ReadonlyArray<readonly [string, string]>).map(([key, message]) => ({
          value: key === '' ? u : own(u as object, key),
          context: key === '' ? c : t.appendContext(c, key, t.unknown),
          message
        }))
      )
    },
    (a) => a
  )
  return Object.assign(type, { read })
}

const kind =
  (k: string): Check =>
  (v) =>
    v === k ? undefined : `expected ${JSON.stringify(k)}, got ${show(v)}`

/**
 * The codec of the header line.
 *
 * @category codecs
 * @since 0.1.0
 */
export const Header: t.Type<Header, Header, unknown> = lineCodec<Header>(
  'a trace header',
  {
    k: kind('trace'),
    version: (v) =>
      v === version ? undefined : `expected ${version} (this reader's version), got ${show(v)}`,
    breaker: shortString
  },
  {
    config: (v) => (isRecord(v) ? undefined : `expected a config document (an object), got ${show(v)}`),
    fallback: bool,
    source: shortString
  }
)

const CallLine = lineCodec<Call>(
  'a call line',
  { k: kind('call'), t: finiteTime, o: oneOf(outcomes) },
  {
    d: nonNegative,
    p: bool,
    ra: (v) => (v === null ? undefined : nonNegative(v)),
    open: nonNegative,
    s: shortString
  },
  (o) => {
    const rejected = o['o'] === 'rejected'
    const fine =
      (rejected ? o['d'] === undefined : o['d'] !== undefined && o['ra'] === undefined) &&
      (o['open'] === undefined || o['o'] === 'failure')
    if (fine) return none
    const found: Array<readonly [string, string]> = []
    if (rejected && o['d'] !== undefined) found.push(['d', 'a rejected call has no duration'])
    if (!rejected && o['d'] === undefined)
      found.push(['d', `missing, expected the duration of a call that ran (${show(o['o'])})`])
    if (!rejected && o['ra'] !== undefined) found.push(['ra', 'only a rejected call has a retryAfter'])
    if (o['open'] !== undefined && o['o'] !== 'failure')
      found.push(['open', 'only a failure asks for a Retry-After'])
    return found
  }
)

const TransitionLine = lineCodec<Transition>(
  'a transition line',
  { k: kind('transition'), t: finiteTime, from: oneOf(stateTags), to: oneOf(stateTags), why: oneOf(reasons) },
  {}
)

const FallbackLine = lineCodec<Fallback>('a fallback line', { k: kind('fallback'), t: finiteTime }, {})

const TruncatedLine = lineCodec<Truncated>(
  'a truncated line',
  { k: kind('truncated'), t: finiteTime, lines: count },
  {}
)

/** Each kind's decoder (`Line` validates through it). */
type LineDecoder = t.Decoder<unknown, Line> & {
  readonly is: t.Is<Line>
  readonly read: LineCodec<Line>['read']
}

const byKind: Readonly<Record<string, LineDecoder>> = {
  call: CallLine,
  transition: TransitionLine,
  fallback: FallbackLine,
  truncated: TruncatedLine
}

/**
 * The codec of an event line, dispatched on `k`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Trace } from 'tripswitch/replay'
 * assert.ok(E.isRight(Trace.Line.decode({ k: 'call', t: 5, d: 20, o: 'success' })))
 * assert.ok(E.isLeft(Trace.Line.decode({ k: 'call', t: 5, o: 'success' }))) // d is missing
 *
 * @category codecs
 * @since 0.1.0
 */
export const Line: t.Type<Line, Line, unknown> = new t.Type<Line, Line, unknown>(
  'a trace line',
  (u): u is Line => isRecord(u) && typeof u['k'] === 'string' && (byKind[u['k']]?.is(u) ?? false),
  (u, c) => {
    const k = isRecord(u) ? own(u, 'k') : undefined
    const codec = typeof k === 'string' ? (own(byKind, k) as LineDecoder | undefined) : undefined
    if (codec === undefined) {
      return isRecord(u)
        ? t.failure(
            k,
            t.appendContext(c, 'k', t.unknown),
            `expected one of ${Object.keys(byKind).join(', ')}, got ${show(k)}`
          )
        : t.failure(u, c, `expected a trace line (an object), got ${show(u)}`)
    }
    return codec.validate(u, c)
  },
  (a) => a
)

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

/**
 * One line of JSON for a header or an event (no trailing newline). `Infinity` in `ra` is written
 * `null`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Trace } from 'tripswitch/replay'
 * assert.strictEqual(Trace.encode({ k: 'call', t: 1, o: 'rejected', ra: Infinity }), '{"k":"call","t":1,"o":"rejected","ra":null}')
 *
 * @category encoding
 * @since 0.1.0
 */
export const encode = (line: Header | Line): string => JSON.stringify(line)

/**
 * A whole trace as text: the header, then one line per event, each ending with `\n`.
 *
 * @category encoding
 * @since 0.1.0
 */
export const format = (header: Header, lines: ReadonlyArray<Line>): string => {
  const out: Array<string> = [encode(header)]
  for (const l of lines) out.push(encode(l))
  return `${out.join('\n')}\n`
}

// -------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------

/**
 * What `parse` does with a line that does not decode: report it and go on (`'skip'`, the default), or
 * stop there (`'stop'`: `parse` returns a `TraceError`).
 *
 * @category model
 * @since 0.1.0
 */
export type OnError = 'skip' | 'stop'

const problemsOfLine = (line: number, errors: t.Errors): ReadonlyArray<string> =>
  report(errors, '\u0000').map((p) => `line ${line}: ${p.startsWith('\u0000: ') ? p.slice(3) : p}`)

/** At most this many bad lines are reported one by one; the rest are counted. */
const maxReported = 100

/**
 * Reads a trace from its text. The first non-blank line must be a header of this version (else a
 * `TraceError`). A line that is not JSON, or does not decode, is reported as `line N: field: problem`
 * and left out (`onError: 'skip'`), or ends the reading with a `TraceError` (`'stop'`).
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { Trace } from 'tripswitch/replay'
 * const text = [
 *   '{"k":"trace","version":1,"breaker":"b"}',
 *   '{"k":"call","t":0,"d":5,"o":"success"}',
 *   '{"k":"call","t":10,"d":"5","o":"success"}'
 * ].join('\n')
 * const parsed = Trace.parse(text)
 * assert.ok(E.isRight(parsed))
 * assert.strictEqual(parsed.right.trace.lines.length, 1)
 * assert.deepStrictEqual(parsed.right.errors, ['line 3: d: expected a finite number of ms >= 0, got "5"'])
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (text: string, onError: OnError = 'skip'): E.Either<TraceError, Parsed> => {
  if (typeof text !== 'string')
    return E.left(new TraceError([`expected the text of a trace, got ${show(text)}`]))
  if (onError !== 'skip' && onError !== 'stop') {
    return E.left(new TraceError([`onError: expected 'skip' or 'stop', got ${show(onError)}`]))
  }
  const lines: Array<Line> = []
  const lineNumbers: Array<number> = []
  const errors: Array<string> = []
  let bad = 0
  let header: Header | undefined
  let start = 0
  let n = 0
  const context = t.getDefaultContext(Line)
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const raw = text.slice(start, end)
    start = end + 1
    n++
    if (raw.length === 0 || (raw.charCodeAt(0) <= 32 && raw.trim() === '')) continue
    let u: unknown
    try {
      u = JSON.parse(raw)
    } catch (error) {
      const problem = `line ${n}: not JSON (${error instanceof Error ? error.message : String(error)})`
      if (header === undefined || onError === 'stop') return E.left(new TraceError([problem]))
      if (bad++ < maxReported) errors.push(problem)
      continue
    }
    if (header === undefined) {
      const h = Header.validate(u, t.getDefaultContext(Header))
      if (E.isLeft(h)) return E.left(new TraceError(problemsOfLine(n, h.left)))
      header = h.right
      continue
    }
    // the line's codec, without a copy of what JSON.parse made; the codec again for the report
    const k = isRecord(u) ? own(u, 'k') : undefined
    const codec = typeof k === 'string' ? (own(byKind, k) as LineDecoder | undefined) : undefined
    const read = codec?.read(u, true)
    if (read === undefined || Array.isArray(read)) {
      const decoded = Line.validate(u, context)
      const problems = E.isLeft(decoded) ? problemsOfLine(n, decoded.left) : [`line ${n}: not a trace line`]
      if (onError === 'stop') return E.left(new TraceError(problems))
      if (bad++ < maxReported) errors.push(...problems)
      continue
    }
    lines.push(read as unknown as Line)
    lineNumbers.push(n)
  }
  if (header === undefined) return E.left(new TraceError(['line 1: missing, expected a trace header']))
  if (bad > maxReported) errors.push(`and ${bad - maxReported} more bad lines`)
  return E.right({ trace: { header, lines, lineNumbers }, errors })
}

/**
 * `parse`, for a caller who wants the trace or an exception: throws the `TraceError`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const unsafeParse = (text: string, onError: OnError = 'skip'): Parsed => {
  const parsed = parse(text, onError)
  if (E.isLeft(parsed)) throw parsed.left
  return parsed.right
}
