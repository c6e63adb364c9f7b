import { Ref } from 'tripswitch'

describe('Ref', () => {
  it('is allocated by running the IO, each run a fresh cell', () => {
    const make = Ref.make(1)
    const a = make()
    const b = make()
    a.set(2)()
    expect(a.get()).toBe(2)
    expect(b.get()).toBe(1)
  })

  it('modify stores the new value and returns the computed one', () => {
    const ref = Ref.unsafeMake(10)
    const before = ref.modify((n) => [n, n + 5] as const)()
    expect(before).toBe(10)
    expect(ref.get()).toBe(15)
  })

  it('does nothing until the IO returned by set or modify runs', () => {
    const ref = Ref.unsafeMake('a')
    const set = ref.set('b')
    const modify = ref.modify((s) => [s.length, `${s}!`] as const)
    expect(ref.get()).toBe('a')
    set()
    expect(modify()).toBe(1)
    expect(ref.get()).toBe('b!')
  })
})
