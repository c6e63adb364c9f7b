/**
 * The picture of a fleet run (`npm run demo -- --fleet n`): an SVG drawn from a `FleetReport`.
 *
 * The service's phases are tinted columns. Below them, one panel per fleet (shared breaker, then
 * independent breakers) with a lane per process: a thin band coloured by that process's breaker state,
 * and a tick for every call of that process that reached the service (green: the service was healthy;
 * red: it was failing and this breaker had not opened yet; amber: a probe, after it had). Each panel's
 * title gives its calls into the failing service and its probes. Pure: a string out.
 *
 * @since 0.1.0
 */
import type { FleetReport, FleetRun } from './fleet'

// -------------------------------------------------------------------------------------
// layout
// -------------------------------------------------------------------------------------

const palette = {
  healthyCall: '#46a66a',
  failingCall: '#dc4a4a',
  probe: '#f0a830',
  healthyTint: '#eef7f1',
  failingTint: '#fde8e8',
  text: '#111827',
  muted: '#4b5563',
  axis: '#9ca3af'
} as const

const stateFill: Readonly<Record<string, string>> = {
  Closed: '#46a66a',
  Open: '#dc4a4a',
  HalfOpen: '#f0a830',
  ForcedOpen: '#7f1d1d'
}

const width = 1200
const marginLeft = 110
const marginRight = 30
const lane = 24
const panelGap = 64
const top = 96

// -------------------------------------------------------------------------------------
// elements
// -------------------------------------------------------------------------------------

type Attrs = Readonly<Record<string, string | number>>

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const attrs = (a: Attrs): string =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? String(Math.round(v * 10) / 10) : escape(v)}"`)
    .join('')

/** An element: self-closing without children, else its children (elements or text) inside. */
const el = (name: string, a: Attrs, ...children: ReadonlyArray<string>): string =>
  children.length === 0 ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children.join('')}</${name}>`

const label = (x: number, y: number, s: string, a: Attrs = {}): string =>
  el('text', { x, y, 'font-size': 13, fill: palette.text, ...a }, escape(s))

// -------------------------------------------------------------------------------------
// render
// -------------------------------------------------------------------------------------

/**
 * The SVG of a fleet run.
 *
 * @category utils
 * @since 0.1.0
 */
export const render = (report: FleetReport): string => {
  const ms = report.options.seconds * 1_000
  const plot = width - marginLeft - marginRight
  const x = (t: number): number => marginLeft + (Math.min(Math.max(t, 0), ms) / ms) * plot
  const panelHeight = report.options.size * lane
  const height = top + 2 * (panelHeight + panelGap) + 40
  const parts: Array<string> = []

  parts.push(
    label(
      marginLeft,
      30,
      'tripswitch: a fleet sharing one breaker through Redis, beside a fleet of independent breakers',
      {
        'font-size': 17,
        'font-weight': 'bold'
      }
    ),
    label(
      marginLeft,
      52,
      `${report.options.size} processes per fleet, the first at ${report.rates.busy} calls/s, the others at ${report.rates.quiet}/s; a breaker opens after ${report.failureThreshold} failures, for ${report.openFor} ms. Each tick is a call that reached the service.`,
      { fill: palette.muted }
    )
  )
  for (const p of report.phases) {
    parts.push(
      el('rect', {
        x: x(p.start),
        y: top - 24,
        width: x(p.end) - x(p.start),
        height: height - top - 16,
        fill: p.name === 'failing' ? palette.failingTint : palette.healthyTint
      }),
      label(x(p.start) + 6, top - 8, p.name, { fill: palette.muted })
    )
  }

  const panel = (run: FleetRun, y0: number): void => {
    parts.push(
      label(marginLeft, y0 - 12, run.label, { 'font-weight': 'bold' }),
      label(
        width - marginRight,
        y0 - 12,
        `calls into the failing service: ${run.intoFailing}, of which probes: ${run.probes}`,
        { 'text-anchor': 'end' }
      )
    )
    run.processes.forEach((p, i) => {
      const y = y0 + i * lane
      parts.push(
        label(marginLeft - 8, y + 16, p.id, { 'text-anchor': 'end', 'font-size': 12, fill: palette.muted })
      )
      // the breaker's state over time: from each transition to the next
      const changes = [{ at: 0, to: 'Closed' }, ...p.transitions]
      changes.forEach((c, k) => {
        const end = changes[k + 1]?.at ?? ms
        parts.push(
          el('rect', {
            x: x(c.at),
            y: y + 18,
            width: x(end) - x(c.at),
            height: 4,
            fill: stateFill[c.to] ?? palette.axis
          })
        )
      })
      for (const h of p.hits) {
        const colour = !h.failing ? palette.healthyCall : h.probe ? palette.probe : palette.failingCall
        parts.push(el('rect', { x: x(h.at) - 1, y: y + 3, width: 2, height: 13, fill: colour }))
      }
    })
  }
  panel(report.shared, top + 24)
  panel(report.independent, top + 24 + panelHeight + panelGap)

  const axisY = height - 36
  parts.push(
    el('line', { x1: marginLeft, y1: axisY, x2: width - marginRight, y2: axisY, stroke: palette.axis })
  )
  for (let s = 0; s * 1_000 <= ms; s++) {
    parts.push(
      label(x(s * 1_000), axisY + 16, `${s}s`, {
        'text-anchor': 'middle',
        'font-size': 11,
        fill: palette.muted
      })
    )
  }
  const legend: ReadonlyArray<readonly [string, string]> = [
    [palette.healthyCall, 'call, service healthy'],
    [palette.failingCall, 'call into the failing service before this breaker opened'],
    [palette.probe, 'probe'],
    [stateFill['Open'] ?? '', 'band: breaker open (green closed, amber half-open)']
  ]
  let lx = marginLeft
  for (const [fill, text] of legend) {
    parts.push(
      el('rect', { x: lx, y: height - 14, width: 10, height: 10, fill }),
      label(lx + 14, height - 5, text, { 'font-size': 11, fill: palette.muted })
    )
    lx += 40 + text.length * 5.6
  }

  return `${el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'font-family': 'system-ui, sans-serif'
    },
    el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...parts
  )}\n`
}
