/**
 * The `@example` blocks of the doc comments in `src/` are tests, as fp-ts's are: every one is compiled,
 * all in one program with the project's compiler options (`tripswitch`, `tripswitch/testing` and
 * `tripswitch/prometheus` resolve to `src/`), and then run in a module registry of its own. An example
 * that does not compile, throws, or fails an `assert` fails its test, named by its source location
 * (`src/Histogram.ts:79 (example 1)`). The harness itself is tested on deliberately wrong examples.
 */
import { join } from 'node:path'
import {
  type Example,
  examplesOf,
  prepare,
  type Prepared,
  root,
  run,
  scratchModule,
  sourceExamples
} from './_support/examples'

const scratch = join(root, 'node_modules', '.cache', 'tripswitch-examples')

const examples = sourceExamples()

describe('Examples', () => {
  let prepared: ReadonlyMap<Example, Prepared> = new Map()

  beforeAll(() => {
    prepared = new Map(prepare(examples, join(scratch, 'src')).map((p) => [p.example, p]))
  })

  it('finds the examples of the doc comments in src/', () => {
    expect(examples.length).toBeGreaterThan(50)
  })

  it.each(examples.map((e) => [`${e.file}:${e.line} (example ${e.index})`, e] as const))(
    '%s compiles and runs',
    async (_, example) => {
      await run(prepared.get(example)!)
    }
  )
})

describe('the example harness', () => {
  const fixture = (code: string) => `/**
 * A fixture.
 *
 * @example
${code
  .split('\n')
  .map((line) => ` * ${line}`.trimEnd())
  .join('\n')}
 *
 * @since 0.1.0
 */
export const x = 1
`
  // deliberately right and wrong examples, each in a module of its own; its code starts on line 5
  const fixtures: Record<string, ReadonlyArray<string>> = {
    Right: [
      "import * as assert from 'node:assert'",
      "import { Duration } from 'tripswitch'",
      '',
      "assert.deepStrictEqual(Duration.parse('1m30s'), { _tag: 'Right', right: 90_000 })"
    ],
    Wrong: [
      "import * as assert from 'node:assert'",
      "import { Duration } from 'tripswitch'",
      '',
      "assert.deepStrictEqual(Duration.parse('1m30s'), { _tag: 'Right', right: 90_001 })"
    ],
    TypeError: ["import { Duration } from 'tripswitch'", "const n: string = Duration.parse('1s')"],
    Throws: ['const parse = (s: string): unknown => JSON.parse(s)', "console.log('parsing')", "parse('{')"],
    Awaits: [
      "import * as assert from 'node:assert'",
      "import * as TE from 'fp-ts/TaskEither'",
      "assert.deepStrictEqual(await TE.right(1)(), { _tag: 'Right', right: 2 })"
    ],
    Network: [
      "import * as TE from 'fp-ts/TaskEither'",
      "const get = TE.tryCatch(() => fetch('http://127.0.0.1:1/'), String)",
      'await get()'
    ]
  }
  const outcomes = new Map<string, string | undefined>()

  beforeAll(async () => {
    const examples = Object.entries(fixtures).flatMap(([name, code]) =>
      examplesOf(`src/${name}.ts`, fixture(code.join('\n')))
    )
    for (const p of prepare(examples, join(scratch, 'fixtures'))) {
      const failure = await run(p).then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e))
      )
      outcomes.set(p.example.file.slice('src/'.length, -'.ts'.length), failure)
    }
  })

  it('reads an example from the line after @example to the next tag, without the leading " * "', () => {
    const code = ['class A {', '  @decorated()', '  m() {}', '}', '', "const b = '@since'"].join('\n')
    expect(examplesOf('src/Fixture.ts', fixture(code))).toEqual([
      { file: 'src/Fixture.ts', line: 5, index: 1, code }
    ])
  })

  it('numbers the examples of a module and ignores comments in strings', () => {
    const text = `const s = '/** @example nope */'\n${fixture('const a = 1')}${fixture('const b = 2')}`
    expect(examplesOf('src/Fixture.ts', text).map((e) => [e.line, e.index, e.code])).toEqual([
      [6, 1, 'const a = 1'],
      [15, 2, 'const b = 2']
    ])
  })

  it('keeps imports at the top level and the lines of the example where they were', () => {
    const code = "import * as assert from 'node:assert'\nconst a = 1\nassert.ok(a)"
    expect(scratchModule(code).split('\n').slice(0, 3)).toEqual([
      "import * as assert from 'node:assert'; export default async (): Promise<void> => {",
      'const a = 1',
      'assert.ok(a)'
    ])
  })

  it('passes an example whose assertion holds', () => {
    expect(outcomes.has('Right')).toBe(true)
    expect(outcomes.get('Right')).toBeUndefined()
  })

  it('fails an example whose assertion is wrong, naming the line of the assertion', () => {
    expect(outcomes.get('Wrong')).toMatch(
      /^src\/Wrong\.ts:8 \(example 1\): Expected values to be strictly deep-equal:.*right: 90001/s
    )
  })

  it('fails an example whose awaited assertion is wrong', () => {
    expect(outcomes.get('Awaits')).toMatch(/^src\/Awaits\.ts:7 \(example 1\): Expected values/)
  })

  it('fails an example that does not compile', () => {
    expect(outcomes.get('TypeError')).toMatch(
      /src\/TypeError\.ts:6 \(example 1\): Type 'Either<string, number>' is not assignable to type 'string'/
    )
  })

  it('fails an example that throws, with what it logged', () => {
    expect(outcomes.get('Throws')).toMatch(
      /^src\/Throws\.ts:5 \(example 1\): .*JSON.*\nit logged:\nconsole\.log: parsing$/s
    )
  })

  it('fails an example that uses the network, without reaching it', () => {
    expect(outcomes.get('Network')).toMatch(
      /^src\/Network\.ts:5 \(example 1\): uses the network: fetch\(http:\/\/127\.0\.0\.1:1\/\)/
    )
  })
})
