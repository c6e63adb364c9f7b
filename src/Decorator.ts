/**
 * Method decorators: `@guarded(breaker)` for async methods and `@guardedSync(breaker)` for sync ones,
 * under either decorator proposal. Each tells at run time which one calls it:
 * - standard (TC39) decorators, TypeScript 5+ without `experimentalDecorators`: called with the
 *   method and a context (`{ kind: 'method', name, ... }`); returns the guarded method;
 * - legacy decorators, `"experimentalDecorators": true` (NestJS, TypeORM, Angular): called with the
 *   prototype (or the class, for a static method), the method's name and its property descriptor;
 *   returns the descriptor with the guarded method as its value.
 *
 * Anything else (a field, an accessor, a class, a plain call) throws a `ConfigError` naming what was
 * decorated, when the class is defined, so a decorator never silently does nothing.
 *
 * Given settings instead of a breaker, the decorator makes one breaker per decorated method, shared by
 * every instance of the class. For a breaker per instance, wrap in the constructor with `wrap`.
 *
 * @since 0.1.0
 */
import * as B from './Breaker'
import { ConfigError } from './Config'
import { wrap, wrapSync, type WrapOptions, type WrapPolicies } from './Wrap'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A method decorator for both proposals: the first signature is the standard one, the second the
 * `experimentalDecorators` one.
 *
 * @category model
 * @since 0.1.0
 */
export interface MethodDecorator<This, Args extends ReadonlyArray<unknown>, R> {
  (
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>
  ): (this: This, ...args: Args) => R
  (
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<(this: This, ...args: Args) => R>
  ): TypedPropertyDescriptor<(this: This, ...args: Args) => R>
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

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
  options?: NoInfer<WrapPolicies<This, Args, R | PromiseLike<R>, R>>
): MethodDecorator<This, Args, Promise<R>>
export function guarded<This, Args extends ReadonlyArray<unknown>, R>(
  settings: B.Settings<unknown, R>,
  options?: NoInfer<WrapPolicies<This, Args, R | PromiseLike<R>, R>>
): MethodDecorator<This, Args, Promise<R>>
export function guarded<This, Args extends ReadonlyArray<unknown>, R>(
  breaker: B.Breaker | B.Settings<unknown, R>,
  options?: NoInfer<WrapPolicies<This, Args, R | PromiseLike<R>, R>>
): MethodDecorator<This, Args, Promise<R>> {
  return decorator(
    '@guarded',
    (method: (this: This, ...args: Args) => Promise<R>): ((this: This, ...args: Args) => Promise<R>) =>
      wrap(B.from(breaker as B.Breaker | B.Settings, '@guarded'))(method, options)
  )
}

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
): MethodDecorator<This, Args, R>
export function guardedSync<This, Args extends ReadonlyArray<unknown>, R>(
  settings: B.Settings<unknown, R>,
  options?: NoInfer<WrapOptions<This, Args, R, R>>
): MethodDecorator<This, Args, R>
export function guardedSync<This, Args extends ReadonlyArray<unknown>, R>(
  breaker: B.Breaker | B.Settings<unknown, R>,
  options?: NoInfer<WrapOptions<This, Args, R, R>>
): MethodDecorator<This, Args, R> {
  return decorator(
    '@guardedSync',
    (method: (this: This, ...args: Args) => R): ((this: This, ...args: Args) => R) =>
      wrapSync(B.from(breaker as B.Breaker | B.Settings, '@guardedSync'))(method, options)
  )
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const isKey = (u: unknown): u is string | symbol => typeof u === 'string' || typeof u === 'symbol'

// The decorator `where` stands for: it guards a method with `guard`, however it is called.
const decorator = <This, Args extends ReadonlyArray<unknown>, R>(
  where: string,
  guard: (method: (this: This, ...args: Args) => R) => (this: This, ...args: Args) => R
): MethodDecorator<This, Args, R> =>
  function (target: unknown, context: unknown, descriptor?: unknown): unknown {
    const fail = (what: string): never => {
      throw new ConfigError([`${where}: decorates methods, not ${what}`])
    }
    if (typeof context === 'object' && context !== null && 'kind' in context) {
      // standard: (value, context)
      const { kind, name } = context as { readonly kind: unknown; readonly name?: unknown }
      if (kind !== 'method' || typeof target !== 'function') {
        return fail(`a ${String(kind)}${isKey(name) ? ` (${String(name)})` : ''}`)
      }
      return guard(target as (this: This, ...args: Args) => R)
    }
    if (isKey(context) && (typeof target === 'object' || typeof target === 'function') && target !== null) {
      // experimentalDecorators: (target, key, descriptor); a field's decorator gets no descriptor
      const d = descriptor as PropertyDescriptor | undefined
      if (typeof d !== 'object' || d === null || typeof d.value !== 'function') {
        return fail(`${d === undefined ? 'a field' : 'an accessor'} (${String(context)})`)
      }
      return { ...d, value: guard(d.value as (this: This, ...args: Args) => R) }
    }
    return fail(
      'what it was called with: expected (method, context) from a standard decorator or (target, key, descriptor) with experimentalDecorators'
    )
  } as MethodDecorator<This, Args, R>
