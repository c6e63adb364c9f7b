/**
 * A `/health/circuits` endpoint on `node:http`: the JSON view of every breaker in a registry.
 *
 * Run it with `npx tsx examples/health-server.ts` (set PORT to choose the port, default 8080), then
 * `curl http://127.0.0.1:8080/health/circuits`.
 *
 * The endpoint answers 200 even when circuits are open: it reports on this service's dependencies, and
 * a load balancer that took the instance out of rotation because a dependency is down would turn one
 * failure into two. Read `status` in the body (`ok` or `degraded`) to alert on it.
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as TE from 'fp-ts/TaskEither'
import { Registry, withBreaker } from 'tripswitch'

/** Serves `registry.health()` at GET (or HEAD) /health/circuits; 404 elsewhere, 405 for other methods. */
export const healthHandler =
  (registry: Registry.Registry, path = '/health/circuits'): http.RequestListener =>
  (req, res) => {
    const json = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void => {
      const text = JSON.stringify(body)
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(text),
        ...headers
      })
      res.end(req.method === 'HEAD' ? undefined : text)
    }
    const { pathname } = new URL(req.url ?? '/', 'http://localhost')
    if (pathname !== path) return json(404, { error: `not found: ${pathname}` })
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(405, { error: `method not allowed: ${req.method}` }, { allow: 'GET, HEAD' })
    }
    return json(200, registry.health())
  }

/** Starts the endpoint on `host:port` (port 0 picks a free one) and resolves once it listens. */
export const serve = (registry: Registry.Registry, port = 0, host = '127.0.0.1'): Promise<http.Server> =>
  new Promise((resolve, reject) => {
    const server = http.createServer(healthHandler(registry))
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })

/** A demonstration: two dependencies, one of them failing, behind a registry. */
export const main = async (port = Number(process.env['PORT'] ?? 8080)): Promise<http.Server> => {
  const registry = Registry.make({
    config: {
      defaults: { failureThreshold: 3, openFor: 30_000 },
      breakers: { payments: { openFor: 60_000 } }
    },
    maxSize: 1_000
  })()
  const payments = withBreaker(registry.get('payments'))
  const search = withBreaker(registry.get('search'))
  for (let i = 0; i < 5; i++) {
    await payments(TE.left(new Error('payments answered 503')))()
    await search(TE.right(['result']))()
  }
  const server = await serve(registry, port)
  const { port: bound } = server.address() as AddressInfo
  console.log(`health of circuits: curl http://127.0.0.1:${bound}/health/circuits`)
  return server
}

if (require.main === module) void main()
