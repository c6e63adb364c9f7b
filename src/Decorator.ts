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
import { wrap, wrapSync, type WrapOptions, type WrapPolicies } from './Wrap'

/**
 * @example
 * import { guarded } from 'tripswitch'
 *
 * class Inventory {
 *   @guarded({ name: 'inventory', failureThreshold: 5 })
 *   async stock(sku: string): Promise<number> {
 *     return sku.length
 *   }
 * }
 *
 * @category combinators
 * @since 0.1.0
 */
export const guarded =
  <This, Args extends ReadonlyArray<unknown>, R>(
    breaker: B.Breaker | B.Settings,
    options?: WrapPolicies<This, Args, R | PromiseLike<R>>
  ) =>
  (
    method: (this: This, ...args: Args) => Promise<R>,
    _context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<R>>
  ): ((this: This, ...args: Args) => Promise<R>) =>
    wrap(breaker)(method, options)

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
export const guardedSync =
  <This, Args extends ReadonlyArray<unknown>, R>(
    breaker: B.Breaker | B.Settings,
    options?: WrapOptions<This, Args, R>
  ) =>
  (
    method: (this: This, ...args: Args) => R,
    _context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>
  ): ((this: This, ...args: Args) => R) =>
    wrapSync(breaker)(method, options)
