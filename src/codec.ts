/**
 * Plain validators, with no io-ts in them: the one place where the rules of settings, durations,
 * windows, strategies, states and shared records are written. A `Check<A>` is a name ("a positive
 * integer"), a guard and a `validate` that returns the value decoded or every problem found, each with
 * its path. Strict structs reject unknown keys (with a "did you mean" hint) and carry their cross-field
 * rules; records are keyed by user names; unions are dispatched on a tag; `report` turns problems into
 * one readable line each, naming its path. The runtime (`Config.resolve`, the breaker's checks of
 * states and store records) uses these directly; the io-ts codecs of the public API are built from them
 * (`codecs/io.ts`), so that a bundle that uses no codec carries no io-ts.
 *
 * Invariants, which make decoding untrusted input safe:
 * - Only own properties are read, so nothing inherited (a polluted `Object.prototype`, `constructor`)
 *   can leak into a decoded value.
 * - `__proto__`, `constructor` and `prototype` are never accepted as keys, and every decoded object is
 *   built fresh with known keys only: the input is never returned or mutated.
 * - Validation never throws on data: it returns a `Left` listing every problem it found.
 * - A cross-field rule of a struct runs when every field it reads is valid or absent, so that the
 *   problems of other fields do not hide it and a comparison with a wrong field is never reported.
 * - A value of the wrong shape is reported as `expected <name>, got <value>` with the name of the
 *   outermost check at its path (the one its parent applied), as an io-ts reporter names it.
 *
 * @internal
 */
import * as E from 'fp-ts/Either'

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/** @internal */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

/** The own property `key` of `o`: never an inherited one. @internal */
export const own = (o: object, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined

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
// model
// -------------------------------------------------------------------------------------

/**
 * A path below a checked value: object keys, and array indices as numbers (`['ring', 3]` is
 * `ring[3]`; `[]` is the value itself).
 *
 * @internal
 */
export type Path = ReadonlyArray<string | number>

/**
 * What a check found wrong: where, below the value checked, and the message (`expected ..., got ...`).
 *
 * @internal
 */
export interface Problem {
  readonly path: Path
  readonly message: string
}

/** @internal */
export const problem = (path: Path, message: string): Problem => ({ path, message })

/**
 * What `validate` found: the decoded value (fresh), the problems, or `null` when the value is not of
 * the check's shape at all, which is reported as `expected <name>, got <value>` with the name of the
 * outermost check at that path.
 *
 * @internal
 */
export type Validation<A> = E.Either<ReadonlyArray<Problem> | null, A>

/**
 * A plain validator: its name (what it expects, "a positive integer"), a guard, and `validate`; `decode`
 * is `validate` with every problem named.
 *
 * @internal
 */
export interface Check<A> {
  readonly name: string
  readonly is: (u: unknown) => u is A
  readonly validate: (u: unknown) => Validation<A>
  readonly decode: (u: unknown) => E.Either<ReadonlyArray<Problem>, A>
}

/** @internal */
export type Mixed = Check<unknown>

/** @internal */
export type TypeOf<C> = C extends Check<infer A> ? A : never

/** The message about `u`, which is not what `name` describes. @internal */
export const expectation = (name: string, u: unknown): string =>
  u === undefined ? `missing, expected ${name}` : `expected ${name}, got ${show(u)}`

/** The problems that `check` found in `v`, moved below `key`. */
const under = (
  key: string | number,
  check: Mixed,
  v: unknown,
  found: ReadonlyArray<Problem> | null
): ReadonlyArray<Problem> =>
  found === null
    ? [problem([key], expectation(check.name, v))]
    : found.map((p) => problem([key, ...p.path], p.message))

/**
 * A check from its name, guard and `validate`.
 *
 * @internal
 */
export const make = <A>(
  name: string,
  is: (u: unknown) => u is A,
  validate: (u: unknown) => Validation<A>
): Check<A> => ({
  name,
  is,
  validate,
  decode: (u) => {
    const result = validate(u)
    return E.isLeft(result) && result.left === null
      ? E.left([problem([], expectation(name, u))])
      : (result as E.Either<ReadonlyArray<Problem>, A>)
  }
})

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/** Anything: the value as it is. @internal */
export const unknown: Check<unknown> = make('unknown', (_): _ is unknown => true, E.right)

/** @internal */
export const string: Check<string> = make(
  'string',
  (u): u is string => typeof u === 'string',
  (u) => (typeof u === 'string' ? E.right(u) : E.left(null))
)

/** Exactly `value`, named as JSON writes it. @internal */
export const literal = <K extends string>(value: K): Check<K> =>
  make(
    JSON.stringify(value),
    (u): u is K => u === value,
    (u) => (u === value ? E.right(value) : E.left(null))
  )

/** One of the strings `values`, named `"a" | "b"` unless `name` is given. @internal */
export const oneOf = <K extends string>(
  values: ReadonlyArray<K>,
  name = values.map((v) => JSON.stringify(v)).join(' | ')
): Check<K> => {
  const is = (u: unknown): u is K => typeof u === 'string' && (values as ReadonlyArray<string>).includes(u)
  return make(name, is, (u) => (is(u) ? E.right(u) : E.left(null)))
}

/**
 * A number that passes `check`, named by `expected` ("a positive integer").
 *
 * @internal
 */
export const number = (expected: string, check: (n: number) => boolean): Check<number> => {
  const is = (u: unknown): u is number => typeof u === 'number' && check(u)
  return make(expected, is, (u) => (is(u) ? E.right(u) : E.left(null)))
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** @internal */
export type Props = Readonly<Record<string, Mixed>>

/** @internal */
export type StructOf<R extends Props, P extends Props> = {
  readonly [K in keyof R]: TypeOf<R[K]>
} & { readonly [K in keyof P]?: TypeOf<P[K]> }

/**
 * A struct check, which also lists the keys it knows.
 *
 * @internal
 */
export type Struct<R extends Props, P extends Props> = Check<StructOf<R, P>> & {
  readonly keys: ReadonlyArray<string>
}

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
  const fields: ReadonlyArray<readonly [string, Mixed, boolean]> = [
    ...Object.entries(required).map(([k, c]) => [k, c, true] as const),
    ...Object.entries(optional).map(([k, c]) => [k, c, false] as const)
  ]
  const known = fields.map(([k]) => k)
  const is = (u: unknown): u is StructOf<R, P> =>
    isRecord(u) &&
    Object.keys(u).every((k) => known.includes(k)) &&
    fields.every(([k, check, isRequired]) => {
      const v = own(u, k)
      return v === undefined ? !isRequired : check.is(v)
    }) &&
    rules.every((r) => r.check(u as StructOf<R, P>).length === 0)
  const validate = (u: unknown): Validation<StructOf<R, P>> => {
    if (!isRecord(u)) return E.left(null)
    const problems: Array<Problem> = []
    let unknown = 0
    for (const key of Object.keys(u)) {
      if (known.includes(key)) continue
      // only the first few unknown keys are looked at closely; the rest are counted
      if (unknown++ >= maxUnknownKeys) continue
      problems.push(problem([shownKey(key)], isReserved(key) ? reservedKey : unknownKey(key, known, noun)))
    }
    if (unknown > maxUnknownKeys) problems.push(problem([], moreUnknown(unknown - maxUnknownKeys, noun)))
    const out: Record<string, unknown> = {}
    const invalid = new Set<string>()
    for (const [k, check, isRequired] of fields) {
      const v = own(u, k)
      if (v === undefined) {
        if (isRequired) {
          pushAll(problems, under(k, check, v, null))
          invalid.add(k)
        }
        continue
      }
      const result = check.validate(v)
      if (E.isLeft(result)) {
        pushAll(problems, under(k, check, v, result.left))
        invalid.add(k)
      } else out[k] = result.right
    }
    for (const r of rules) {
      // `out` holds every field the rule reads that the input has, decoded
      if (r.reads.every((k) => !invalid.has(k))) pushAll(problems, r.check(out as StructOf<R, P>))
    }
    return problems.length > 0 ? E.left(problems) : E.right(out as StructOf<R, P>)
  }
  return Object.assign(make(name, is, validate), { keys: known })
}

/**
 * An object of user-chosen keys (such as breaker names), each value decoded by `check`. Reserved keys
 * (`__proto__`, `constructor`, `prototype`) are rejected. The output is a fresh object.
 *
 * @internal
 */
export const record = <A>(name: string, check: Check<A>): Check<Readonly<Record<string, A>>> =>
  make(
    name,
    (u): u is Readonly<Record<string, A>> =>
      isRecord(u) && Object.keys(u).every((k) => !isReserved(k) && check.is(own(u, k))),
    (u) => {
      if (!isRecord(u)) return E.left(null)
      const problems: Array<Problem> = []
      const entries: Array<readonly [string, A]> = []
      for (const key of Object.keys(u)) {
        const v = own(u, key)
        if (isReserved(key)) {
          problems.push(problem([key], reservedKey))
          continue
        }
        const result = check.validate(v)
        if (E.isLeft(result)) pushAll(problems, under(key, check, v, result.left))
        else entries.push([key, result.right])
      }
      return problems.length > 0 ? E.left(problems) : E.right(Object.fromEntries(entries))
    }
  )

/**
 * A union of structs told apart by the string field `tag`: the input's tag picks the member, so an
 * error names the right fields rather than listing every member's complaints.
 *
 * @internal
 */
export const tagged = <M extends Readonly<Record<string, Mixed>>>(
  name: string,
  tag: string,
  members: M
): Check<TypeOf<M[keyof M]>> => {
  const tags = Object.keys(members)
  const member = (u: unknown): Mixed | undefined => {
    if (!isRecord(u)) return undefined
    const k = own(u, tag)
    return typeof k === 'string' && tags.includes(k) ? members[k] : undefined
  }
  return make(
    name,
    (u): u is TypeOf<M[keyof M]> => member(u)?.is(u) ?? false,
    (u) => {
      if (!isRecord(u)) return E.left(null)
      const check = member(u)
      if (check !== undefined) return check.validate(u) as Validation<TypeOf<M[keyof M]>>
      const v = own(u, tag)
      const expected =
        tags.length === 1
          ? `expected ${JSON.stringify(tags[0])}, got ${show(v)}`
          : `expected one of ${tags.join(', ')}, got ${show(v)}`
      return E.left([problem([tag], expected)])
    }
  )
}

/**
 * An array whose every element is decoded by `check`; the output is a fresh array.
 *
 * @internal
 */
export const array = <A>(check: Check<A>): Check<ReadonlyArray<A>> =>
  make(
    `an array of ${check.name}`,
    (u): u is ReadonlyArray<A> => Array.isArray(u) && u.every((x) => check.is(x)),
    (u) => {
      if (!Array.isArray(u)) return E.left(null)
      const problems: Array<Problem> = []
      const out: Array<A> = []
      for (let i = 0; i < u.length; i++) {
        const v: unknown = u[i]
        const result = check.validate(v)
        if (E.isLeft(result)) pushAll(problems, under(i, check, v, result.left))
        else out.push(result.right)
      }
      return problems.length > 0 ? E.left(problems) : E.right(out)
    }
  )

/**
 * `check`, refused for an empty array: named `name` ("a non-empty array of strategies").
 *
 * @internal
 */
export const nonEmpty = <A>(name: string, check: Check<A>): Check<A> =>
  make(
    name,
    (u): u is A => Array.isArray(u) && u.length > 0 && check.is(u),
    (u) => (Array.isArray(u) && u.length === 0 ? E.left(null) : check.validate(u))
  )

/**
 * `check`, refused for an array of more than `max` elements ("expected at most 100 strategies, got
 * 20000") before any element is looked at: the work of refusing a long array does not grow with it.
 *
 * @internal
 */
export const atMost = <A>(max: number, noun: string, check: Check<A>): Check<A> =>
  guarded(check, (u) =>
    Array.isArray(u) && u.length > max
      ? [problem([], `expected at most ${max} ${noun}, got ${u.length}`)]
      : []
  )

/**
 * An array of exactly `checks.length` elements, element `i` decoded by `checks[i]`: named `name`
 * ("2 tallies"). The output is a fresh array.
 *
 * @internal
 */
export const tuple = <A>(name: string, checks: ReadonlyArray<Check<A>>): Check<ReadonlyArray<A>> =>
  make(
    name,
    (u): u is ReadonlyArray<A> =>
      Array.isArray(u) && u.length === checks.length && checks.every((check, i) => check.is(u[i])),
    (u) => {
      if (!Array.isArray(u) || u.length !== checks.length) return E.left(null)
      const problems: Array<Problem> = []
      const out: Array<A> = []
      checks.forEach((check, i) => {
        const v: unknown = u[i]
        const result = check.validate(v)
        if (E.isLeft(result)) pushAll(problems, under(i, check, v, result.left))
        else out.push(result.right)
      })
      return problems.length > 0 ? E.left(problems) : E.right(out)
    }
  )

/**
 * `check`, refined by a check of the whole decoded value (run once its shape is right).
 *
 * @internal
 */
export const refine = <A>(check: Check<A>, whole: (a: A) => ReadonlyArray<Problem>): Check<A> =>
  make(
    check.name,
    (u): u is A => check.is(u) && whole(u).length === 0,
    (u) => {
      const result = check.validate(u)
      if (E.isLeft(result)) return result
      const problems = whole(result.right)
      return problems.length === 0 ? result : E.left(problems)
    }
  )

/**
 * `check`, with `problems` of its own run first: `[]` lets `check` decide, a list refuses the value
 * with those problems (as `atMost` refuses a long array before looking at its elements).
 *
 * @internal
 */
export const guarded = <A>(check: Check<A>, problems: (u: unknown) => ReadonlyArray<Problem>): Check<A> =>
  make(
    check.name,
    (u): u is A => problems(u).length === 0 && check.is(u),
    (u) => {
      const found = problems(u)
      return found.length > 0 ? E.left(found) : check.validate(u)
    }
  )

// -------------------------------------------------------------------------------------
// numbers
// -------------------------------------------------------------------------------------

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
export const integer = (min: number, max: number): Check<number> =>
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
 * `path` as text: `breakers.payments.openFor`, `leases[0].ticket` or `breakers["a.b"].openFor`.
 *
 * @internal
 */
export const pathText = (path: Path): string => {
  let text = ''
  for (const key of path) text = typeof key === 'number' ? `${text}[${key}]` : appendPath(text, key)
  return text
}

/**
 * One line per problem: `path: expected ..., got ...`. Problems are de-duplicated and kept in document
 * order. `root` names the whole document when the path is empty; `prefix` is put in front of every
 * path.
 *
 * @internal
 */
export const report = (
  problems: ReadonlyArray<Problem>,
  root: string,
  prefix = ''
): ReadonlyArray<string> => {
  const lines = new Set<string>()
  for (const { path: at, message } of problems) {
    const below = pathText(at)
    const path =
      prefix === ''
        ? below || root
        : below === ''
          ? prefix
          : below.startsWith('[')
            ? prefix + below
            : `${prefix}.${below}`
    lines.add(`${path}: ${message}`)
  }
  return [...lines]
}

/**
 * Every problem `check` finds in `u`, one line each, its path under `path`: the `problems` functions of
 * `Strategy` and `Window` are this, for their checks.
 *
 * @internal
 */
export const problemsOf = <A>(check: Check<A>, u: unknown, path: string): ReadonlyArray<string> => {
  const result = check.decode(u)
  return E.isLeft(result) ? report(result.left, path, path) : []
}
