/**
 * Canonical traces to start tuning from: a dependency through a known story, every call observed (as
 * if recorded by an inert breaker: nothing rejected), so the truth is known everywhere.
 *
 * Every kind runs `duration` ms (default 240 s) at `rate` calls a second (default 20, arrivals evenly
 * spaced with a seeded jitter). Healthy calls succeed after 20 to 60 ms, 1 % of them fail. Then:
 * - `hard-outage`: from 1/4 of the run for 3/10 of it (60 s to 132 s by default) every call fails fast
 *   (connection refused, 1 to 5 ms).
 * - `brownout`: from 1/4 to 3/4 of the run 30 % of calls fail (HTTP 503 after 20 to 60 ms).
 * - `flapping`: the dependency is down (failing fast) for the first 20 s of every 40 s, from 40 s on.
 * - `slow`: from 1/4 to 1/2 of the run calls take 0.5 to 2.5 s; the caller times out at 1 s, so those
 *   slower than that fail (`s: "timeout"`, `d: 1000`), the others succeed slowly.
 * - `retry-after`: from 1/4 to 3/8 of the run 80 % of calls get an HTTP 429 with a 5 s Retry-After
 *   (`open: 5000`).
 *
 * Deterministic: the same kind, options and seed give the same trace. Pure.
 *
 * @since 0.1.0
 */
import type * as Trace from './Trace'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export type Kind = 'hard-outage' | 'brownout' | 'flapping' | 'slow' | 'retry-after'

/**
 * Every canonical kind.
 *
 * @category model
 * @since 0.1.0
 */
export const kinds: ReadonlyArray<Kind> = ['hard-outage', 'brownout', 'flapping', 'slow', 'retry-after']

/**
 * @category model
 * @since 0.1.0
 */
export interface Options {
  readonly seed?: number
  /** Calls per second (default 20). */
  readonly rate?: number
  /** Milliseconds (default 240,000). */
  readonly duration?: number
  /** Whether the caller has a fallback (default true). */
  readonly fallback?: boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A seeded generator of numbers in [0, 1) (mulberry32). */
const random = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

type Answer = Omit<Trace.Call, 'k' | 't'>

/**
 * The calls of a canonical trace, in the order a recorder writes them (by the time each settled).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Generate } from 'tripswitch/replay'
 * const trace = Generate.trace('flapping', { seed: 7, duration: 60_000, rate: 10 })
 * assert.strictEqual(trace.lines.length, 600)
 * assert.strictEqual(trace.header.source, 'generated')
 *
 * @category constructors
 * @since 0.1.0
 */
export const trace = (kind: Kind, options: Options = {}): Trace.Trace => {
  const seed = options.seed ?? 1
  const rate = options.rate ?? 20
  const duration = options.duration ?? 240_000
  if (!kinds.includes(kind))
    throw new RangeError(`Generate: kind: expected one of ${kinds.join(', ')}, got ${String(kind)}`)
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`Generate: seed: expected an integer, got ${String(seed)}`)
  if (typeof rate !== 'number' || !(rate > 0 && rate <= 100_000)) {
    throw new RangeError(`Generate: rate: expected calls per second in (0, 100000], got ${String(rate)}`)
  }
  if (typeof duration !== 'number' || !(duration > 0 && duration <= 1e10)) {
    throw new RangeError(`Generate: duration: expected ms in (0, 1e10], got ${String(duration)}`)
  }
  const next = random(seed)
  const between = (lo: number, hi: number): number => Math.round(lo + (hi - lo) * next())
  const healthy = (): Answer =>
    next() < 0.01 ? { d: between(20, 60), o: 'failure', s: '500' } : { d: between(20, 60), o: 'success' }
  const refused = (): Answer => ({ d: between(1, 5), o: 'failure', s: 'ECONNREFUSED' })
  const q = duration / 4
  const answer = (t: number): Answer => {
    switch (kind) {
      case 'hard-outage':
        return t >= q && t < q + 0.3 * duration ? refused() : healthy()
      case 'brownout':
        return t >= q && t < 3 * q && next() < 0.3
          ? { d: between(20, 60), o: 'failure', s: '503' }
          : healthy()
      case 'flapping':
        return t >= 40_000 && t % 40_000 < 20_000 ? refused() : healthy()
      case 'slow': {
        if (t < q || t >= 2 * q) return healthy()
        const d = between(500, 2_500)
        return d > 1_000 ? { d: 1_000, o: 'failure', s: 'timeout' } : { d, o: 'success' }
      }
      case 'retry-after':
        return t >= q && t < 1.5 * q && next() < 0.8
          ? { d: between(5, 15), o: 'failure', s: '429', open: 5_000 }
          : healthy()
    }
  }
  const every = 1_000 / rate
  const total = Math.floor((duration * rate) / 1_000)
  const calls: Array<Trace.Call> = new Array<Trace.Call>(total)
  for (let k = 0; k < total; k++) {
    const t = Math.round((k + next() * 0.5) * every * 1_000) / 1_000
    calls[k] = { k: 'call', t, ...answer(t) }
  }
  calls.sort((a, b) => a.t + (a.d ?? 0) - (b.t + (b.d ?? 0)) || a.t - b.t)
  return {
    header: {
      k: 'trace',
      version: 1,
      breaker: `generated:${kind}`,
      source: 'generated',
      fallback: options.fallback ?? true
    },
    lines: calls,
    lineNumbers: calls.map((_, i) => i + 2)
  }
}
