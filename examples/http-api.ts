/**
 * An HTTP API that calls a flaky upstream service through `wrap`, answers from a cache while the
 * circuit is open, and serves the breakers' health at `/health/circuits`.
 *
 * Run it with `npx tsx examples/http-api.ts` (it starts a flaky upstream of its own), then
 * `curl http://127.0.0.1:8080/prices/tea` and `curl http://127.0.0.1:8080/health/circuits`.
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Clock, isCircuitOpenError, Registry, wrap } from 'tripswitch'

/** What the upstream answers: its status, and a price when it has one. */
export interface Reply {
  readonly status: number
  readonly cents?: number
  /** Set by the fallback: a cached price, served while the circuit is open. */
  readonly stale?: boolean
}

/** The API, listening; `close` stops it. */
export interface Api {
  readonly origin: string
  readonly registry: Registry.Registry
  readonly close: () => Promise<void>
}

const listen = (server: http.Server, port: number): Promise<string> =>
  new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    })
  })

const closing = (server: http.Server) => (): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/** Starts the API in front of the upstream at `upstream`. `clock` is for tests (default: real time). */
export const start = async (upstream: string, port = 0, clock?: Clock.Clock): Promise<Api> => {
  const registry = Registry.make({
    defaults: { failureThreshold: 3, openFor: '5s', ...(clock === undefined ? {} : { clock }) }
  })()
  const cache = new Map<string, number>()

  const fetchPrice = async (sku: string): Promise<Reply> => {
    const res = await fetch(`${upstream}/prices/${encodeURIComponent(sku)}`, {
      signal: AbortSignal.timeout(500)
    })
    const reply: Reply = res.ok
      ? { status: res.status, cents: ((await res.json()) as { readonly cents: number }).cents }
      : { status: res.status }
    if (reply.cents !== undefined) cache.set(sku, reply.cents)
    return reply
  }
  // the options are typed by fetchPrice: `reply` is a Reply, no cast
  const price = wrap(registry.get('prices'))(fetchPrice, {
    isResultFailure: (reply) => reply.status >= 500,
    fallback: async (sku) => {
      const cents = cache.get(sku)
      if (cents === undefined) throw new Error(`no cached price for ${sku}`)
      return { status: 200, cents, stale: true }
    }
  })

  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
    }
    const { pathname } = new URL(req.url ?? '/', 'http://localhost')
    if (pathname === '/health/circuits') return json(200, registry.health())
    const sku = /^\/prices\/([\w-]+)$/.exec(pathname)?.[1]
    if (sku === undefined) return json(404, { error: `not found: ${pathname}` })
    price(sku).then(
      (reply) =>
        reply.status >= 500
          ? json(502, { error: `prices answered ${reply.status}` })
          : json(200, { sku, cents: reply.cents, stale: reply.stale === true }),
      (error: unknown) =>
        isCircuitOpenError(error)
          ? json(
              503,
              { error: error.message },
              { 'retry-after': String(Math.ceil(error.retryAfter / 1_000)) }
            )
          : json(503, { error: error instanceof Error ? error.message : String(error) })
    )
  })
  const origin = await listen(server, port)
  return { origin, registry, close: closing(server) }
}

/** A flaky upstream: prices while `healthy()`, 503 otherwise. */
export const upstream = async (
  healthy: () => boolean,
  port = 0
): Promise<{ origin: string; close: () => Promise<void> }> => {
  const server = http.createServer((_req, res) => {
    if (!healthy()) res.writeHead(503).end()
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cents: 250 }))
  })
  return { origin: await listen(server, port), close: closing(server) }
}

/** The story: a fresh price, an outage (3 failures open the circuit, then cached prices), health. */
export const main = async (log: (line: string) => void = console.log): Promise<void> => {
  let healthy = true
  const prices = await upstream(() => healthy)
  const api = await start(prices.origin)
  try {
    const get = async (path: string): Promise<string> => {
      const res = await fetch(`${api.origin}${path}`)
      return `${res.status} ${await res.text()}`
    }
    log(await get('/prices/tea'))
    healthy = false
    for (let i = 0; i < 4; i++) log(await get('/prices/tea'))
    log(await get('/prices/coffee'))
    const health = api.registry.health()
    log(
      `health: ${health.status}, prices ${health.breakers[0]?.state}, retry after ${health.breakers[0]?.retryAfter} ms`
    )
  } finally {
    await api.close()
    await prices.close()
  }
}

if (require.main === module) void main()
