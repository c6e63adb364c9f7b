import { Breaker, CircuitOpenError, wrap, wrapSync } from 'tripswitch'
import { testClock } from 'tripswitch/testing'

const breaker = (threshold = 3) => {
  const clock = testClock()
  return {
    clock,
    breaker: Breaker.make({ failureThreshold: threshold }, { name: 'svc', clock: clock.now })()
  }
}

describe('wrap', () => {
  it('keeps parameters, this, name and length of an async function', async () => {
    const { breaker: b } = breaker()
    const account = {
      owner: 'ada',
      async greet(greeting: string, punctuation: string): Promise<string> {
        return `${greeting}, ${this.owner}${punctuation}`
      }
    }
    const greet = wrap(b)(account.greet)
    expect(greet.name).toBe('greet')
    expect(greet.length).toBe(2)
    expect(await greet.call(account, 'hello', '!')).toBe('hello, ada!')
  })

  it('opens after 3 rejections and then rejects with a CircuitOpenError without calling the function', async () => {
    const { breaker: b, clock } = breaker()
    let calls = 0
    const flaky = wrap(b)(async (): Promise<number> => {
      calls += 1
      throw new Error('down')
    })
    for (let i = 0; i < 3; i++) await expect(flaky()).rejects.toThrow('down')
    clock.advance(10_000)
    const rejection = flaky()
    await expect(rejection).rejects.toBeInstanceOf(CircuitOpenError)
    await expect(rejection).rejects.toBeInstanceOf(Error)
    await expect(rejection).rejects.toThrow(
      'Circuit "svc" is open: call rejected without running it; a call may pass in 20000 ms'
    )
    expect(calls).toBe(3)
  })

  it('recovers through half-open once the clock has moved 30 s', async () => {
    const { breaker: b, clock } = breaker(1)
    let healthy = false
    const f = wrap(b)(async () => {
      if (!healthy) throw new Error('down')
      return 'up'
    })
    await expect(f()).rejects.toThrow('down')
    healthy = true
    clock.advance(30_000)
    expect(await f()).toBe('up')
    expect(b.state()._tag).toBe('Closed')
  })

  it('treats a synchronous throw of the async function as a failure and rejects', async () => {
    const { breaker: b } = breaker(1)
    const f = wrap(b)((): Promise<number> => {
      throw new Error('sync')
    })
    await expect(f()).rejects.toThrow('sync')
    expect(b.state()._tag).toBe('Open')
  })

  it('calls the fallback with the same this and arguments when open, and not when closed', async () => {
    const { breaker: b } = breaker(1)
    const calls: Array<unknown> = []
    const store = {
      prefix: 'cached',
      get: wrap(b)(
        async function (this: { prefix: string }, key: string): Promise<string> {
          calls.push(['get', key])
          throw new Error(`miss ${this.prefix}`)
        },
        {
          fallback: async function (this: { prefix: string }, key: string) {
            calls.push(['fallback', key])
            return `${this.prefix}:${key}`
          }
        }
      )
    }
    await expect(store.get('a')).rejects.toThrow('miss cached')
    expect(await store.get('b')).toBe('cached:b')
    expect(calls).toEqual([
      ['get', 'a'],
      ['fallback', 'b']
    ])
  })

  it('classifies resolved values with isResultFailure', async () => {
    const clock = testClock()
    const f = wrap({ clock: clock.now, failureThreshold: 1, isResultFailure: (r) => r === 503 })(
      async () => 503
    )
    expect(await f()).toBe(503)
    expect(f.breaker.state()._tag).toBe('Open')
  })
})

describe('wrapSync', () => {
  it('keeps this, arguments, name and length, and returns synchronously', () => {
    const { breaker: b } = breaker()
    const calc = {
      factor: 3,
      times(n: number): number {
        return n * this.factor
      }
    }
    const times = wrapSync(b)(calc.times)
    expect(times.name).toBe('times')
    expect(times.length).toBe(1)
    expect(times.call(calc, 4)).toBe(12)
  })

  it('throws a CircuitOpenError synchronously while open', () => {
    const { breaker: b } = breaker(2)
    let calls = 0
    const parse = wrapSync(b)((text: string): unknown => {
      calls += 1
      return JSON.parse(text)
    })
    expect(() => parse('{')).toThrow(SyntaxError)
    expect(() => parse('{')).toThrow(SyntaxError)
    expect(() => parse('{}')).toThrow(CircuitOpenError)
    expect(calls).toBe(2)
  })

  it('returns the fallback value while open', () => {
    const { breaker: b } = breaker(1)
    const f = wrapSync(b)(
      (n: number): number => {
        throw new Error(`bad ${n}`)
      },
      { fallback: (n) => -n }
    )
    expect(() => f(1)).toThrow('bad 1')
    expect(f(7)).toBe(-7)
  })
})

describe('wrap: classification per function', () => {
  interface Reply {
    readonly status: number
  }

  it("classifies one function's outcomes by its own options, the others by the breaker's", async () => {
    const breaker = Breaker.make({ failureThreshold: 2 })()
    const reply = wrap(breaker)(async (status: number): Promise<Reply> => ({ status }), {
      isResultFailure: (r) => r.status >= 500
    })
    const plain = wrap(breaker)(async (status: number): Promise<Reply> => ({ status }))
    await plain(503) // a Right: a success for the breaker's own classifier
    await reply(503)
    expect(breaker.counts()).toMatchObject({ successes: 1, failures: 1 })
    await reply(200)
    await reply(503)
    await reply(503)
    expect(breaker.state()._tag).toBe('Open')
  })

  it('checks the options of untyped callers, naming the function form', () => {
    const fn = async (): Promise<number> => 1
    expect(() => wrap({})(fn, { isResultFailure: 5 } as never)).toThrow(
      'wrap.isResultFailure: expected a function, got number'
    )
    expect(() => wrap({})(fn, { classify: () => 'success', isFailure: () => true })).toThrow(
      'wrap.classify: give either classify or the isFailure/isResultFailure/isIgnored predicates'
    )
    expect(() => wrapSync({})(() => 1, { isIgnored: 'x' } as never)).toThrow(
      'wrapSync.isIgnored: expected a function, got string'
    )
  })
})
