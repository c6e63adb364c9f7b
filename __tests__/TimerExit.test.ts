import { execFile } from 'node:child_process'
import * as path from 'node:path'

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: ReadonlyArray<string>
  readonly stderr: string
  /** How long after its scenario started the child exited by itself (its last line, `exit <ms>`). */
  readonly exitedAfter: number
}

const root = path.resolve(__dirname, '..')
const fixture = path.join(__dirname, '_support', 'timerExit.ts')

/** Runs a scenario of `_support/timerExit.ts` in a child Node process, killed after 10 s. */
const child = (scenario: string): Promise<Exit> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'tsx/cjs', fixture, scenario],
      { cwd: root, encoding: 'utf8', timeout: 10_000 },
      (error, stdout, stderr) => {
        const lines = stdout.trim().split('\n')
        const last = /^exit (\d+)$/.exec(lines.at(-1) ?? '')
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          signal: error?.signal ?? null,
          stdout: last === null ? lines : lines.slice(0, -1),
          stderr,
          exitedAfter: last === null ? NaN : Number(last[1])
        })
      }
    )
  })

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('TimerExit', () => {
  it('keeps a process whose only work is a hung call through a breaker alive until its timeout', async () => {
    const exit = await child('hung-breaker')
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    expect(exit.stdout).toHaveLength(1)
    const [, after, inFlight] =
      /^Left\(CallTimeoutError\) after (\d+) inFlight (\d+)$/.exec(exit.stdout[0] ?? '') ?? []
    expect(Number(after)).toBeGreaterThanOrEqual(195)
    expect(inFlight).toBe('0')
    expect(exit.exitedAfter).toBeGreaterThanOrEqual(195)
  })

  it('keeps a process whose only work is a hung timeoutTE call alive until its timeout', async () => {
    const exit = await child('hung-timeoutTE')
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    expect(exit.stdout).toHaveLength(1)
    expect(exit.stdout[0]).toMatch(/^Left\(CallTimeoutError\) after \d+$/)
    expect(exit.exitedAfter).toBeGreaterThanOrEqual(195)
  })

  it('lets a process with only an idle breaker exit at once by itself', async () => {
    const exit = await child('idle')
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    expect(exit.stdout).toEqual(['idle Closed function'])
    expect(exit.exitedAfter).toBeLessThan(100)
  })

  it('clears the timer of a call that settles quickly, so the process exits promptly', async () => {
    const exit = await child('quick')
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    expect(exit.stdout).toEqual(['Right(quick) Right(quick) inFlight 0'])
    expect(exit.exitedAfter).toBeLessThan(1_000)
  })
})
