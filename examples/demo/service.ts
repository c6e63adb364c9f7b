/**
 * The flaky HTTP service: a real `node:http` server on 127.0.0.1 (an ephemeral port) that answers
 * `GET /quote?client=<name>&call=<n>&attempt=<k>` as the script says (see `Scenario.plan`): a JSON
 * quote, a 5xx, a destroyed socket, or an answer that comes too late. `GET /health` always answers
 * 200 at once and is not logged.
 *
 * It logs every request that reached it, with the demo time of its arrival, so the report counts
 * what each client really sent. `close` stops listening, destroys every connection and clears every
 * pending timer: nothing is left to keep the process alive.
 *
 * @since 0.1.0
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Clock } from 'tripswitch'
import { type ClientName, type Phase, type PhaseName, phaseAt, plan } from './scenario'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A request that reached the service.
 *
 * @category model
 * @since 0.1.0
 */
export interface Arrival {
  readonly client: ClientName
  /** Demo ms. */
  readonly at: number
  readonly phase: PhaseName
  /** What the service did: a status code, or `'reset'` for a destroyed connection. */
  readonly answer: 200 | 500 | 503 | 'reset'
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Service {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** Stops the service: no listener, connection or timer is left. */
  readonly close: () => Promise<void>
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Script {
  readonly seed: number
  readonly phases: ReadonlyArray<Phase>
  /** The shortest delay of the slow phase, in demo ms. */
  readonly slowMs: number
  /** Demo ms to wall-clock ms. */
  readonly speed: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const clientOf = (s: string | null): ClientName | undefined =>
  s === 'protected' || s === 'unprotected' ? s : undefined

const count = (s: string | null): number | undefined => {
  const n = s === null ? NaN : Number(s)
  return Number.isInteger(n) && n >= 0 ? n : undefined
}

/**
 * Starts the service and resolves once it listens.
 *
 * @example
 * const service = await start(script, clock, (a) => arrivals.push(a))
 * await fetch(`${service.origin}/quote?client=unprotected&call=0&attempt=0`)
 * await service.close()
 *
 * @category constructors
 * @since 0.1.0
 */
export const start = (
  script: Script,
  clock: Clock.Clock,
  onArrival: (a: Arrival) => void
): Promise<Service> => {
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, f: () => void, res: http.ServerResponse): void => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      f()
    }, ms / script.speed)
    timers.add(timer)
    res.on('close', () => {
      clearTimeout(timer)
      timers.delete(timer)
    })
  }

  const server = http.createServer((req, res) => {
    const at = clock()
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
      return
    }
    const query = url.searchParams
    const client = clientOf(query.get('client'))
    const call = count(query.get('call'))
    const attempt = count(query.get('attempt'))
    if (client === undefined || call === undefined || attempt === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('expected ?client=&call=&attempt=\n')
      return
    }
    const p = plan(script.seed, script.phases, script.slowMs, client, call, attempt, at)
    const phase = phaseAt(script.phases, at).name
    if (p._tag === 'Reset') {
      onArrival({ client, at, phase, answer: 'reset' })
      later(p.after, () => req.socket.destroy(), res)
      return
    }
    onArrival({ client, at, phase, answer: p.status })
    later(
      p.after,
      () => {
        const body =
          p.status === 200
            ? JSON.stringify({ price: 100 + Math.round(10 * Math.sin(at / 3_000)) / 10 })
            : JSON.stringify({ error: p.status === 503 ? 'unavailable' : 'internal error' })
        res.writeHead(p.status, { 'content-type': 'application/json' }).end(body)
      },
      res
    )
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t)
            timers.clear()
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}
