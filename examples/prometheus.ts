/**
 * Prometheus metrics of a registry of breakers, with prom-client (an optional peer dependency),
 * served at `/metrics`.
 *
 * Run it with `npx tsx examples/prometheus.ts`, then `curl http://127.0.0.1:9464/metrics`.
 */
import * as http from 'node:http'
import * as TE from 'fp-ts/TaskEither'
import * as client from 'prom-client'
import { Registry, withBreaker } from 'tripswitch'
import { exporter } from 'tripswitch/prometheus'

/** A registry with two dependencies, some traffic through them, and its exporter on a prom-client registry. */
export const setUp = async (): Promise<{
  readonly register: client.Registry
  readonly close: () => void
}> => {
  const breakers = Registry.make({ defaults: { failureThreshold: 2, openFor: '10s' } })()
  const register = new client.Registry()
  const metrics = exporter(breakers, { register })()
  const payments = withBreaker(breakers.get('payments'))
  const search = withBreaker(breakers.get('search'))
  for (let i = 0; i < 3; i++) {
    await payments(TE.left(new Error('payments answered 503')))()
    await search(TE.right(['result']))()
  }
  return { register, close: metrics.close }
}

/** Prints the tripswitch series (or serves them at /metrics when run as a program). */
export const main = async (log: (line: string) => void = console.log): Promise<void> => {
  const { register, close } = await setUp()
  const text = await register.metrics()
  for (const line of text.split('\n')) {
    if (/^tripswitch_(state|calls_total|rejections_total)\{/.test(line) && !line.endsWith(' 0')) log(line)
  }
  close()
}

if (require.main === module) {
  void setUp().then(({ register }) => {
    http
      .createServer((_req, res) => {
        void register
          .metrics()
          .then((text) => res.writeHead(200, { 'content-type': register.contentType }).end(text))
      })
      .listen(Number(process.env['PORT'] ?? 9464), '127.0.0.1', () =>
        console.log(`metrics: curl http://127.0.0.1:${process.env['PORT'] ?? 9464}/metrics`)
      )
  })
}
