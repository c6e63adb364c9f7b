/**
 * The rejection of an open circuit.
 *
 * `CircuitOpenError` is a tagged value that is also an `Error` (so a wrapped plain function can throw
 * or reject with it), built without capturing a stack: rejecting is the hot path of an open circuit,
 * and a stack capture would cost microseconds per call. `message` and `stack` are computed on demand.
 *
 * @since 0.1.0
 */
import { cheapError, isBranded } from './internal'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What counts the fallbacks used for a rejection: the breaker that rejected the call.
 *
 * @internal
 */
export interface FallbackReporter {
  readonly recordFallback: () => void
  readonly recordFallbackFailure: (error: unknown) => void
}

/**
 * The breaker that made a rejection, so that `orFallback` counts the fallback it runs for it.
 *
 * @internal
 */
export let reporterOf: (e: CircuitOpenError) => FallbackReporter | undefined

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
  // who counts a fallback that stands in for this rejection (the breaker that made it), if anyone
  readonly #reporter: FallbackReporter | undefined
  constructor(
    /** The name of the breaker that rejected the call. */
    readonly breaker: string,
    retryAfter: number,
    /** @internal The breaker that rejected the call, which counts a fallback used for it. */
    reporter?: FallbackReporter
  ) {
    this.retryAfter = Math.ceil(retryAfter)
    this.#reporter = reporter
  }

  static {
    reporterOf = (e) => e.#reporter
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
const mark = cheapError(CircuitOpenError, 'CircuitOpenError')

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
