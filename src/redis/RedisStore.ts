/**
 * `tripswitch/redis`: a `Store` on a real Redis server, for a fleet of processes that share one breaker
 * per name (see `Store` for what is shared and docs/shared-state.md for the design and its limits).
 *
 * Invariants:
 * - Every change of a record is one run of one Lua script (`script.ts`), loaded once and called by its
 *   SHA (ioredis `defineCommand`: `EVALSHA`, and `EVAL` again on `NOSCRIPT`), compare-and-set on the
 *   epoch and timed by the server's `TIME`, so clocks of the processes never meet.
 * - A change is published on one channel per prefix; each process subscribes once, on a connection of
 *   its own (a `duplicate` of the client), and dispatches by name. Since a push can be lost, the names
 *   whose breakers had calls are also polled, each about every `pollInterval` ms (jittered by ±25 %),
 *   with one timer per store, `unref`'d, and none while nothing is watched.
 * - A breaker's keys share one hash tag (`{name}`), so the script's keys live in one Redis Cluster slot.
 *   Every write makes its record expire `ttl` ms after its deadline: an idle name leaves no key behind.
 * - The store never throws at a breaker and never makes a call wait on Redis beyond the breaker's
 *   `storeTimeout`; the client's own `commandTimeout` bounds each command as well.
 * - The module never loads ioredis: it uses the client it is given.
 *
 * @since 0.1.0
 */
import { randomUUID } from 'node:crypto'
import type { IO } from 'fp-ts/IO'
import type Redis from 'ioredis'
import { ConfigError } from '../Config'
import { show } from '../codec'
import type { Proposal, Reply, Shared, Store, Watcher } from '../Store'
import { defaultRules } from '../Store'
import { script } from './script'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The options of `make`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Options {
  /**
   * An ioredis client, configured for a breaker: `enableOfflineQueue: false` (a command while
   * disconnected fails at once instead of waiting), a `commandTimeout` (ms), and a bounded
   * `maxRetriesPerRequest`. `make` checks these and says what to change.
   */
  readonly client: Redis
  /** Prefix of every key and of the channel (default `'tripswitch:'`): one fleet per prefix. */
  readonly prefix?: string
  /** How long a record outlives its deadline without a change, in ms (default one hour). */
  readonly ttl?: number
  /** How many distinct processes must trip within `quorumWindow` for the fleet to open (default 1). */
  readonly quorum?: number
  /** How long a trip counts towards the quorum, in ms (default 60 s). */
  readonly quorumWindow?: number
  /** About how often the names whose breakers had calls are polled, in ms (default 1,000). */
  readonly pollInterval?: number
}

/**
 * A store on Redis: a `Store`, and `close`, which stops polling and ends the subscriber connection the
 * store made (the client stays the caller's).
 *
 * @category model
 * @since 0.1.0
 */
export interface RedisStore extends Store {
  readonly close: () => Promise<void>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A store on the Redis server of `options.client`, for one process: give every breaker of the process
 * the same store (`Breaker.make(config, { store })`, `withBreaker({ store, ... })`, `wrap({ store, ... })`,
 * or `breakerOptions: { store }` of a `Registry`). Throws a `ConfigError` naming every option that is
 * wrong, including client settings a breaker cannot work with.
 *
 * @example
 * import * as assert from 'node:assert'
 * import Redis from 'ioredis'
 * import { Breaker } from 'tripswitch'
 * import { RedisStore } from 'tripswitch/redis'
 *
 * const client = new Redis({
 *   lazyConnect: true, // only so that this example needs no server: leave it out in real code
 *   enableOfflineQueue: false,
 *   commandTimeout: 250,
 *   maxRetriesPerRequest: 1
 * })
 * const store = RedisStore.make({ client })
 * const payments = Breaker.make(
 *   { failureThreshold: 5 },
 *   { name: 'payments', store, storeTimeout: 250, onListenerError: () => undefined }
 * )()
 * assert.strictEqual(payments.state()._tag, 'Closed') // no call waits on Redis
 * void store.close().then(() => client.disconnect())
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options): RedisStore => {
  const { client, prefix, ttl, quorum, quorumWindow, pollInterval } = check(options)
  const id = randomUUID()
  const channel = `${prefix}changes`
  if (typeof (client as unknown as Record<string, unknown>)[command] !== 'function') {
    client.defineCommand(command, { numberOfKeys: 2, lua: script })
  }
  const run = (name: string, args: ReadonlyArray<string | number>): Promise<unknown> => {
    const key = `${prefix}{${name}}`
    return (client as unknown as Record<string, (...a: ReadonlyArray<unknown>) => Promise<unknown>>)[
      command
    ]!(key, `${key}:votes`, ...[args[0], channel, name, id, ttl, quorum, quorumWindow, ...args.slice(1)])
  }
  const ask = (name: string, args: ReadonlyArray<string | number>): Promise<Reply> =>
    run(name, args).then(replyOf)

  // -- watching ---------------------------------------------------------------------------
  const watchers = new Map<string, Set<Watcher>>()
  let subscriber: Redis | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let closed = false

  const deliver = (message: string): void => {
    let parsed: unknown
    try {
      parsed = JSON.parse(message)
    } catch {
      return // not a message of ours
    }
    if (typeof parsed !== 'object' || parsed === null) return
    const { name, by, record } = parsed as { name?: unknown; by?: unknown; record?: unknown }
    if (typeof name !== 'string' || by === id) return
    for (const w of [...(watchers.get(name) ?? [])]) w.onRecord(record as Shared)
  }

  const subscribe = (): void => {
    if (subscriber !== undefined) return
    // a connection of its own: a subscribed connection takes no other commands; queue the subscription
    // while it connects (nothing waits on it), and resubscribe after a reconnect
    subscriber = client.duplicate({ enableOfflineQueue: true, autoResubscribe: true, lazyConnect: false })
    subscriber.on('error', () => undefined) // reported through the polls; never an unhandled 'error'
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) deliver(message)
    })
    // a change published before the subscription was live is read once it is, for every name watched
    subscriber.subscribe(channel).then(
      () => {
        for (const name of watchers.keys()) read(name, [...(watchers.get(name) ?? [])])
      },
      () => undefined
    )
  }

  const read = (name: string, to: ReadonlyArray<Watcher>): void => {
    ask(name, ['read']).then(
      (reply) => {
        for (const w of to) w.onRecord(reply.record)
      },
      (error: unknown) => {
        for (const w of to) w.onFailure(error)
      }
    )
  }

  const poll = (): void => {
    timer = undefined
    for (const [name, set] of watchers) {
      const active = [...set].filter((w) => w.active())
      if (active.length > 0) read(name, active)
    }
    schedule()
  }

  const schedule = (): void => {
    if (closed || timer !== undefined || watchers.size === 0) return
    timer = setTimeout(poll, pollInterval * (0.75 + Math.random() / 2))
    timer.unref?.()
  }

  const watch = (name: string, watcher: Watcher): IO<void> => {
    if (closed) throw new Error('tripswitch/redis: this store is closed')
    subscribe()
    const set = watchers.get(name) ?? new Set()
    set.add(watcher)
    watchers.set(name, set)
    schedule()
    return () => {
      set.delete(watcher)
      if (set.size === 0 && watchers.get(name) === set) watchers.delete(name)
    }
  }

  const close = async (): Promise<void> => {
    closed = true
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    watchers.clear()
    const s = subscriber
    subscriber = undefined
    if (s === undefined) return
    // a connection that is not ready would queue QUIT until it is: end it at once instead
    if (s.status === 'ready')
      await s.quit().then(
        () => undefined,
        () => s.disconnect()
      )
    else s.disconnect()
  }

  return {
    id,
    load: (name) => ask(name, ['read']).then((reply) => reply.record),
    propose: (name, p: Proposal) =>
      ask(
        name,
        p._tag === 'Control'
          ? ['propose', p.expect, p._tag, p.phase, 0, 0]
          : ['propose', p.expect, p._tag, p._tag === 'Trip' ? 'Open' : p.phase, p.openFor, p.attempt]
      ),
    claim: (name, expect, lease) => ask(name, ['claim', expect, 'Claim', '', Math.ceil(lease), 0]),
    watch,
    close
  }
}

// -------------------------------------------------------------------------------------
// defaults
// -------------------------------------------------------------------------------------

/**
 * The defaults of `make`'s options.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { RedisStore } from 'tripswitch/redis'
 * assert.strictEqual(RedisStore.defaults.prefix, 'tripswitch:')
 * assert.strictEqual(RedisStore.defaults.ttl, 3_600_000) // a record outlives its deadline by an hour
 *
 * @category defaults
 * @since 0.1.0
 */
export const defaults = {
  prefix: 'tripswitch:',
  ttl: 3_600_000,
  quorum: defaultRules.quorum,
  quorumWindow: defaultRules.quorumWindow,
  pollInterval: 1_000
} as const

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

// the name of the script's command on the client
const command = 'tripswitchFleet'

const known = ['client', 'prefix', 'ttl', 'quorum', 'quorumWindow', 'pollInterval']

// The options, with their defaults, or a `ConfigError` naming every problem.
const check = (options: Options): Required<Options> => {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError([`RedisStore.make: expected options { client, ... }, got ${show(options)}`])
  }
  const problems: Array<string> = []
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) problems.push(`${key}: unknown option (known: ${known.join(', ')})`)
  }
  const { client } = options
  const settings = (client as unknown as { options?: Record<string, unknown> } | undefined)?.options
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.defineCommand !== 'function' ||
    typeof client.duplicate !== 'function' ||
    typeof settings !== 'object' ||
    settings === null
  ) {
    problems.push(`client: expected an ioredis client (new Redis({ ... })), got ${show(client)}`)
  } else {
    if (settings.enableOfflineQueue !== false) {
      problems.push(
        'client: set enableOfflineQueue: false, so that a command fails at once while Redis is unreachable instead of waiting in a queue'
      )
    }
    const timeout = settings.commandTimeout
    if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
      problems.push(
        `client: set commandTimeout (ms, for example 250), so that a hung server cannot hold a command; got ${show(timeout)}`
      )
    }
    const retries = settings.maxRetriesPerRequest
    if (typeof retries !== 'number' || !Number.isFinite(retries) || retries < 0) {
      problems.push(
        `client: set maxRetriesPerRequest to a small number (for example 1); got ${show(retries)}`
      )
    }
  }
  const prefix = options.prefix ?? defaults.prefix
  if (typeof prefix !== 'string' || prefix.includes('{') || prefix.includes('}')) {
    problems.push(
      `prefix: expected a string without '{' or '}' (the hash tag is the name's), got ${show(prefix)}`
    )
  }
  const positive = (key: 'ttl' | 'quorumWindow' | 'pollInterval'): number => {
    const v = options[key] ?? defaults[key]
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      problems.push(`${key}: expected a finite number of milliseconds > 0, got ${show(v)}`)
    }
    return v
  }
  const ttl = positive('ttl')
  const quorumWindow = positive('quorumWindow')
  const pollInterval = positive('pollInterval')
  const quorum = options.quorum ?? defaults.quorum
  if (typeof quorum !== 'number' || !Number.isSafeInteger(quorum) || quorum < 1) {
    problems.push(`quorum: expected a whole number of processes >= 1, got ${show(quorum)}`)
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `RedisStore.make: ${p}`))
  return { client, prefix, ttl: Math.ceil(ttl), quorum, quorumWindow: Math.ceil(quorumWindow), pollInterval }
}

const outcomes: ReadonlyArray<Reply['outcome']> = ['accepted', 'voted', 'granted', 'local', 'refused']

// The script's array reply as a `Reply`; what is not one rejects, naming what came back.
const replyOf = (raw: unknown): Reply => {
  if (
    !Array.isArray(raw) ||
    raw.length !== 7 ||
    !outcomes.includes(raw[0] as Reply['outcome']) ||
    typeof raw[1] !== 'string' ||
    ![raw[2], raw[3], raw[4], raw[5]].every((n) => typeof n === 'number') ||
    typeof raw[6] !== 'string'
  ) {
    throw new Error(`tripswitch/redis: the script answered ${show(raw)}, not a reply`)
  }
  const [outcome, phase, epoch, attempt, openFor, remaining, holder] = raw as [
    Reply['outcome'],
    Shared['phase'],
    number,
    number,
    number,
    number,
    string
  ]
  return { outcome, record: { phase, epoch, attempt, openFor, remaining, holder } }
}
