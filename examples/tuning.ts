/**
 * `npx tsx examples/tuning.ts [dir]`: the pictures of docs/tuning.md. Each canonical trace (seed 1,
 * 240 s at 20 calls a second) replayed through the same three configs, one SVG per trace, and the
 * worked example's four configs on the flapping trace, written to `dir` (default `docs/`).
 *
 * @since 0.1.0
 */
import { writeFileSync } from 'node:fs'
import * as path from 'node:path'
import * as E from 'fp-ts/Either'
import { decodeConfig } from 'tripswitch'
import { Generate, Replay, Svg } from 'tripswitch/replay'

/** The configs each picture compares, as config documents. */
export const configs: ReadonlyArray<readonly [string, unknown]> = [
  ['defaults (3 in a row, 30 s)', {}],
  ['5 in a row, 5 s', { failureThreshold: 5, openFor: '5s' }],
  [
    'rate 50 % of 10 s, 10 s',
    {
      strategy: {
        kind: 'failureRate',
        window: { kind: 'time', duration: '10s', buckets: 10 },
        threshold: 0.5,
        minimumCalls: 20
      },
      openFor: '10s'
    }
  ]
]

/** The four configs of the worked example (a flapping dependency). */
export const choice: ReadonlyArray<readonly [string, unknown]> = [
  ['defaults', {}],
  ['twoseconds', { failureThreshold: 10, openFor: '2s' }],
  ['exponential', { failureThreshold: 3, backoff: { kind: 'exponential', initial: '1s', max: '30s' } }],
  ['tenseconds', { failureThreshold: 3, openFor: '10s', halfOpenProbes: 3 }]
]

const replayAll = (
  prepared: Replay.Prepared,
  docs: ReadonlyArray<readonly [string, unknown]>
): ReadonlyArray<Replay.Result> =>
  docs.map(([name, doc]) => {
    const config = decodeConfig(doc)
    if (E.isLeft(config)) throw config.left
    return Replay.replay(prepared, config.right, name)
  })

/** The pictures, by file name: one per canonical kind, and the worked example's. */
export const pictures = (): ReadonlyArray<readonly [string, string]> => [
  ...Generate.kinds.map((kind) => {
    const prepared = Replay.prepare(Generate.trace(kind, { seed: 1 }))
    const svg = Svg.render(`${kind} (canonical trace, seed 1)`, prepared, replayAll(prepared, configs))
    return [`tuning-${kind}.svg`, svg] as const
  }),
  (() => {
    const prepared = Replay.prepare(Generate.trace('flapping', { seed: 1 }))
    return [
      'tuning-flapping-choice.svg',
      Svg.render('flapping.jsonl', prepared, replayAll(prepared, choice))
    ] as const
  })()
]

/** Writes the pictures into `dir`; returns the files written. */
export const write = (dir: string): ReadonlyArray<string> =>
  pictures().map(([name, svg]) => {
    const file = path.join(dir, name)
    writeFileSync(file, svg)
    return file
  })

if (require.main === module) {
  for (const file of write(process.argv[2] ?? 'docs')) process.stdout.write(`wrote ${file}\n`)
}
