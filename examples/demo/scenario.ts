/**
 * The demo's script: its options, the phases the flaky service goes through, and what the service
 * answers to each request. Pure: no clock, no timer, no socket.
 *
 * Time in the demo is "demo time": milliseconds since the start of the run on a clock that runs
 * `speed` times faster than the wall clock (see `scaledClock` in run.ts). Every duration here (phase
 * lengths, the breaker's `openFor`, the client timeout, latencies) is in demo time, so a run at
 * `--speed 6` tells the same story as one at `--speed 1`, six times faster.
 *
 * Determinism: what the service answers to a request is a function of the seed, the phase, the
 * client, the call's index in the client's schedule and the retry attempt, never of arrival order.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Everything a run depends on. Durations are in demo-time milliseconds unless the name says seconds.
 *
 * @category model
 * @since 0.1.0
 */
export interface Options {
  /** Length of the run in demo seconds. */
  readonly duration: number
  /** Time compression: the demo clock runs this many times faster than the wall clock. */
  readonly speed: number
  /** Directory for report.json and timeline.svg. */
  readonly out: string
  /** Seed of the service's random choices. */
  readonly seed: number
  /** Calls per demo second, for each of the two clients. */
  readonly rate: number
  /** The breaker: consecutive failed calls that open the circuit. */
  readonly failureThreshold: number
  /** The breaker: how long the circuit stays open before a probe may pass (ms). */
  readonly openFor: number
  /** The breaker: probes admitted while half-open. */
  readonly halfOpenProbes: number
  /** Both clients: the `AbortSignal.timeout` of each HTTP request (ms). */
  readonly timeout: number
  /** The protected client: retries inside the breaker after a 5xx or a connection error. */
  readonly retries: number
}

/**
 * @category model
 * @since 0.1.0
 */
export type PhaseName = 'healthy' | 'failing' | 'slow' | 'recovering' | 'healthy again'

/**
 * A phase of the service, from `start` (inclusive) to `end` (exclusive), in demo ms.
 *
 * @category model
 * @since 0.1.0
 */
export interface Phase {
  readonly name: PhaseName
  readonly start: number
  readonly end: number
}

/**
 * The two clients.
 *
 * @category model
 * @since 0.1.0
 */
export type ClientName = 'protected' | 'unprotected'

/**
 * What the service does with one request, after `after` demo ms.
 *
 * @category model
 * @since 0.1.0
 */
export type Plan =
  | { readonly _tag: 'Reply'; readonly status: 200 | 500 | 503; readonly after: number }
  | { readonly _tag: 'Reset'; readonly after: number }

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The defaults: a run of 24 s at 10 calls/s per client, a breaker that opens after 3 failures and
 * stays open 2 s, a 300 ms timeout and 1 retry.
 *
 * @category constructors
 * @since 0.1.0
 */
export const defaults: Options = {
  duration: 24,
  speed: 1,
  out: 'demo-out',
  seed: 1,
  rate: 10,
  failureThreshold: 3,
  openFor: 2_000,
  halfOpenProbes: 1,
  timeout: 300,
  retries: 1
}

/** Where each phase ends, as a fraction of the run: at 24 s, the boundaries are 4, 10, 15 and 19 s. */
const boundaries: ReadonlyArray<readonly [PhaseName, number]> = [
  ['healthy', 4 / 24],
  ['failing', 10 / 24],
  ['slow', 15 / 24],
  ['recovering', 19 / 24],
  ['healthy again', 1]
]

/**
 * The phases of a run of `durationMs`, in order, covering `[0, durationMs)`.
 *
 * @example
 * phases(24_000).map((p) => p.start) // [0, 4000, 10000, 15000, 19000]
 *
 * @category constructors
 * @since 0.1.0
 */
export const phases = (durationMs: number): ReadonlyArray<Phase> => {
  let start = 0
  return boundaries.map(([name, fraction]) => {
    const end = Math.round(durationMs * fraction)
    const phase: Phase = { name, start, end }
    start = end
    return phase
  })
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The phase at demo time `t` (the last phase for `t` past the end).
 *
 * @category utils
 * @since 0.1.0
 */
export const phaseAt = (all: ReadonlyArray<Phase>, t: number): Phase =>
  all.find((p) => t < p.end) ?? (all[all.length - 1] as Phase)

/**
 * The outage: from the start of `failing` to the end of `slow`.
 *
 * @category utils
 * @since 0.1.0
 */
export const outage = (all: ReadonlyArray<Phase>): { readonly start: number; readonly end: number } => ({
  start: all.find((p) => p.name === 'failing')?.start ?? 0,
  end: all.find((p) => p.name === 'slow')?.end ?? 0
})

/**
 * A number in `[0, 1)` determined by the seed and the keys (a 32-bit integer hash, murmur3's
 * finalizer applied after each key).
 *
 * @example
 * unit(1, 2, 3) === unit(1, 2, 3) // true
 *
 * @category utils
 * @since 0.1.0
 */
export const unit = (seed: number, ...keys: ReadonlyArray<number>): number => {
  let h = seed | 0
  for (const k of keys) {
    h = Math.imul(h ^ (k | 0), 0x9e3779b1)
    h ^= h >>> 16
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return (h >>> 0) / 4_294_967_296
}

/**
 * What the service does with a request of `client`'s call number `call`, attempt `attempt` (0 for
 * the first try), arriving at demo time `t`:
 *
 * - healthy: 200 after 15 to 45 ms.
 * - failing: 5xx (3 in 5) or a reset connection (2 in 5), after 5 to 25 ms.
 * - slow: 200 after `slowMs` to twice that, past the client's timeout.
 * - recovering: 200 after 15 to 45 ms, or 503 with a chance that falls from 60 % to 0 across the phase.
 *
 * @category utils
 * @since 0.1.0
 */
export const plan = (
  seed: number,
  all: ReadonlyArray<Phase>,
  slowMs: number,
  client: ClientName,
  call: number,
  attempt: number,
  t: number
): Plan => {
  const phase = phaseAt(all, t)
  const id = client === 'protected' ? 1 : 2
  const r = (salt: number): number => unit(seed, id, call, attempt, salt)
  const quick = 15 + Math.floor(r(1) * 31)
  switch (phase.name) {
    case 'healthy':
    case 'healthy again':
      return { _tag: 'Reply', status: 200, after: quick }
    case 'failing': {
      const after = 5 + Math.floor(r(1) * 21)
      const dice = r(2)
      return dice < 0.4 ? { _tag: 'Reset', after } : { _tag: 'Reply', status: dice < 0.7 ? 503 : 500, after }
    }
    case 'slow':
      return { _tag: 'Reply', status: 200, after: slowMs + Math.floor(r(1) * slowMs) }
    case 'recovering': {
      const progress = (t - phase.start) / Math.max(1, phase.end - phase.start)
      return r(2) < 0.6 * (1 - progress)
        ? { _tag: 'Reply', status: 503, after: quick }
        : { _tag: 'Reply', status: 200, after: quick }
    }
  }
}
