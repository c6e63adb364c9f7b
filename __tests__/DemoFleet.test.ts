/**
 * The demo's fleet mode (examples/demo/fleet.ts), run for real and briefly: its own redis-server, one
 * HTTP service, two fleets of 2 processes. Real time is the subject here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fleetMain, parseFleet, runFleet, type FleetReport } from '../examples/demo/fleet'
import { main } from '../examples/demo/main'

const buffer = () => {
  let text = ''
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text }
}

describe('Demo: fleet mode', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tripswitch-demo-fleet-'))
  const printed = buffer()
  let report: FleetReport
  let svg: string

  beforeAll(async () => {
    const result = await runFleet({ size: 2, seconds: 5, out: dir }, printed.out)
    report = result.report
    svg = result.svg
  }, 60_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('sends fewer calls into the failing service from the shared fleet than from the independent one', () => {
    const { shared, independent } = report
    // alone, each of the 2 processes needs its own 3 failures, and probes on its own
    expect(independent.intoFailing).toBeGreaterThanOrEqual(2 * report.failureThreshold)
    expect(shared.intoFailing).toBeGreaterThanOrEqual(report.failureThreshold)
    expect(shared.intoFailing).toBeLessThan(independent.intoFailing)
    expect(shared.probes).toBeLessThanOrEqual(independent.probes)
    for (const p of [...shared.processes, ...independent.processes]) {
      expect([p.id, p.transitions.some((t) => t.to === 'Open')]).toEqual([p.id, true])
      expect([p.id, p.rejections > 0]).toEqual([p.id, true])
    }
    // in the shared fleet, one trip opened both processes
    expect(shared.processes.some((p) => p.transitions.some((t) => t.why === 'adopted'))).toBe(true)
  })

  it('writes an SVG with a lane per process and both fleets labelled', () => {
    const text = readFileSync(svg, 'utf8')
    expect(path.basename(svg)).toBe('fleet.svg')
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(text.trimEnd().endsWith('</svg>')).toBe(true)
    for (const s of [
      'Shared breaker (RedisStore): 2 processes',
      'Independent breakers: 2 processes',
      'shared-0',
      'shared-1',
      'alone-0',
      'alone-1',
      'failing',
      `calls into the failing service: ${report.shared.intoFailing}, of which probes: ${report.shared.probes}`
    ]) {
      expect(text).toContain(`>${s}<`)
    }
  })

  it('prints a line per second and a summary', () => {
    const lines = printed.text().split('\n')
    expect(lines.filter((l) => /^\s+\d+s {2}/.test(l))).toHaveLength(5)
    expect(printed.text()).toContain('while the service was failing')
    expect(printed.text()).toContain(`wrote ${svg}`)
  })

  it('is chosen by --fleet and listed in --help', async () => {
    const help = buffer()
    expect(await main(['--help'], { stdout: help.out, stderr: () => true })).toBe(0)
    expect(help.text()).toContain('--fleet <n>')
    expect(help.text()).toContain('apt-get install -y redis-server')
    const err = buffer()
    expect(await main(['--fleet', '0', '--speed', '2'], { stdout: err.out, stderr: err.out.write })).toBe(2)
    expect(err.text()).toContain('--fleet: expected a number of processes from 1 to 16, got "0"')
    expect(err.text()).toContain('--speed: unknown option in fleet mode')
  })

  it('parses its options', () => {
    expect(parseFleet(['--fleet', '4'])).toEqual({ size: 4, seconds: 12, out: 'demo-out' })
    expect(parseFleet(['--fleet=3', '--seconds=6', '--out', 'x'])).toEqual({ size: 3, seconds: 6, out: 'x' })
    expect(parseFleet(['--fleet'])).toEqual(['--fleet: expected a value after it'])
    expect(parseFleet(['--fleet', '2', '--seconds', '2'])).toEqual([
      '--seconds: expected a number of seconds from 4 to 120, got "2"'
    ])
  })

  it('says what to install when there is no redis-server, and exits with 1', async () => {
    const before = process.env['REDIS_SERVER']
    process.env['REDIS_SERVER'] = path.join(dir, 'no-such-redis-server')
    try {
      const err = buffer()
      expect(await fleetMain(['--fleet', '1', '--out', dir], err.out, err.out.write)).toBe(1)
      expect(err.text()).toContain('the fleet mode needs a redis-server')
      expect(err.text()).toContain('apt-get install -y redis-server')
    } finally {
      if (before === undefined) delete process.env['REDIS_SERVER']
      else process.env['REDIS_SERVER'] = before
    }
  })
})
