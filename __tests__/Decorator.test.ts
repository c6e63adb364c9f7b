import { Breaker, CircuitOpenError, guarded, guardedSync } from 'tripswitch'
import { testClock } from 'tripswitch/testing'

describe('Decorator', () => {
  it('guards an async method, keeping this and arguments, and fails fast once open', async () => {
    const clock = testClock()
    const breaker = Breaker.make({ failureThreshold: 2 }, { name: 'inventory', clock: clock.now })()
    class Inventory {
      calls = 0
      constructor(private readonly healthy: boolean) {}

      @guarded(breaker)
      async stock(sku: string, warehouse: number): Promise<string> {
        this.calls += 1
        if (!this.healthy) throw new Error('warehouse down')
        return `${sku}@${warehouse}`
      }
    }
    expect(await new Inventory(true).stock('a', 1)).toBe('a@1')
    const broken = new Inventory(false)
    await expect(broken.stock('b', 2)).rejects.toThrow('warehouse down')
    await expect(broken.stock('b', 2)).rejects.toThrow('warehouse down')
    await expect(broken.stock('b', 2)).rejects.toBeInstanceOf(CircuitOpenError)
    expect(broken.calls).toBe(2)
    expect(Inventory.prototype.stock.name).toBe('stock')
  })

  it('uses the fallback of an async method with the same arguments', async () => {
    const clock = testClock()
    class Prices {
      @guarded<Prices, [string], number>(
        { clock: clock.now, failureThreshold: 1 },
        { fallback: async (sku) => sku.length }
      )
      async price(_sku: string): Promise<number> {
        throw new Error('down')
      }
    }
    const p = new Prices()
    await expect(p.price('abcd')).rejects.toThrow('down')
    expect(await p.price('abcd')).toBe(4)
  })

  it('guards a sync method and throws synchronously while open', () => {
    const clock = testClock()
    class Parser {
      prefix = 'x'
      @guardedSync({ name: 'parser', clock: clock.now, failureThreshold: 1 })
      parse(text: string): string {
        return `${this.prefix}${JSON.parse(text) as string}`
      }
    }
    const parser = new Parser()
    expect(parser.parse('"a"')).toBe('xa')
    expect(() => parser.parse('{')).toThrow(SyntaxError)
    expect(() => parser.parse('"a"')).toThrow(/Circuit "parser" is open/)
  })

  it('shares one breaker across the instances of a class when given settings', async () => {
    const clock = testClock()
    class Client {
      @guarded({ clock: clock.now, failureThreshold: 2 })
      async call(ok: boolean): Promise<string> {
        if (!ok) throw new Error('no')
        return 'yes'
      }
    }
    await expect(new Client().call(false)).rejects.toThrow('no')
    await expect(new Client().call(false)).rejects.toThrow('no')
    await expect(new Client().call(true)).rejects.toBeInstanceOf(CircuitOpenError)
  })
})
