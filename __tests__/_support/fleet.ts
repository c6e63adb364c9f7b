/**
 * A fleet of real processes for tests, the bench and the demo: `startFleet(n)` forks `n` copies of
 * `fleetChild.ts` (through tsx, about 0.7 s each on an idle core, so a test file starts its fleet once
 * and re-`setup`s it between tests), and gives a handle on each, with request/reply over IPC.
 *
 * A reply that does not come within `replyWithin` ms, or a process that exits, fails the request with
 * the process's id in the message. Processes still running when this process exits are killed.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import type { Command, Load, Outcome, Reply, Report, Setup } from './fleetProtocol'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Member {
  readonly index: number
  readonly pid: number | undefined
  readonly setup: (setup: Setup) => Promise<void>
  readonly load: (load: Load) => Promise<void>
  /** Stops the load, waits for calls in flight, and reports. */
  readonly idle: () => Promise<Report>
  readonly report: () => Promise<Report>
  readonly call: (n: number) => Promise<ReadonlyArray<Outcome>>
  readonly control: (control: Extract<Command, { _tag: 'Control' }>['control']) => Promise<void>
  readonly close: () => Promise<void>
}

export interface Fleet {
  readonly members: ReadonlyArray<Member>
  /** Sets every member up, `setup(i)` for member `i`. */
  readonly setup: (setup: (index: number) => Setup) => Promise<void>
  readonly load: (load: Load) => Promise<void>
  readonly idle: () => Promise<ReadonlyArray<Report>>
  readonly reports: () => Promise<ReadonlyArray<Report>>
  /** Closes every member and waits for every process to exit. Idempotent. */
  readonly close: () => Promise<void>
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The repository's root: this file's, also when it runs compiled into another directory (the bench). */
const root = (): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, '__tests__', '_support')))
      return dir
    if (path.dirname(dir) === dir) return process.cwd()
  }
}

const children = new Set<ChildProcess>()
let exitHook = false

const member = (index: number, child: ChildProcess, replyWithin: number): Member => {
  let next = 1
  const pending = new Map<
    number,
    { resolve: (a: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >()
  child.on('message', (reply: Reply) => {
    const p = pending.get(reply.id)
    if (p === undefined) return
    pending.delete(reply.id)
    clearTimeout(p.timer)
    if (reply.ok) p.resolve(reply.result)
    else p.reject(new Error(`fleet process ${index}: ${reply.error}`))
  })
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer)
      p.reject(new Error(`fleet process ${index} exited (${code ?? signal}) before replying`))
    }
    pending.clear()
  })
  const request = <A>(command: Command): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
        reject(new Error(`fleet process ${index} is not running (asked ${command._tag})`))
        return
      }
      const id = next++
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`fleet process ${index}: no reply to ${command._tag} within ${replyWithin} ms`))
      }, replyWithin)
      pending.set(id, { resolve: resolve as (a: unknown) => void, reject, timer })
      child.send({ id, command })
    })
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  return {
    index,
    pid: child.pid,
    setup: (setup) => request<null>({ _tag: 'Setup', setup }).then(() => undefined),
    load: (load) => request<null>({ _tag: 'Load', load }).then(() => undefined),
    idle: () => request<Report>({ _tag: 'Idle' }),
    report: () => request<Report>({ _tag: 'Report' }),
    call: (n) => request<ReadonlyArray<Outcome>>({ _tag: 'Call', n }),
    control: (control) => request<null>({ _tag: 'Control', control }).then(() => undefined),
    close: async () => {
      if (child.connected) {
        await request<null>({ _tag: 'Close' }).catch(() => child.kill('SIGKILL'))
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Forks `n` fleet processes and resolves once every one is ready. */
export const startFleet = async (
  n: number,
  options: { readonly replyWithin?: number } = {}
): Promise<Fleet> => {
  const dir = root()
  const script = path.join(dir, '__tests__', '_support', 'fleetChild.ts')
  if (!exitHook) {
    exitHook = true
    process.on('exit', () => {
      for (const c of children) c.kill('SIGKILL')
    })
  }
  const forked = Array.from({ length: n }, () => {
    const child = fork(script, [], {
      cwd: dir,
      execArgv: ['--require', 'tsx/cjs'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    children.add(child)
    child.once('exit', () => children.delete(child))
    return child
  })
  const ready = forked.map(
    (child, i) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fleet process ${i} not ready within 60 s`)), 60_000)
        child.once('message', () => {
          clearTimeout(timer)
          resolve()
        })
        child.once('exit', (code, signal) => {
          clearTimeout(timer)
          reject(new Error(`fleet process ${i} exited (${code ?? signal}) while starting`))
        })
      })
  )
  const members = forked.map((child, i) => member(i, child, options.replyWithin ?? 30_000))
  let closing: Promise<void> | undefined
  const close = (): Promise<void> =>
    (closing ??= Promise.all(members.map((m) => m.close())).then(() => undefined))
  try {
    await Promise.all(ready)
  } catch (error) {
    for (const child of forked) child.kill('SIGKILL')
    await close()
    throw error
  }
  return {
    members,
    setup: (setup) => Promise.all(members.map((m) => m.setup(setup(m.index)))).then(() => undefined),
    load: (load) => Promise.all(members.map((m) => m.load(load))).then(() => undefined),
    idle: () => Promise.all(members.map((m) => m.idle())),
    reports: () => Promise.all(members.map((m) => m.report())),
    close
  }
}
