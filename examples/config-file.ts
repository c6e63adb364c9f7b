/**
 * Breakers configured from a JSON file: `examples/breakers.json` holds defaults and per-name
 * overrides, durations as strings. The document is decoded from `unknown` with io-ts
 * (`decodeRegistryConfig`), every problem reported at once with its path, and the registry is made
 * from it. An override replaces what it overrides: `payments` gives a `strategy` and a `backoff`,
 * which replace the defaults' `failureThreshold` and `openFor`.
 *
 * Run it with `npx tsx examples/config-file.ts [file]`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/Either'
import { decodeRegistryConfig, Registry } from 'tripswitch'

/** The registry of the document in `text`, or every problem of it. */
export const registryOf = (text: string): E.Either<ReadonlyArray<string>, Registry.Registry> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return E.left([`not JSON: ${error instanceof Error ? error.message : String(error)}`])
  }
  return E.bimap(
    (error: { readonly problems: ReadonlyArray<string> }) => error.problems,
    (doc: Registry.Document) => Registry.make({ ...doc, maxSize: 1_000 })()
  )(decodeRegistryConfig(json))
}

export const main = (
  file = join(__dirname, 'breakers.json'),
  log: (line: string) => void = console.log
): void => {
  const registry = registryOf(readFileSync(file, 'utf8'))
  if (E.isLeft(registry)) {
    log(`${file} is not a valid breaker config:`)
    for (const problem of registry.left) log(`  - ${problem}`)
    return
  }
  for (const name of ['payments', 'search', 'inventory']) {
    const { config } = registry.right.get(name).circuit
    const trip =
      config.strategy === undefined ? `${config.failureThreshold} consecutive failures` : config.strategy._tag
    const open = config.backoff === undefined ? `${config.openFor} ms` : 'exponential backoff'
    log(
      `${name}: trips on ${trip}, opens for ${open}, ${config.halfOpenProbes} probes, probe lease ${config.probeLease} ms`
    )
  }
}

if (require.main === module) main(process.argv[2])
