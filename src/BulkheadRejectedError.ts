/**
 * The refusal of a bulkhead: the call did not run, because every slot was taken and the queue was
 * full, because it waited in the queue longer than the bulkhead's `maxWait`, or because its caller
 * aborted it while it waited.
 *
 * Like `CircuitOpenError`, a tagged value that is also an `Error`, built without capturing a stack
 * (`message` and `stack` are computed on demand): refusing is the hot path of a saturated bulkhead.
 * A refusal says nothing about the dependency, so it is never recorded as a failure by a breaker.
 *
 * @since 0.1.0
 */

import { cheapError, isBranded } from './internal'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Why a bulkhead refused a call: `'full'` (every slot taken, the queue full or absent), `'timeout'`
 * (it waited `maxWait` ms without getting a slot), `'aborted'` (its caller's `AbortSignal` fired
 * before it got a slot).
 *
 * @category model
 * @since 0.1.0
 */
export type Refusal = 'full' | 'timeout' | 'aborted'

/**
 * @example
 * import * as assert from 'node:assert'
 * import { BulkheadRejectedError, isBulkheadRejectedError } from 'tripswitch'
 *
 * const e = new BulkheadRejectedError('payments', 'full', 10, 0)
 * assert.strictEqual(
 *   e.message,
 *   'Bulkhead "payments" is full: call rejected without running it (10 calls running, no queue)'
 * )
 * assert.ok(e instanceof Error && isBulkheadRejectedError(e))
 *
 * @category model
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class is made an Error below, without super()
export class BulkheadRejectedError {
  /** Always `'BulkheadRejectedError'`. */
  declare readonly _tag: 'BulkheadRejectedError'
  declare readonly name: 'BulkheadRejectedError'
  constructor(
    /** The name of the bulkhead that refused the call. */
    readonly bulkhead: string,
    readonly reason: Refusal,
    /** The bulkhead's limit of calls running at once. */
    readonly limit: number,
    /** The bulkhead's queue capacity. */
    readonly queue: number
  ) {}

  get message(): string {
    const queue = this.queue === 0 ? 'no queue' : `a queue of ${this.queue}`
    switch (this.reason) {
      case 'full':
        return `Bulkhead "${this.bulkhead}" is full: call rejected without running it (${this.limit} calls running, ${this.queue === 0 ? queue : `${queue} full`})`
      case 'timeout':
        return `Bulkhead "${this.bulkhead}": call waited in the queue past its maximum wait without getting one of ${this.limit} slots; it did not run`
      case 'aborted':
        return `Bulkhead "${this.bulkhead}": call aborted by its caller before it got a slot; it did not run`
    }
  }

  get stack(): string {
    return `${this.name}: ${this.message}`
  }

  toString(): string {
    return `${this.name}: ${this.message}`
  }

  toJSON(): {
    _tag: 'BulkheadRejectedError'
    bulkhead: string
    reason: Refusal
    limit: number
    queue: number
    message: string
  } {
    return {
      _tag: this._tag,
      bulkhead: this.bulkhead,
      reason: this.reason,
      limit: this.limit,
      queue: this.queue,
      message: this.message
    }
  }
}

// An Error without the stack capture of `super()`: `instanceof Error` holds, `new` stays cheap.
const mark = cheapError(BulkheadRejectedError, 'BulkheadRejectedError')

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface BulkheadRejectedError extends Error {}

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * Whether `u` is a `BulkheadRejectedError`. Usable in a retry-ts `check` so that a refusal is not
 * retried: `retrying(policy, action, (e) => E.isLeft(e) && !isBulkheadRejectedError(e.left))`.
 *
 * @example
 * import * as assert from 'node:assert'
 * import * as E from 'fp-ts/Either'
 * import { BulkheadRejectedError, isBulkheadRejectedError } from 'tripswitch'
 *
 * const check = (e: E.Either<unknown, unknown>) => E.isLeft(e) && !isBulkheadRejectedError(e.left)
 * assert.strictEqual(check(E.left(new BulkheadRejectedError('db', 'full', 4, 0))), false)
 * assert.strictEqual(check(E.left(new Error('reset'))), true)
 *
 * @category guards
 * @since 0.1.0
 */
export const isBulkheadRejectedError = (u: unknown): u is BulkheadRejectedError =>
  u instanceof BulkheadRejectedError || isBranded(u, mark)
