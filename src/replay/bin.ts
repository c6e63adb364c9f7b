#!/usr/bin/env node
/**
 * The `tripswitch` executable: `Cli.main` on the process (see `Cli.ts`).
 *
 * @internal
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { main } from './Cli'

main(process.argv.slice(2), {
  readFile: (file) => readFileSync(file, 'utf8'),
  writeFile: (file, text) => writeFileSync(file, text),
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s)
}).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(
      `tripswitch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
    )
    process.exitCode = 1
  }
)
