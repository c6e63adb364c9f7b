/**
 * Timers driven by a test clock, for code that takes a `Scheduler`: `advance(ms)` moves the clock and
 * fires what falls due, in order.
 */
import type { Scheduler } from 'tripswitch'
import type { TestClock } from 'tripswitch/testing'

export const manualTimers = (clock: TestClock) => {
  const timers = new Set<{ readonly at: number; readonly callback: () => void }>()
  let made = 0
  const scheduler: Scheduler = (callback, ms) => {
    made++
    const timer = { at: clock.now() + ms, callback }
    timers.add(timer)
    return () => {
      timers.delete(timer)
    }
  }
  const advance = (ms: number): void => {
    clock.advance(ms)
    const due = [...timers].filter((t) => t.at <= clock.now()).sort((a, b) => a.at - b.at)
    for (const t of due) {
      timers.delete(t)
      t.callback()
    }
  }
  return { scheduler, advance, pending: () => timers.size, made: () => made }
}

/** Lets pending promise callbacks run. */
export const flush = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve))
