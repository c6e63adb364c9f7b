import { join } from 'node:path'
import { Breaker, CircuitOpenError, ConfigError, guarded, guardedSync } from 'tripswitch'
import { testClock } from 'tripswitch/testing'
import * as ts from 'typescript'

const root = join(__dirname, '..')

// A class as a user writes it, compiled by TypeScript with or without `experimentalDecorators`. The
// `@ts-expect-error` lines check that the types reject what the run time rejects, in both modes.
const scratch = `import { Breaker, guarded, guardedSync, isCircuitOpenError } from 'tripswitch'
import { testClock } from 'tripswitch/testing'

const clock = testClock()
const breaker = Breaker.make({ failureThreshold: 1 }, { name: 'scratch', clock: clock.now })()

class Service {
  calls = 0

  @guarded(breaker)
  async fetch(id: string): Promise<string> {
    this.calls++
    if (id === 'bad') throw new Error('down')
    return id.toUpperCase()
  }

  @guardedSync({ name: 'sync', failureThreshold: 1, clock: clock.now })
  parse(text: string): number {
    this.calls++
    return JSON.parse(text) as number
  }

  @guarded({ name: 'static', clock: clock.now })
  static async ping(): Promise<string> {
    return 'pong'
  }
}

const named = (e: unknown): string =>
  isCircuitOpenError(e) ? 'open' : e instanceof SyntaxError ? 'syntax' : e instanceof Error ? e.message : String(e)

export const run = async () => {
  const s = new Service()
  const results: Array<unknown> = [await s.fetch('a')]
  results.push(await s.fetch('bad').catch(named))
  results.push(await s.fetch('a').catch(named))
  results.push(s.parse('1'))
  for (const text of ['{', '1']) {
    try {
      s.parse(text)
    } catch (e) {
      results.push(named(e))
    }
  }
  results.push(await Service.ping())
  return { results, calls: s.calls, name: Service.prototype.fetch.name, state: breaker.state()._tag }
}

export const field = () => {
  class Fields {
    // @ts-expect-error a field is not a method
    @guarded({ name: 'field' }) handler = async () => 1
  }
  return new Fields()
}

export const getter = () => {
  class Getters {
    // @ts-expect-error an accessor is not a method
    @guarded({ name: 'getter' }) get value(): Promise<number> {
      return Promise.resolve(1)
    }
  }
  return Getters
}
`

interface Scratch {
  readonly run: () => Promise<unknown>
  readonly field: () => unknown
  readonly getter: () => unknown
}

// Type-checks and compiles the scratch class, then loads it (its `tripswitch` is this project's src).
const compile = (experimentalDecorators: boolean): Scratch => {
  const file = join(root, '__tests__', `scratch-decorators-${String(experimentalDecorators)}.ts`)
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    experimentalDecorators,
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    paths: {
      tripswitch: [join(root, 'src', 'index.ts')],
      'tripswitch/testing': [join(root, 'src', 'testing', 'index.ts')]
    }
  }
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile.bind(host)
  host.readFile = (name) => (name === file ? scratch : readFile(name))
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (name) => name === file || fileExists(name)
  const program = ts.createProgram([file], options, host)
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
  expect(diagnostics).toEqual([])
  let js = ''
  program.emit(program.getSourceFile(file), (name, text) => {
    if (name.endsWith('.js')) js = text
  })
  const module = { exports: {} as Scratch }
  new Function('require', 'module', 'exports', js)(require, module, module.exports)
  return module.exports
}

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

  describe.each([
    ['standard decorators', false],
    ['experimentalDecorators', true]
  ])('under %s, compiled by TypeScript', (_, experimentalDecorators) => {
    const compiled = compile(experimentalDecorators)

    it('guards async, sync and static methods: calls pass, then the open circuit rejects them', async () => {
      expect(await compiled.run()).toEqual({
        results: ['A', 'down', 'open', 1, 'syntax', 'open', 'pong'],
        calls: 4,
        name: 'fetch',
        state: 'Open'
      })
    })

    it('rejects a field and an accessor when the class is defined, naming them', () => {
      expect(compiled.field).toThrow(ConfigError)
      expect(compiled.field).toThrow(/@guarded: decorates methods, not a field \(handler\)/)
      expect(compiled.getter).toThrow(/@guarded: decorates methods, not (a getter|an accessor) \(value\)/)
    })
  })

  it('rejects a call that is neither decorator proposal', () => {
    const decorate = guarded({ name: 'plain' }) as unknown as (...args: ReadonlyArray<unknown>) => unknown
    expect(() => decorate(async () => 1)).toThrow(/@guarded: decorates methods, not what it was called with/)
    expect(() => decorate(async () => 1, { kind: 'field', name: 'x' })).toThrow(/not a field \(x\)/)
    expect(() => decorate({}, 'm', { value: 1 })).toThrow(/not an accessor \(m\)/)
  })
})
