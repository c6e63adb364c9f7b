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
 * | `tripswitch_bulkhead_active_calls`      | gauge     | `bulkhead`              |
 * | `tripswitch_bulkhead_queued_calls`      | gauge     | `bulkhead`              |
 * | `tripswitch_bulkhead_limit`             | gauge     | `bulkhead`              |
 * | `tripswitch_bulkhead_rejections_total`  | counter   | `bulkhead`, `reason`    |
 *
 * The bulkhead metrics are registered when there are bulkheads to export (`options.bulkheads`, or
 * those of a registry source, `Registry.Options.bulkheads`) and read at scrape time from each
 * bulkhead's `metrics()`; `reason` is `full`, `timeout` or `aborted`.
 *
 * `tripswitch_state` is an enum gauge: `1` for the breaker's current state, `0` for the others, with
 * `state` one of `closed`, `open`, `half_open`, `forced_open`, `disabled`, `metrics_only`. It is read at
 * scrape time. `outcome` is `success`, `failure` or `ignored`; `result` is `used` or `failed`. The
 * counters and the histogram follow the breakers' events from the moment the exporter is made (a
 * timed-out call counts in `tripswitch_timeouts_total` and, as a failure, in `tripswitch_calls_total`).
 *
 * Invariants:
 * - One breaker per `breaker` label. Two different breakers with one name are an error, never merged:
 *   an array holding them is refused by `exporter` (a `DuplicateNameError`); a registry that yields
 *   them is reported to `onError` and only the first is exported.
 * - With a `Registry` source, exactly the registry's kept breakers are exported, so the series stay
 *   bounded by its `maxSize`. Breakers made later are included; the series of an evicted breaker (its
 *   counters, histogram and state gauge) are removed at the next scrape, or earlier once the names
 *   followed exceed twice the registry's size. An evicted breaker no longer reaches the exporter's
 *   listener (the registry detaches it), and a transient breaker (see `Registry`) is not exported.
 *
 * Every label value is a breaker name, so key breakers by a bounded set of names (services, hosts), not
 * by user or request.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import * as client from 'prom-client'
import { type Breaker, isBreaker } from '../Breaker'
import type { Bulkhead } from '../Bulkhead'
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
  /**
   * Told when a registry source yields a second breaker with the name of an exported one (once per
   * such breaker); the first stays exported, the second is not. Default: a `console.warn`. An array
   * source with two breakers of one name is refused by `exporter` instead (it throws).
   */
  readonly onError?: (error: DuplicateNameError) => void
  /** Bulkheads to export beside the breakers (with a registry source, added to the registry's). */
  readonly bulkheads?: ReadonlyArray<Bulkhead>
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
 * Two different breakers with one name, exported together. Their series would be one (the state gauge
 * showing whichever was read last, the counters merged), so the exporter refuses them: give every
 * breaker its own name. The same breaker listed twice is exported once, not an error.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as client from 'prom-client'
 * import { Breaker } from 'tripswitch'
 * import { exporter, isDuplicateNameError } from 'tripswitch/prometheus'
 *
 * const a = Breaker.make({}, { name: 'payments' })()
 * const b = Breaker.make({}, { name: 'payments' })()
 * assert.throws(() => exporter([a, b], { register: new client.Registry() })(), isDuplicateNameError)
 *
 * @category model
 * @since 0.1.0
 */
export class DuplicateNameError extends Error {
  /** Always `'DuplicateNameError'`. */
  readonly _tag = 'DuplicateNameError'
  override readonly name = 'DuplicateNameError'
  constructor(
    /** The name two exported breakers share. */
    readonly breaker: string
  ) {
    super(
      `tripswitch/prometheus: two breakers are named "${breaker}"; their series would merge, so only the first is exported. Give every breaker its own name.`
    )
  }
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

const results = ['used', 'failed'] as const

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * @category guards
 * @since 0.1.0
 */
export const isDuplicateNameError = (u: unknown): u is DuplicateNameError =>
  typeof u === 'object' && u !== null && (u as { readonly _tag?: unknown })._tag === 'DuplicateNameError'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Exports the metrics of a breaker, an array of breakers, or a registry of breakers. Throws a
 * `DuplicateNameError` for an array with two different breakers of one name, and an `Error` when the
 * register already has the metrics of another exporter with the same prefix, before registering
 * anything.
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
    const {
      register = client.register,
      prefix = 'tripswitch_',
      buckets = defaultBuckets,
      onError = warn
    } = options
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
      throw new TypeError(
        `prefix: expected a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${prefix}`
      )
    }
    const registry = isRegistry(source) ? source : undefined
    const fixed = isRegistry(source) ? [] : distinct(isBreaker(source) ? [source] : source)
    const bulkheads = distinct([...(registry?.bulkheads ?? []), ...(options.bulkheads ?? [])])
    const names = [
      'state',
      'calls_total',
      'rejections_total',
      'fallbacks_total',
      'timeouts_total',
      'transitions_total',
      'call_duration_seconds'
    ].map((name) => `${prefix}${name}`)
    const taken = names.filter((name) => register.getSingleMetric(name) !== undefined)
    if (taken.length > 0) {
      throw new Error(
        `tripswitch/prometheus: the register already has ${taken.join(', ')} (from another exporter); the breakers of two exporters would merge by name. Export every breaker through one exporter (an array of breakers or a Registry), or give this one its own prefix or register.`
      )
    }
    const registers = [register]
    // Every metric prunes at scrape time, before it is read: prom-client reads each metric on its own
    // (and `getSingleMetricAsString` reads one), so no single metric's collect can prune for the others.
    const collect = (): void => {
      if (registry !== undefined) reconcile(registry)
    }

    const calls = new client.Counter({
      name: `${prefix}calls_total`,
      help: 'Calls that ran through a circuit breaker and settled, by outcome.',
      labelNames: ['breaker', 'outcome'],
      registers,
      collect
    })
    const rejections = new client.Counter({
      name: `${prefix}rejections_total`,
      help: 'Calls a circuit breaker rejected without running them.',
      labelNames: ['breaker'],
      registers,
      collect
    })
    const fallbacks = new client.Counter({
      name: `${prefix}fallbacks_total`,
      help: 'Fallbacks run for rejected calls, by result (used or failed).',
      labelNames: ['breaker', 'result'],
      registers,
      collect
    })
    const timeouts = new client.Counter({
      name: `${prefix}timeouts_total`,
      help: 'Calls that ran past their time limit (also counted as failures).',
      labelNames: ['breaker'],
      registers,
      collect
    })
    const transitions = new client.Counter({
      name: `${prefix}transitions_total`,
      help: 'State transitions of a circuit breaker.',
      labelNames: ['breaker', 'from', 'to'],
      registers,
      collect
    })
    const durations = new client.Histogram({
      name: `${prefix}call_duration_seconds`,
      help: 'Durations of calls that ran through a circuit breaker, by outcome.',
      labelNames: ['breaker', 'outcome'],
      buckets: [...buckets],
      registers,
      collect
    })

    // The breaker each exported name stands for. Series exist (at 0) from the first sight of a breaker,
    // so that rate() and alerts see them, and go with it.
    const exported = new Map<string, Breaker>()
    const add = (b: Breaker): void => {
      const breaker = b.name
      exported.set(breaker, b)
      for (const outcome of Object.values(outcomeLabel)) calls.inc({ breaker, outcome }, 0)
      rejections.inc({ breaker }, 0)
      for (const result of results) fallbacks.inc({ breaker, result }, 0)
      timeouts.inc({ breaker }, 0)
    }
    const drop = (breaker: string): void => {
      exported.delete(breaker)
      for (const outcome of Object.values(outcomeLabel)) {
        calls.remove({ breaker, outcome })
        durations.remove({ breaker, outcome })
      }
      rejections.remove({ breaker })
      for (const result of results) fallbacks.remove({ breaker, result })
      timeouts.remove({ breaker })
      for (const from of Object.values(stateLabel)) {
        for (const to of Object.values(stateLabel)) transitions.remove({ breaker, from, to })
      }
    }
    // A name whose breaker changed (evicted, then made again) starts afresh: a counter reset.
    const follow = (b: Breaker): void => {
      const known = exported.get(b.name)
      if (known === b) return
      if (known !== undefined) drop(b.name)
      add(b)
    }

    // Makes the exported breakers those the registry keeps; returns them.
    const reported = new WeakSet<Breaker>()
    const reconcile = (r: Registry): ReadonlyArray<Breaker> => {
      const kept = new Map<string, Breaker>()
      for (const b of r.breakers()) {
        const first = kept.get(b.name)
        if (first === undefined) kept.set(b.name, b)
        else if (first !== b && !reported.has(b)) {
          reported.add(b)
          onError(new DuplicateNameError(b.name))
        }
      }
      for (const [name, b] of exported) if (kept.get(name) !== b) drop(name)
      for (const b of kept.values()) follow(b)
      return [...kept.values()]
    }

    // Registered by construction; read at scrape time.
    new client.Gauge({
      name: `${prefix}state`,
      help: `A circuit breaker's state: 1 for the current one (${Object.values(stateLabel).join(', ')}).`,
      labelNames: ['breaker', 'state'],
      registers,
      collect() {
        this.reset()
        for (const b of registry === undefined ? fixed : reconcile(registry)) {
          const now = b.state()._tag
          for (const tag of Object.keys(stateLabel) as ReadonlyArray<StateTag>) {
            this.set({ breaker: b.name, state: stateLabel[tag] }, tag === now ? 1 : 0)
          }
        }
      }
    })

    const count: L.Listener = (e) => {
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

    let unsubscribes: ReadonlyArray<IO<void>>
    if (registry === undefined) {
      for (const b of fixed) add(b)
      unsubscribes = fixed.map((b) => b.subscribe(count))
    } else {
      reconcile(registry)
      // Only the kept breaker of a name counts (not a transient one, not one evicted). Between scrapes,
      // evicted names are pruned once the names followed exceed twice the registry's size (amortized
      // O(1) per new name), so memory stays bounded by `maxSize` under any churn.
      unsubscribes = [
        registry.subscribe((e) => {
          const b = registry.peek(e.breaker)
          if (b === undefined) return
          if (exported.get(e.breaker) !== b) {
            follow(b)
            if (exported.size > 2 * registry.size()) reconcile(registry)
          }
          count(e)
        })
      ]
    }
    const bulkheadNames = exportBulkheads(bulkheads, prefix, registers)
    return {
      register,
      names: [...names, ...bulkheadNames],
      close: () => {
        for (const unsubscribe of unsubscribes) unsubscribe()
        for (const name of [...names, ...bulkheadNames]) register.removeSingleMetric(name)
      }
    }
  }

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const refusals = { full: 'full', timedOut: 'timeout', aborted: 'aborted' } as const

// The bulkhead metrics, read at scrape time; their names (none without bulkheads). Two different
// bulkheads of one name are refused, as breakers are.
const exportBulkheads = (
  bulkheads: ReadonlyArray<Bulkhead>,
  prefix: string,
  registers: Array<client.Registry>
): ReadonlyArray<string> => {
  if (bulkheads.length === 0) return []
  const gauge = (name: string, help: string, read: (bh: Bulkhead) => number): string => {
    new client.Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: ['bulkhead'],
      registers,
      collect() {
        this.reset()
        for (const bh of bulkheads) this.set({ bulkhead: bh.name }, read(bh))
      }
    })
    return `${prefix}${name}`
  }
  const names = [
    gauge('bulkhead_active_calls', 'Calls holding a slot of a bulkhead.', (bh) => bh.metrics().active),
    gauge('bulkhead_queued_calls', 'Calls waiting for a slot of a bulkhead.', (bh) => bh.metrics().queued),
    gauge('bulkhead_limit', 'Calls a bulkhead lets run at once.', (bh) => bh.limits.limit)
  ]
  new client.Counter({
    name: `${prefix}bulkhead_rejections_total`,
    help: 'Calls a bulkhead refused without running them, by reason (full, timeout, aborted).',
    labelNames: ['bulkhead', 'reason'],
    registers,
    collect() {
      this.reset()
      for (const bh of bulkheads) {
        const { counts } = bh.metrics()
        for (const [key, reason] of Object.entries(refusals) as ReadonlyArray<
          readonly [keyof typeof refusals, string]
        >) {
          this.inc({ bulkhead: bh.name, reason }, counts[key])
        }
      }
    }
  })
  return [...names, `${prefix}bulkhead_rejections_total`]
}

// The breakers (or bulkheads) of an array, each once; two different ones with one name are refused.
const distinct = <T extends { readonly name: string }>(breakers: ReadonlyArray<T>): ReadonlyArray<T> => {
  const byName = new Map<string, T>()
  for (const b of breakers) {
    const first = byName.get(b.name)
    if (first === undefined) byName.set(b.name, b)
    else if (first !== b) throw new DuplicateNameError(b.name)
  }
  return [...byName.values()]
}

const warn = (error: DuplicateNameError): void => console.warn(error.message)
