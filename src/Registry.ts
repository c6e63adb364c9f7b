/**
 * A keyed, bounded registry of breakers: one per downstream service, host or tenant.
 *
 * `registry.get(name)` returns the breaker of `name`, making it on first use from the registry's
 * document: the settings of `breakers[name]` laid over `defaults`, then the `overrides` given to that
 * first `get`, each replacing what it overrides (`Config.merge`).
 *
 * Bounded: at most `maxSize` breakers are kept, so keying by host or tenant cannot leak memory. When a
 * new name arrives at a full registry, the least recently used breaker that is idle is evicted: idle
 * means closed with no call in flight. A breaker that is open, half-open or in a manual state
 * (forced open, disabled, metrics-only) is never evicted: evicting it would silently forget that a
 * dependency is failing, or an operator's decision. Recency is that of `get`.
 *
 * When every breaker is busy (none idle among the `scan` least recently used), the registry stays at
 * its bound: the new name gets a transient breaker that works for the calls it guards but is not kept
 * (it is counted in `overflows` and shown by no `health()`). Memory stays bounded whatever the
 * traffic; protection for a name resumes as soon as a slot frees up. Busy breakers met by a scan move to
 * the recent end, so the next scan looks at others.
 *
 * Hold on to `registry.get(name)` only for the duration of a call: an evicted breaker keeps working for
 * whoever holds it, but the registry no longer sees it.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import * as B from './Breaker'
import * as BH from './Bulkhead'
import { appendPath, isRecord, shownKey, unknownKey } from './codec'
import * as Config from './Config'
import * as L from './Listener'
import type * as M from './Metrics'
import type { StateTag } from './State'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A registry config document: the settings of breaker `name` are `breakers[name]` laid over
 * `defaults` (`Config.merge`: what an override gives replaces what it overrides, so defaults with a
 * `failureThreshold` and an override with a `strategy` make a breaker with that strategy). Both hold
 * settings (`Breaker.Settings`: thresholds and options in one object, durations as numbers or strings).
 * Accepts already-decoded plain objects (see `decodeRegistryConfig` to decode one from `unknown`).
 *
 * @category model
 * @since 0.1.0
 */
export interface Document {
  readonly defaults?: Overrides
  readonly breakers?: Readonly<Record<string, Overrides>>
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Options extends Document {
  /** The document in a key of its own (the form `decodeRegistryConfig` gives): not with `defaults` or `breakers`. */
  readonly config?: Document
  /** Options shared by every breaker, laid over the document's settings (the same as giving them in `defaults`). */
  readonly breakerOptions?: Omit<B.Options, 'name'>
  /** The most breakers kept (default `10_000`). */
  readonly maxSize?: number
  /** How many least recently used breakers an eviction looks at before giving up (default `32`). */
  readonly scan?: number
  /**
   * Bulkheads shown beside the breakers by `health()` (and exported with a registry source by
   * `tripswitch/prometheus`). Each needs a name of its own.
   */
  readonly bulkheads?: ReadonlyArray<BH.Bulkhead>
}

/**
 * What a first `get` of a name may add over the config document, config and options alike.
 *
 * @category model
 * @since 0.1.0
 */
export type Overrides = Omit<B.Settings, 'name'>

/**
 * The JSON view of a registry, for a `/health/circuits` endpoint.
 *
 * @category model
 * @since 0.1.0
 */
export interface Health {
  /** `degraded` when any breaker is open, half-open or forced open. */
  readonly status: 'ok' | 'degraded'
  readonly size: number
  readonly maxSize: number
  /** Idle breakers evicted to make room. */
  readonly evictions: number
  /** Names that got a transient breaker because every kept breaker was busy. */
  readonly overflows: number
  /** How many breakers are in each state. */
  readonly states: Readonly<Record<StateTag, number>>
  /** Every breaker's metrics, sorted by name. */
  readonly breakers: ReadonlyArray<M.Snapshot>
  /** Every bulkhead's metrics (see `Options.bulkheads`), sorted by name: a `saturated` one refuses calls. */
  readonly bulkheads: ReadonlyArray<BH.Snapshot>
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Registry {
  readonly _tag: 'Registry'
  /** The breaker of `name`, made on first use (`overrides` apply only then). */
  readonly get: (name: string, overrides?: Overrides) => B.Breaker
  /** The breaker of `name` if kept, without making one or touching its recency. */
  readonly peek: (name: string) => B.Breaker | undefined
  /** Every kept breaker, least recently used first. */
  readonly breakers: IO<ReadonlyArray<B.Breaker>>
  readonly size: IO<number>
  /** Subscribes a listener to every breaker, kept or transient, present and future. */
  readonly subscribe: (listener: L.Listener) => IO<void>
  readonly health: IO<Health>
  /** The bulkheads given in `Options.bulkheads`. */
  readonly bulkheads: ReadonlyArray<BH.Bulkhead>
}

// A kept breaker, and its place in the recency order: a doubly linked list from the least recently
// used (`head.next`) to the most (`head.prev`), threaded through the entries. Moving an entry to the
// recent end is two unlinks and two links, whatever the registry's size (a `Map` kept in recency order
// by deleting and re-adding a key leaves a deleted entry in that key's chain each time, until the next
// rehash, so a hot name's lookup slows down with the registry's size).
interface Entry {
  readonly name: string
  readonly breaker: B.Breaker
  /** Detaches the registry's forwarding listener, while the registry has listeners. */
  detach: IO<void> | undefined
  prev: Entry
  next: Entry
}

/** The sentinel of a recency list: an empty list is the sentinel linked to itself. */
const sentinel = (): Entry => {
  const head = { name: '', breaker: undefined, detach: undefined } as unknown as Entry
  head.prev = head
  head.next = head
  return head
}

const unlink = (e: Entry): void => {
  e.prev.next = e.next
  e.next.prev = e.prev
}

/** Links `e` at the recent end of the list of `head`. */
const linkRecent = (head: Entry, e: Entry): void => {
  e.prev = head.prev
  e.next = head
  head.prev.next = e
  head.prev = e
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Makes a registry outside of `IO`. Prefer `make`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const unsafeMake = (options: Options = {}): Registry => {
  check(options)
  const { breakerOptions = {}, maxSize = 10_000, scan = 32, bulkheads = [] } = options
  const config = documentOf(options)
  const defaults = config.defaults ?? {}
  const named = config.breakers ?? {}
  const entries = new Map<string, Entry>()
  const head = sentinel()
  let evictions = 0
  let overflows = 0
  let listeners: ReadonlyArray<L.Listener> = []
  let forward: L.Listener = L.empty
  const forwarder: L.Listener = (event) => forward(event)

  // a transient breaker (made when the registry is full of busy ones) is never shared with a store:
  // it serves one call and is not kept, so it must not watch the fleet. The breakers of names with no
  // entry of their own and no overrides are made from the defaults, checked once (on the first such
  // name, so a bad option fails there as it did).
  let ofDefaults: ((name: string) => B.Breaker) | undefined
  const create = (name: string, overrides: Overrides, transient: boolean): B.Breaker => {
    const perName = Object.hasOwn(named, name) ? named[name] : undefined
    if (perName === undefined && noKeys(overrides) && !transient) {
      ofDefaults ??= B.maker(Config.merge(defaults, breakerOptions))
      return ofDefaults(name)
    }
    const merged = [perName ?? {}, breakerOptions, overrides].reduce<Overrides>(Config.merge, defaults)
    const settings = { ...merged, name }
    if (!transient || settings.store === undefined) return B.from(settings)
    const { store: _unshared, ...local } = settings
    return B.from(local)
  }

  const isIdle = (b: B.Breaker): boolean => b.state()._tag === 'Closed' && b.counts().inFlight === 0

  const remove = (entry: Entry): void => {
    entries.delete(entry.name)
    unlink(entry)
    entry.detach?.()
    entry.breaker.close()
  }

  // Frees one slot if an idle breaker is found among the `scan` least recently used. The busy ones
  // looked at move to the recent end, in their order, so that the next scan looks at others.
  const evictOne = (): boolean => {
    let looked = 0
    let evicted = false
    for (let e = head.next; e !== head && looked < scan; e = e.next) {
      if (isIdle(e.breaker)) {
        remove(e)
        evictions++
        evicted = true
        break
      }
      looked++
    }
    // the busy ones looked at are the first `looked` of the list: move them, oldest first, to the end
    for (let i = 0; i < looked; i++) {
      const busy = head.next
      unlink(busy)
      linkRecent(head, busy)
    }
    return evicted
  }

  const get = (name: string, overrides: Overrides = {}): B.Breaker => {
    const found = entries.get(name)
    if (found !== undefined) {
      if (found !== head.prev) {
        unlink(found)
        linkRecent(head, found)
      }
      return found.breaker
    }
    const full = entries.size >= maxSize && !evictOne()
    const breaker = create(name, overrides, full)
    const detach = listeners.length === 0 ? undefined : breaker.subscribe(forwarder)
    if (full) {
      overflows++
      return breaker
    }
    const entry: Entry = { name, breaker, detach, prev: head, next: head }
    entries.set(name, entry)
    linkRecent(head, entry)
    return breaker
  }

  // every kept breaker, least recently used first
  const inOrder = (): Array<B.Breaker> => {
    const out: Array<B.Breaker> = []
    for (let e = head.next; e !== head; e = e.next) out.push(e.breaker)
    return out
  }

  const subscribe = (listener: L.Listener): IO<void> => {
    if (listeners.length === 0) {
      for (const entry of entries.values()) entry.detach = entry.breaker.subscribe(forwarder)
    }
    listeners = [...listeners, listener]
    forward = listeners.reduce(L.concat)
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      const i = listeners.indexOf(listener)
      listeners = [...listeners.slice(0, i), ...listeners.slice(i + 1)]
      forward = listeners.reduce(L.concat, L.empty)
      if (listeners.length === 0) {
        for (const entry of entries.values()) {
          entry.detach?.()
          entry.detach = undefined
        }
      }
    }
  }

  const health = (): Health => {
    const states: Record<StateTag, number> = {
      Closed: 0,
      Open: 0,
      HalfOpen: 0,
      ForcedOpen: 0,
      Disabled: 0,
      MetricsOnly: 0
    }
    const breakers: Array<M.Snapshot> = []
    for (let e = head.next; e !== head; e = e.next) {
      const m = e.breaker.metrics()
      states[m.state]++
      breakers.push(m)
    }
    breakers.sort(byName)
    return {
      status: states.Open + states.HalfOpen + states.ForcedOpen > 0 ? 'degraded' : 'ok',
      size: entries.size,
      maxSize,
      evictions,
      overflows,
      states,
      breakers,
      bulkheads: bulkheads.map((bh) => bh.metrics()).sort(byName)
    }
  }

  return {
    _tag: 'Registry',
    get,
    peek: (name) => entries.get(name)?.breaker,
    breakers: inOrder,
    size: () => entries.size,
    subscribe,
    health,
    bulkheads
  }
}

const byName = (a: { readonly name: string }, b: { readonly name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0

/**
 * Makes a registry. Every config in the document is checked now (merged over the defaults), so a bad
 * document fails at start-up with a `ConfigError` naming each field by its path, not at the first call.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Registry, withBreaker } from 'tripswitch'
 * import * as TE from 'fp-ts/TaskEither'
 *
 * const registry = Registry.make({
 *   config: { defaults: { openFor: 10_000 }, breakers: { payments: { failureThreshold: 5 } } },
 *   maxSize: 1_000
 * })()
 * const charge = withBreaker(registry.get('payments'))(TE.right('charged'))
 * assert.deepStrictEqual(await charge(), { _tag: 'Right', right: 'charged' })
 * const view = registry.health()
 * assert.strictEqual(view.status, 'ok')
 * assert.strictEqual(view.size, 1)
 * assert.deepStrictEqual(
 *   view.breakers.map((b) => [b.name, b.state, b.counts.successes]),
 *   [['payments', 'Closed', 1]]
 * )
 *
 * @category constructors
 * @since 0.1.0
 */
export const make =
  (options: Options = {}): IO<Registry> =>
  () =>
    unsafeMake(options)

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * @category guards
 * @since 0.1.0
 */
export const isRegistry = (u: unknown): u is Registry =>
  typeof u === 'object' && u !== null && (u as { readonly _tag?: unknown })._tag === 'Registry'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const noKeys = (o: object): boolean => {
  for (const _ in o) return false
  return true
}

const optionKeys: ReadonlyArray<keyof Options & string> = [
  'config',
  'defaults',
  'breakers',
  'breakerOptions',
  'maxSize',
  'scan',
  'bulkheads'
]

const documentKeys: ReadonlyArray<keyof Document & string> = ['defaults', 'breakers']

// The document of `options`: in `config`, or at the top level.
const documentOf = (options: Options): Document =>
  options.config ?? {
    ...(options.defaults === undefined ? {} : { defaults: options.defaults }),
    ...(options.breakers === undefined ? {} : { breakers: options.breakers })
  }

/** The own property `key` of `o`, `fallback` when it is absent or `undefined` (`null` is a value). */
const field = (o: Readonly<Record<string, unknown>>, key: string, fallback: unknown): unknown =>
  Object.hasOwn(o, key) && o[key] !== undefined ? o[key] : fallback

/** The problems of the keys of `o` that are not `known`, each under `at`, with a "did you mean" hint. */
const unknownKeys = (o: object, known: ReadonlyArray<string>, noun: string, at: string): Array<string> =>
  Object.keys(o)
    .filter((k) => !known.includes(k))
    .map((k) => `${appendPath(at, shownKey(k))}: ${unknownKey(k, known, noun)}`)

const positiveInteger = (problems: Array<string>, field: string, n: unknown): void => {
  if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 1)) {
    problems.push(
      `${field}: expected a positive integer, got ${typeof n === 'string' ? JSON.stringify(shownKey(n)) : String(n)}`
    )
  }
}

const objectOf = (u: unknown): string => (u === null ? 'null' : Array.isArray(u) ? 'an array' : typeof u)

// Checked at run time: a registry's options often come from untyped code or a parsed file.
const check = (options: unknown): void => {
  if (!isRecord(options)) {
    throw new Config.ConfigError([
      `options: expected an object of registry options, got ${objectOf(options)}`
    ])
  }
  const problems = unknownKeys(options, optionKeys, 'option', '')
  positiveInteger(problems, 'maxSize', field(options, 'maxSize', undefined))
  positiveInteger(problems, 'scan', field(options, 'scan', undefined))
  const bulkheads = field(options, 'bulkheads', [])
  if (!Array.isArray(bulkheads) || !bulkheads.every(BH.isBulkhead)) {
    problems.push(`bulkheads: expected an array of bulkheads (Bulkhead.make), got ${objectOf(bulkheads)}`)
  } else {
    const names = bulkheads.map((bh) => bh.name)
    const twice = names.filter((n, i) => names.indexOf(n) !== i)
    if (twice.length > 0) problems.push(`bulkheads: two bulkheads are named ${JSON.stringify(twice[0])}`)
  }
  const breakerOptions = field(options, 'breakerOptions', {})
  if (!isRecord(breakerOptions)) {
    problems.push(`breakerOptions: expected an object of breaker options, got ${objectOf(breakerOptions)}`)
  }
  const inConfig = field(options, 'config', undefined) !== undefined
  if (inConfig && documentKeys.some((k) => field(options, k, undefined) !== undefined)) {
    problems.push('config: give the document either in config or as defaults and breakers, not both')
  }
  const config = inConfig ? field(options, 'config', {}) : options
  const at = inConfig ? 'config' : ''
  if (!isRecord(config)) {
    problems.push(
      `config: expected a registry config document ({ defaults, breakers }), got ${objectOf(config)}`
    )
    throw new Config.ConfigError(problems)
  }
  if (inConfig) problems.push(...unknownKeys(config, documentKeys, 'key', 'config'))
  const defaults = field(config, 'defaults', {})
  const breakers = field(config, 'breakers', {})
  if (!isRecord(defaults)) {
    problems.push(
      `${appendPath(at, 'defaults')}: expected an object (a breaker's settings), got ${objectOf(defaults)}`
    )
  }
  if (!isRecord(breakers)) {
    problems.push(
      `${appendPath(at, 'breakers')}: expected an object of breaker settings by name, got ${objectOf(breakers)}`
    )
  }
  if (!isRecord(defaults) || !isRecord(breakers) || !isRecord(breakerOptions)) {
    throw new Config.ConfigError(problems)
  }
  // Each breaker's settings are checked laid over the defaults (and the shared options); a problem
  // of the defaults alone is reported once, under `defaults`.
  const base = Config.merge(defaults, breakerOptions)
  const inherited = B.problems(base)
  problems.push(...inherited.map((p) => `${appendPath(at, 'defaults')}.${p}`))
  for (const [name, input] of Object.entries(breakers)) {
    const under = appendPath(appendPath(at, 'breakers'), shownKey(name))
    if (name.length > Config.maxNameLength) {
      problems.push(
        `${under}: expected a name of at most ${Config.maxNameLength} characters, got ${name.length}`
      )
      continue
    }
    if (!isRecord(input)) {
      problems.push(`${under}: expected an object (a breaker's settings), got ${objectOf(input)}`)
      continue
    }
    for (const p of B.problems(Config.merge(base, input))) {
      if (!inherited.includes(p)) problems.push(`${under}.${p}`)
    }
  }
  if (problems.length > 0) throw new Config.ConfigError(problems)
}
