/**
 * One run of the demo: start the flaky service, drive both clients at the same rate on the demo
 * clock, print a line per demo second, then stop everything, write report.json, timeline.svg and
 * trace.jsonl (what the breaker saw, for `tripswitch replay`) and print the summary.
 *
 * Time: the demo runs in real time scaled by `speed`. One clock, `scaledClock(speed)`, gives demo
 * milliseconds to the breaker, the service and the recorder; every timer (the call schedule, the
 * service's delays, the retry delay, the fetch timeout) waits `demo ms / speed` wall-clock ms. So the
 * breaker sees the same story at any speed, only with less real time in between.
 *
 * Cleanup: every call is awaited (each is bounded by its timeout) before the service closes, and the
 * service closes its connections and clears its timers, so the process exits on its own.
 *
 * @since 0.1.0
 */
import { mkdir, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { Clock, Listener } from 'tripswitch'
import { Recorder } from 'tripswitch/replay'
import { type Client, protectedClient, unprotected } from './clients'
import * as Report from './report'
import { type Options, phases } from './scenario'
import * as Service from './service'
import { render } from './svg'
import { live, type Output, summaryTable } from './view'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a run leaves: the report and the paths of the files it wrote.
 *
 * @category model
 * @since 0.1.0
 */
export interface Result {
  readonly report: Report.Report
  readonly files: { readonly json: string; readonly svg: string; readonly trace: string }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * A clock that starts at 0 now and runs `speed` times faster than `base`.
 *
 * @example
 * const clock = scaledClock(4)
 * // 100 wall-clock ms later, clock() is about 400
 *
 * @category utils
 * @since 0.1.0
 */
export const scaledClock = (speed: number, base: Clock.Clock = Clock.monotonic): Clock.Clock => {
  const t0 = base()
  return () => (base() - t0) * speed
}

// -------------------------------------------------------------------------------------
// run
// -------------------------------------------------------------------------------------

/**
 * Drives both clients against the service on the demo clock, printing a line per second, until the
 * schedule is done and every call has settled.
 */
const drive = async (
  service: Service.Service,
  options: Options,
  recorder: Report.Recorder,
  trace: Recorder.Recorder,
  setClock: (c: Clock.Clock) => void,
  out: Output
): Promise<void> => {
  const seconds = Math.max(1, Math.ceil(options.duration))
  // The first fetch loads Node's HTTP client (about 100 ms, 800 demo ms at --speed 8): do it before
  // the demo clock starts, so that it does not show up as a timeout.
  await fetch(`${service.origin}/health`).then((res) => res.text())
  const clock = scaledClock(options.speed)
  setClock(clock)
  const env = { origin: service.origin, timeout: options.timeout, speed: options.speed }
  const guarded = protectedClient(env, { ...options, clock, retryDelay: 50 })
  const clients: ReadonlyArray<Client> = [guarded.client, unprotected(env)]
  const unsubscribe = guarded.breaker.subscribe(
    Listener.concat(
      Listener.on('Transition', (e) => recorder.transition({ at: e.at, from: e.from, to: e.to })),
      trace.listener
    )
  )
  const view = live(out, seconds)

  const pending = new Set<Promise<void>>()
  const issue = (client: Client, index: number): void => {
    const issuedAt = clock()
    recorder.call(client.name, issuedAt)
    const settled = client
      .call(index)()
      .then((answer) => recorder.answer({ client: client.name, issuedAt, settledAt: clock(), answer }))
    pending.add(settled)
    void settled.then(() => pending.delete(settled))
  }

  const total = Math.round(options.duration * options.rate)
  const interval = 1000 / options.rate
  const end = options.duration * 1000
  let printed = 0
  try {
    await new Promise<void>((resolve) => {
      let k = 0
      const tick = (): void => {
        const now = clock()
        while (k < total && k * interval <= now) {
          for (const c of clients) issue(c, k)
          k++
        }
        // a second is printed once every call made in it has been answered, so that its row adds up
        while (printed < seconds - 1 && (printed + 1) * 1000 <= now && recorder.settled(printed)) {
          view.second(recorder.second(printed), recorder.transitionsIn(printed))
          printed++
        }
        if (k >= total && now >= end) return resolve()
        const due = (printed + 1) * 1000
        const next = Math.min(k < total ? k * interval : end, due <= now ? now + interval / 4 : due, end)
        setTimeout(tick, Math.max(0, (next - clock()) / options.speed))
      }
      tick()
    })
    await Promise.all([...pending])
    for (; printed < seconds; printed++)
      view.second(recorder.second(printed), recorder.transitionsIn(printed))
  } finally {
    view.done()
    unsubscribe()
  }
}

/**
 * Runs the demo with these options, printing to `out`.
 *
 * @example
 * const { report } = await run({ ...defaults, speed: 6 }, { write: () => true, isTTY: false })
 * report.breaker.openedDuringOutage // true
 *
 * @category utils
 * @since 0.1.0
 */
export const run = async (options: Options, out: Output): Promise<Result> => {
  const all = phases(options.duration * 1000)
  const recorder = Report.make(options, all)
  // what the breaker saw, for `tripswitch replay` (docs/tuning.md)
  const { failureThreshold, openFor, halfOpenProbes } = options
  const trace = Recorder.make({ config: { failureThreshold, openFor, halfOpenProbes }, fallback: true })
  let clock: Clock.Clock = () => 0
  const service = await Service.start(
    { seed: options.seed, phases: all, slowMs: 2 * options.timeout, speed: options.speed },
    () => clock(),
    recorder.arrival
  )
  out.write(
    `tripswitch demo: a flaky HTTP service on ${service.origin}, two clients at ${options.rate} calls/s each.\n` +
      `Phases (demo s): ${all.map((p) => `${p.name} ${p.start / 1000}-${p.end / 1000}`).join(', ')}.\n` +
      `${options.duration} s of demo time at speed ${options.speed} (${+(options.duration / options.speed).toFixed(1)} s).\n\n`
  )
  try {
    await drive(service, options, recorder, trace, (c) => (clock = c), out)
  } finally {
    await service.close()
  }

  const report = recorder.report()
  await mkdir(options.out, { recursive: true })
  const files = {
    json: path.join(options.out, 'report.json'),
    svg: path.join(options.out, 'timeline.svg'),
    trace: path.join(options.out, 'trace.jsonl')
  }
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`)
  await writeFile(files.svg, render(report))
  await writeFile(files.trace, trace.text())
  out.write(summaryTable(report))
  out.write(`\n  Wrote ${files.json}, ${files.svg} and ${files.trace}\n`)
  return { report, files }
}
