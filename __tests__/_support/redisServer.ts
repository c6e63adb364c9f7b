/**
 * A real `redis-server` for a test: started on a free port of 127.0.0.1 with no persistence
 * (`--save '' --appendonly no`), ready once it answers `PING`, and stopped afterwards.
 *
 * `useRedisServer()` registers the jest hooks (start in `beforeAll`, stop in `afterAll`, which jest
 * runs also when a test fails); `startRedisServer()` is the same without hooks, for programs (the
 * demo, the bench). Every started server is also killed when the process exits, so none outlives a
 * crashed test run.
 *
 * Faults for fleet tests: `pause()` stops the server (SIGSTOP: connections stay open and hang),
 * `resume()` continues it, `kill()` ends it at once (SIGKILL: connections reset), `restart()` starts a
 * fresh, empty server on the same port.
 *
 * The binary is never optional: when it is missing, starting fails with a message that says what to
 * install. No fleet test skips.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface RedisServer {
  readonly host: string
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** The running server's process id (a new one after `restart`). */
  readonly pid: () => number | undefined
  /** Ends the server (SIGTERM, then SIGKILL after 2 s) and waits for its exit. Idempotent. */
  readonly stop: () => Promise<void>
  /** SIGSTOP: the server keeps its connections but answers nothing. */
  readonly pause: () => void
  /** SIGCONT after `pause`. */
  readonly resume: () => void
  /** SIGKILL, and waits for the exit: connections are reset, the data is gone. */
  readonly kill: () => Promise<void>
  /** Stops the server if it runs, then starts an empty one on the same port and waits for `PING`. */
  readonly restart: () => Promise<void>
}

export interface Options {
  /** The binary: a path, or a name looked up on `PATH` (default `REDIS_SERVER` or `redis-server`). */
  readonly binary?: string
  /** Milliseconds to wait for the first `PONG` (default 10 000). */
  readonly readyWithin?: number
}

export const installHint = 'apt-get install -y redis-server'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const host = '127.0.0.1'

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The binary's path, or an error that names what was searched and what to install. */
export const findBinary = (binary: string = process.env['REDIS_SERVER'] ?? 'redis-server'): string => {
  if (binary.includes('/')) {
    if (executable(binary)) return binary
    throw new Error(
      `redis-server: ${binary} is not an executable file; install Redis with \`${installHint}\``
    )
  }
  const dirs = [
    ...(process.env['PATH'] ?? '').split(path.delimiter),
    '/usr/bin',
    '/usr/sbin',
    '/usr/local/bin'
  ]
  for (const dir of dirs) {
    if (dir !== '' && executable(path.join(dir, binary))) return path.join(dir, binary)
  }
  throw new Error(
    `redis-server: no \`${binary}\` on PATH or in /usr/bin, /usr/sbin, /usr/local/bin. The fleet tests need a real Redis server: install it with \`${installHint}\` (Debian/Ubuntu; .ci/run does this in CI), or set REDIS_SERVER to its path`
  )
}

/** A port that was free a moment ago (the OS picks it); `start` retries if someone took it since. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/** Resolves `true` if a server on `port` answers `PING` with `+PONG` within `ms`. */
export const ping = (port: number, ms = 500): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port })
    let answer = ''
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), ms)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk: string) => {
      answer += chunk
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'))
    })
    socket.on('error', () => done(false))
  })

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()))

// servers still running when this process exits are killed with it
const running = new Set<ChildProcess>()
let exitHook = false
const killAllOnExit = (): void => {
  if (exitHook) return
  exitHook = true
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Starts a `redis-server` on a free port and resolves once it answers `PING`. Rejects, naming the
 * cause (the missing binary, or the server's own output), if it does not come up.
 */
export const startRedisServer = async (options: Options = {}): Promise<RedisServer> => {
  const binary = findBinary(options.binary)
  const readyWithin = options.readyWithin ?? 10_000
  const dir = mkdtempSync(path.join(tmpdir(), 'tripswitch-redis-'))
  let child: ChildProcess | undefined
  let port = 0

  const launch = async (): Promise<void> => {
    const proc = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        host,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let output = ''
    proc.stdout?.setEncoding('utf8').on('data', (s: string) => (output = (output + s).slice(-2_000)))
    proc.stderr?.setEncoding('utf8').on('data', (s: string) => (output = (output + s).slice(-2_000)))
    const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve))
    running.add(proc)
    proc.once('exit', () => running.delete(proc))
    child = proc
    const deadline = performance.now() + readyWithin
    for (;;) {
      const failed = await Promise.race([spawnError, sleep(0).then(() => undefined)])
      if (failed !== undefined) throw new Error(`redis-server: could not start ${binary}: ${failed.message}`)
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `redis-server: ${binary} exited (${proc.exitCode ?? proc.signalCode}) before answering PING on port ${port}:\n${output.trim()}`
        )
      }
      if (await ping(port, 200)) return
      if (performance.now() > deadline) {
        proc.kill('SIGKILL')
        await exited(proc)
        throw new Error(`redis-server: no PONG on port ${port} within ${readyWithin} ms:\n${output.trim()}`)
      }
      await sleep(20)
    }
  }

  const stopChild = async (): Promise<void> => {
    const proc = child
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return
    proc.kill('SIGCONT') // a paused server cannot handle SIGTERM
    proc.kill('SIGTERM')
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2_000)
    await exited(proc)
    clearTimeout(timer)
  }

  killAllOnExit()
  // a port free a moment ago may be taken by the time the server binds it: try a few
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    try {
      await launch()
      break
    } catch (error) {
      if (attempt >= 3 || child === undefined || !/Address already in use/.test(String(error))) {
        rmSync(dir, { recursive: true, force: true })
        throw error
      }
    }
  }

  let stopped = false
  return {
    host,
    port,
    url: `redis://${host}:${port}`,
    pid: () => (child?.exitCode === null && child.signalCode === null ? child.pid : undefined),
    stop: async () => {
      if (stopped) return
      stopped = true
      await stopChild()
      rmSync(dir, { recursive: true, force: true })
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    kill: async () => {
      const proc = child
      if (proc === undefined) return
      proc.kill('SIGKILL')
      await exited(proc)
    },
    restart: async () => {
      if (stopped) throw new Error('redis-server: restart after stop')
      await stopChild()
      await launch()
    }
  }
}

/**
 * Jest hooks for one server per test file: started in `beforeAll`, stopped in `afterAll`. Returns a
 * getter, valid inside tests and hooks that run after `beforeAll`.
 */
export const useRedisServer = (options: Options = {}): (() => RedisServer) => {
  let server: RedisServer | undefined
  beforeAll(async () => {
    server = await startRedisServer(options)
  }, 20_000)
  afterAll(async () => {
    await server?.stop()
  }, 20_000)
  return () => {
    if (server === undefined) throw new Error('redis-server: not started (use the getter inside tests)')
    return server
  }
}
