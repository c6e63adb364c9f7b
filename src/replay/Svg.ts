/**
 * Pictures of replays: an SVG with the trace's health over time, and beneath it, for each config,
 * its state as a coloured strip and the calls it rejected and sent into failure as two small
 * histograms, all on one time axis, so that a person sees at a glance where configs differ.
 *
 * Also the drawing primitives that the demo's picture (examples/demo/svg.ts) shares: escaping, number
 * formatting, `text`, `rect`, `line`, round axis maxima and the state colours. Pure: strings out.
 *
 * @since 0.1.0
 */
import type { StateTag } from '../State'
import type * as Replay from './Replay'
import type * as Trace from './Trace'

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/**
 * Text made safe for SVG content and attribute values.
 *
 * @category primitives
 * @since 0.1.0
 */
export const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/**
 * A coordinate, rounded to a tenth.
 *
 * @category primitives
 * @since 0.1.0
 */
export const num = (n: number): string => String(Math.round(n * 10) / 10)

/**
 * A `<text>` element at (`x`, `y`) with extra attributes.
 *
 * @category primitives
 * @since 0.1.0
 */
export const text = (x: number, y: number, s: string, attrs = ''): string =>
  `<text x="${num(x)}" y="${num(y)}"${attrs === '' ? '' : ` ${attrs}`}>${escape(s)}</text>`

/**
 * A `<rect>` (a negative width or height draws nothing).
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Svg } from 'tripswitch/replay'
 * assert.strictEqual(Svg.rect(0, 1, 2.04, -3, 'red'), '<rect x="0" y="1" width="2" height="0" fill="red"/>')
 *
 * @category primitives
 * @since 0.1.0
 */
export const rect = (x: number, y: number, w: number, h: number, fill: string, attrs = ''): string =>
  `<rect x="${num(x)}" y="${num(y)}" width="${num(Math.max(0, w))}" height="${num(Math.max(0, h))}" fill="${fill}"${attrs === '' ? '' : ` ${attrs}`}/>`

/**
 * A `<line>` from (`x1`, `y1`) to (`x2`, `y2`).
 *
 * @category primitives
 * @since 0.1.0
 */
export const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, attrs = ''): string =>
  `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" stroke="${stroke}"${attrs === '' ? '' : ` ${attrs}`}/>`

/**
 * A round axis maximum at or above `n`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const niceCeil = (n: number): number => {
  if (n <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(n))
  return ([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((m) => m >= n) ?? 10 * p) as number
}

/**
 * A tick step for an axis from 0 to `max`: about six ticks.
 *
 * @category primitives
 * @since 0.1.0
 */
export const tickStep = (max: number): number =>
  max <= 5 ? 1 : max <= 12 ? 2 : max <= 30 ? 5 : niceCeil(max / 6)

/**
 * The colour of each state, as both pictures draw it.
 *
 * @category primitives
 * @since 0.1.0
 */
export const stateColours: Readonly<Record<StateTag, string>> = {
  Closed: '#46a66a',
  Open: '#dc4a4a',
  HalfOpen: '#f0a830',
  ForcedOpen: '#7f1d1d',
  Disabled: '#9ca3af',
  MetricsOnly: '#9ca3af'
}

/**
 * The colours both pictures use for text, axes and grid lines.
 *
 * @category primitives
 * @since 0.1.0
 */
export const ink = { text: '#111827', muted: '#4b5563', axis: '#6b7280', grid: '#e5e7eb' } as const

/**
 * An `<svg>` root of `width` by `height` with the pictures' font, its title, and a white background;
 * close it with `</svg>`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const open = (width: number, height: number, title: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="13" fill="${ink.text}">` +
  `<title>${escape(title)}</title>${rect(0, 0, width, height, '#ffffff')}`

// -------------------------------------------------------------------------------------
// the replay picture
// -------------------------------------------------------------------------------------

const W = 1200
const left = 210
const right = 30
const plotW = W - left - right
const rowH = 86

/** Green at 0, amber at 0.5, red at 1. */
const healthColour = (rate: number): string => {
  if (Number.isNaN(rate)) return '#e5e7eb'
  const mix = (a: number, b: number, f: number): number => Math.round(a + (b - a) * f)
  const [r, g, b] =
    rate <= 0.5
      ? [mix(0x46, 0xf0, rate * 2), mix(0xa6, 0xa8, rate * 2), mix(0x6a, 0x30, rate * 2)]
      : [mix(0xf0, 0xdc, rate * 2 - 1), mix(0xa8, 0x4a, rate * 2 - 1), mix(0x30, 0x4a, rate * 2 - 1)]
  return `rgb(${r},${g},${b})`
}

/** The mean of the times that are known, in seconds, and how many are not ("never"). */
const meanSeconds = (ms: ReadonlyArray<number | null>): string => {
  const known = ms.filter((m): m is number => m !== null)
  if (ms.length === 0) return '-'
  const mean = known.length === 0 ? '' : `${num(known.reduce((a, b) => a + b, 0) / known.length / 1_000)} s`
  const never =
    known.length === ms.length ? '' : `${known.length === 0 ? '' : ', '}${ms.length - known.length} never`
  return mean + never
}

/**
 * Draws a replay picture: `title` on top, the truth's health, then one row per result.
 *
 * @example
 * import * as assert from 'node:assert'
 * import { Generate, Replay, Svg } from 'tripswitch/replay'
 * const prepared = Replay.prepare(Generate.trace('brownout', { duration: 60_000 }))
 * const svg = Svg.render('brownout', prepared, [Replay.replay(prepared, { failureThreshold: 3 }, 'three')])
 * assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>\n'))
 *
 * @category rendering
 * @since 0.1.0
 */
export const render = (
  title: string,
  prepared: Replay.Prepared,
  results: ReadonlyArray<Replay.Result>
): string => {
  const { truth, trace } = prepared
  const { lines } = trace
  const t0 = truth.start
  const span = Math.max(1, truth.end - truth.start)
  const x = (t: number): number => left + ((Math.min(Math.max(t, t0), truth.end) - t0) / span) * plotW
  const healthTop = 96
  const healthH = 28
  const rowsTop = healthTop + healthH + 34
  const axisY = rowsTop + results.length * rowH + 6
  const H = axisY + 70
  const out: Array<string> = [open(W, H, `tripswitch replay: ${title}`)]

  const calls = lines.reduce((n, l) => (l.k === 'call' ? n + 1 : n), 0)
  out.push(
    text(left, 32, `Replay: ${title}`, 'font-size="20" font-weight="700"'),
    text(
      left,
      56,
      `${trace.header.breaker}: ${calls} calls over ${num(span / 1_000)} s, ${truth.outages.length} outage${truth.outages.length === 1 ? '' : 's'} by the truth model; ${results.length} config${results.length === 1 ? '' : 's'}.`,
      `font-size="13" fill="${ink.muted}"`
    )
  )

  // the truth: health by bucket, outages marked beneath
  out.push(text(left - 12, healthTop + 19, 'dependency health', `text-anchor="end" fill="${ink.muted}"`))
  // one rect per bucket, or per pixel column (the mean rate of its buckets) when buckets are narrower
  const { rates, size } = truth.buckets
  if (rates.length <= plotW) {
    for (let b = 0; b < rates.length; b++) {
      const a = t0 + b * size
      out.push(rect(x(a), healthTop, x(a + size) - x(a) + 0.3, healthH, healthColour(rates[b]!)))
    }
  } else {
    const sums = new Float64Array(plotW)
    const known = new Float64Array(plotW)
    for (let b = 0; b < rates.length; b++) {
      const c = Math.min(plotW - 1, Math.floor(((b * size) / span) * plotW))
      if (!Number.isNaN(rates[b]!)) {
        sums[c]! += rates[b]!
        known[c]!++
      }
    }
    for (let c = 0; c < plotW; c++) {
      out.push(
        rect(left + c, healthTop, 1.3, healthH, healthColour(known[c] === 0 ? NaN : sums[c]! / known[c]!))
      )
    }
  }
  for (const o of truth.outages) {
    out.push(rect(x(o.start), healthTop + healthH + 4, x(o.end) - x(o.start), 4, '#b42323'))
  }

  results.forEach((r, k) => {
    const top = rowsTop + k * rowH
    const f = r.figures
    out.push(
      text(
        left - 12,
        top + 14,
        r.name.length > 30 ? `${r.name.slice(0, 29)}…` : r.name,
        'text-anchor="end" font-weight="600"'
      ),
      text(
        left - 12,
        top + 32,
        `${f.callsIntoFailure} into failure`,
        `text-anchor="end" font-size="11" fill="${ink.muted}"`
      ),
      text(
        left - 12,
        top + 46,
        `${f.falseRejections} false rejections`,
        `text-anchor="end" font-size="11" fill="${ink.muted}"`
      ),
      text(
        left - 12,
        top + 60,
        `detect ${meanSeconds(f.outages.map((o) => o.detectedAfter))}, recover ${meanSeconds(f.outages.filter((o) => !o.ongoing).map((o) => o.recoveredAfter))}`,
        `text-anchor="end" font-size="11" fill="${ink.muted}"`
      )
    )
    // the state strip
    let from = t0
    let state: StateTag = 'Closed'
    for (const tr of [...r.transitions, { t: truth.end, from: state, to: state, why: 'manual' as const }]) {
      out.push(rect(x(from), top + 2, x(tr.t) - x(from) + 0.3, 18, stateColours[state]))
      from = tr.t
      state = tr.to
    }
    // rejected calls (blue, down from the strip) and calls into failure (red), per pixel column
    const columns = Math.ceil(plotW / 2)
    const rejected = new Float64Array(columns)
    const intoFailure = new Float64Array(columns)
    for (let i = 0; i < lines.length; i++) {
      const v = r.verdicts[i]
      if (v === undefined) continue
      const c = Math.min(columns - 1, Math.floor(((lines[i]!.t - t0) / span) * columns))
      if (v === 'rejected') rejected[c]!++
      else {
        const s = truth.source[i]!
        if (s !== -1 && (lines[s] as Trace.Call).o === 'failure') intoFailure[c]!++
      }
    }
    const peak = Math.max(1, ...rejected, ...intoFailure)
    for (let c = 0; c < columns; c++) {
      const px = left + c * 2
      if (rejected[c]! > 0)
        out.push(rect(px, top + 24, 2, Math.max(1, (rejected[c]! / peak) * 26), '#4f83e0'))
      if (intoFailure[c]! > 0)
        out.push(rect(px, top + 52, 2, Math.max(1, (intoFailure[c]! / peak) * 26), '#dc4a4a'))
    }
    out.push(line(left, top + rowH - 4, left + plotW, top + rowH - 4, ink.grid))
  })

  // the time axis, in seconds from the trace's start
  out.push(line(left, axisY, left + plotW, axisY, ink.axis))
  const totalS = span / 1_000
  const step = tickStep(totalS)
  for (let s = 0; s <= totalS + 1e-9; s += step) {
    const px = x(t0 + s * 1_000)
    out.push(
      line(px, axisY, px, axisY + 5, ink.axis),
      text(px, axisY + 19, String(Math.round(s)), `text-anchor="middle" font-size="11" fill="${ink.muted}"`)
    )
  }
  out.push(
    text(
      left + plotW / 2,
      axisY + 38,
      'seconds from the start of the trace',
      `text-anchor="middle" font-size="12" fill="${ink.muted}"`
    )
  )

  // the legend
  let lx = left
  const ly = axisY + 58
  const swatch = (fill: string, label: string): void => {
    out.push(rect(lx, ly - 11, 14, 14, fill, 'rx="2"'), text(lx + 20, ly, label, 'font-size="12"'))
    lx += 28 + label.length * 6.6
  }
  for (const s of ['Closed', 'HalfOpen', 'Open'] as const)
    swatch(stateColours[s], s === 'HalfOpen' ? 'half-open' : s.toLowerCase())
  swatch('#4f83e0', 'calls rejected')
  swatch('#dc4a4a', 'calls sent into failure')
  swatch('#b42323', 'outage (truth)')
  out.push('</svg>\n')
  return out.join('\n')
}
