/**
 * `tripswitch/prometheus`: breaker metrics for prom-client (an optional peer dependency, loaded only by
 * this subpath).
 *
 * `exporter(source)` registers, in a prom-client `Registry` (default: prom-client's global one):
 *
 * | metric                                  | type      | labels                  |
 * | --------------------------------------- | --------- | ----------------------- |
 * | `tripswitch_state`                      | gauge     | `breaker`, `state`      |
 * | `tripswitch_calls_total`                | counter   | `breaker`, `outcome`    |
 * | `tripswitch_rejections_total`           | counter   | `breaker`               |
 * | `tripswitch_fallbacks_total`            | counter   | `breaker`, `result`     |
 * | `tripswitch_timeouts_total`             | counter   | `breaker`               |
 * | `tripswitch_transitions_total`          | counter   | `breaker`, `from`, `to` |
 * | `tripswitch_call_duration_seconds`      | histogram | `breaker`, `outcome`    |
 *
 * `tripswitch_state` is an enum gauge: `1` for the breaker's current state, `0` for the others, with
 * `state` one of `closed`, `open`, `half_open`, `forced_open`, `disabled`, `metrics_only`. It is read at
 * scrape time. `outcome` is `success`, `failure` or `ignored`; `result` is `used` or `failed`. The
 * counters and the histogram follow the breakers' events from the moment the exporter is made (a
 * timed-out call counts in `tripswitch_timeouts_total` and, as a failure, in `tripswitch_calls_total`).
 *
 * The source is a breaker, an array of breakers, or a `Registry` (whose breakers made later are
 * included; an evicted breaker leaves the state gauge, its counters stay). Every label value is a
 * breaker name, so key breakers by a bounded set of names (services, hosts), not by user or request.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import * as client from 'prom-client'
import { type Breaker, isBreaker } from '../Breaker'
import type * as L from '../Listener'
import { isRegistry, type Registry } from '../Registry'
import type { StateTag } from '../State'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface Options {
  /** Where the metrics are registered (default: prom-client's global `register`). */
  readonly register?: client.Registry
  /** Prepended to every metric name (default `'tripswitch_'`). */
  readonly prefix?: string
  /** Upper bounds, in seconds, of the call-duration histogram's buckets. */
  readonly buckets?: ReadonlyArray<number>
}

/**
 * What `exporter` made: its metrics, and `close` to stop following the breakers and unregister them.
 *
 * @category model
 * @since 0.1.0
 */
export interface Exporter {
  readonly register: client.Registry
  /** The metric names registered. */
  readonly names: ReadonlyArray<string>
  readonly close: IO<void>
}

/**
 * The default duration buckets, in seconds: 1 ms to 10 s.
 *
 * @category model
 * @since 0.1.0
 */
export const defaultBuckets: ReadonlyArray<number> = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
]

const stateLabel: Readonly<Record<StateTag, string>> = {
  Closed: 'closed',
  Open: 'open',
  HalfOpen: 'half_open',
  ForcedOpen: 'forced_open',
  Disabled: 'disabled',
  MetricsOnly: 'metrics_only'
}

const outcomeLabel = { Success: 'success', Failure: 'failure', Ignored: 'ignored' } as const

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Exports the metrics of a breaker, an array of breakers, or a registry of breakers.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as client from 'prom-client'
 * import { Registry } from 'tripswitch'
 * import { exporter } from 'tripswitch/prometheus'
 *
 * const breakers = Registry.make()()
 * breakers.get('payments')
 * const metrics = exporter(breakers, { register: client.register })()
 * // GET /metrics: res.end(await client.register.metrics())
 * assert.match(await client.register.metrics(), /tripswitch_state\{breaker="payments",state="closed"\} 1\n/)
 *
 * @category constructors
 * @since 0.1.0
 */
export const exporter =
  (source: Breaker | ReadonlyArray<Breaker> | Registry, options: Options = {}): IO<Exporter> =>
  () => {
    const { register = client.register, prefix = 'tripswitch_', buckets = defaultBuckets } = options
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
      throw new TypeError(
        `prefix: expected a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${prefix}`
      )
    }
    const names = [
      'state',
      'calls_total',
      'rejections_total',
      'fallbacks_total',
      'timeouts_total',
      'transitions_total',
      'call_duration_seconds'
    ].map((name) => `${prefix}${name}`)
    const current = (): ReadonlyArray<Breaker> =>
      isRegistry(source) ? source.breakers() : isBreaker(source) ? [source] : source
    const registers = [register]

    const calls = new client.Counter({
      name: `${prefix}calls_total`,
      help: 'Calls that ran through a circuit breaker and settled, by outcome.',
      labelNames: ['breaker', 'outcome'],
      registers
    })
    const rejections = new client.Counter({
      name: `${prefix}rejections_total`,
      help: 'Calls a circuit breaker rejected without running them.',
      labelNames: ['breaker'],
      registers
    })
    const fallbacks = new client.Counter({
      name: `${prefix}fallbacks_total`,
      help: 'Fallbacks run for rejected calls, by result (used or failed).',
      labelNames: ['breaker', 'result'],
      registers
    })
    const timeouts = new client.Counter({
      name: `${prefix}timeouts_total`,
      help: 'Calls that ran past their time limit (also counted as failures).',
      labelNames: ['breaker'],
      registers
    })
    const transitions = new client.Counter({
      name: `${prefix}transitions_total`,
      help: 'State transitions of a circuit breaker.',
      labelNames: ['breaker', 'from', 'to'],
      registers
    })
    const durations = new client.Histogram({
      name: `${prefix}call_duration_seconds`,
      help: 'Durations of calls that ran through a circuit breaker, by outcome.',
      labelNames: ['breaker', 'outcome'],
      buckets: [...buckets],
      registers
    })

    // Series exist (at 0) from the first sight of a breaker, so that rate() and alerts see them.
    const seen = new Set<string>()
    const init = (breaker: string): void => {
      if (seen.has(breaker)) return
      seen.add(breaker)
      for (const outcome of Object.values(outcomeLabel)) calls.inc({ breaker, outcome }, 0)
      rejections.inc({ breaker }, 0)
      fallbacks.inc({ breaker, result: 'used' }, 0)
      fallbacks.inc({ breaker, result: 'failed' }, 0)
      timeouts.inc({ breaker }, 0)
    }

    // Registered by construction; read at scrape time.
    new client.Gauge({
      name: `${prefix}state`,
      help: `A circuit breaker's state: 1 for the current one (${Object.values(stateLabel).join(', ')}).`,
      labelNames: ['breaker', 'state'],
      registers,
      collect() {
        this.reset()
        for (const b of current()) {
          init(b.name)
          const now = b.state()._tag
          for (const tag of Object.keys(stateLabel) as ReadonlyArray<StateTag>) {
            this.set({ breaker: b.name, state: stateLabel[tag] }, tag === now ? 1 : 0)
          }
        }
      }
    })

    const listener: L.Listener = (e) => {
      init(e.breaker)
      switch (e._tag) {
        case 'Success':
        case 'Failure':
        case 'Ignored': {
          const labels = { breaker: e.breaker, outcome: outcomeLabel[e._tag] }
          calls.inc(labels)
          if (Number.isFinite(e.duration)) durations.observe(labels, e.duration / 1000)
          return
        }
        case 'Rejection':
          return rejections.inc({ breaker: e.breaker })
        case 'Timeout':
          return timeouts.inc({ breaker: e.breaker })
        case 'FallbackUsed':
          return fallbacks.inc({ breaker: e.breaker, result: 'used' })
        case 'FallbackFailed':
          return fallbacks.inc({ breaker: e.breaker, result: 'failed' })
        case 'Transition':
          return transitions.inc({ breaker: e.breaker, from: stateLabel[e.from], to: stateLabel[e.to] })
      }
    }

    for (const b of current()) init(b.name)
    const unsubscribes = isRegistry(source)
      ? [source.subscribe(listener)]
      : current().map((b) => b.subscribe(listener))
    return {
      register,
      names,
      close: () => {
        for (const unsubscribe of unsubscribes) unsubscribe()
        for (const name of names) register.removeSingleMetric(name)
      }
    }
  }
