/**
 * tripswitch: a functional circuit breaker for TypeScript on fp-ts.
 *
 * The namespaces `Config`, `Duration`, `StateCodec`, `Strategy` and `Window` are the modules of
 * `src/codecs/`: each is the runtime module of that name plus its io-ts codecs, built from the plain
 * checks the runtime uses. The runtime never imports them, and the package has no side effects, so a
 * bundler drops io-ts from a bundle that uses no codec.
 *
 * @since 0.1.0
 */
export * as Backoff from './Backoff'
export * as Breaker from './Breaker'
export * as Bulkhead from './Bulkhead'
export * as Circuit from './Circuit'
export * as Classifier from './Classifier'
export * as Clock from './Clock'
export * as Config from './codecs/Config'
export * as ConfigCodec from './ConfigCodec'
export * as Decision from './Decision'
export * as Duration from './codecs/Duration'
export * as Event from './Event'
export * as HalfOpen from './HalfOpen'
export * as Histogram from './Histogram'
export * as Listener from './Listener'
export * as Metrics from './Metrics'
export * as Ref from './Ref'
export * as Retry from './Retry'
export * as Registry from './Registry'
export * as Slots from './Slots'
export * as State from './State'
export * as StateCodec from './codecs/StateCodec'
export * as Store from './Store'
export * as Strategy from './codecs/Strategy'
export * as Transition from './Transition'
export * as Window from './codecs/Window'

/**
 * The reducer, admission and the initial state with the default config (3 consecutive failures, 30 s
 * open, 1 probe), as the design card writes them: `step(state, event, now) => state`. For another
 * config, `Circuit.make(config)` gives the same three bound to it.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { admit, Decision, Event, initial, step } from 'tripswitch'
 * let state = initial(0)
 * for (const t of [1, 2, 3]) {
 *   const [decision, admitted] = admit(state, t)
 *   if (Decision.isPermit(decision)) state = step(admitted, Event.failure(decision), t)
 * }
 * assert.strictEqual(state._tag, 'Open')
 *
 * @since 0.1.0
 */
export { admit, initial, step } from './Circuit'
export { CircuitOpenError, isCircuitOpenError } from './CircuitOpenError'
export { BulkheadRejectedError, isBulkheadRejectedError, type Refusal } from './BulkheadRejectedError'
export { bulkheaded, withBulkhead, type BulkheadGuard, type BulkheadTask } from './Bulkhead'
export { isRejection, retryTE, type RetryOptions } from './Retry'
export type { On } from './Compose'
export { ConfigError } from './Config'
export { decodeConfig, decodeRegistryConfig } from './ConfigCodec'
export { decodeState, decodeStateFor, encodeState, StateDecodeError } from './StateCodec'
export { consecutiveFailures, failureCount, failureRate, slowCallRate } from './Strategy'
export {
  fallbackError,
  isFallbackError,
  orFallback,
  orFallbackTE,
  withBreaker,
  type Fallback,
  type FallbackError,
  type FallbackOn,
  type Guard,
  type GuardRecovering,
  type GuardOptions,
  type GuardWithFallback
} from './TaskEither'
export { wrap, wrapSync, type WithoutSignal, type WrapOptions, type WrapPolicies } from './Wrap'
export {
  CallTimeoutError,
  isCallTimeoutError,
  realTimers,
  timeoutTE,
  type Abortable,
  type Scheduler,
  type TimeoutOptions
} from './Timeout'
export { guarded, guardedSync, type MethodDecorator } from './Decorator'
export { once } from './Listener'
