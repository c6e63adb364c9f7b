/**
 * The terminal view: one line per demo second while the demo runs, and the summary table at the end.
 *
 * On a TTY the lines are coloured and a timeline bar (one cell per second, coloured by the breaker's
 * state) is redrawn under them; otherwise (CI, a pipe) the same lines are printed plain, with no
 * escape codes and no bar.
 *
 * @since 0.1.0
 */
import type { Counts, Report, Second, StateTag, Summary, Transition } from './report'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where the view writes: `process.stdout`, or a buffer in tests.
 *
 * @category model
 * @since 0.1.0
 */
export interface Output {
  readonly write: (s: string) => unknown
  /** Colours and the redrawn bar only when true. */
  readonly isTTY: boolean
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Live {
  /** Prints the line of a finished second. */
  readonly second: (s: Second, transitions: ReadonlyArray<Transition>) => void
  /** Clears the bar. */
  readonly done: () => void
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const ansi = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  clearLine: '\r\x1b[2K'
} as const

type Colour = Exclude<keyof typeof ansi, 'reset' | 'clearLine'>

/** Display names of the states. */
export const stateName: Readonly<Record<StateTag, string>> = {
  Closed: 'closed',
  Open: 'open',
  HalfOpen: 'half-open',
  ForcedOpen: 'forced open',
  Disabled: 'disabled',
  MetricsOnly: 'metrics only'
}

const stateColour = (s: StateTag): Colour =>
  s === 'Closed' ? 'green' : s === 'HalfOpen' ? 'yellow' : s === 'Open' ? 'red' : 'dim'

const num = (n: number, width: number): string => String(n).padStart(width)

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The live view of a run of `seconds` seconds; prints its header at once.
 *
 * @example
 * const view = live({ write: (s) => process.stdout.write(s), isTTY: false }, 24)
 * view.second(recorder.second(0), recorder.transitionsIn(0))
 * view.done()
 *
 * @category constructors
 * @since 0.1.0
 */
export const live = (out: Output, seconds: number): Live => {
  const paint = (c: Colour, s: string): string => (out.isTTY ? `${ansi[c]}${s}${ansi.reset}` : s)
  const states: Array<StateTag> = []
  const width = Math.min(60, seconds)
  const bar = (): string => {
    let cells = ''
    for (let i = 0; i < width; i++) {
      const s = states[Math.floor((i * seconds) / width)]
      cells += s === undefined ? paint('dim', '·') : paint(stateColour(s), '█')
    }
    return `  ${cells} ${states.length}/${seconds} s  ${paint('green', '█')} closed ${paint('red', '█')} open ${paint('yellow', '█')} half-open`
  }
  const cols = (c: Readonly<Counts>, withBreaker: boolean): string =>
    withBreaker
      ? `${num(c.calls, 5)} ${num(c.ok, 4)} ${num(c.errors, 4)} ${num(c.fallbacks, 6)} ${num(c.sent, 5)}`
      : `${num(c.calls, 5)} ${num(c.ok, 4)} ${num(c.errors, 4)} ${num(c.sent, 5)}`

  out.write(
    `${paint('dim', '  calls made in the second = ok + err + fallbk (what their callers got); fallbk: rejected by the open')}\n` +
      `${paint('dim', '  breaker, answered with the last good quote; sent: requests that reached the service (retries too)')}\n\n` +
      `${' '.repeat(36)}${paint('bold', 'protected (tripswitch)'.padEnd(28))} │ ${paint('bold', 'unprotected')}\n` +
      `${paint('bold', '  time  service        breaker    │ calls   ok  err fallbk  sent │ calls   ok  err  sent')}\n`
  )
  return {
    second: (s, transitions) => {
      states.push(s.state)
      const changes =
        transitions.length === 0
          ? ''
          : `  ${transitions.map((t) => `${stateName[t.to]} at ${(t.at / 1000).toFixed(1)} s`).join(', ')}`
      const line =
        `${num(s.t, 5)}s  ${s.phase.padEnd(14)} ${paint(stateColour(s.state), stateName[s.state].padEnd(10))} │ ` +
        `${cols(s.protected, true)} │ ${cols(s.unprotected, false)}` +
        (changes === '' ? '' : paint('dim', changes))
      out.write(out.isTTY ? `${ansi.clearLine}${line}\n${bar()}` : `${line}\n`)
    },
    done: () => {
      if (out.isTTY) out.write(ansi.clearLine)
    }
  }
}

const seconds = (ms: number | null): string =>
  ms === null ? 'never' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`

/**
 * The summary table comparing the two clients, with a headline.
 *
 * @example
 * process.stdout.write(summaryTable(recorder.report()))
 *
 * @category utils
 * @since 0.1.0
 */
export const summaryTable = (report: Report): string => {
  const p = report.clients.protected
  const u = report.clients.unprotected
  const outageS = ((report.outage.end - report.outage.start) / 1000).toFixed(0)
  const rows: ReadonlyArray<readonly [string, (s: Summary, isProtected: boolean) => string]> = [
    ['requests that reached the service', () => ''],
    [`  during the outage (failing + slow, ${outageS} s)`, (s) => String(s.sentDuringOutage)],
    ['  over the whole run (retries included)', (s) => String(s.sent)],
    ['errors seen by callers', (s) => String(s.errors)],
    ['  of calls made during the outage', (s) => String(s.errorsDuringOutage)],
    ['fallbacks served (last good quote)', (s, isProtected) => (isProtected ? String(s.fallbacks) : '-')],
    ['caller latency p50 / p99', (s) => `${s.latency.p50} / ${s.latency.p99} ms`],
    ['time to detect the outage', (s, isProtected) => (isProtected ? seconds(s.detectedAfter) : 'never')],
    ['time to recover: from the end of the outage', () => ''],
    ['  until every answer is a fresh quote', (s) => seconds(s.recoveredAfter)],
    ['  stale or failed answers in the meantime', (s) => String(s.staleAfterOutage)]
  ]
  const line = (a: string, b: string, c: string): string =>
    `  ${a.padEnd(48)}${b.padStart(14)}${c.padStart(15)}\n`
  const share = u.sentDuringOutage === 0 ? 0 : Math.round((100 * p.sentDuringOutage) / u.sentDuringOutage)
  return (
    '\n' +
    line('', 'protected', 'unprotected') +
    line('', '(tripswitch)', '') +
    rows.map(([label, f]) => line(label, f(p, true), f(u, false))).join('') +
    `\n  During the outage the protected client sent ${p.sentDuringOutage} requests to the failing service ` +
    `(${share} % of the unprotected client's ${u.sentDuringOutage}),\n  and its callers got ` +
    `${p.fallbacks} fallback quotes and ${p.errors} errors against ${u.errors} errors without the breaker.\n`
  )
}
