/**
 * One process of a test fleet (started by `fleet.ts` with `child_process.fork` through tsx): it makes a
 * breaker, optionally on a shared `RedisStore`, calls the HTTP dependency through it (`wrap`) at the
 * load it is told, and reports over IPC what happened to its callers: calls, admissions, rejections,
 * errors, anything thrown that is not the dependency's error or a `CircuitOpenError` (a store error
 * reaching a caller), the longest time the breaker held a call before admitting or rejecting it, and
 * every transition with the wall-clock time it happened.
 *
 * Times in reports are `Date.now()` readings: every process of the fleet runs on this machine, so they
 * are comparable. The breaker's own clock may be offset (`clockOffset`), to test clock skew.
 */
import * as http from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Breaker, Clock, isCircuitOpenError, wrap } from 'tripswitch'
import { RedisStore } from 'tripswitch/redis'
import type {
  Command,
  Load,
  Outcome,
  Reply,
  Report,
  Setup,
  StoreSeen,
  StoreSetup,
  TransitionSeen
} from './fleetProtocol'
import { processHeader, sentHeader } from './dependency'
import { connectClient } from './redisClient'

// -------------------------------------------------------------------------------------
// the breaker and its store
// -------------------------------------------------------------------------------------

interface Attached {
  readonly store: Breaker.Options['store']
  readonly close: () => Promise<void>
}

const attach = async (setup: StoreSetup): Promise<Attached> => {
  switch (setup._tag) {
    case 'None':
      return { store: undefined, close: () => Promise.resolve() }
    case 'Redis': {
      const client = await connectClient(setup.url, setup.commandTimeout)
      const store = RedisStore.make({
        client,
        prefix: setup.prefix,
        ...(setup.quorum === undefined ? {} : { quorum: setup.quorum }),
        ...(setup.quorumWindow === undefined ? {} : { quorumWindow: setup.quorumWindow })
      })
      return {
        store,
        close: async () => {
          await store.close()
          client.disconnect()
        }
      }
    }
  }
}

// -------------------------------------------------------------------------------------
// state of this process
// -------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })

// how late this process's timers fire (a loaded machine): no wait can be bounded more tightly than that
const lag = monitorEventLoopDelay({ resolution: 10 })
lag.enable()

interface Current {
  readonly setup: Setup
  readonly breaker: Breaker.Breaker
  readonly call: () => Promise<Outcome>
  readonly attached: Attached
  readonly unsubscribe: () => void
  readonly report: Tally
}

/** A report as it is being counted. */
interface Tally {
  readonly id: string
  calls: number
  admitted: number
  inFlight: number
  successes: number
  failures: number
  rejections: number
  thrown: number
  readonly thrownSample: Array<string>
  maxWait: number
  firstOpenAt: number | null
  inFlightAtOpen: number
  maxRetryAfter: number
  readonly transitions: Array<TransitionSeen>
  readonly store: Array<StoreSeen>
  readonly events: Record<string, number>
}

let current: Current | undefined
let stopLoad: (() => Promise<void>) | undefined

const emptyReport = (id: string): Tally => ({
  id,
  calls: 0,
  admitted: 0,
  inFlight: 0,
  successes: 0,
  failures: 0,
  rejections: 0,
  thrown: 0,
  thrownSample: [],
  maxWait: 0,
  firstOpenAt: null,
  inFlightAtOpen: 0,
  maxRetryAfter: 0,
  transitions: [],
  store: [],
  events: {}
})

/** What the dependency did wrong: anything else reaching a caller is a defect of the breaker. */
class DependencyError extends Error {}

const get = (url: string, id: string, timeout: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const req = http.get(
      url,
      { agent, headers: { [processHeader]: id, [sentHeader]: String(Date.now()) }, timeout },
      (res) => {
        res.resume()
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new DependencyError(`dependency answered ${res.statusCode}`))
        )
      }
    )
    req.on('timeout', () =>
      req.destroy(new DependencyError(`dependency did not answer within ${timeout} ms`))
    )
    req.on('error', (error) =>
      reject(error instanceof DependencyError ? error : new DependencyError(error.message))
    )
  })

const configure = async (setup: Setup): Promise<void> => {
  await teardown()
  const attached = await attach(setup.store)
  const offset = setup.clockOffset ?? 0
  const breaker = Breaker.make(setup.config, {
    name: setup.name,
    clock: offset === 0 ? Clock.monotonic : () => Clock.monotonic() + offset,
    ...(attached.store === undefined ? {} : { store: attached.store }),
    ...(setup.storeTimeout === undefined ? {} : { storeTimeout: setup.storeTimeout }),
    onListenerError: () => undefined
  })()
  const report = emptyReport(setup.id)
  lag.reset()
  const unsubscribe = breaker.subscribe((e) => {
    report.events[e._tag] = (report.events[e._tag] ?? 0) + 1
    if (e._tag === 'StoreDegraded' || e._tag === 'StoreRecovered')
      report.store.push({ at: Date.now(), tag: e._tag })
    if (e._tag === 'Rejection' && Number.isFinite(e.retryAfter))
      report.maxRetryAfter = Math.max(report.maxRetryAfter, e.retryAfter)
    if (e._tag === 'Transition') {
      const at = Date.now()
      report.transitions.push({ at, from: e.from, to: e.to, why: e.why })
      if (e.to === 'Open' && report.firstOpenAt === null) {
        report.firstOpenAt = at
        report.inFlightAtOpen = report.inFlight
      }
    }
  })
  const guarded = wrap(breaker)(async (started: number) => {
    report.admitted++
    report.inFlight++
    report.maxWait = Math.max(report.maxWait, performance.now() - started)
    try {
      await get(setup.dependency, setup.id, setup.requestTimeout)
    } finally {
      report.inFlight--
    }
  })
  const call = async (): Promise<Outcome> => {
    report.calls++
    const started = performance.now()
    try {
      await guarded(started)
      report.successes++
      return 'success'
    } catch (error) {
      if (isCircuitOpenError(error)) {
        report.rejections++
        report.maxWait = Math.max(report.maxWait, performance.now() - started)
        return 'rejected'
      }
      if (error instanceof DependencyError) {
        report.failures++
        return 'failure'
      }
      report.thrown++
      if (report.thrownSample.length < 5)
        report.thrownSample.push(error instanceof Error ? error.message : String(error))
      return 'thrown'
    }
  }
  current = { setup, breaker, call, attached, unsubscribe, report }
}

const teardown = async (): Promise<void> => {
  await stopLoad?.()
  stopLoad = undefined
  if (current === undefined) return
  const c = current
  current = undefined
  c.unsubscribe()
  c.breaker.close()
  await c.attached.close()
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const start = (load: Load): void => {
  const c = current
  if (c === undefined) throw new Error('fleet child: Load before Setup')
  const inFlight = new Set<Promise<unknown>>()
  const fire = (): void => {
    const p = c.call().finally(() => inFlight.delete(p))
    inFlight.add(p)
  }
  let active = true
  const loops: Array<Promise<void>> = []
  switch (load._tag) {
    case 'Rate': {
      // open loop: calls are due at a fixed rate whether or not earlier ones have settled
      const t0 = performance.now()
      let fired = 0
      const timer = setInterval(() => {
        const due = Math.floor(((performance.now() - t0) * load.perSecond) / 1_000)
        while (fired < due) {
          fired++
          fire()
        }
      }, 5)
      loops.push(
        (async () => {
          while (active) await sleep(20)
          clearInterval(timer)
        })()
      )
      break
    }
    case 'Callers':
      // closed loop: each caller calls, waits for the outcome, pauses, calls again
      for (let i = 0; i < load.callers; i++) {
        loops.push(
          (async () => {
            await sleep(Math.random() * load.pause)
            while (active) {
              await c.call()
              await sleep(load.pause)
            }
          })()
        )
      }
      break
  }
  stopLoad = async () => {
    active = false
    await Promise.all(loops)
    await Promise.all([...inFlight])
  }
}

const snapshot = (): Report => {
  if (current === undefined) throw new Error('fleet child: Report before Setup')
  const r = current.report
  return {
    ...r,
    thrownSample: [...r.thrownSample],
    transitions: [...r.transitions],
    store: [...r.store],
    events: { ...r.events },
    maxLag: lag.max / 1e6,
    state: current.breaker.state()._tag
  }
}

const callNow = (n: number): Promise<ReadonlyArray<Outcome>> => {
  const c = current
  if (c === undefined) throw new Error('fleet child: Call before Setup')
  return Promise.all(Array.from({ length: n }, c.call))
}

// -------------------------------------------------------------------------------------
// IPC
// -------------------------------------------------------------------------------------

const handle = async (command: Command): Promise<unknown> => {
  switch (command._tag) {
    case 'Setup':
      await configure(command.setup)
      return null
    case 'Load':
      start(command.load)
      return null
    case 'Idle':
      await stopLoad?.()
      stopLoad = undefined
      return snapshot()
    case 'Report':
      return snapshot()
    case 'Call':
      return callNow(command.n)
    case 'Control': {
      if (current === undefined) throw new Error('fleet child: Control before Setup')
      Breaker[command.control](current.breaker)()
      return null
    }
    case 'Close':
      await teardown()
      agent.destroy()
      lag.disable()
      setImmediate(() => process.disconnect())
      return null
  }
}

process.on('message', (message: { readonly id: number; readonly command: Command }) => {
  handle(message.command).then(
    (result) => process.send?.({ id: message.id, ok: true, result } satisfies Reply),
    (error: unknown) =>
      process.send?.({
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error)
      } satisfies Reply)
  )
})
process.send?.({ id: 0, ok: true, result: 'ready' } satisfies Reply)
