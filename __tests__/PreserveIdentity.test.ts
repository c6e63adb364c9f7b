import { wrap, wrapSync } from 'tripswitch'
import { identified, preserveIdentity } from '../src/internal'

// functions of 0 to 8 declared parameters, named f0 to f8, each returning its `this` and arguments
const withParams = (n: number): ((...args: ReadonlyArray<unknown>) => unknown) => {
  const f = function (this: unknown, ...args: ReadonlyArray<unknown>) {
    return [this, args]
  }
  Object.defineProperty(f, 'name', { value: `f${n}` })
  Object.defineProperty(f, 'length', { value: n })
  return f
}

describe('preserveIdentity', () => {
  it('shows the name and length of the original, for every number of parameters', () => {
    for (let n = 0; n <= 8; n++) {
      const wrapped = preserveIdentity(function (this: unknown, ...args: ReadonlyArray<unknown>) {
        return [this, args]
      }, withParams(n))
      expect([wrapped.name, wrapped.length]).toEqual([`f${n}`, n])
    }
  })

  it('behaves as the wrapped function: the same this, every argument (also beyond the declared ones), its result', () => {
    const self = { id: 'self' }
    for (let n = 0; n <= 8; n++) {
      const wrapped = preserveIdentity(function (this: unknown, ...args: ReadonlyArray<unknown>) {
        return [this, args]
      }, withParams(n))
      const args = Array.from({ length: n + 2 }, (_, i) => i)
      expect(Reflect.apply(wrapped, self, args)).toEqual([self, args])
    }
  })

  it('identified: shows the original and calls run with its data, this and every argument', () => {
    const self = { id: 'self' }
    const run = (a: string, b: number, me: unknown, args: ReadonlyArray<unknown>, c: boolean) => [
      a,
      b,
      me,
      [...args],
      c
    ]
    for (let n = 0; n <= 8; n++) {
      const f = identified(run, 'a', 2, true, withParams(n))
      expect([f.name, f.length]).toEqual([`f${n}`, n])
      const args = Array.from({ length: n + 2 }, (_, i) => i)
      expect(Reflect.apply(f, self, args)).toEqual(['a', 2, self, args, true])
    }
    const odd = identified(run, 'a', 2, true, { name: 7 as unknown as string, length: 2 })
    expect([odd.name, odd.length]).toEqual([7, 2])
    expect(odd.call(self, 'x')).toEqual(['a', 2, self, ['x'], true])
  })

  it('keeps a name that is not an identifier, and the empty name', () => {
    for (const name of ['', 'bound get', 'with space', '42', 'ünïcode']) {
      const original = { name, length: 1 }
      expect(preserveIdentity(() => 1, original).name).toBe(name)
    }
  })

  it('copies a name or length it cannot make a forwarder for onto the function itself', () => {
    const odd = { name: 7 as unknown as string, length: 2 }
    const f = (): number => 1
    const kept = preserveIdentity(f, odd)
    expect(kept).toBe(f)
    expect([kept.name, kept.length]).toEqual([7, 2])
  })

  it('lets wrap and wrapSync show the guarded function and pass every argument and this on', async () => {
    const self = { base: 10 }
    async function add(this: typeof self, a: number, b: number, c: number): Promise<number> {
      return this.base + a + b + c
    }
    const guarded = wrap({ name: 'add' })(add)
    expect([guarded.name, guarded.length]).toEqual(['add', 3])
    expect(await guarded.call(self, 1, 2, 3)).toBe(16)
    function sum(...xs: ReadonlyArray<number>): number {
      return xs.reduce((a, b) => a + b, 0)
    }
    const guardedSync = wrapSync({ name: 'sum' })(sum)
    expect([guardedSync.name, guardedSync.length]).toEqual(['sum', 0])
    expect(guardedSync(1, 2, 3, 4)).toBe(10)
  })
})
