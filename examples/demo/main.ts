/**
 * `npm run demo`: tripswitch protecting a real flaky HTTP service, live in the terminal, with a
 * summary table, a JSON report and an SVG timeline (see docs/demo.md).
 *
 * Run as a program it sets `process.exitCode` and never calls `process.exit`: the process ends when
 * nothing is left open, which is how the tests check that nothing is.
 *
 * @since 0.1.0
 */
import { parse, help } from './cli'
import { fleetHelp, fleetMain, isFleet } from './fleet'
import { run } from './run'
import type { Output } from './view'

export { run } from './run'
export { defaults, type Options } from './scenario'
export type { Report } from './report'

/**
 * Where the program writes.
 *
 * @category model
 * @since 0.1.0
 */
export interface Io {
  readonly stdout: Output
  readonly stderr: (s: string) => unknown
}

const processIo: Io = {
  stdout: {
    write: (s) => process.stdout.write(s),
    isTTY: process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined
  },
  stderr: (s) => process.stderr.write(s)
}

/**
 * Parses `argv` (the arguments after the program name), runs the demo and resolves to the exit code:
 * 0 when done or for `--help`, 2 for bad options. With `--fleet <n>`, runs the fleet mode instead
 * (`fleet.ts`; 1 when no redis-server can be started).
 *
 * @example
 * const code = await main(['--speed', '6', '--out', 'tmp/demo'])
 *
 * @category utils
 * @since 0.1.0
 */
export const main = async (argv: ReadonlyArray<string>, io: Io = processIo): Promise<number> => {
  if (isFleet(argv)) return fleetMain(argv, io.stdout, io.stderr)
  const parsed = parse(argv)
  switch (parsed._tag) {
    case 'Help':
      io.stdout.write(help + fleetHelp)
      return 0
    case 'Invalid':
      io.stderr(
        `demo: bad options:\n${parsed.problems.map((p) => `  ${p}\n`).join('')}Run with --help to see the options.\n`
      )
      return 2
    case 'Run':
      await run(parsed.options, io.stdout)
      return 0
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(
        `demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
      )
      process.exitCode = 1
    }
  )
}
