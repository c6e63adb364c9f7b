import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import type { Seen } from '../bench/check'
import { bulkheadNames, burst, names, rateNames } from '../bench/names'

// The set-ups run in a child process through tsx: cockatiel is ESM-only, and jest cannot require it.
const root = path.join(__dirname, '..')
const seen: ReadonlyArray<Seen> = JSON.parse(
  execFileSync(process.execPath, ['--import', 'tsx', path.join('bench', 'check.ts')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000
  })
) as ReadonlyArray<Seen>

const breakers = [
  names.withBreaker,
  names.wrap,
  names.opossum,
  names.opossumTimeout,
  names.cockatiel,
  names.cockatielSampling
]

const of = (scenario: string): ReadonlyArray<Seen> => seen.filter((s) => s.scenario === scenario)

describe('Bench', () => {
  it('sets up every breaker of the closed success scenario closed, and it stays closed', () => {
    const closed = of('closed, every call succeeds')
    expect(closed.map((s) => s.contender)).toEqual(expect.arrayContaining([...breakers, names.raw, names.te]))
    for (const s of closed.filter((c) => breakers.includes(c.contender as (typeof breakers)[number]))) {
      expect([s.contender, s.before, s.after]).toEqual([s.contender, 'closed', 'closed'])
    }
  })

  it('keeps every breaker closed while 10 % of calls fail', () => {
    const tenPercent = of('closed, 10 % of calls fail')
    expect(tenPercent.map((s) => s.contender)).toEqual(expect.arrayContaining(breakers))
    for (const s of tenPercent.filter((c) => breakers.includes(c.contender as (typeof breakers)[number]))) {
      expect([s.contender, s.before, s.after]).toEqual([s.contender, 'closed', 'closed'])
    }
  })

  it('sets up every breaker of the open scenario open, and it stays open', () => {
    const open = of('open, every call rejected')
    expect(open.map((s) => s.contender).sort()).toEqual([...breakers].sort())
    for (const s of open) expect([s.contender, s.before, s.after]).toEqual([s.contender, 'open', 'open'])
  })

  it('lets exactly one probe of a half-open burst run in tripswitch and opossum, and re-opens on its failure', () => {
    const half = of('half-open')
    for (const name of [names.withBreaker, names.wrap, names.opossum]) {
      const s = half.find((h) => h.contender === name)
      expect(s?.before).toBe(s?.claim)
      expect(s?.ran).toEqual([1, 1, 1])
      expect(s?.after).toBe('open')
    }
  })

  it('runs cockatiel bursts through its half-open state and leaves it open', () => {
    const s = of('half-open').find((h) => h.contender === names.cockatiel)
    expect(s?.before).toBe('open')
    expect(s?.ran?.every((n) => n >= 1 && n < burst)).toBe(true)
    expect(s?.after).toBe('open')
  })

  it('keeps the rate-strategy breakers and cockatiel sampling closed, with and without 10 % failures', () => {
    for (const scenario of [
      'rate strategies, closed, every call succeeds',
      'rate strategies, closed, 10 % of calls fail'
    ]) {
      const rate = of(scenario)
      expect(rate.map((s) => s.contender)).toEqual([
        names.raw,
        rateNames.count,
        rateNames.time,
        names.cockatielSampling
      ])
      for (const s of rate.filter((c) => c.contender !== names.raw)) {
        expect([s.contender, s.before, s.after]).toEqual([s.contender, 'closed', 'closed'])
      }
    }
  })

  it('sets up every bulkhead uncontended (admitting) and full (refusing), and they stay so', () => {
    const uncontended = of('bulkhead, uncontended (limit 10)')
    const full = of('bulkhead, full (every call refused)')
    const bulkheads: ReadonlyArray<string> = [
      bulkheadNames.withBulkhead,
      bulkheadNames.bulkheaded,
      bulkheadNames.cockatiel
    ]
    expect(full.map((s) => s.contender).sort()).toEqual([...bulkheads].sort())
    for (const s of uncontended.filter((c) => bulkheads.includes(c.contender))) {
      expect([s.contender, s.before, s.after]).toEqual([s.contender, 'closed', 'closed'])
    }
    for (const s of full) expect([s.contender, s.before, s.after]).toEqual([s.contender, 'open', 'open'])
  })
})
