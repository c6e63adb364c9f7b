/**
 * The test support that starts a real redis-server (`_support/redisServer.ts`): the fleet tests rely
 * on each of its fault operations doing what it says, so each is checked here against the server's
 * own answers. Real processes and real time are the subject.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { findBinary, installHint, ping, startRedisServer, useRedisServer } from './_support/redisServer'

/** One command over a fresh connection; the raw first reply line, or the socket's error code. */
const command = (port: number, line: string, ms = 1_000): Promise<string> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    let answer = ''
    let idle: NodeJS.Timeout | undefined
    const done = (s: string): void => {
      clearTimeout(timer)
      clearTimeout(idle)
      socket.destroy()
      resolve(s)
    }
    const timer = setTimeout(() => done('timeout'), ms)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`${line}\r\n`))
    // a reply may come in several chunks: done when none follows for 50 ms
    socket.on('data', (chunk: string) => {
      answer += chunk
      clearTimeout(idle)
      idle = setTimeout(() => done(answer.trim()), 50)
    })
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message))
  })

describe('RedisServer (test support)', () => {
  it('starts a server on 127.0.0.1 that answers PING, without persistence', async () => {
    const server = await startRedisServer()
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`)
      expect(await ping(server.port)).toBe(true)
      // RESP arrays: [name, value]; `save` is empty, `appendonly` is no
      expect(await command(server.port, 'CONFIG GET save')).toBe('*2\r\n$4\r\nsave\r\n$0')
      expect(await command(server.port, 'CONFIG GET appendonly')).toBe('*2\r\n$10\r\nappendonly\r\n$2\r\nno')
    } finally {
      await server.stop()
    }
  })

  it('gives every server its own port', async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()])
    try {
      expect(a.port).not.toBe(b.port)
      expect(await command(a.port, 'SET k a')).toBe('+OK')
      expect(await command(b.port, 'GET k')).toBe('$-1')
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })

  it('pauses the server so that it answers nothing, and resumes it', async () => {
    const server = await startRedisServer()
    try {
      server.pause()
      expect(await command(server.port, 'PING', 300)).toBe('timeout')
      server.resume()
      expect(await command(server.port, 'PING')).toBe('+PONG')
    } finally {
      await server.stop()
    }
  })

  it('kills the server at once, and restarts an empty one on the same port', async () => {
    const server = await startRedisServer()
    try {
      const before = server.pid()
      expect(await command(server.port, 'SET k v')).toBe('+OK')
      await server.kill()
      expect(server.pid()).toBeUndefined()
      expect(await command(server.port, 'PING')).toBe('ECONNREFUSED')
      await server.restart()
      expect(server.pid()).toBeDefined()
      expect(server.pid()).not.toBe(before)
      expect(await command(server.port, 'GET k')).toBe('$-1')
    } finally {
      await server.stop()
    }
  })

  it('restarts a paused server', async () => {
    const server = await startRedisServer()
    try {
      server.pause()
      await server.restart()
      expect(await command(server.port, 'PING')).toBe('+PONG')
    } finally {
      await server.stop()
    }
  })

  it('stops the server for good, once, even when paused', async () => {
    const server = await startRedisServer()
    server.pause()
    await server.stop()
    await server.stop()
    expect(server.pid()).toBeUndefined()
    expect(await command(server.port, 'PING')).toBe('ECONNREFUSED')
    await expect(server.restart()).rejects.toThrow('restart after stop')
  })

  it('fails, naming what to install, when the binary is missing', async () => {
    expect(installHint).toBe('apt-get install -y redis-server')
    await expect(startRedisServer({ binary: 'no-such-redis-server' })).rejects.toThrow(
      'install it with `apt-get install -y redis-server`'
    )
    await expect(startRedisServer({ binary: '/nonexistent/redis-server' })).rejects.toThrow(
      '/nonexistent/redis-server is not an executable file; install Redis with `apt-get install -y redis-server`'
    )
    expect(findBinary()).toMatch(/redis-server$/)
  })

  it("reports the server's own output when it exits instead of answering", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tripswitch-fake-redis-'))
    const fake = path.join(dir, 'redis-server')
    writeFileSync(fake, '#!/bin/sh\necho "fake: cannot bind" >&2\nexit 3\n', { mode: 0o755 })
    try {
      await expect(startRedisServer({ binary: fake })).rejects.toThrow(
        /exited \(3\) before answering PING on port \d+:\nfake: cannot bind/
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('useRedisServer (test support)', () => {
  const redis = useRedisServer()

  it('starts one server before the tests of the file, stopped after them', async () => {
    expect(await ping(redis().port)).toBe(true)
    expect(redis().pid()).toBeDefined()
  })
})
