/**
 * Delivering a breaker's events to its listeners: the runtime side of `Listener`.
 *
 * Invariants:
 * - Events reach every listener in the order they were emitted, also when a listener calls back into
 *   the breaker: an event emitted while listeners run waits in a queue until the events before it
 *   have reached every listener. The events of one update are emitted together, so none that a
 *   listener causes comes between them.
 * - A listener that throws, or returns a promise that rejects (an `async` listener), is reported to
 *   the breaker's `onListenerError` (by default one `console.warn` per breaker, then silence) and does
 *   not stop the other listeners. Nothing a listener or the hook does reaches a caller or crashes the
 *   process.
 * - A listener that unsubscribes itself or another during an event does not change who hears it.
 *
 * A breaker makes its emitter when the first listener subscribes, so an idle breaker has none.
 *
 * @internal
 */
import type { IO } from 'fp-ts/IO'
import { isThenable } from './internal'
import type { BreakerEvent, OnListenerError } from './Listener'

/**
 * The listeners of one breaker (or bulkhead) and the queue of events on their way to them.
 *
 * @internal
 */
export class Emitter<Ev = BreakerEvent, Li extends (event: Ev) => unknown = (event: Ev) => unknown> {
  private listeners: ReadonlyArray<Li> = []
  // events waiting while listeners run (see `emit`)
  private queue: Array<Ev> | undefined = undefined

  constructor(private readonly report: (error: unknown, event: Ev) => void) {}

  /** Whether anyone listens: the runtime makes no event object otherwise. */
  active(): boolean {
    return this.listeners.length !== 0
  }

  /** Adds a listener; returns the effect that removes it (running it twice removes it once). */
  subscribe(listener: Li): IO<void> {
    this.listeners = [...this.listeners, listener]
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      const i = this.listeners.indexOf(listener)
      if (i >= 0) this.listeners = [...this.listeners.slice(0, i), ...this.listeners.slice(i + 1)]
    }
  }

  /** Delivers `events` (absent ones skipped), in order, after the events queued before them. */
  emit(...events: ReadonlyArray<Ev | undefined>): void {
    const draining = this.queue !== undefined
    const queue = (this.queue ??= [])
    for (const e of events) if (e !== undefined) queue.push(e)
    if (draining) return
    try {
      for (let i = 0; i < queue.length; i++) {
        const event = queue[i]!
        const current = this.listeners
        for (let j = 0; j < current.length; j++) this.deliver(current[j]!, event)
      }
    } finally {
      this.queue = undefined
    }
  }

  private deliver(listener: Li, event: Ev): void {
    let returned: unknown
    try {
      returned = listener(event)
    } catch (error) {
      this.report(error, event)
      return
    }
    if (isThenable(returned)) {
      Promise.resolve(returned).then(undefined, (error: unknown) => this.report(error, event))
    }
  }
}

/**
 * Reports what a listener threw (or rejected with) to `onListenerError`; without one, warns once per
 * `key` (a breaker). A hook that throws or rejects is ignored.
 *
 * @internal
 */
export const reportListenerError = (
  onListenerError: OnListenerError | undefined,
  key: object,
  name: string,
  error: unknown,
  event: BreakerEvent
): void => {
  if (onListenerError === undefined) {
    if (!warned.has(key)) warnListenerError(name, error, event)
    warned.add(key)
    return
  }
  try {
    const returned: unknown = onListenerError(error, event)
    if (isThenable(returned)) Promise.resolve(returned).then(undefined, ignore)
  } catch {
    // a throwing error hook must not reach the caller either
  }
}

const ignore = (): void => undefined

// the breakers whose listener errors the default `onListenerError` has reported (once each)
const warned = new WeakSet<object>()

// The default `onListenerError`, once per breaker: what failed, and that later failures stay silent.
const warnListenerError = (name: string, error: unknown, event: BreakerEvent): void => {
  const what =
    event._tag === 'StoreFailed'
      ? `the store of breaker "${name}" failed (${event.operation}); calls went on with the local state`
      : event._tag === 'ClockFailed'
        ? `the clock of breaker "${name}" failed; the latest good reading stood in`
        : `a listener of breaker "${name}" threw or rejected; the call went on`
  console.warn(
    `tripswitch: ${what}, and later errors of this breaker are not reported (set onListenerError to see them).`,
    error
  )
}
