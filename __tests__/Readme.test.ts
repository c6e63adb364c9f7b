import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { main } from '../examples/quickstart'

const root = join(__dirname, '..')
const read = (path: string): string => readFileSync(join(root, path), 'utf8')

describe('README', () => {
  it('shows the quick start exactly as examples/quickstart.ts has it', () => {
    const example = read('examples/quickstart.ts').replace(
      /\n\nif \(require\.main === module\) void main\(\)\n$/,
      '\n'
    )
    expect(read('README.md')).toContain('```ts\n' + example + '```')
  })

  it('runs the quick start and prints what the README says it prints', async () => {
    const lines: Array<string> = []
    await main((line) => lines.push(line))
    const printed = /Run it with `npm run example`[\s\S]*?```\n([\s\S]*?)```/.exec(read('README.md'))?.[1]
    expect(lines.join('\n') + '\n').toBe(printed)
  })

  it('gives the two commands for a fresh machine', () => {
    expect(read('README.md')).toContain('npm ci && npm run demo')
    expect(read('README.md')).toContain('npm ci && npm test')
  })

  it('links only to docs that exist', () => {
    const links = [...read('README.md').matchAll(/\]\((docs\/[^)]+)\)/g)].map((m) => m[1] ?? '')
    expect(links.length).toBeGreaterThan(0)
    for (const link of links) expect(() => read(link)).not.toThrow()
  })
})
