import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as TE from 'fp-ts/TaskEither'
import { Registry, withBreaker } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { main, serve } from '../examples/health-server'

interface Response {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

/** One request over a fresh connection (no keep-alive agent, so no socket outlives the test). */
const request = (server: http.Server, path: string, method = 'GET'): Promise<Response> =>
  new Promise((resolve, reject) => {
    const { port } = server.address() as AddressInfo
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })

const close = (server: http.Server): Promise<void> =>
  new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))

describe('HealthServer', () => {
  let server: http.Server | undefined
  afterEach(async () => {
    if (server !== undefined) await close(server)
    server = undefined
  })

  it('serves the health of every circuit as JSON over a real socket on 127.0.0.1', async () => {
    const clock = testClock(1_000)
    const registry = Registry.make({
      config: { defaults: { failureThreshold: 2, openFor: 10_000 } },
      breakerOptions: { clock: clock.now }
    })()
    const payments = withBreaker(registry.get('payments'))
    for (let i = 0; i < 3; i++) await payments(TE.left('503'))()
    await withBreaker(registry.get('search'))(TE.right('ok'))()
    clock.advance(4_000)
    server = await serve(registry)
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1')

    const res = await request(server, '/health/circuits')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    const body = JSON.parse(res.body) as Registry.Health
    expect(body).toEqual(JSON.parse(JSON.stringify(registry.health())))
    expect(body.status).toBe('degraded')
    expect(body.breakers.map((b) => [b.name, b.state, b.retryAfter, b.failureRate])).toEqual([
      ['payments', 'Open', 6_000, 1],
      ['search', 'Closed', 0, 0]
    ])
    expect(body.breakers[0]?.counts).toMatchObject({ calls: 3, failures: 2, rejected: 1 })
  })

  it('answers 404 elsewhere, 405 to other methods, and HEAD without a body', async () => {
    server = await serve(Registry.make()())
    expect((await request(server, '/health')).status).toBe(404)
    const post = await request(server, '/health/circuits', 'POST')
    expect([post.status, post.headers['allow']]).toEqual([405, 'GET, HEAD'])
    const head = await request(server, '/health/circuits?verbose=1', 'HEAD')
    expect([head.status, head.body]).toEqual([200, ''])
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0)
  })

  it('runs the example end to end: payments open, search closed', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined)
    try {
      server = await main(0)
      const { port } = server.address() as AddressInfo
      expect(log).toHaveBeenCalledWith(`health of circuits: curl http://127.0.0.1:${port}/health/circuits`)
      const body = JSON.parse((await request(server, '/health/circuits')).body) as Registry.Health
      expect(body.breakers.map((b) => [b.name, b.state])).toEqual([
        ['payments', 'Open'],
        ['search', 'Closed']
      ])
    } finally {
      log.mockRestore()
    }
  })
})
