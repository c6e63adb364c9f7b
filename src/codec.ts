/**
 * io-ts building blocks shared by the config, strategy, window and state codecs: strict structs that
 * reject unknown keys (with a "did you mean" hint) and carry their cross-field rules, records keyed by
 * user names, unions dispatched on a tag, the field codecs both config forms share, and a reporter that
 * turns io-ts errors into one readable line per problem, each naming its path.
 *
 * Invariants, which make decoding untrusted input safe:
 * - Only own properties are read, so nothing inherited (a polluted `Object.prototype`, `constructor`)
 *   can leak into a decoded value.
 * - `__proto__`, `constructor` and `prototype` are never accepted as keys, and every decoded object is
 *   built fresh with known keys only: the input is never returned or mutated.
 * - Validation never throws on data: it returns a `Left` listing every problem it found.
 * - A cross-field rule of a struct runs when every field it reads is valid or absent, so that the
 *   problems of other fields do not hide it and a comparison with a wrong field is never reported.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { parse } from './Duration'

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/** @internal */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

/** The own property `key` of `o`: never an inherited one. @internal */
export const own = (o: object, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined

const arrays = new WeakSet<object>()

const reserved: ReadonlyArray<string> = ['__proto__', 'constructor', 'prototype']

/** Whether `key` is one that could reach an object prototype. @internal */
export const isReserved = (key: string): boolean => reserved.includes(key)

const reservedKey = 'not allowed as a key (it could tamper with object prototypes)'

// -------------------------------------------------------------------------------------
// hints
// -------------------------------------------------------------------------------------

const distance = (a: string, b: string): number => {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost))
    }
    row = next
  }
  return row[b.length] ?? 0
}

/**
 * The longest key given a "did you mean" hint, and shown in full in a path: a longer one is no typo of
 * a known key, and comparing it would cost its length times each known key's.
 *
 * @internal
 */
export const maxHintLength = 64

/**
 * How many unknown keys of one object are reported one by one; the rest are counted in one line
 * ("and 9980 more unknown keys"), so a document of megabytes of junk keys gives a short error, fast.
 *
 * @internal
 */
export const maxUnknownKeys = 20

/**
 * The known name closest to `word` (edit distance, case-insensitive), if it is close enough to be a
 * typo. A word longer than `maxHintLength` has none: the cost is bounded whatever the input.
 *
 * @internal
 */
export const closest = (word: string, known: ReadonlyArray<string>): string | undefined => {
  if (word.length > maxHintLength) return undefined
  const lower = word.toLowerCase()
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1
  for (const candidate of known) {
    // the distance is at least the difference of the lengths
    if (Math.abs(candidate.length - word.length) >= bestDistance) continue
    const d = distance(lower, candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/**
 * `key` as a path shows it: cut to `maxHintLength` characters, with `…`, when longer.
 *
 * @internal
 */
export const shownKey = (key: string): string =>
  key.length > maxHintLength ? `${key.slice(0, maxHintLength)}…` : key

/**
 * The message about an unknown `key`: a "did you mean" hint, or the known keys.
 *
 * @internal
 */
export const unknownKey = (key: string, known: ReadonlyArray<string>, noun: string): string => {
  const hint = closest(key, known)
  return hint === undefined
    ? `unknown ${noun} (expected one of: ${known.join(', ')})`
    : `unknown ${noun}; did you mean ${hint}?`
}

/**
 * The line that stands for the unknown keys not reported one by one.
 *
 * @internal
 */
export const moreUnknown = (n: number, noun: string): string =>
  `and ${n} more unknown ${noun}${n === 1 ? '' : 's'}`

/** Appends every element of `ys` to `xs`, without spreading (which overflows the stack for long arrays). */
const pushAll = <A>(xs: Array<A>, ys: ReadonlyArray<A>): void => {
  for (const y of ys) xs.push(y)
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** @internal */
export type Props = Readonly<Record<string, t.Mixed>>

/** @internal */
export type StructOf<R extends Props, P extends Props> = {
  readonly [K in keyof R]: t.TypeOf<R[K]>
} & { readonly [K in keyof P]?: t.TypeOf<P[K]> }

/** @internal */
export type StructOutputOf<R extends Props, P extends Props> = {
  readonly [K in keyof R]: t.OutputOf<R[K]>
} & { readonly [K in keyof P]?: t.OutputOf<P[K]> }

/**
 * A struct codec, which also lists the keys it knows.
 *
 * @internal
 */
export type Struct<R extends Props, P extends Props> = t.Type<
  StructOf<R, P>,
  StructOutputOf<R, P>,
  unknown
> & {
  readonly keys: ReadonlyArray<string>
}

/**
 * What a cross-field rule found: the path of the field it blames, below the value checked (`['ring',
 * 3]` is `ring[3]`; `[]` is the value itself), and what was expected there.
 *
 * @internal
 */
export interface Problem {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/** @internal */
export const problem = (path: ReadonlyArray<string | number>, message: string): Problem => ({ path, message })

/**
 * A cross-field rule of a struct: `check` reads only the fields listed in `reads`, and runs when each
 * of them is valid or absent.
 *
 * @internal
 */
export interface Rule<A> {
  readonly reads: ReadonlyArray<keyof A & string>
  readonly check: (a: A) => ReadonlyArray<Problem>
}

const anyArray: t.Mixed = t.UnknownArray

/** The errors of `problems`, found in the value `u` at `context`. */
const errorsOf = (u: unknown, context: t.Context, problems: ReadonlyArray<Problem>): t.Errors =>
  problems.map(({ path, message }) => {
    let c = context
    let v: unknown = u
    path.forEach((key, i) => {
      v = isRecord(v) || Array.isArray(v) ? own(v, String(key)) : undefined
      // an index is rendered `[i]` by `pathOf` when its parent is an array codec
      c = t.appendContext(c, String(key), typeof path[i + 1] === 'number' ? anyArray : t.unknown, v)
    })
    return { value: v, context: c, message }
  })

/**
 * An object with `required` and `optional` fields and no other key. An unknown key is reported at its
 * own path with a "did you mean" hint; a missing optional field (or one set to `undefined`) is absent
 * from the output. The output is a fresh object. Each of `rules` runs when the fields it reads are valid
 * or absent, whatever the other fields hold. `noun` names a field in the message about an unknown one
 * (`"unknown option; did you mean openFor?"` for programmatic config, `key` for documents).
 *
 * @internal
 */
export const struct = <R extends Props, P extends Props>(
  name: string,
  required: R,
  optional: P,
  rules: ReadonlyArray<Rule<StructOf<R, P>>> = [],
  noun = 'key'
): Struct<R, P> => {
  const fields: ReadonlyArray<readonly [string, t.Mixed, boolean]> = [
    ...Object.entries(required).map(([k, c]) => [k, c, true] as const),
    ...Object.entries(optional).map(([k, c]) => [k, c, false] as const)
  ]
  const known = fields.map(([k]) => k)
  const map =
    (f: (codec: t.Mixed, value: unknown) => unknown) =>
    (o: Readonly<Record<string, unknown>>): Record<string, unknown> => {
      const out: Record<string, unknown> = {}
      for (const [k, codec] of fields) {
        const v = own(o, k)
        if (v !== undefined) out[k] = f(codec, v)
      }
      return out
    }
  const encode = map((codec, v) => codec.encode(v))
  const type = new t.Type<StructOf<R, P>, StructOutputOf<R, P>, unknown>(
    name,
    (u): u is StructOf<R, P> =>
      isRecord(u) &&
      Object.keys(u).every((k) => known.includes(k)) &&
      fields.every(([k, codec, isRequired]) => {
        const v = own(u, k)
        return v === undefined ? !isRequired : codec.is(v)
      }) &&
      rules.every((r) => r.check(u as StructOf<R, P>).length === 0),
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c)
      const errors: t.Errors = []
      let unknown = 0
      for (const key of Object.keys(u)) {
        if (known.includes(key)) continue
        // only the first few unknown keys are looked at closely; the rest are counted
        if (unknown++ >= maxUnknownKeys) continue
        const message = isReserved(key) ? reservedKey : unknownKey(key, known, noun)
        errors.push({ value: own(u, key), context: t.appendContext(c, shownKey(key), t.unknown), message })
      }
      if (unknown > maxUnknownKeys) {
        errors.push({ value: u, context: c, message: moreUnknown(unknown - maxUnknownKeys, noun) })
      }
      const out: Record<string, unknown> = {}
      const invalid = new Set<string>()
      for (const [k, codec, isRequired] of fields) {
        const v = own(u, k)
        if (v === undefined) {
          if (isRequired) {
            errors.push({ value: v, context: t.appendContext(c, k, codec, v) })
            invalid.add(k)
          }
          continue
        }
        const result = codec.validate(v, t.appendContext(c, k, codec, v))
        if (E.isLeft(result)) {
          pushAll(errors, result.left)
          invalid.add(k)
        } else out[k] = result.right
      }
      for (const r of rules) {
        // `out` holds every field the rule reads that the input has, decoded
        if (r.reads.every((k) => !invalid.has(k))) {
          pushAll(errors, errorsOf(u, c, r.check(out as StructOf<R, P>)))
        }
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as StructOf<R, P>)
    },
    (a) => encode(a) as StructOutputOf<R, P>
  )
  return Object.assign(type, { keys: known })
}

/**
 * An object of user-chosen keys (such as breaker names), each value decoded by `codec`. Reserved keys
 * (`__proto__`, `constructor`, `prototype`) are rejected. The output is a fresh object.
 *
 * @internal
 */
export const record = <C extends t.Mixed>(
  name: string,
  codec: C
): t.Type<Readonly<Record<string, t.TypeOf<C>>>, Readonly<Record<string, t.OutputOf<C>>>, unknown> =>
  new t.Type<Readonly<Record<string, t.TypeOf<C>>>, Readonly<Record<string, t.OutputOf<C>>>, unknown>(
    name,
    (u): u is Readonly<Record<string, t.TypeOf<C>>> =>
      isRecord(u) && Object.keys(u).every((k) => !isReserved(k) && codec.is(own(u, k))),
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c)
      const errors: t.Errors = []
      const entries: Array<readonly [string, t.TypeOf<C>]> = []
      for (const key of Object.keys(u)) {
        const v = own(u, key)
        if (isReserved(key)) {
          errors.push({ value: v, context: t.appendContext(c, key, t.unknown), message: reservedKey })
          continue
        }
        const result = codec.validate(v, t.appendContext(c, key, codec, v))
        if (E.isLeft(result)) pushAll(errors, result.left)
        else entries.push([key, result.right])
      }
      return errors.length > 0 ? t.failures(errors) : t.success(Object.fromEntries(entries))
    },
    (a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, codec.encode(v)]))
  )

/**
 * A union of structs told apart by the string field `tag`: the input's tag picks the member, so an
 * error names the right fields rather than listing every member's complaints.
 *
 * @internal
 */
export const tagged = <M extends Readonly<Record<string, t.Mixed>>>(
  name: string,
  tag: string,
  members: M
): t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>, unknown> => {
  const tags = Object.keys(members)
  const member = (u: unknown): t.Mixed | undefined => {
    if (!isRecord(u)) return undefined
    const k = own(u, tag)
    return typeof k === 'string' && tags.includes(k) ? members[k] : undefined
  }
  return new t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>, unknown>(
    name,
    (u): u is t.TypeOf<M[keyof M]> => member(u)?.is(u) ?? false,
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c)
      const codec = member(u)
      if (codec !== undefined) return codec.validate(u, c)
      const v = own(u, tag)
      const expected =
        tags.length === 1
          ? `expected ${JSON.stringify(tags[0])}, got ${show(v)}`
          : `expected one of ${tags.join(', ')}, got ${show(v)}`
      return t.failure(v, t.appendContext(c, tag, t.unknown, v), expected)
    },
    (a) => (member(a)?.encode(a) ?? a) as t.OutputOf<M[keyof M]>
  )
}

/**
 * An array whose every element is decoded by `codec`; the output is a fresh array.
 *
 * @internal
 */
export const array = <C extends t.Mixed>(
  codec: C
): t.Type<ReadonlyArray<t.TypeOf<C>>, ReadonlyArray<t.OutputOf<C>>, unknown> => {
  const type = new t.Type<ReadonlyArray<t.TypeOf<C>>, ReadonlyArray<t.OutputOf<C>>, unknown>(
    `an array of ${codec.name}`,
    (u): u is ReadonlyArray<t.TypeOf<C>> => Array.isArray(u) && u.every((x) => codec.is(x)),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c)
      const errors: t.Errors = []
      const out: Array<t.TypeOf<C>> = []
      for (let i = 0; i < u.length; i++) {
        const v: unknown = u[i]
        const result = codec.validate(v, t.appendContext(c, String(i), codec, v))
        if (E.isLeft(result)) pushAll(errors, result.left)
        else out.push(result.right)
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out)
    },
    (a) => a.map((x) => codec.encode(x))
  )
  arrays.add(type)
  return type
}

/**
 * `codec`, refused for an empty array: named `name` ("a non-empty array of strategies").
 *
 * @internal
 */
export const nonEmpty = <C extends t.Mixed>(
  name: string,
  codec: C
): t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown> => {
  const type = new t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown>(
    name,
    (u): u is t.TypeOf<C> => Array.isArray(u) && u.length > 0 && codec.is(u),
    (u, c) => (Array.isArray(u) && u.length === 0 ? t.failure(u, c) : codec.validate(u, c)),
    (a) => codec.encode(a)
  )
  // the elements' paths are found under this codec: `[i]`
  arrays.add(type)
  return type
}

/**
 * `codec`, refused for an array of more than `max` elements ("expected at most 100 strategies, got
 * 20000") before any element is looked at: the work of refusing a long array does not grow with it.
 *
 * @internal
 */
export const atMost = <C extends t.Mixed>(
  max: number,
  noun: string,
  codec: C
): t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown> => {
  const type = new t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown>(
    codec.name,
    (u): u is t.TypeOf<C> => Array.isArray(u) && u.length <= max && codec.is(u),
    (u, c) =>
      Array.isArray(u) && u.length > max
        ? t.failure(u, c, `expected at most ${max} ${noun}, got ${u.length}`)
        : codec.validate(u, c),
    (a) => codec.encode(a)
  )
  // the elements' paths are found under this codec: `[i]`
  arrays.add(type)
  return type
}

/**
 * An array of exactly `codecs.length` elements, element `i` decoded by `codecs[i]`: named `name`
 * ("2 tallies"). The output is a fresh array.
 *
 * @internal
 */
export const tuple = <A>(
  name: string,
  codecs: ReadonlyArray<t.Type<A, unknown, unknown>>
): t.Type<ReadonlyArray<A>, ReadonlyArray<unknown>, unknown> => {
  const type = new t.Type<ReadonlyArray<A>, ReadonlyArray<unknown>, unknown>(
    name,
    (u): u is ReadonlyArray<A> =>
      Array.isArray(u) && u.length === codecs.length && codecs.every((codec, i) => codec.is(u[i])),
    (u, c) => {
      if (!Array.isArray(u) || u.length !== codecs.length) return t.failure(u, c)
      const errors: t.Errors = []
      const out: Array<A> = []
      codecs.forEach((codec, i) => {
        const v: unknown = u[i]
        const result = codec.validate(v, t.appendContext(c, String(i), codec, v))
        if (E.isLeft(result)) pushAll(errors, result.left)
        else out.push(result.right)
      })
      return errors.length > 0 ? t.failures(errors) : t.success(out)
    },
    (a) => a.map((x, i) => codecs[i]?.encode(x) ?? x)
  )
  arrays.add(type)
  return type
}

/**
 * `codec`, refined by a check of the whole decoded value (run once its shape is right).
 *
 * @internal
 */
export const refine = <A, O>(
  codec: t.Type<A, O, unknown>,
  check: (a: A) => ReadonlyArray<Problem>
): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    codec.name,
    (u): u is A => codec.is(u) && check(u).length === 0,
    (u, c) => {
      const result = codec.validate(u, c)
      if (E.isLeft(result)) return result
      const problems = check(result.right)
      return problems.length === 0 ? result : t.failures(errorsOf(result.right, c, problems))
    },
    (a) => codec.encode(a)
  )

/**
 * A number that passes `check`, named by `expected` ("a positive integer").
 *
 * @internal
 */
export const number = (expected: string, check: (n: number) => boolean): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    expected,
    (u): u is number => typeof u === 'number' && check(u),
    (u, c) => (typeof u === 'number' && check(u) ? t.success(u) : t.failure(u, c)),
    t.identity
  )

/** A safe integer >= 0, so that adding one is exact. @internal */
export const nonNegativeInteger = number('a non-negative integer', (n) => Number.isSafeInteger(n) && n >= 0)

/**
 * A positive integer as `Config.resolve` checks it (`Number.isInteger`), so decoding and construction agree.
 *
 * @internal
 */
export const positiveInteger = number('a positive integer', (n) => Number.isInteger(n) && n >= 1)

/** @internal */
export const finite = number('a finite number', Number.isFinite)

/** @internal */
export const safeInteger = number('an integer', Number.isSafeInteger)

/** @internal */
export const int32 = number('a 32-bit integer', (n) => Number.isInteger(n) && (n | 0) === n)

/** An integer from `min` to `max`, named so. @internal */
export const integer = (min: number, max: number): t.Type<number, number, unknown> =>
  number(`an integer from ${min} to ${max}`, (n) => Number.isInteger(n) && n >= min && n <= max)

/** @internal */
export const rate = number('a rate in (0, 1]', (n) => n > 0 && n <= 1)

/** @internal */
export const fraction = number('a number in [0, 1]', (n) => n >= 0 && n <= 1)

/** A duration in milliseconds, as programmatic config gives it: finite and `>= 0`. @internal */
export const nonNegativeMs = number(
  'a finite non-negative duration in milliseconds',
  (n) => Number.isFinite(n) && n >= 0
)

/** A duration in milliseconds, as programmatic config gives it: finite and `> 0`. @internal */
export const positiveMs = number(
  'a finite positive duration in milliseconds',
  (n) => Number.isFinite(n) && n > 0
)

/**
 * The document form of the milliseconds codec `ms`: a number `ms` accepts, or a duration string
 * (`"500ms"`, `"30s"`, `"2m"`, see `Duration.ts`) whose milliseconds it accepts. Decodes to milliseconds.
 *
 * @internal
 */
export const durationOf = (
  ms: t.Type<number, number, unknown>,
  name = `${ms.name}, or a string such as "500ms", "30s", "2m"`
): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => ms.is(u),
    (u, c) => {
      if (typeof u !== 'string') return ms.is(u) ? t.success(u) : t.failure(u, c)
      const parsed = parse(u)
      if (E.isLeft(parsed)) return t.failure(u, c, `expected ${name}, got ${show(u)} (${parsed.left})`)
      return ms.is(parsed.right) ? t.success(parsed.right) : t.failure(u, c)
    },
    t.identity
  )

// -------------------------------------------------------------------------------------
// reporting
// -------------------------------------------------------------------------------------

/**
 * A short, safe rendering of an offending value for an error message.
 *
 * @internal
 */
export const show = (u: unknown): string => {
  switch (typeof u) {
    case 'string':
      return JSON.stringify(u.length > 40 ? `${u.slice(0, 40)}…` : u)
    case 'number':
    case 'boolean':
      return String(u)
    case 'bigint':
      return `${u}n`
    case 'undefined':
      return 'undefined'
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
    default:
      return u === null ? 'null' : Array.isArray(u) ? 'an array' : 'an object'
  }
}

/**
 * `path` extended by an object key: `.key` for an identifier, `["a.b"]` for any other key.
 *
 * @internal
 */
export const appendPath = (path: string, key: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`

/**
 * A path such as `breakers.payments.openFor`, `leases[0].ticket` or `breakers["a.b"].openFor`.
 *
 * @internal
 */
export const pathOf = (context: t.Context): string => {
  let path = ''
  for (let i = 1; i < context.length; i++) {
    const key = context[i]?.key ?? ''
    const parent = context[i - 1]?.type
    path = parent !== undefined && arrays.has(parent) ? `${path}[${key}]` : appendPath(path, key)
  }
  return path
}

/**
 * One line per problem: `path: expected ..., got ...` (or the codec's own message). Problems are
 * de-duplicated and kept in document order. `root` names the whole document when the path is empty.
 *
 * @internal
 */
export const report = (errors: t.Errors, root: string, prefix = ''): ReadonlyArray<string> => {
  const lines = new Set<string>()
  for (const { value, context, message } of errors) {
    const below = pathOf(context)
    const path =
      prefix === ''
        ? below || root
        : below === ''
          ? prefix
          : below.startsWith('[')
            ? prefix + below
            : `${prefix}.${below}`
    const expected = context[context.length - 1]?.type.name ?? 'a value'
    const line =
      message !== undefined
        ? `${path}: ${message}`
        : value === undefined
          ? `${path}: missing, expected ${expected}`
          : `${path}: expected ${expected}, got ${show(value)}`
    lines.add(line)
  }
  return [...lines]
}

/**
 * Every problem `codec` finds in `u`, one line each, its path under `path`: the `problems` functions of
 * `Strategy` and `Window` are this, for their codecs.
 *
 * @internal
 */
export const problemsOf = <A>(
  codec: t.Type<A, unknown, unknown>,
  u: unknown,
  path: string
): ReadonlyArray<string> => {
  const result = codec.validate(u, t.getDefaultContext(codec))
  return E.isLeft(result) ? report(result.left, path, path) : []
}
