/**
 * The rejection of an open circuit.
 *
 * `CircuitOpenError` is a tagged value that is also an `Error` (so a wrapped plain function can throw
 * or reject with it), built without capturing a stack: rejecting is the hot path of an open circuit,
 * and a stack capture would cost microseconds per call. `message` and `stack` are computed on demand.
 *
 * @since 0.1.0
 */
import { brand, isBranded } from './internal'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @example
 * import * as assert from 'node:assert'
 * import { CircuitOpenError, isCircuitOpenError } from 'tripswitch'
 *
 * const e = new CircuitOpenError('payments', 1_500)
 * assert.strictEqual(
 *   e.message,
 *   'Circuit "payments" is open: call rejected without running it; a call may pass in 1500 ms'
 * )
 * assert.ok(e instanceof Error && isCircuitOpenError(e))
 *
 * @category model
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class is made an Error below, without super()
export class CircuitOpenError {
  /** Always `'CircuitOpenError'`. */
  declare readonly _tag: 'CircuitOpenError'
  declare readonly name: 'CircuitOpenError'
  /**
   * Whole milliseconds until a probe may pass, rounded up (waiting this long is never early);
   * `Infinity` while the circuit is forced open.
   */
  readonly retryAfter: number
  constructor(
    /** The name of the breaker that rejected the call. */
    readonly breaker: string,
    retryAfter: number
  ) {
    this.retryAfter = Math.ceil(retryAfter)
  }

  get message(): string {
    const when =
      this.retryAfter === Infinity
        ? 'it is forced open until reset'
        : `a call may pass in ${this.retryAfter} ms`
    return `Circuit "${this.breaker}" is open: call rejected without running it; ${when}`
  }

  get stack(): string {
    return `${this.name}: ${this.message}`
  }

  toString(): string {
    return `${this.name}: ${this.message}`
  }

  toJSON(): { _tag: 'CircuitOpenError'; breaker: string; retryAfter: number | null; message: string } {
    return {
      _tag: this._tag,
      breaker: this.breaker,
      retryAfter: Number.isFinite(this.retryAfter) ? this.retryAfter : null,
      message: this.message
    }
  }
}

// An Error without the stack capture of `super()`: `instanceof Error` holds, `new` stays cheap.
Object.setPrototypeOf(CircuitOpenError.prototype, Error.prototype)
const mark = brand('CircuitOpenError')
Object.defineProperties(CircuitOpenError.prototype, {
  _tag: { value: 'CircuitOpenError', enumerable: true },
  name: { value: 'CircuitOpenError' },
  [mark]: { value: true }
})

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface CircuitOpenError extends Error {}

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * Whether `u` is a `CircuitOpenError`, also one of the other build of tripswitch in the process
 * (CommonJS or ES module). Usable as a retry-ts `check` to stop retrying an open circuit:
 * `retrying(policy, action, (e) => E.isLeft(e) && !isCircuitOpenError(e.left))`.
 *
 * @category guards
 * @since 0.1.0
 */
export const isCircuitOpenError = (u: unknown): u is CircuitOpenError =>
  u instanceof CircuitOpenError || isBranded(u, mark)
