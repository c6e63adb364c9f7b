/**
 * The messages between a test (`fleet.ts`) and the processes of its fleet (`fleetChild.ts`).
 */
import type { ConfigInput } from '../../src/Config'

/** Where a process's breaker shares its state: nowhere (an independent breaker), or a Redis server. */
export type StoreSetup =
  | { readonly _tag: 'None' }
  | {
      readonly _tag: 'Redis'
      /** `redis://127.0.0.1:<port>` */
      readonly url: string
      /** Key prefix: a fresh one per test keeps tests apart on one server. */
      readonly prefix: string
      /** ioredis `commandTimeout`, in ms. */
      readonly commandTimeout: number
      readonly quorum?: number
      readonly quorumWindow?: number
    }

export interface Setup {
  /** Sent to the dependency in the `x-fleet-process` header, and the report's `id`. */
  readonly id: string
  /** The breaker's name: its key in the store. */
  readonly name: string
  readonly config: ConfigInput
  /** The dependency's URL. */
  readonly dependency: string
  /** Milliseconds a request may take before the process gives up on it. */
  readonly requestTimeout: number
  readonly store: StoreSetup
  readonly storeTimeout?: number
  /** Milliseconds added to the breaker's clock (clock skew between processes). */
  readonly clockOffset?: number
}

/** How the process calls: `Rate` calls per second regardless of outcomes, or `Callers` loops. */
export type Load =
  | { readonly _tag: 'Rate'; readonly perSecond: number }
  | {
      readonly _tag: 'Callers'
      readonly callers: number
      /** Milliseconds each caller waits after an outcome before its next call. */
      readonly pause: number
    }

export type Command =
  /** Replaces the process's breaker (and store connection) and zeroes its report. */
  | { readonly _tag: 'Setup'; readonly setup: Setup }
  /** Starts calling; replies at once. */
  | { readonly _tag: 'Load'; readonly load: Load }
  /** Stops calling, waits for the calls in flight, replies with the report. */
  | { readonly _tag: 'Idle' }
  | { readonly _tag: 'Report' }
  /** Makes `n` concurrent calls now; replies with their outcomes. */
  | { readonly _tag: 'Call'; readonly n: number }
  /** A manual control of the breaker (`Breaker.forceOpen`, `reset`, ...). */
  | { readonly _tag: 'Control'; readonly control: 'forceOpen' | 'reset' | 'disable' | 'metricsOnly' }
  /** Closes the store connection; the process exits. */
  | { readonly _tag: 'Close' }

export type Outcome = 'success' | 'failure' | 'rejected' | 'thrown'

export interface TransitionSeen {
  /** `Date.now()` when the listener saw it. */
  readonly at: number
  readonly from: string
  readonly to: string
  readonly why: string
}

/** A report of the store's health the breaker made: when the listener saw it. */
export interface StoreSeen {
  readonly at: number
  readonly tag: 'StoreDegraded' | 'StoreRecovered'
}

export interface Report {
  readonly id: string
  /** The breaker's state when the report was made. */
  readonly state: string
  readonly calls: number
  /** Calls the breaker let through to the dependency. */
  readonly admitted: number
  /** Of those, the ones not settled yet. */
  readonly inFlight: number
  readonly successes: number
  /** Calls that reached the dependency and failed (an error status, a reset or a timeout). */
  readonly failures: number
  /** Calls rejected with a `CircuitOpenError`. */
  readonly rejections: number
  /** Anything else that reached a caller (there should be none), and the first few messages. */
  readonly thrown: number
  readonly thrownSample: ReadonlyArray<string>
  /** The longest time, in ms, the breaker held a call before running or rejecting it. */
  readonly maxWait: number
  /** The longest delay of this process's event loop since the setup, in ms (a loaded machine). */
  readonly maxLag: number
  /** `Date.now()` when the breaker first entered Open, or `null`. */
  readonly firstOpenAt: number | null
  /** Calls in flight (admitted, not settled) at that moment. */
  readonly inFlightAtOpen: number
  /** The longest finite `retryAfter` of the breaker's rejections, in ms. */
  readonly maxRetryAfter: number
  readonly transitions: ReadonlyArray<TransitionSeen>
  /** Every `StoreDegraded` and `StoreRecovered`, in order. */
  readonly store: ReadonlyArray<StoreSeen>
  /** How many events of each `_tag` the breaker emitted. */
  readonly events: Readonly<Record<string, number>>
}

export type Reply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string }
