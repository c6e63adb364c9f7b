/**
 * The examples in README.md and docs/ are compiled, so they cannot rot: every ```ts block is written
 * to a scratch module and type-checked with the project's compiler options.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ts from 'typescript'

const root = join(__dirname, '..')
const scratch = join(root, 'node_modules', '.cache', 'tripswitch-doc-blocks')

const documents = (): ReadonlyArray<string> => [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`)
]

const blocks = (doc: string): ReadonlyArray<string> =>
  [...readFileSync(join(root, doc), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '')

describe('Docs', () => {
  it('compiles every TypeScript example in README.md and docs/', () => {
    rmSync(scratch, { recursive: true, force: true })
    mkdirSync(scratch, { recursive: true })
    const files: Array<string> = []
    for (const doc of documents()) {
      blocks(doc).forEach((code, i) => {
        const file = join(scratch, `${doc.replace(/[/.]/g, '_')}_${i}.ts`)
        // each block is a module of its own, so their top-level names never clash
        writeFileSync(file, `${code}\nexport {}\n`)
        files.push(file)
      })
    }
    expect(files.length).toBeGreaterThan(0)
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined
      }
    )
    if (config === undefined) throw new Error('cannot read tsconfig.json')
    const options = { ...config.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false }
    const program = ts.createProgram(files, options)
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && d.file.fileName.startsWith(scratch))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0)
        return `${d.file!.fileName.slice(scratch.length + 1)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
      })
    expect(problems).toEqual([])
  })
})
