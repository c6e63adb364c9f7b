import * as E from 'fp-ts/Either'
import * as fc from 'fast-check'
import { Duration } from 'tripswitch'

describe('Duration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['1.5s', 1_500],
    ['1.1s', 1_100],
    ['0.5ms', 0.5],
    ['0s', 0]
  ])('reads %j as %d ms', (text, ms) => {
    expect(Duration.parse(text)).toStrictEqual(E.right(ms))
    expect(Duration.Duration.decode(text)).toStrictEqual(E.right(ms))
  })

  it('asks for a unit rather than guessing one', () => {
    expect(Duration.parse('500')).toStrictEqual(
      E.left('a unit is missing: write 500 (a number of milliseconds) or "500ms"')
    )
  })

  it.each(['30 seconds', '-1s', '1e3ms', '1.s', 's', '', '1d', ' 1s', '1S', '1sms'])('rejects %j', (text) => {
    expect(E.isLeft(Duration.parse(text))).toBe(true)
    expect(E.isLeft(Duration.Duration.decode(text))).toBe(true)
  })

  it('accepts finite non-negative milliseconds as they are', () => {
    expect(Duration.Duration.decode(0)).toStrictEqual(E.right(0))
    expect(Duration.Duration.decode(1_234.5)).toStrictEqual(E.right(1_234.5))
  })

  it.each([-1, NaN, Infinity, null, true, {}, []])('rejects %p', (u) => {
    expect(E.isLeft(Duration.Duration.decode(u))).toBe(true)
  })

  it('reads any whole number of seconds, minutes or hours exactly', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1e9 }),
        fc.constantFrom(['ms', 1], ['s', 1e3], ['m', 6e4], ['h', 3.6e6]),
        (n, [unit, factor]) => {
          expect(Duration.parse(`${n}${unit as string}`)).toStrictEqual(E.right(n * (factor as number)))
        }
      )
    )
  })

  it('rejects a string too large to be a finite number of milliseconds', () => {
    expect(Duration.parse(`${'9'.repeat(400)}h`)).toStrictEqual(E.left('the duration is too large'))
  })
})
