/**
 * Standard (TC39, TypeScript 5+) method decorators: `@guarded(breaker)` for async methods and
 * `@guardedSync(breaker)` for sync ones. No `experimentalDecorators` needed.
 *
 * Given settings instead of a breaker, the decorator makes one breaker per decorated method, shared by
 * every instance of the class. For a breaker per instance, wrap in the constructor with `wrap`.
 *
 * @since 0.1.0
 */
import type * as B from './Breaker'
import { wrap, wrapSync, type WrapOptions } from './Wrap'

/**
 * A method decorator: what the method resolves to types the classifier options, in the settings or
 * in `options` (`isResultFailure: (reply) => reply.status >= 500`, no cast).
 *
 * @example
 * import { guarded } from 'tripswitch'
 *
 * class Inventory {
 *   @guarded({ name: 'inventory', failureThreshold: 5 })
 *   async stock(sku: string): Promise<number> {
 *     return sku.length
 *   }
 *
 *   @guarded({ name: 'inventory-api', isResultFailure: (reply) => reply.status >= 500 })
 *   async fetchStock(sku: string): Promise<{ readonly status: number; readonly count: number }> {
 *     return { status: 200, count: sku.length }
 *   }
 * }
 *
 * @category combinators
 * @since 0.1.0
 */
export function guarded<This, Args extends ReadonlyArray<unknown>, R>(
  breaker: B.Breaker,
  options?: NoInfer<WrapOptions<This, Args, R | PromiseLike<R>, R>>
): Decorator<This, Args, Promise<R>>
export function guarded<This, Args extends ReadonlyArray<unknown>, R>(
  settings: B.Settings<unknown, R>,
  options?: NoInfer<WrapOptions<This, Args, R | PromiseLike<R>, R>>
): Decorator<This, Args, Promise<R>>
export function guarded<This, Args extends ReadonlyArray<unknown>, R>(
  breaker: B.Breaker | B.Settings<unknown, R>,
  options?: NoInfer<WrapOptions<This, Args, R | PromiseLike<R>, R>>
): Decorator<This, Args, Promise<R>> {
  return (method) => wrap(breaker as B.Breaker | B.Settings)(method, options)
}

/**
 * A standard method decorator of methods `(this: This, ...args: Args) => R`.
 *
 * @category model
 * @since 0.1.0
 */
export type Decorator<This, Args extends ReadonlyArray<unknown>, R> = (
  method: (this: This, ...args: Args) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>
) => (this: This, ...args: Args) => R

/**
 * @example
 * import { guardedSync } from 'tripswitch'
 *
 * class Parser {
 *   @guardedSync({ name: 'parser' })
 *   parse(text: string): unknown {
 *     return JSON.parse(text)
 *   }
 * }
 *
 * @category combinators
 * @since 0.1.0
 */
export function guardedSync<This, Args extends ReadonlyArray<unknown>, R>(
  breaker: B.Breaker,
  options?: NoInfer<WrapOptions<This, Args, R, R>>
): Decorator<This, Args, R>
export function guardedSync<This, Args extends ReadonlyArray<unknown>, R>(
  settings: B.Settings<unknown, R>,
  options?: NoInfer<WrapOptions<This, Args, R, R>>
): Decorator<This, Args, R>
export function guardedSync<This, Args extends ReadonlyArray<unknown>, R>(
  breaker: B.Breaker | B.Settings<unknown, R>,
  options?: NoInfer<WrapOptions<This, Args, R, R>>
): Decorator<This, Args, R> {
  return (method) => wrapSync(breaker as B.Breaker | B.Settings)(method, options)
}
