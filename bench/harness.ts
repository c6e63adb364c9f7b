/**
 * The measuring: repetitions in shuffled order, medians with min and max, and ratios paired within a
 * repetition (a ratio is computed from two figures of the same repetition, then summarized).
 */
import { spawn } from 'node:child_process'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A figure over the repetitions: its median, min and max, and the value of every repetition. */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly values: ReadonlyArray<number>
}

// -------------------------------------------------------------------------------------
// statistics
// -------------------------------------------------------------------------------------

/** The median of `xs` (the mean of the two middle values for an even count). */
export const median = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return NaN
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Median, min and max of the values of the repetitions. */
export const summarize = (values: ReadonlyArray<number>): Summary => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
  values
})

/** A ratio paired within each repetition: `f(rep)` for every repetition, summarized. */
export const paired = (reps: number, f: (rep: number) => number): Summary =>
  summarize(Array.from({ length: reps }, (_, rep) => f(rep)))

// -------------------------------------------------------------------------------------
// order
// -------------------------------------------------------------------------------------

/** A seeded generator of numbers in [0, 1) (mulberry32), so an order can be reproduced. */
export const random = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A shuffled copy of `xs` (Fisher-Yates). */
export const shuffle = <A>(xs: ReadonlyArray<A>, rand: () => number): ReadonlyArray<A> => {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    const tmp = out[i]!
    out[i] = out[j]!
    out[j] = tmp
  }
  return out
}

// -------------------------------------------------------------------------------------
// timing
// -------------------------------------------------------------------------------------

/**
 * Nanoseconds per call of an async function: mitata's median sample (each sample is the mean of a
 * batch of awaited calls), after mitata's own warm-up.
 */
export const nsPerCall = async (call: () => Promise<unknown>, minCpuTimeMs: number): Promise<number> => {
  const { measure } = await import('mitata')
  const stats = await measure(call, { min_cpu_time: minCpuTimeMs * 1e6 })
  return stats.p50
}

/** Nanoseconds elapsed while `f` runs, by the monotonic high-resolution clock. */
export const elapsedNs = async (f: () => Promise<unknown>): Promise<number> => {
  const t0 = process.hrtime.bigint()
  await f()
  return Number(process.hrtime.bigint() - t0)
}

// -------------------------------------------------------------------------------------
// formatting
// -------------------------------------------------------------------------------------

/** `431 ns`, `4.62 µs`, `1.20 ms`. */
export const formatNs = (ns: number): string =>
  !Number.isFinite(ns)
    ? String(ns)
    : ns < 1_000
      ? `${ns.toFixed(0)} ns`
      : ns < 1_000_000
        ? `${(ns / 1_000).toFixed(2)} µs`
        : `${(ns / 1_000_000).toFixed(2)} ms`

/** `1.3 KB`, `412 B`. */
export const formatBytes = (bytes: number): string =>
  bytes < 1_024 ? `${bytes.toFixed(0)} B` : `${(bytes / 1_024).toFixed(1)} KB`

/** A plain-text table with aligned columns. */
export const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: ReadonlyArray<string>): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

// -------------------------------------------------------------------------------------
// child processes
// -------------------------------------------------------------------------------------

/**
 * Runs `file` in a child `node` process started with `flags`, given `args`; resolves with the JSON of
 * the first line it prints, and rejects (naming `what`) if it exits otherwise than with 0 and a line.
 */
export const childReport = <A>(
  file: string,
  flags: ReadonlyArray<string>,
  args: ReadonlyArray<string>,
  what: string
): Promise<A> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...flags, file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    proc.on('error', reject)
    proc.on('exit', (code) => {
      const line = out.split('\n')[0]
      if (code !== 0 || line === undefined || line === '') {
        reject(new Error(`${what} exited with ${code} and no report`))
      } else resolve(JSON.parse(line) as A)
    })
  })

/** Collects garbage `times` times: in a process started with `--expose-gc` (`who` is named if not). */
export const collect = (who: string, times = 2): void => {
  const gc = (globalThis as { readonly gc?: () => void }).gc
  if (gc === undefined) throw new Error(`${who}: run with node --expose-gc`)
  for (let i = 0; i < times; i++) gc()
}
