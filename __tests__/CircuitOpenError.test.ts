import { CircuitOpenError, isCircuitOpenError } from 'tripswitch'

describe('CircuitOpenError', () => {
  it('is an Error with a tag, the breaker name and retryAfter', () => {
    const e = new CircuitOpenError('payments', 1_234.5)
    expect(e).toBeInstanceOf(Error)
    expect(e._tag).toBe('CircuitOpenError')
    expect(e.name).toBe('CircuitOpenError')
    expect(e.breaker).toBe('payments')
    expect(e.retryAfter).toBe(1_235) // whole milliseconds, rounded up
  })

  it('explains itself in its message, stack and string form', () => {
    const e = new CircuitOpenError('payments', 1_234.5)
    expect(e.message).toBe(
      'Circuit "payments" is open: call rejected without running it; a call may pass in 1235 ms'
    )
    expect(String(e)).toBe(`CircuitOpenError: ${e.message}`)
    expect(e.stack).toContain(e.message)
    expect(new CircuitOpenError('x', Infinity).message).toContain('forced open until reset')
  })

  it('serializes to JSON with a null retryAfter when it is infinite', () => {
    expect(JSON.parse(JSON.stringify(new CircuitOpenError('x', Infinity)))).toMatchObject({
      _tag: 'CircuitOpenError',
      breaker: 'x',
      retryAfter: null
    })
  })

  it('does not capture a stack trace when built', () => {
    const e = new CircuitOpenError('x', 1)
    expect(Object.getOwnPropertyNames(e)).not.toContain('stack')
    expect(e.stack).not.toMatch(/\n\s+at /)
  })

  it('is recognised by the guard, and nothing else is', () => {
    expect(isCircuitOpenError(new CircuitOpenError('x', 1))).toBe(true)
    expect(isCircuitOpenError(new Error('x'))).toBe(false)
    expect(isCircuitOpenError({ _tag: 'CircuitOpenError' })).toBe(false)
    expect(isCircuitOpenError(undefined)).toBe(false)
  })
})
