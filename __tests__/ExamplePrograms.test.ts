/**
 * The example programs of examples/, run as a reader would run them (their `main`), each checked for
 * what its doc comment says it shows. examples/circuit.test.ts is a jest test itself, run by the
 * suite; the type checker compiles them all (tsconfig.json includes examples/).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main as configFile } from '../examples/config-file'
import type * as DecoratedClass from '../examples/decorated-class'
import { main as fpRetry } from '../examples/fp-retry'
import { main as httpApi } from '../examples/http-api'
import { main as prometheus } from '../examples/prometheus'

const lines = async (run: (log: (line: string) => void) => unknown): Promise<ReadonlyArray<string>> => {
  const out: Array<string> = []
  await run((line) => out.push(line))
  return out
}

describe('example programs', () => {
  it('http-api: fresh prices, three upstream failures, then cached prices and a degraded health view', async () => {
    const out = await lines(httpApi)
    expect(out.slice(0, 6)).toEqual([
      '200 {"sku":"tea","cents":250,"stale":false}',
      '502 {"error":"prices answered 503"}',
      '502 {"error":"prices answered 503"}',
      '502 {"error":"prices answered 503"}',
      '200 {"sku":"tea","cents":250,"stale":true}',
      '503 {"error":"no cached price for coffee"}'
    ])
    // whole milliseconds in the health view
    expect(out[6]).toMatch(/^health: degraded, prices Open, retry after \d+ ms$/)
  })

  it('fp-retry: one outcome for a retry inside the breaker; no retry of an open circuit outside it', async () => {
    const out = await lines(fpRetry)
    expect(out[0]).toBe('inside: 200 after 2 requests; breaker Closed')
    expect(out[1]).toMatch(
      /^outside: rejected, retry after \d+ ms; 1 request reached the upstream; breaker Open$/
    )
  })

  it('decorated-class: typed classifier options on a method, once(breaker, "Open"), a fallback', async () => {
    // Loaded here rather than as the file loads: the example makes its breaker and decorates its class
    // as it loads, and a mutation run counts code run outside any test as static, which it can test
    // only by running every test of the suite again (see docs/testing.md).
    const { main: decorated } = jest.requireActual<typeof DecoratedClass>('../examples/decorated-class')
    expect(await lines(decorated)).toEqual([
      'charge: ch_500',
      'charge: HTTP 503',
      'charge: HTTP 503',
      'breaker: Open after 2 failures',
      'charge: rejected, circuit open',
      'status: unknown (fallback while open)'
    ])
  })

  it('prometheus: the state and counts of each breaker as prom-client series', async () => {
    expect(await lines(prometheus)).toEqual([
      'tripswitch_calls_total{breaker="payments",outcome="failure"} 2',
      'tripswitch_calls_total{breaker="search",outcome="success"} 3',
      'tripswitch_rejections_total{breaker="payments"} 1',
      'tripswitch_state{breaker="payments",state="open"} 1',
      'tripswitch_state{breaker="search",state="closed"} 1'
    ])
  })

  it('config-file: breakers from examples/breakers.json, an override replacing what it overrides', async () => {
    expect(await lines((log) => configFile(undefined, log))).toEqual([
      'payments: trips on FailureRate, opens for exponential backoff, 2 probes, probe lease 30000 ms',
      'search: trips on 5 consecutive failures, opens for 5000 ms, 2 probes, probe lease 2000 ms',
      'inventory: trips on 5 consecutive failures, opens for 30000 ms, 2 probes, probe lease 30000 ms'
    ])
  })

  it('config-file: every problem of a bad file at once, each with its path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'breakers-')), 'bad.json')
    writeFileSync(
      file,
      JSON.stringify({
        defaults: { failureTreshold: 5, openFor: '30 s' },
        breakers: { search: { successThreshold: 3 } }
      })
    )
    const out = await lines((log) => configFile(file, log))
    expect(out.slice(1)).toEqual([
      '  - defaults.failureTreshold: unknown key; did you mean failureThreshold?',
      '  - defaults.openFor: expected a duration: milliseconds (a finite number >= 0) or a string such as "500ms", "30s", "2m", got "30 s" (not a sequence of <number><unit> with units ms, s, m, h and no spaces)',
      '  - breakers.search.successThreshold: expected at most halfOpenProbes (1), got 3'
    ])
  })
})
