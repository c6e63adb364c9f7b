/**
 * The picture of a run: an SVG timeline drawn from a `Report`.
 *
 * From top to bottom: the service's phases (the outage shaded grey across the whole picture), the
 * breaker's state as a band, then one panel per client with a stacked bar per second (its calls made
 * in that second, by what their callers got: fresh quotes, fallbacks, errors) and a line for the
 * requests that reached the service (retries included). Both panels share the y scale, so their
 * heights compare directly. Each encoding means one thing: green, blue and red are what callers got;
 * the breaker's states are shades of slate and violet; the phases are shades of grey. A half-open
 * period lasts a few milliseconds: it is drawn at least `minHalfOpen` px wide, with a marker. Pure: a
 * string out.
 *
 * @since 0.1.0
 */
import { Svg } from 'tripswitch/replay'
import type { Counts, Report, StateTag, Summary } from './report'
import type { PhaseName } from './scenario'
import { stateName } from './view'

// -------------------------------------------------------------------------------------
// palette and layout
// -------------------------------------------------------------------------------------

const colour = {
  ok: '#3f9a5f',
  fallbacks: '#4f83e0',
  errors: '#dc4a4a',
  sent: '#1f2937',
  axis: '#6b7280',
  grid: '#e5e7eb',
  text: '#111827',
  muted: '#4b5563'
} as const

// the breaker's states: light (calls flow) to dark (calls stopped), violet for the probing in between
const stateColour: Readonly<Record<StateTag, readonly [string, string]>> = {
  Closed: ['#cbd5e1', '#1e293b'],
  Open: ['#1e293b', '#ffffff'],
  HalfOpen: ['#8b5cf6', '#ffffff'],
  ForcedOpen: ['#0f172a', '#ffffff'],
  Disabled: ['#e2e8f0', '#1e293b'],
  MetricsOnly: ['#e2e8f0', '#1e293b']
}

// the phases: the outage shaded, darker where the service is worse
const phaseTint: Readonly<Record<PhaseName, readonly [string, string]>> = {
  healthy: ['#ffffff', '#374151'],
  failing: ['#e5e7eb', '#111827'],
  slow: ['#eceef1', '#111827'],
  recovering: ['#f5f6f8', '#374151'],
  'healthy again': ['#ffffff', '#374151']
}

/** The narrowest a half-open period is drawn, in px (it lasts a few ms: a hairline at scale). */
const minHalfOpen = 9

const W = 1280
const H = 760
const left = 150
const right = 40
const plotW = W - left - right
const tintTop = 120
const band = { top: 152, height: 26 }
const panels = [
  {
    client: 'protected',
    title: 'Protected client: tripswitch breaker, a retry inside it, fallback to the last good quote',
    top: 220
  },
  { client: 'unprotected', title: 'Unprotected client: the same requests, no breaker', top: 440 }
] as const
const panelH = 178
const bottom = panels[1].top + panelH

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const { num: fmt, text, rect, niceCeil, tickStep } = Svg

const recovery = (s: Summary, what: string): string =>
  s.recoveredAfter === null ? 'forever' : `${fmt(s.recoveredAfter / 1000)} s (${s.staleAfterOutage}${what})`

// -------------------------------------------------------------------------------------
// renderer
// -------------------------------------------------------------------------------------

/**
 * Draws the timeline of a run.
 *
 * @example
 * fs.writeFileSync('demo-out/timeline.svg', render(recorder.report()))
 *
 * @category utils
 * @since 0.1.0
 */
export const render = (report: Report): string => {
  const durationMs = report.options.duration * 1000
  const x = (t: number): number => left + (Math.min(Math.max(t, 0), durationMs) / durationMs) * plotW
  const perSecond = (c: Readonly<Counts>): number => Math.max(c.ok + c.fallbacks + c.errors, c.sent)
  // headroom above the tallest bar, so that the request line never runs along the panel's top edge
  const yMax = niceCeil(
    1.1 * Math.max(1, ...report.seconds.flatMap((s) => [perSecond(s.protected), perSecond(s.unprotected)]))
  )
  const out: Array<string> = []
  const p = report.clients.protected
  const u = report.clients.unprotected
  const o = report.options

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="13" fill="${colour.text}">`,
    `<title>tripswitch demo: a circuit breaker protecting a flaky HTTP service</title>`,
    rect(0, 0, W, H, '#ffffff')
  )

  // title, headline, settings
  out.push(
    text(
      left,
      30,
      'tripswitch demo: a circuit breaker in front of a flaky HTTP service',
      'font-size="20" font-weight="700"'
    ),
    text(
      left,
      54,
      `During the ${fmt((report.outage.end - report.outage.start) / 1000)} s outage (failing + slow) the service got ${p.sentDuringOutage} requests from the protected client and ${u.sentDuringOutage} from the unprotected one.`,
      'font-size="14"'
    ),
    text(
      left,
      73,
      `Over the whole run, callers of the protected client got ${p.fallbacks} fallbacks and ${p.errors} errors; callers of the unprotected client got ${u.errors} errors.`,
      'font-size="14"'
    ),
    text(
      left,
      92,
      `After the outage: ${recovery(p, ' stale or failed answers')} until protected callers got only fresh quotes again; ${recovery(u, '')} for unprotected ones.`,
      'font-size="14"'
    ),
    text(
      left,
      110,
      `${o.rate} calls/s per client · timeout ${o.timeout} ms · breaker opens after ${o.failureThreshold} consecutive failures, stays open ${o.openFor} ms, then ${o.halfOpenProbes} probe${o.halfOpenProbes === 1 ? '' : 's'} · ${o.retries} retr${o.retries === 1 ? 'y' : 'ies'} inside · seed ${o.seed}`,
      `font-size="12" fill="${colour.muted}"`
    )
  )

  // phases: tinted columns, labels, boundaries
  for (const ph of report.phases) {
    const [tint, ink] = phaseTint[ph.name]
    out.push(rect(x(ph.start), tintTop, x(ph.end) - x(ph.start), bottom - tintTop, tint))
    out.push(
      text(
        (x(ph.start) + x(ph.end)) / 2,
        tintTop + 20,
        ph.name,
        `text-anchor="middle" font-weight="700" fill="${ink}"`
      )
    )
    if (ph.start > 0) {
      out.push(
        `<line x1="${fmt(x(ph.start))}" y1="${tintTop}" x2="${fmt(x(ph.start))}" y2="${bottom}" stroke="${colour.axis}" stroke-dasharray="4 3" stroke-width="1"/>`
      )
    }
  }
  out.push(text(left - 12, tintTop + 20, 'service', `text-anchor="end" fill="${colour.muted}"`))

  // breaker state bands
  out.push(text(left - 12, band.top + 18, 'breaker state', `text-anchor="end" fill="${colour.muted}"`))
  let from = 0
  let state: StateTag = 'Closed'
  const segments: Array<readonly [number, number, StateTag]> = []
  for (const tr of report.breaker.transitions) {
    segments.push([from, tr.at, state])
    from = tr.at
    state = tr.to
  }
  segments.push([from, durationMs, state])
  for (const [a, b, s] of segments) {
    const [fill, ink] = stateColour[s]
    const w = Math.max(x(b) - x(a), s === 'HalfOpen' ? minHalfOpen : s === 'Closed' ? 0 : 3)
    // a widened half-open period is centred on where it happened
    const x0 = s === 'HalfOpen' ? Math.max(left, (x(a) + x(b)) / 2 - w / 2) : x(a)
    out.push(
      rect(x0, band.top, w, band.height, fill, s === 'HalfOpen' ? 'stroke="#ffffff" stroke-width="1"' : '')
    )
    if (s === 'HalfOpen') {
      const cx = x0 + w / 2
      out.push(
        `<path d="M${fmt(cx - 5)} ${band.top - 8} L${fmt(cx + 5)} ${band.top - 8} L${fmt(cx)} ${band.top - 1} Z" fill="${fill}"/>`
      )
    } else if (w >= 46) {
      out.push(
        text(
          x(a) + w / 2,
          band.top + 17.5,
          stateName[s],
          `text-anchor="middle" fill="${ink}" font-weight="600"`
        )
      )
    }
  }

  // client panels
  const step = tickStep(yMax)
  for (const panel of panels) {
    const y = (v: number): number => panel.top + panelH - (v / yMax) * panelH
    out.push(text(left, panel.top - 8, panel.title, 'font-size="14" font-weight="700"'))
    for (let v = 0; v <= yMax; v += step) {
      out.push(
        `<line x1="${left}" y1="${fmt(y(v))}" x2="${left + plotW}" y2="${fmt(y(v))}" stroke="${colour.grid}" stroke-width="1"/>`,
        text(left - 8, y(v) + 4, String(v), `text-anchor="end" font-size="11" fill="${colour.muted}"`)
      )
    }
    out.push(
      text(
        left - 42,
        panel.top + panelH / 2,
        'calls made per second',
        `text-anchor="middle" font-size="12" fill="${colour.muted}" transform="rotate(-90 ${left - 42} ${panel.top + panelH / 2})"`
      )
    )
    let sentPath = ''
    for (const s of report.seconds) {
      const c = s[panel.client]
      const x0 = x(s.t * 1000)
      const x1 = x((s.t + 1) * 1000)
      let base = 0
      for (const k of ['ok', 'fallbacks', 'errors'] as const) {
        if (c[k] > 0)
          out.push(rect(x0 + 1.5, y(base + c[k]), x1 - x0 - 3, y(base) - y(base + c[k]), colour[k]))
        base += c[k]
      }
      sentPath += `${sentPath === '' ? 'M' : 'L'}${fmt(x0)} ${fmt(y(c.sent))} L${fmt(x1)} ${fmt(y(c.sent))} `
    }
    out.push(
      `<path d="${sentPath.trim()}" fill="none" stroke="${colour.sent}" stroke-width="2" stroke-linejoin="round" stroke-dasharray="6 3"/>`
    )
    out.push(
      `<line x1="${left}" y1="${panel.top + panelH}" x2="${left + plotW}" y2="${panel.top + panelH}" stroke="${colour.axis}" stroke-width="1"/>`,
      `<line x1="${left}" y1="${panel.top}" x2="${left}" y2="${panel.top + panelH}" stroke="${colour.axis}" stroke-width="1"/>`
    )
  }

  // x axis
  const xStep = tickStep(o.duration)
  for (let t = 0; t <= o.duration; t += xStep) {
    out.push(
      `<line x1="${fmt(x(t * 1000))}" y1="${bottom}" x2="${fmt(x(t * 1000))}" y2="${bottom + 5}" stroke="${colour.axis}"/>`,
      text(x(t * 1000), bottom + 19, String(t), `text-anchor="middle" font-size="11" fill="${colour.muted}"`)
    )
  }
  out.push(
    text(
      left + plotW / 2,
      bottom + 40,
      `time since start (seconds of demo time; the run took ${fmt(o.duration / o.speed)} s at speed ${o.speed})`,
      `text-anchor="middle" font-size="12" fill="${colour.muted}"`
    )
  )

  // legend
  const legendY = H - 44
  let lx = left
  const swatch = (fill: string, label: string): void => {
    out.push(rect(lx, legendY - 11, 14, 14, fill, 'rx="2"'), text(lx + 20, legendY, label))
    lx += 40 + label.length * 7
  }
  out.push(text(left - 12, legendY, 'callers got', `text-anchor="end" fill="${colour.muted}"`))
  swatch(colour.ok, 'a fresh quote')
  swatch(colour.fallbacks, 'a fallback (last good quote)')
  swatch(colour.errors, 'an error (5xx, reset, timeout)')
  out.push(
    `<line x1="${fmt(lx)}" y1="${legendY - 4}" x2="${fmt(lx + 22)}" y2="${legendY - 4}" stroke="${colour.sent}" stroke-width="2" stroke-dasharray="6 3"/>`,
    text(lx + 28, legendY, 'requests that reached the service (retries too)')
  )
  lx = left
  const stateY = legendY + 24
  out.push(text(left - 12, stateY, 'breaker', `text-anchor="end" fill="${colour.muted}"`))
  for (const s of ['Closed', 'Open', 'HalfOpen'] as const) {
    out.push(
      rect(lx, stateY - 11, 14, 14, stateColour[s][0], 'rx="2"'),
      text(lx + 20, stateY, s === 'HalfOpen' ? 'half-open (a probe; lasts ms, drawn wider)' : stateName[s])
    )
    lx += 40 + (s === 'HalfOpen' ? 42 : stateName[s].length) * 7
  }
  out.push(
    text(
      lx + 10,
      stateY,
      'bars: calls made each second, by what their callers got; y scale shared by both panels',
      `fill="${colour.muted}" font-size="12"`
    )
  )

  out.push('</svg>')
  return `${out.join('\n')}\n`
}
