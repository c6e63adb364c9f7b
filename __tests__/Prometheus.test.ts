import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import type * as E from 'fp-ts/Either'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import * as client from 'prom-client'
import { Breaker, Bulkhead, Decision, Registry, withBreaker, withBulkhead } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import { exporter, isDuplicateNameError, type DuplicateNameError } from 'tripswitch/prometheus'

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** The samples of a text exposition, keyed by name and sorted labels: `name{a="1",b="2"}`. */
const parse = (text: string): ReadonlyMap<string, number> => {
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null) throw new Error(`not a sample line: ${line}`)
    const labels = (match[2] ?? '').split(/,(?=[a-z_]+=")/).filter((l) => l !== '')
    samples.set(`${match[1]}{${labels.sort().join(',')}}`, Number(match[3]))
  }
  return samples
}

const key = (name: string, labels: Readonly<Record<string, string>>) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')}}`

const scrape = async (register: client.Registry) => parse(await register.metrics())

/** The `breaker` label values of each metric's series, from prom-client's JSON view (which runs collect). */
const breakersOf = async (register: client.Registry): Promise<ReadonlyMap<string, ReadonlySet<string>>> =>
  new Map(
    (await register.getMetricsAsJSON()).map((metric) => [
      metric.name,
      new Set(metric.values.map((v) => String(v.labels['breaker'])))
    ])
  )

/** Gets every name of `names` from the registry and runs one successful call through its breaker. */
const churn = (
  registry: Registry.Registry,
  clock: ReturnType<typeof testClock>,
  names: ReadonlyArray<string>
) => {
  for (const name of names) run(registry.get(name), clock, 'success', 1)
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

/** Admits a call and records its outcome after `ms` on the test clock. */
const run = (
  b: Breaker.Breaker,
  clock: ReturnType<typeof testClock>,
  verdict: 'success' | 'failure',
  ms: number
) => {
  const d = b.admit(clock.now())
  if (Decision.isPermit(d)) {
    clock.advance(ms)
    b.record(d, verdict, ms, clock.now())
  }
}

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('Prometheus', () => {
  it('exposes state, outcome counters, rejections, fallbacks and durations after a scripted sequence', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const breaker = Breaker.make(
      { failureThreshold: 2, openFor: 1_000 },
      { name: 'payments', clock: clock.now }
    )()
    const metrics = exporter(breaker, { register })()

    run(breaker, clock, 'success', 20) // 0.02 s
    run(breaker, clock, 'success', 300) // 0.3 s
    const ignored = breaker.admit(clock.now())
    if (Decision.isPermit(ignored)) breaker.record(ignored, 'ignore', 5, clock.now())
    run(breaker, clock, 'failure', 2)
    run(breaker, clock, 'failure', 4) // opens
    const fallback = withBreaker(breaker, { fallback: () => T.of('cached') })
    await fallback(TE.right('fresh'))()
    await withBreaker(breaker)(TE.right('fresh'))()

    const s = await scrape(register)
    const payments = { breaker: 'payments' }
    expect(s.get(key('tripswitch_state', { ...payments, state: 'open' }))).toBe(1)
    expect(s.get(key('tripswitch_state', { ...payments, state: 'closed' }))).toBe(0)
    expect(s.get(key('tripswitch_state', { ...payments, state: 'half_open' }))).toBe(0)
    expect(s.get(key('tripswitch_calls_total', { ...payments, outcome: 'success' }))).toBe(2)
    expect(s.get(key('tripswitch_calls_total', { ...payments, outcome: 'failure' }))).toBe(2)
    expect(s.get(key('tripswitch_calls_total', { ...payments, outcome: 'ignored' }))).toBe(1)
    expect(s.get(key('tripswitch_rejections_total', payments))).toBe(2)
    expect(s.get(key('tripswitch_fallbacks_total', { ...payments, result: 'used' }))).toBe(1)
    expect(s.get(key('tripswitch_fallbacks_total', { ...payments, result: 'failed' }))).toBe(0)
    expect(s.get(key('tripswitch_timeouts_total', payments))).toBe(0)
    expect(s.get(key('tripswitch_transitions_total', { ...payments, from: 'closed', to: 'open' }))).toBe(1)

    const success = { ...payments, outcome: 'success' }
    expect(s.get(key('tripswitch_call_duration_seconds_count', success))).toBe(2)
    expect(s.get(key('tripswitch_call_duration_seconds_sum', success))).toBeCloseTo(0.32)
    expect(s.get(key('tripswitch_call_duration_seconds_bucket', { ...success, le: '0.01' }))).toBe(0)
    expect(s.get(key('tripswitch_call_duration_seconds_bucket', { ...success, le: '0.025' }))).toBe(1)
    expect(s.get(key('tripswitch_call_duration_seconds_bucket', { ...success, le: '0.5' }))).toBe(2)
    expect(s.get(key('tripswitch_call_duration_seconds_bucket', { ...success, le: '+Inf' }))).toBe(2)
    const failure = { ...payments, outcome: 'failure' }
    expect(s.get(key('tripswitch_call_duration_seconds_bucket', { ...failure, le: '0.005' }))).toBe(2)

    // half-open after the open time: the gauge follows at scrape time
    clock.advance(1_000)
    breaker.admit(clock.now())
    const later = await scrape(register)
    expect(later.get(key('tripswitch_state', { ...payments, state: 'half_open' }))).toBe(1)
    expect(later.get(key('tripswitch_state', { ...payments, state: 'open' }))).toBe(0)
    metrics.close()
  })

  it('follows every breaker of a registry, including those made later, and counts timeouts', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const registry = Registry.make({ breakerOptions: { clock: clock.now } })()
    registry.get('search')
    exporter(registry, { register })()
    let fire: () => void = () => undefined
    const guard = withBreaker(registry.get('users'), {
      timeout: 100,
      scheduler: (callback) => {
        fire = callback
        return () => undefined
      }
    })
    const pending = guard(() => new Promise<E.Either<string, number>>(() => undefined))()
    clock.advance(100)
    fire()
    await pending
    const s = await scrape(register)
    expect(s.get(key('tripswitch_state', { breaker: 'search', state: 'closed' }))).toBe(1)
    expect(s.get(key('tripswitch_state', { breaker: 'users', state: 'closed' }))).toBe(1)
    expect(s.get(key('tripswitch_calls_total', { breaker: 'search', outcome: 'success' }))).toBe(0)
    expect(s.get(key('tripswitch_timeouts_total', { breaker: 'users' }))).toBe(1)
    expect(s.get(key('tripswitch_calls_total', { breaker: 'users', outcome: 'failure' }))).toBe(1)
    expect(s.get(key('tripswitch_call_duration_seconds_sum', { breaker: 'users', outcome: 'failure' }))).toBe(
      0.1
    )
  })

  it('works with an array of breakers and a custom prefix and buckets', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const a = Breaker.make({}, { name: 'a', clock: clock.now })()
    const b = Breaker.make({}, { name: 'b', clock: clock.now })()
    exporter([a, b], { register, prefix: 'shop_breaker_', buckets: [0.5, 1] })()
    run(b, clock, 'success', 700)
    const s = await scrape(register)
    expect(s.get(key('shop_breaker_calls_total', { breaker: 'a', outcome: 'success' }))).toBe(0)
    expect(s.get(key('shop_breaker_calls_total', { breaker: 'b', outcome: 'success' }))).toBe(1)
    expect(
      s.get(key('shop_breaker_call_duration_seconds_bucket', { breaker: 'b', outcome: 'success', le: '1' }))
    ).toBe(1)
  })

  it('follows Prometheus naming conventions: a prefix, _total on counters, _seconds on durations', async () => {
    const register = new client.Registry()
    const m = exporter(Breaker.make({}, { name: 'x' })(), { register })()
    const json = await register.getMetricsAsJSON()
    const types = Object.fromEntries(json.map((metric) => [metric.name, String(metric.type)]))
    expect(types).toEqual({
      tripswitch_state: 'gauge',
      tripswitch_calls_total: 'counter',
      tripswitch_rejections_total: 'counter',
      tripswitch_fallbacks_total: 'counter',
      tripswitch_timeouts_total: 'counter',
      tripswitch_transitions_total: 'counter',
      tripswitch_call_duration_seconds: 'histogram'
    })
    expect([...m.names].sort()).toEqual(Object.keys(types).sort())
  })

  it('close stops counting and unregisters the metrics', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const breaker = Breaker.make({}, { name: 'x', clock: clock.now })()
    const m = exporter(breaker, { register })()
    m.close()
    run(breaker, clock, 'success', 1)
    expect(await register.metrics()).toBe('\n')
    // the same names can be registered again
    exporter(breaker, { register })().close()
  })

  it('removes the series of the breakers a registry evicted, so they stay bounded by its maxSize', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const registry = Registry.make({ maxSize: 10, breakerOptions: { clock: clock.now } })()
    exporter(registry, { register })()
    churn(registry, clock, range('host-', 1_000))
    const kept = registry.breakers().map((b) => b.name)
    expect(kept).toEqual(range('host-', 1_000).slice(990))
    const series = await breakersOf(register)
    for (const name of ['state', 'calls_total', 'rejections_total', 'fallbacks_total', 'timeouts_total']) {
      expect([...(series.get(`tripswitch_${name}`) ?? [])].sort()).toEqual([...kept].sort())
    }
    for (const breakers of series.values()) expect(breakers.size).toBeLessThanOrEqual(10)
    const text = await register.metrics()
    expect(text).not.toMatch(/breaker="host-(\d|\d\d|[0-8]\d\d|98\d)"/)
    expect(text.split('\n').filter((l) => l.startsWith('tripswitch_calls_total{'))).toHaveLength(30)
    expect(text.split('\n').filter((l) => l.startsWith('tripswitch_state{'))).toHaveLength(60)
  })

  it('keeps the series bounded between scrapes too, at twice the registry size', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const registry = Registry.make({ maxSize: 10, breakerOptions: { clock: clock.now } })()
    exporter(registry, { register })()
    churn(registry, clock, range('tenant-', 1_000))
    // a counter has no collect: its values are what the event path left, with no scrape since
    const calls = await register.getSingleMetric('tripswitch_calls_total')?.get()
    const names = new Set(calls?.values.map((v) => String(v.labels['breaker'])))
    expect(names.size).toBeGreaterThanOrEqual(10)
    expect(names.size).toBeLessThanOrEqual(20)
    expect(names.has('tenant-999')).toBe(true)
  })

  it('stops counting an evicted breaker, even for whoever still holds it, and starts a name made again at 0', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const registry = Registry.make({ maxSize: 2, breakerOptions: { clock: clock.now } })()
    exporter(registry, { register })()
    const held = registry.get('held')
    run(held, clock, 'success', 1)
    churn(registry, clock, ['a', 'b']) // evicts held
    expect(registry.peek('held')).toBeUndefined()
    run(held, clock, 'success', 1)
    const s = await scrape(register)
    expect([...s.keys()].filter((k) => k.includes('breaker="held"'))).toEqual([])
    expect(s.get(key('tripswitch_calls_total', { breaker: 'b', outcome: 'success' }))).toBe(1)

    const again = registry.get('held') // a new breaker of the name, evicting a
    run(held, clock, 'success', 1) // the evicted one still counts nowhere
    const t = await scrape(register)
    expect(t.get(key('tripswitch_calls_total', { breaker: 'held', outcome: 'success' }))).toBe(0)
    run(again, clock, 'success', 1)
    const u = await scrape(register)
    expect(u.get(key('tripswitch_calls_total', { breaker: 'held', outcome: 'success' }))).toBe(1)
    expect([...u.keys()].filter((k) => k.includes('breaker="a"'))).toEqual([])
  })

  it('refuses an array with two different breakers of one name, before registering anything', async () => {
    const register = new client.Registry()
    const a = Breaker.make({}, { name: 'payments' })()
    const b = Breaker.make({}, { name: 'payments' })()
    let thrown: unknown
    try {
      exporter([a, Breaker.make({}, { name: 'search' })(), b], { register })()
    } catch (e) {
      thrown = e
    }
    expect(isDuplicateNameError(thrown)).toBe(true)
    expect(thrown).toBeInstanceOf(Error)
    expect((thrown as DuplicateNameError).breaker).toBe('payments')
    expect((thrown as DuplicateNameError).message).toMatch(/two breakers are named "payments"/)
    expect(await register.getMetricsAsJSON()).toEqual([])
    // the metrics can still be registered, with distinct breakers
    exporter([a], { register })().close()
  })

  it('refuses a second exporter on one register, whose breakers would merge with the first by name', async () => {
    const register = new client.Registry()
    const first = exporter(Breaker.make({}, { name: 'payments' })(), { register })()
    const twin = Breaker.make({}, { name: 'payments' })()
    expect(() => exporter(twin, { register })()).toThrow(
      /the register already has tripswitch_state, tripswitch_calls_total, .* \(from another exporter\).*one exporter/
    )
    expect((await register.getMetricsAsJSON()).map((m) => m.name).sort()).toEqual([...first.names].sort())
    // with a prefix of its own, or once the first is closed, it may register
    exporter(twin, { register, prefix: 'twin_' })().close()
    first.close()
    exporter(twin, { register })().close()
  })

  it('exports a breaker listed twice once, counting each call once', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const a = Breaker.make({}, { name: 'a', clock: clock.now })()
    exporter([a, a], { register })()
    run(a, clock, 'success', 1)
    const s = await scrape(register)
    expect(s.get(key('tripswitch_calls_total', { breaker: 'a', outcome: 'success' }))).toBe(1)
    expect(s.get(key('tripswitch_state', { breaker: 'a', state: 'closed' }))).toBe(1)
  })

  it('reports a registry that yields two breakers of one name to onError, once, and exports the first', async () => {
    const register = new client.Registry()
    const clock = testClock(0)
    const registry = Registry.make({ breakerOptions: { clock: clock.now } })()
    registry.get('a')
    const twin = Breaker.make({ failureThreshold: 1 }, { name: 'a', clock: clock.now })()
    run(twin, clock, 'failure', 1) // the twin is open
    const errors: Array<DuplicateNameError> = []
    exporter(
      { ...registry, breakers: () => [...registry.breakers(), twin] },
      { register, onError: (e) => errors.push(e) }
    )()
    const s = await scrape(register)
    await scrape(register)
    expect(errors.map((e) => [isDuplicateNameError(e), e.breaker])).toEqual([[true, 'a']])
    expect(s.get(key('tripswitch_state', { breaker: 'a', state: 'closed' }))).toBe(1)
    expect(s.get(key('tripswitch_state', { breaker: 'a', state: 'open' }))).toBe(0)
  })

  it('warns on the console by default when a registry yields two breakers of one name', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      const register = new client.Registry()
      const registry = Registry.make()()
      registry.get('a')
      const twin = Breaker.make({}, { name: 'a' })()
      exporter({ ...registry, breakers: () => [...registry.breakers(), twin] }, { register })()
      await scrape(register)
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/two breakers are named "a"/)
    } finally {
      warn.mockRestore()
    }
  })

  it('rejects a prefix that is not a metric name', () => {
    expect(() => exporter([], { register: new client.Registry(), prefix: 'bad-prefix' })()).toThrow(
      /prefix: expected a Prometheus metric name prefix/
    )
  })

  it('is the only module that loads prom-client: the main entry point does not', () => {
    const root = path.resolve(__dirname, '..')
    const script = [
      "require('./src/index.ts')",
      "const loaded = () => Object.keys(require.cache).some((k) => k.includes('node_modules/prom-client/'))",
      'const before = loaded()',
      "require('./src/prometheus/index.ts')",
      'console.log(JSON.stringify([before, loaded()]))'
    ].join('\n')
    const child = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 20_000
    })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe('[false,true]')
  })

  it('exports bulkheads: calls running and waiting, the limit, and refusals by reason', async () => {
    const register = new client.Registry()
    const bh = Bulkhead.make({ name: 'db', limit: 1 })()
    const registry = Registry.make({ bulkheads: [bh] })()
    const metrics = exporter(registry, { register })()
    let hold: () => void = () => undefined
    const running = withBulkhead(bh)(
      () =>
        new Promise<E.Either<never, number>>((resolve) => (hold = () => resolve({ _tag: 'Right', right: 1 })))
    )()
    await withBulkhead(bh)(TE.right(2))()
    const text = await register.metrics()
    expect(text).toMatch(/tripswitch_bulkhead_active_calls\{bulkhead="db"\} 1\n/)
    expect(text).toMatch(/tripswitch_bulkhead_queued_calls\{bulkhead="db"\} 0\n/)
    expect(text).toMatch(/tripswitch_bulkhead_limit\{bulkhead="db"\} 1\n/)
    expect(text).toMatch(/tripswitch_bulkhead_rejections_total\{bulkhead="db",reason="full"\} 1\n/)
    expect(text).toMatch(/tripswitch_bulkhead_rejections_total\{bulkhead="db",reason="timeout"\} 0\n/)
    hold()
    await running
    expect(await register.metrics()).toMatch(/tripswitch_bulkhead_active_calls\{bulkhead="db"\} 0\n/)
    metrics.close()
    expect(await register.metrics()).not.toMatch(/bulkhead/)
  })

  it('refuses two different bulkheads of one name, and registers no bulkhead metric without bulkheads', () => {
    const register = new client.Registry()
    const a = Bulkhead.make({ name: 'db', limit: 1 })()
    const b = Bulkhead.make({ name: 'db', limit: 2 })()
    expect(() => exporter([], { register, bulkheads: [a, b] })()).toThrow(/"db"/)
    expect(register.getMetricsAsArray()).toHaveLength(0)
    const plain = exporter([], { register })()
    expect(plain.names.some((n) => n.includes('bulkhead'))).toBe(false)
  })
})
