/**
 * The doc-comment example harness: finds the `@example` blocks of `/** ... *\/` comments, writes each
 * as a scratch module, type-checks them all in one program with the project's compiler options, and
 * runs them in jest's module registry, where `tripswitch`, `tripswitch/testing` and
 * `tripswitch/prometheus` map to `src/`.
 *
 * An example is a module: its imports first, then statements. The statements after the imports are
 * wrapped in `export default async (): Promise<void> => { ... }` on the same lines, so an example may
 * `await` a `TaskEither` before it asserts, and every line of the scratch module is the same line of
 * the example. A failure names the line of the source module (`src/Histogram.ts:79 (example 1)`).
 *
 * Running an example must not touch the network: `fetch` and socket connections reject while an
 * example runs, and an example that tries one fails. What an example logs is kept for its failure.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Socket } from 'node:net'
import { join } from 'node:path'
import { types } from 'node:util'
import * as ts from 'typescript'

export const root = join(__dirname, '..', '..')

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One `@example` block. */
export interface Example {
  /** The module it is in, relative to the project root: `src/Histogram.ts`. */
  readonly file: string
  /** The 1-based line of that module holding the example's first line. */
  readonly line: number
  /** Its 1-based position among the examples of its module. */
  readonly index: number
  /** The code, without the comment's leading ` * `. */
  readonly code: string
}

/** An example written out, type-checked and transpiled. */
export interface Prepared {
  readonly example: Example
  /** The scratch module that was type-checked. */
  readonly source: string
  /** The CommonJS module that is run. */
  readonly output: string
  /** Type errors, each with its source location; empty when the example compiles. */
  readonly problems: ReadonlyArray<string>
}

// -------------------------------------------------------------------------------------
// finding examples
// -------------------------------------------------------------------------------------

/** `src/Histogram.ts:79 (example 1)`: where line `line` (1-based) of the example is. */
export const where = (example: Example, line = 1): string =>
  `${example.file}:${example.line + line - 1} (example ${example.index})`

/** The `/** ... *\/` comments of a module, as the compiler sees them, and where each begins. */
const docComments = (
  file: string,
  text: string
): ReadonlyArray<{ readonly pos: number; readonly text: string }> => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found = new Map<number, string>()
  const visit = (node: ts.Node): void => {
    for (const range of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      const comment = text.slice(range.pos, range.end)
      if (range.kind === ts.SyntaxKind.MultiLineCommentTrivia && /^\/\*\*[^/]/.test(comment)) {
        found.set(range.pos, comment)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return [...found].sort(([a], [b]) => a - b).map(([pos, comment]) => ({ pos, text: comment }))
}

// A tag opens a line of the comment; an indented `@guarded(...)` in an example is a decorator, which is
// why the compiler's own JSDoc parser (`ts.getJSDocTags`) is not used: it ends the example there.
const tag = /^@(\w+)(?=\s|$)/

/**
 * The `@example` blocks of one module's doc comments. An example runs from the line after its tag to
 * the next tag or the end of the comment; text on the tag's own line counts as its first line.
 */
export const examplesOf = (file: string, text: string): ReadonlyArray<Example> => {
  const examples: Array<Example> = []
  for (const comment of docComments(file, text)) {
    const first = text.slice(0, comment.pos).split('\n').length
    const lines = comment.text
      .slice(3, -2)
      .split('\n')
      .map((l) => l.replace(/^\s*\*? ?/, ''))
    let block: { line: number; lines: Array<string> } | undefined
    const close = (): void => {
      if (block === undefined) return
      let { line } = block
      const body = [...block.lines]
      while (body.length > 0 && body[0]!.trim() === '') {
        body.shift()
        line++
      }
      while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop()
      if (body.length >= 2 && body[0]!.startsWith('```') && body[body.length - 1]!.startsWith('```')) {
        body.shift()
        body.pop()
        line++
      }
      examples.push({ file, line, index: examples.length + 1, code: body.join('\n') })
      block = undefined
    }
    lines.forEach((l, i) => {
      const opened = tag.exec(l)
      if (opened === null) {
        block?.lines.push(l)
        return
      }
      close()
      if (opened[1] === 'example') block = { line: first + i, lines: [l.slice(opened[0].length).trim()] }
    })
    close()
  }
  return examples
}

/** Every module under `src/`, relative to the project root, in a stable order. */
export const sourceModules = (): ReadonlyArray<string> =>
  readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/${f.split('\\').join('/')}`)
    .sort()

/** The examples of every module under `src/`. */
export const sourceExamples = (): ReadonlyArray<Example> =>
  sourceModules().flatMap((file) => examplesOf(file, readFileSync(join(root, file), 'utf8')))

// -------------------------------------------------------------------------------------
// compiling
// -------------------------------------------------------------------------------------

const hoisted = (statement: ts.Statement): boolean =>
  ts.isImportDeclaration(statement) ||
  ts.isImportEqualsDeclaration(statement) ||
  (ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword))

/**
 * The scratch module of an example: its leading imports (and `declare`s) stay at the top level, the rest
 * becomes the body of its default export, without adding a line before the example's last one.
 */
export const scratchModule = (code: string): string => {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  let end = 0
  for (const statement of source.statements) {
    if (!hoisted(statement)) break
    end = statement.end
  }
  const open = `${end > 0 ? ';' : ''} export default async (): Promise<void> => {`
  return `${code.slice(0, end)}${open}${code.slice(end)}\n}\n`
}

const compilerOptions = (): ts.CompilerOptions => {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined }
  )
  if (config === undefined) throw new Error('cannot read tsconfig.json')
  // examples are user code: node's types but not jest's globals; an example may leave a name unused
  return {
    ...config.options,
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node']
  }
}

const scratchName = (example: Example): string => `${example.file.replace(/[\\/.]/g, '_')}_${example.index}`

/**
 * Writes the examples under `dir` (emptied first), type-checks them all in one program and transpiles
 * each to CommonJS for running.
 */
export const prepare = (examples: ReadonlyArray<Example>, dir: string): ReadonlyArray<Prepared> => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const written = examples.map((example) => {
    const source = join(dir, `${scratchName(example)}.ts`)
    const code = scratchModule(example.code)
    writeFileSync(source, code)
    return { example, source, code }
  })
  const program = ts.createProgram(
    written.map((w) => w.source),
    compilerOptions()
  )
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n')
  )
  return written.map(({ example, source, code }) => {
    const file = program.getSourceFile(source)
    const diagnostics = file
      ? [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
      : []
    const problems = [
      ...global,
      ...diagnostics.map((d) => {
        const { line } = file!.getLineAndCharacterOfPosition(d.start ?? 0)
        return `${where(example, line + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
      })
    ]
    const output = source.replace(/\.ts$/, '.js')
    const js = ts.transpileModule(code, {
      fileName: source,
      reportDiagnostics: false,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        sourceMap: true
      }
    })
    writeFileSync(output, js.outputText)
    writeFileSync(`${output}.map`, js.sourceMapText ?? '')
    return { example, source, output, problems }
  })
}

// -------------------------------------------------------------------------------------
// running
// -------------------------------------------------------------------------------------

/**
 * Where in the example a thrown error comes from: jest maps the stack of the CommonJS module back to
 * the scratch module through its source map, whose lines are the example's.
 */
const origin = (prepared: Prepared, error: unknown): string => {
  const stack = types.isNativeError(error) ? (error.stack ?? '') : ''
  const line = /^\d+/.exec(stack.split(`${prepared.source}:`)[1] ?? '')?.[0]
  return where(prepared.example, line === undefined ? 1 : Number(line))
}

const timeoutMs = 5_000

/**
 * A failure whose stack keeps only the frames of the example and of `src/`, so jest shows the line that
 * threw rather than the harness.
 */
const failure = (message: string, cause?: unknown): Error => {
  const error = new Error(message)
  const frames = types.isNativeError(cause) ? (cause.stack ?? '').split('\n') : []
  const kept = frames.filter(
    (f) => /^\s+at /.test(f) && (f.includes(join(root, 'src')) || f.includes('tripswitch-examples'))
  )
  error.stack = [`Error: ${message}`, ...kept].join('\n')
  return error
}

/**
 * Runs a prepared example in a module registry of its own; rejects with its location when it does not
 * compile, throws, rejects, tries the network, or has not settled after 5 s.
 */
export const run = async (prepared: Prepared): Promise<void> => {
  const { example, output, problems } = prepared
  if (problems.length > 0) throw failure(`does not compile:\n${problems.join('\n')}`)
  if (example.code.trim() === '') throw failure(`${where(example)}: the example is empty`)
  const logged: Array<string> = []
  const network: Array<string> = []
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: Array<unknown>) => {
        logged.push(`console.${level}: ${args.map(String).join(' ')}`)
      })
    ),
    jest.spyOn(globalThis, 'fetch').mockImplementation((input) => {
      network.push(`fetch(${String(input)})`)
      return Promise.reject(new Error('an example must not use the network'))
    }),
    jest.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket) {
      network.push('a socket connection')
      throw new Error('an example must not use the network')
    })
  ]
  let timer: NodeJS.Timeout | undefined
  try {
    let main: unknown
    jest.isolateModules(() => {
      main = jest.requireActual<{ readonly default: unknown }>(output).default
    })
    if (typeof main !== 'function') throw new Error('the scratch module has no default export')
    await Promise.race([
      main(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not settled after ${timeoutMs} ms`)), timeoutMs)
      })
    ])
    if (network.length > 0) throw new Error(`uses the network: ${network.join(', ')}`)
  } catch (error) {
    // `node:assert` is the host's, so its errors are not `instanceof` this realm's `Error`
    const message = types.isNativeError(error) ? error.message : String(error)
    const log = logged.length > 0 ? `\nit logged:\n${logged.join('\n')}` : ''
    throw failure(`${origin(prepared, error)}: ${message}${log}`, error)
  } finally {
    clearTimeout(timer)
    spies.forEach((spy) => spy.mockRestore())
  }
}
