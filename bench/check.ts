/**
 * A quick look at the scenario set-ups, without timing: which state each contender reports before and
 * after a few calls, and what a half-open burst lets through. Prints JSON; `__tests__/Bench.test.ts`
 * runs it in a child process (cockatiel is ESM-only, which jest's module loader cannot require).
 */
import { bulkheadFull, bulkheadUncontended } from './bulkhead'
import {
  closedSuccess,
  closedTenPercent,
  halfOpen,
  openRejection,
  rateScenario,
  type Observed,
  type Scenario
} from './contenders'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What one contender showed. */
export interface Seen {
  readonly scenario: string
  readonly claim: Observed
  readonly contender: string
  readonly before: Observed
  readonly after: Observed
  /** For half-open bursts: the calls that ran in each burst. */
  readonly ran?: ReadonlyArray<number>
}

/** How many calls each timing contender makes between the two looks. */
export const calls = 40

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

const look = async (s: Scenario): Promise<ReadonlyArray<Seen>> => {
  const out: Array<Seen> = []
  for (const c of s.contenders) {
    const before = c.state()
    for (let i = 0; i < calls; i++) await c.call()
    out.push({ scenario: s.name, claim: s.claim, contender: c.name, before, after: c.state() })
  }
  return out
}

/** Builds every scenario, makes a few calls through each contender, and reports what it saw. */
export const checkSetups = async (): Promise<ReadonlyArray<Seen>> => {
  const out: Array<Seen> = []
  const scenarios = [
    closedSuccess(),
    closedTenPercent(),
    await openRejection(),
    rateScenario(false),
    rateScenario(true)
  ]
  for (const s of scenarios) out.push(...(await look(s)))
  for (const s of [bulkheadUncontended(), bulkheadFull()]) out.push(...(await look(s)))
  for (const c of await halfOpen()) {
    const ran: Array<number> = []
    let before: Observed = 'n/a'
    for (let i = 0; i < 3; i++) {
      await c.ready()
      before = c.state()
      ran.push(await c.burst())
    }
    out.push({ scenario: 'half-open', claim: c.readyClaim, contender: c.name, before, after: c.state(), ran })
  }
  return out
}

if (require.main === module) {
  checkSetups().then(
    (seen) => process.stdout.write(`${JSON.stringify(seen)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`)
      process.exitCode = 1
    }
  )
}
