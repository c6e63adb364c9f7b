/**
 * The bridge from the plain validators of `codec.ts` to io-ts: `toType` makes an io-ts codec of a
 * `Check`, whose `validate` is the check's (so that a codec and the runtime's check are one rule), and
 * `report` renders io-ts errors as `codec.ts` renders problems. Only the io-ts codecs of the public API
 * (`codecs/*.ts`, `ConfigCodec`, the trace codecs of `tripswitch/replay`) import this module; the
 * runtime never does, so that a bundle that uses no codec carries no io-ts.
 *
 * Invariants:
 * - `toType(check).decode(u)` is right exactly when `check.decode(u)` is, with the same value; each
 *   problem becomes one io-ts error whose context is the problem's path (an array index has the type
 *   `element`), whose value is the value at that path, and whose message is the problem's.
 * - `encode` is a fresh copy of what the check accepts (as `validate` builds it), known keys only.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import {
  type Check,
  expectation,
  isRecord,
  own,
  type Path,
  problem,
  type Problem,
  type Props,
  report as reportProblems,
  type Struct,
  type StructOf,
  type TypeOf
} from '../codec'

/** The type of a context entry that is an array index: rendered `[i]`. */
const element: t.Mixed = /* @__PURE__ */ new t.Type<unknown>(
  'an array element',
  (_): _ is unknown => true,
  t.success,
  t.identity
)

/** The errors of `problems`, found in the value `u` at `context`. */
const errorsOf = (u: unknown, context: t.Context, problems: ReadonlyArray<Problem>): t.Errors =>
  problems.map(({ path, message }) => {
    let c = context
    let v: unknown = u
    for (const key of path) {
      v = isRecord(v) || Array.isArray(v) ? own(v, String(key)) : undefined
      c = t.appendContext(c, String(key), typeof key === 'number' ? element : t.unknown, v)
    }
    return { value: v, context: c, message }
  })

/**
 * The io-ts codec of `check`: the same name, guard and validation; it encodes to a fresh copy. Each
 * call that makes a module's codec is marked `@__PURE__`, so that a bundler drops the codecs a program
 * does not use (and io-ts with them) even when it uses the module (`Config.merge`, `decodeConfig`).
 *
 * @internal
 */
export const toType = <A, O = A>(check: Check<A>): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    check.name,
    check.is,
    (u, c) => {
      const result = check.decode(u)
      return E.isRight(result) ? t.success(result.right) : t.failures(errorsOf(u, c, result.left))
    },
    (a) => {
      const copy = check.validate(a)
      return (E.isRight(copy) ? copy.right : a) as unknown as O
    }
  )

/**
 * The io-ts codec of the struct check `check` (`toType`), which also lists the keys it knows.
 *
 * @internal
 */
export const toStruct = <R extends Props, P extends Props>(
  check: Struct<R, P>
): t.Type<StructOf<R, P>, StructOf<R, P>, unknown> & { readonly keys: ReadonlyArray<string> } =>
  Object.assign(toType<StructOf<R, P>>(check), { keys: check.keys })

/**
 * The io-ts codecs of a record of checks, key by key (`toType`).
 *
 * @internal
 */
export const toTypes = <C extends Props>(
  checks: C
): { readonly [K in keyof C]: t.Type<TypeOf<C[K]>, TypeOf<C[K]>, unknown> } =>
  Object.fromEntries(Object.entries(checks).map(([key, check]) => [key, toType<unknown>(check)])) as {
    readonly [K in keyof C]: t.Type<TypeOf<C[K]>, TypeOf<C[K]>, unknown>
  }

/** The path of an io-ts context, below its root. */
const pathOf = (context: t.Context): Path =>
  context.slice(1).map(({ key, type }) => (type === element ? Number(key) : key))

/**
 * One line per io-ts error, as `codec.ts`'s `report` renders problems: `path: expected ..., got ...`
 * (or the error's own message), de-duplicated, in document order.
 *
 * @internal
 */
export const report = (errors: t.Errors, root: string, prefix = ''): ReadonlyArray<string> =>
  reportProblems(
    errors.map(({ value, context, message }) =>
      problem(
        pathOf(context),
        message ?? expectation(context[context.length - 1]?.type.name ?? 'a value', value)
      )
    ),
    root,
    prefix
  )
