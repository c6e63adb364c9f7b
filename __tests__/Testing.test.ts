import { testClock } from 'tripswitch/testing'

describe('testing', () => {
  it('moves only when told to', () => {
    const clock = testClock(100)
    expect(clock.now()).toBe(100)
    expect(clock.now()).toBe(100)
    clock.advance(30_000)
    expect(clock.now()).toBe(30_100)
    clock.set(40_000)
    expect(clock.now()).toBe(40_000)
  })

  it('refuses to go backwards or by a non-finite amount', () => {
    const clock = testClock(10)
    expect(() => clock.advance(-1)).toThrow('advance: expected a finite ms >= 0, got -1')
    expect(() => clock.advance(NaN)).toThrow(RangeError)
    expect(() => clock.set(5)).toThrow('set: expected a finite time >= 10, got 5')
    expect(clock.now()).toBe(10)
  })
})
