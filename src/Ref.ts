/**
 * A mutable cell with an atomic, value-returning `modify`.
 *
 * In JavaScript a synchronous function runs to completion, so `modify` is atomic: admission and the
 * transition it causes happen in one `modify`, never as a read followed by a write across an `await`.
 * Making a Ref allocates mutable state, so it is an effect: `make(a)` is an `IO<Ref<A>>`, as fp-ts
 * `newIORef`. `unsafeMake` is there for module-level singletons.
 *
 * A breaker's state lives in a cell that implements this interface (`breaker.ref`): every change the
 * breaker makes is one update whose function is the pure core's, and a change made through
 * `breaker.ref.set` or `modify` goes through the breaker (checked, counted, reported). A store-backed
 * cell is the same interface with its changes published (see `Store.ts`).
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface Ref<A> {
  /** Reads the current value. */
  readonly get: IO<A>
  /** Replaces the value. */
  readonly set: (a: A) => IO<void>
  /** Applies `f` to the value, stores the second component, returns the first: in one atomic step. */
  readonly modify: <B>(f: (a: A) => readonly [B, A]) => IO<B>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Allocates a Ref outside of `IO`. Prefer `make`; use this for module-level singletons.
 *
 * @category constructors
 * @since 0.1.0
 */
export const unsafeMake = <A>(initial: A): Ref<A> => {
  let value = initial
  return {
    get: () => value,
    set: (a) => () => {
      value = a
    },
    modify: (f) => () => {
      const [b, a] = f(value)
      value = a
      return b
    }
  }
}

/**
 * @example
 * import { Ref } from 'tripswitch'
 * const counter = Ref.make(0)()
 * const before = counter.modify((n) => [n, n + 1] as const)() // 0; the cell now holds 1
 *
 * @category constructors
 * @since 0.1.0
 */
export const make =
  <A>(initial: A): IO<Ref<A>> =>
  () =>
    unsafeMake(initial)
