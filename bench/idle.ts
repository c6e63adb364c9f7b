/**
 * Idle breakers: the cost of holding many breakers that no call goes through.
 *
 * `measureIdle` starts one child process per contender (`node --expose-gc idle.js <contender> <count>`);
 * the child makes `count` breakers, each with its own name, and reports on one JSON line: heap bytes
 * per breaker (after `global.gc()`), active timers per breaker (`process.getActiveResourcesInfo()`),
 * and the CPU it spent while idle over `idleMs`. It then returns with the breakers still referenced;
 * the parent records whether it exits on its own within a grace period (and kills it if not).
 */
import { createHook } from 'node:async_hooks'
import { spawn } from 'node:child_process'
import CircuitBreaker from 'opossum'
import { circuitBreaker, ConsecutiveBreaker, handleAll, SamplingBreaker } from 'cockatiel'
import { Breaker, withBreaker } from '../src/index'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What one child reports. */
export interface Idle {
  readonly contender: string
  readonly count: number
  readonly bytesPerBreaker: number
  /** Timers (ref'd or `unref`'d) created while making the breakers and still alive. */
  readonly timersPerBreaker: number
  /** Of those, the ref'd ones, which keep the process alive (`process.getActiveResourcesInfo()`). */
  readonly refTimersPerBreaker: number
  /** CPU time (user + system) over wall time while idle: `1` is a whole core. */
  readonly idleCpu: number
  readonly makeMs: number
  /** Whether the child exited on its own, with its breakers referenced, within the grace period. */
  readonly exitsOnItsOwn: boolean
}

/** The contenders, by the name a child is given. */
export const idleContenders = {
  'tripswitch Breaker': (i: number): unknown =>
    Breaker.make({ failureThreshold: 5, openFor: 30_000 }, { name: `b${i}` })(),
  'tripswitch withBreaker': (i: number): unknown =>
    withBreaker({ failureThreshold: 5, openFor: 30_000, name: `b${i}` }),
  'cockatiel consecutive': (): unknown =>
    circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) }),
  'cockatiel sampling': (): unknown =>
    circuitBreaker(handleAll, {
      halfOpenAfter: 30_000,
      breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 1 })
    }),
  'opossum, default options': (i: number): unknown => new CircuitBreaker(action, { name: `b${i}` })
} as const

/** @internal A contender's name. */
export type IdleContender = keyof typeof idleContenders

const action = async (): Promise<number> => 1

// -------------------------------------------------------------------------------------
// child
// -------------------------------------------------------------------------------------

const gc = (): void => {
  const collect = (globalThis as { readonly gc?: () => void }).gc
  if (collect === undefined) throw new Error('idle: run with node --expose-gc')
  for (let i = 0; i < 3; i++) collect()
}

const refTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length

// Every live timer, `unref`'d or not: `getActiveResourcesInfo` lists only the ref'd ones.
const liveTimers = new Set<number>()
const timerHook = createHook({
  init: (id, type) => {
    if (type === 'Timeout') liveTimers.add(id)
  },
  destroy: (id) => {
    liveTimers.delete(id)
  }
})

const held: Array<unknown> = []

const child = async (contender: IdleContender, count: number, idleMs: number): Promise<void> => {
  const make = idleContenders[contender]
  gc()
  const heap0 = process.memoryUsage().heapUsed
  const refTimers0 = refTimers()
  timerHook.enable()
  const t0 = performance.now()
  for (let i = 0; i < count; i++) held.push(make(i))
  const makeMs = performance.now() - t0
  gc()
  const heap1 = process.memoryUsage().heapUsed
  const timers = liveTimers.size
  timerHook.disable()
  const refTimers1 = refTimers()
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  await new Promise((resolve) => setTimeout(resolve, idleMs))
  const cpu = process.cpuUsage(cpu0)
  const wall = performance.now() - wall0
  const report = {
    contender,
    count,
    bytesPerBreaker: (heap1 - heap0) / count,
    timersPerBreaker: timers / count,
    refTimersPerBreaker: (refTimers1 - refTimers0) / count,
    idleCpu: (cpu.user + cpu.system) / 1_000 / wall,
    makeMs
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
  // `held` stays referenced: the process exits now only if nothing keeps its event loop alive
}

// -------------------------------------------------------------------------------------
// parent
// -------------------------------------------------------------------------------------

/**
 * Runs the child for `contender` and waits up to `graceMs` after its report for it to exit.
 */
export const measureIdle = (
  contender: IdleContender,
  count: number,
  idleMs: number,
  graceMs: number
): Promise<Idle> =>
  new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4096', __filename, contender, String(count), String(idleMs)],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    )
    let out = ''
    let report: Omit<Idle, 'exitsOnItsOwn'> | undefined
    let killer: NodeJS.Timeout | undefined
    let killed = false
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n')[0]
      if (report === undefined && out.includes('\n') && line !== undefined) {
        report = JSON.parse(line) as Omit<Idle, 'exitsOnItsOwn'>
        killer = setTimeout(() => {
          killed = true
          proc.kill('SIGKILL')
        }, graceMs)
      }
    })
    proc.on('error', reject)
    proc.on('exit', (code) => {
      if (killer !== undefined) clearTimeout(killer)
      if (report === undefined)
        reject(new Error(`idle child for ${contender} exited with ${code} and no report`))
      else resolve({ ...report, exitsOnItsOwn: !killed && code === 0 })
    })
  })

if (require.main === module) {
  const [contender, count, idleMs] = process.argv.slice(2)
  if (contender === undefined || !(contender in idleContenders)) {
    throw new Error(
      `idle: expected a contender (${Object.keys(idleContenders).join(', ')}), got ${contender}`
    )
  }
  void child(contender as IdleContender, Number(count ?? 100_000), Number(idleMs ?? 2_000))
}
