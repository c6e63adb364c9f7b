/**
 * The demo (examples/demo), run for real: a flaky HTTP service on 127.0.0.1 and two clients, with the
 * clock compressed (`speed`) so that the default 24 s story takes 12 s. Real time is the
 * subject here, so these tests use real timers.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { defaults, main, type Options, run } from '../examples/demo/main'
import type { Result } from '../examples/demo/run'
import { phases, plan } from '../examples/demo/scenario'
import * as E from 'fp-ts/Either'
import { decodeConfig } from 'tripswitch'
import { Replay, Trace } from 'tripswitch/replay'
import { parseXml } from './_support/xml'

const root = path.join(__dirname, '..')
const tsx = path.join(root, 'node_modules', '.bin', 'tsx')

/** Runs the demo as a program; resolves with its exit code and output, or rejects after `ms`. */
const program = (
  args: ReadonlyArray<string>,
  ms: number
): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      tsx,
      ['examples/demo/main.ts', ...args],
      { cwd: root, timeout: ms, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        if (error !== null && error.killed) reject(new Error(`the demo did not exit within ${ms} ms`))
        else resolve({ code: child.exitCode, stdout, stderr })
      }
    )
  })

describe('Demo', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'tripswitch-demo-'))
  // speed 2 (12 s): at speed 4 a 300 ms demo timeout is 75 ms of real time, which a loaded machine
  // (two cores shared by parallel test workers) misses in the healthy phase
  const options: Options = { ...defaults, speed: 2, out }
  let result: Result
  let printed = ''
  let resourcesBefore: ReadonlyArray<string> = []
  let resourcesAfter: ReadonlyArray<string> = []

  beforeAll(async () => {
    resourcesBefore = process.getActiveResourcesInfo()
    result = await run(options, {
      write: (s) => {
        printed += s
      },
      isTTY: false
    })
    resourcesAfter = await new Promise((resolve) =>
      setImmediate(() => resolve(process.getActiveResourcesInfo()))
    )
  }, 40_000)

  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('opens the breaker during the outage', () => {
    const { breaker, outage } = result.report
    expect(breaker.openedDuringOutage).toBe(true)
    const firstOpen = breaker.transitions.find((t) => t.to === 'Open')
    expect(firstOpen?.at).toBeGreaterThanOrEqual(outage.start)
    expect(result.report.clients.protected.detectedAfter).not.toBeNull()
  })

  // The bound: a quarter of the unprotected client's requests. While the service is down, the
  // breaker lets through about (failureThreshold + outage / openFor * halfOpenProbes) calls, each of
  // at most 1 + retries requests: 2 * (3 + 11 s / 2 s) = 17, against the unprotected client's
  // 10/s * 11 s = 110, or 15 %. A quarter leaves room for timing noise on a loaded machine (a call in
  // flight when the circuit trips, one probe more), and still fails if the circuit does not open or
  // does not stay open: without the breaker, the retries alone would send 100 % or more.
  it('sends at most a quarter as many requests to the failing service as the unprotected client', () => {
    const { protected: p, unprotected: u } = result.report.clients
    expect(u.sentDuringOutage).toBeGreaterThanOrEqual(100)
    expect(p.sentDuringOutage).toBeGreaterThan(0)
    expect(p.sentDuringOutage).toBeLessThanOrEqual(0.25 * u.sentDuringOutage)
  })

  it('gives protected callers fallbacks rather than errors while the circuit is open', () => {
    const { whileOpen } = result.report.breaker
    const { protected: p, unprotected: u } = result.report.clients
    expect(whileOpen.calls).toBeGreaterThanOrEqual(50)
    // The rest are the failed probes and the calls in flight when the circuit opened.
    expect(whileOpen.fallbacks).toBeGreaterThanOrEqual(0.85 * whileOpen.calls)
    expect(p.fallbacks).toBe(p.rejections)
    expect(p.errorsDuringOutage).toBeLessThanOrEqual(0.25 * u.errorsDuringOutage)
  })

  it('closes the circuit again after the service recovers', () => {
    const { breaker, clients } = result.report
    expect(breaker.closedAfterRecovery).toBe(true)
    expect(breaker.finalState).toBe('Closed')
    expect(clients.protected.recoveredAfter).not.toBeNull()
  })

  it('counts each second with the names of the summary, and each second adds up', () => {
    const { seconds, clients } = result.report
    for (const client of ['protected', 'unprotected'] as const) {
      const total = { calls: 0, ok: 0, errors: 0, fallbacks: 0, rejections: 0, sent: 0 }
      for (const s of seconds) {
        const c = s[client]
        expect(c.ok + c.errors + c.fallbacks).toBe(c.calls)
        for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += c[k]
      }
      const summary = clients[client]
      expect(total).toEqual({
        calls: summary.calls,
        ok: summary.ok,
        errors: summary.errors,
        fallbacks: summary.fallbacks,
        rejections: summary.rejections,
        sent: summary.sent
      })
    }
  })

  it('measures recovery from the end of the outage until callers get only fresh quotes', () => {
    const { protected: p } = result.report.clients
    expect(p.recoveredAfter).toBeGreaterThan(0)
    expect(p.staleAfterOutage).toBeGreaterThan(0)
    const closed = result.report.breaker.transitions.find(
      (t) => t.to === 'Closed' && t.at >= result.report.outage.end
    )
    // the circuit closes on a probe's fresh quote: from then on, callers get fresh quotes
    expect(result.report.outage.end + (p.recoveredAfter ?? NaN)).toBeGreaterThanOrEqual(
      (closed?.at ?? NaN) - 1
    )
  })

  it('gives every time and count of the report in whole numbers (no float noise)', () => {
    const { options: _options, ...rest } = result.report
    const numbers: Array<number> = []
    JSON.stringify(rest, (_key, value: unknown) => {
      if (typeof value === 'number') numbers.push(value)
      return value
    })
    expect(numbers.length).toBeGreaterThan(100)
    expect(numbers.filter((n) => !Number.isInteger(n))).toEqual([])
  })

  it('writes the report it returns as JSON', () => {
    expect(JSON.parse(readFileSync(result.files.json, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(result.report))
    )
    expect(result.report.seconds).toHaveLength(24)
  })

  it('writes the trace the breaker saw, which replays through its config to every decision it made', () => {
    const parsed = Trace.unsafeParse(readFileSync(result.files.trace, 'utf8'), 'stop')
    const decoded = decodeConfig(parsed.trace.header.config)
    if (E.isLeft(decoded)) throw decoded.left
    const prepared = Replay.prepare(parsed.trace)
    const replayed = Replay.replay(prepared, decoded.right)
    expect(replayed.figures.rejected).toBe(result.report.clients.protected.rejections)
    expect(replayed.transitions.length).toBeGreaterThan(2)
    expect(Replay.disagreements(prepared, replayed)).toEqual([])
  })

  it('writes an SVG timeline that parses as XML and labels every phase', () => {
    const texts = parseXml(readFileSync(result.files.svg, 'utf8'))
    for (const phase of ['healthy', 'failing', 'slow', 'recovering', 'healthy again']) {
      expect(texts).toContain(phase)
    }
    expect(texts).toContain('calls made per second')
    expect(texts).toContain('a fallback (last good quote)')
  })

  it('draws half-open periods wide enough to see, and gives each colour one meaning', () => {
    const svg = readFileSync(result.files.svg, 'utf8')
    const fills = (colour: string): ReadonlyArray<number> =>
      [...svg.matchAll(new RegExp(`<rect [^>]*width="([\\d.]+)"[^>]*fill="${colour}"`, 'g'))].map((m) =>
        Number(m[1])
      )
    const halfOpen = fills('#8b5cf6')
    // every half-open period and the legend's swatch
    expect(halfOpen.length).toBe(
      result.report.breaker.transitions.filter((t) => t.to === 'HalfOpen').length + 1
    )
    for (const w of halfOpen) expect(w).toBeGreaterThanOrEqual(9)
    // the colours of the state band (drawn at y = 152) and of the bars (in the panels) are disjoint
    const rects = [
      ...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="([^"]+)"/g)
    ]
    const band = new Set(rects.filter((m) => m[1] === '152').map((m) => m[3]))
    const bars = new Set(
      rects.filter((m) => Number(m[1]) > 200 && Number(m[1]) < 620 && Number(m[2]) < 200).map((m) => m[3])
    )
    expect([...band].sort()).toEqual(['#1e293b', '#8b5cf6', '#cbd5e1'])
    expect([...bars].sort()).toEqual(['#3f9a5f', '#4f83e0', '#dc4a4a'])
    // the request line has no outline drawn over the bars
    expect(svg).not.toContain('stroke="#ffffff" stroke-width="5"')
  })

  it('rejects malformed XML in its own check', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow('does not close')
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow('bare &')
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow('duplicate attribute')
  })

  it('prints one plain line per second and the summary without a TTY', () => {
    expect(printed).not.toContain('\x1b[')
    expect(printed.split('\n').filter((l) => /^\s+\d+s {2}/.test(l))).toHaveLength(24)
    expect(printed).toContain('during the outage (failing + slow, 11 s)')
    expect(printed).toContain('time to detect the outage')
  })

  it('leaves no server, socket or timer open', () => {
    // No socket or server at all; timers compared with before the run, from inside the same hook
    // (jest's own timers are counted in both).
    expect(resourcesAfter.filter((r) => /TCP|Pipe.*Server|HTTP/i.test(r))).toEqual([])
    const timers = (rs: ReadonlyArray<string>): number => rs.filter((r) => /Timeout|Timer/i.test(r)).length
    expect(timers(resourcesAfter)).toBeLessThanOrEqual(timers(resourcesBefore))
  })

  it('runs as a program that exits on its own with code 0', async () => {
    const dir = path.join(out, 'program')
    const { code, stdout } = await program(['--duration', '6', '--speed', '6', '--out', dir], 15_000)
    expect(code).toBe(0)
    expect(stdout).toContain('time to recover')
    expect(existsSync(path.join(dir, 'timeline.svg'))).toBe(true)
    expect(existsSync(path.join(dir, 'report.json'))).toBe(true)
  }, 20_000)

  it('exits with code 2 and names the option for a bad value', async () => {
    const { code, stderr } = await program(['--rate', 'fast', '--speed=0'], 15_000)
    expect(code).toBe(2)
    expect(stderr).toContain('--rate: expected a number of calls per second from 1 to 200, got "fast"')
    expect(stderr).toContain('--speed: expected a number from 0.1 to 50, got "0"')
  }, 20_000)

  it('explains every option with --help', async () => {
    let text = ''
    const code = await main(['--help'], {
      stdout: { write: (s) => (text += s), isTTY: false },
      stderr: () => true
    })
    expect(code).toBe(0)
    for (const flag of [
      '--duration',
      '--speed',
      '--out',
      '--seed',
      '--rate',
      '--failure-threshold',
      '--open-for',
      '--half-open-probes',
      '--timeout',
      '--retries'
    ]) {
      expect(text).toContain(flag)
    }
  })

  it('reports an unknown option, a missing value and a rate too high for the speed', async () => {
    let err = ''
    const io = { stdout: { write: () => true, isTTY: false }, stderr: (s: string) => (err += s) }
    expect(await main(['--sped', '2'], io)).toBe(2)
    expect(await main(['--seed'], io)).toBe(2)
    expect(await main(['--rate', '50', '--speed', '10'], io)).toBe(2)
    expect(err).toContain('--sped: unknown option')
    expect(err).toContain('--seed: expected a value after it')
    expect(err).toContain('expected rate x speed of at most 200 calls per wall-clock second')
  })

  it('scripts the service deterministically from the seed', () => {
    const all = phases(24_000)
    const script = (seed: number) =>
      Array.from({ length: 200 }, (_, i) => plan(seed, all, 600, 'unprotected', i, 0, 4_000 + i * 30))
    expect(script(7)).toEqual(script(7))
    expect(script(7)).not.toEqual(script(8))
    expect(new Set(script(7).map((p) => (p._tag === 'Reset' ? 'reset' : p.status)))).toEqual(
      new Set(['reset', 500, 503])
    )
  })
})
