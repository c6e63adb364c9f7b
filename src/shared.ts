/**
 * What breakers share so that each one stays small: breakers made from equal configs share one
 * `Circuit` (immutable), and breakers made with equal options one `Setup`.
 *
 * Invariants: a shared value is immutable and equal to what a breaker would have made for itself;
 * sharing changes memory only, never a decision. Both caches are bounded.
 *
 * @internal
 */
import * as Circuit from './Circuit'
import * as Config from './Config'
import type { OnListenerError } from './Listener'

// -------------------------------------------------------------------------------------
// setups
// -------------------------------------------------------------------------------------

// What breakers made with equal options share: kept out of each breaker, so that an idle one is small.
/** @internal */
export interface Setup {
  readonly onListenerError: OnListenerError | undefined
  // milliseconds between timed calls of the latency sample: `0` times every call (the strategy or the
  // classifier reads durations, or `latencySamplesPerSecond` is `Infinity`), `Infinity` none
  readonly sampleEvery: number
  readonly storeTimeout: number
}

const setups = new Map<string, Setup>()

/** @internal */
export const setupFor = (
  onListenerError: OnListenerError | undefined,
  sampleEvery: number,
  storeTimeout: number
): Setup => {
  if (onListenerError !== undefined) return { onListenerError, sampleEvery, storeTimeout }
  const key = `${sampleEvery} ${storeTimeout}`
  let setup = setups.get(key)
  if (setup === undefined) {
    setup = { onListenerError, sampleEvery, storeTimeout }
    if (setups.size < 64) setups.set(key, setup)
  }
  return setup
}

// -------------------------------------------------------------------------------------
// circuits
// -------------------------------------------------------------------------------------

// Breakers made from equal resolved configs share one `Circuit` (immutable), so that a registry of
// many breakers holds one. Configs are compared by a key that tells apart every valid value: strings,
// numbers (with `Infinity`) and functions (the `backoff` policy, by identity) are tagged.
const circuits = new Map<string, Circuit.Circuit>()
const maxCircuits = 1_000
const functionIds = new WeakMap<object, number>()
let nextFunctionId = 0

const keyOf = (config: Config.Config): string =>
  JSON.stringify(config, (_key, value: unknown) => {
    switch (typeof value) {
      case 'number':
        return `n${value}`
      case 'string':
        return `s${value}`
      case 'function': {
        let id = functionIds.get(value)
        if (id === undefined) functionIds.set(value, (id = nextFunctionId++))
        return `f${id}`
      }
      default:
        return value
    }
  })

/** @internal */
export const circuitFor = (input: Config.ConfigInput): Circuit.Circuit => {
  const config = Config.resolve(input)
  const key = keyOf(config)
  const cached = circuits.get(key)
  if (cached !== undefined) return cached
  if (circuits.size >= maxCircuits) circuits.delete(circuits.keys().next().value!)
  const circuit = Circuit.fromConfig(config)
  circuits.set(key, circuit)
  return circuit
}
