/**
 * A real HTTP dependency on 127.0.0.1 for fleet tests, the bench and the demo: one service that many
 * processes call, whose health is switched by the test, and which records every request that reaches
 * it (when, and which process sent it), so that a test counts at the dependency what the breakers let
 * through rather than trusting what the breakers say about themselves.
 *
 * Health: `healthy` answers 200, `failing` answers 503 at once, `hanging` never answers (until the
 * health changes, or the client gives up). A request names its sender in the `x-fleet-process` header,
 * and when it was sent in `x-fleet-sent`.
 */
import * as http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Health = 'healthy' | 'failing' | 'hanging'

/** A request that reached the dependency. */
export interface Hit {
  /** `Date.now()` when it arrived. */
  readonly at: number
  /** The `x-fleet-process` header, or `'?'`. */
  readonly from: string
  /**
   * The `x-fleet-sent` header: `Date.now()` when the sender sent it, or `null`. Under load a request
   * can arrive long after it was sent, even after its sender gave up on it.
   */
  readonly sent: number | null
  /** The health it met. */
  readonly health: Health
}

export interface Dependency {
  readonly port: number
  /** `http://127.0.0.1:<port>/` */
  readonly url: string
  readonly health: () => Health
  /**
   * Switches the health. When it stops being `hanging`, the requests left hanging are answered as the
   * new health says (200 or 503): a slow call that finally succeeds, or fails; with `hold`, they stay
   * hanging until `release`.
   */
  readonly setHealth: (health: Health, hold?: 'hold') => void
  /** Answers the requests left hanging: 200 for `healthy`, else 503. */
  readonly release: (as: Health) => void
  /** Every request so far, in arrival order. */
  readonly hits: () => ReadonlyArray<Hit>
  /**
   * The requests sent at or after `at` (a `Date.now()` reading), by their `x-fleet-sent` header, or
   * that arrived at or after it when they have none.
   */
  readonly hitsSince: (at: number) => ReadonlyArray<Hit>
  /** Closes the server and every connection to it. */
  readonly stop: () => Promise<void>
}

export const processHeader = 'x-fleet-process'
export const sentHeader = 'x-fleet-sent'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const startDependency = async (health: Health = 'healthy'): Promise<Dependency> => {
  let current = health
  const hits: Array<Hit> = []
  const hanging = new Set<http.ServerResponse>()
  const sockets = new Set<Socket>()

  const answer = (res: http.ServerResponse, status: number): void => {
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': status === 200 ? 2 : 4 })
    res.end(status === 200 ? 'ok' : 'down')
  }

  const release = (as: Health): void => {
    for (const res of hanging) answer(res, as === 'healthy' ? 200 : 503)
    hanging.clear()
  }

  const server = http.createServer((req, res) => {
    const from = req.headers[processHeader]
    const sent = Number(req.headers[sentHeader])
    hits.push({
      at: Date.now(),
      from: typeof from === 'string' ? from : '?',
      sent: Number.isFinite(sent) && sent > 0 ? sent : null,
      health: current
    })
    req.resume()
    switch (current) {
      case 'healthy':
        return answer(res, 200)
      case 'failing':
        return answer(res, 503)
      case 'hanging':
        hanging.add(res)
        res.on('close', () => hanging.delete(res))
        return
    }
  })
  server.keepAliveTimeout = 60_000
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    health: () => current,
    setHealth: (h, hold) => {
      current = h
      if (h !== 'hanging' && hold === undefined) release(h)
    },
    release,
    hits: () => hits,
    hitsSince: (at) => hits.filter((h) => (h.sent ?? h.at) >= at),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
