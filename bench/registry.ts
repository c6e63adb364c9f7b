/**
 * The registry at scale: `get` of one hot name in registries of 10 to 100,000 breakers, a miss that
 * evicts in a full registry, and `health()` over 100,000 breakers (time, and heap that outlives it).
 *
 * Runs in a child process of its own (`node --expose-gc registry.js`), so that its 100,000 breakers
 * and the collections they cause reach no other scenario. Method: every registry is filled first (each
 * name got once, in order), then measured in `reps` rounds; in each round every case runs one batch,
 * in a freshly shuffled order, timed with `process.hrtime.bigint()`; a case's figure is the median over
 * the rounds of its nanoseconds per operation. State checks: after each round, every registry holds
 * exactly its `maxSize` breakers, the hot name is still kept, and a miss evicted exactly one breaker.
 *
 * Run it alone: `node node_modules/.cache/tripswitch-bench/bench/index.js --only=registry` (or this
 * file, compiled, with `node --expose-gc`).
 */
import * as R from '../src/Registry'
import { childReport, collect, median, random, shuffle } from './harness'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the child reports. */
export interface RegistryFigures {
  /** Nanoseconds per `get` of a hot name, by registry size. */
  readonly hot: ReadonlyArray<{
    readonly size: number
    readonly ns: number
    readonly values: ReadonlyArray<number>
  }>
  /** Nanoseconds per `get` of a new name in a full registry (each evicts the least recently used). */
  readonly miss: ReadonlyArray<{
    readonly size: number
    readonly ns: number
    readonly values: ReadonlyArray<number>
  }>
  /** `health()` over the largest registry. */
  readonly health: {
    readonly size: number
    readonly ms: ReadonlyArray<number>
    /** Heap left after `health()` returned and its result was dropped, per breaker. */
    readonly retainedBytesPerBreaker: number
    /** The size of its JSON. */
    readonly jsonBytes: number
  }
  /** State checks that failed. */
  readonly violations: ReadonlyArray<string>
}

/** The registry sizes measured. */
export const registrySizes = [10, 1_000, 10_000, 100_000] as const

// -------------------------------------------------------------------------------------
// child
// -------------------------------------------------------------------------------------

const hotName = 'payment'

interface Case {
  readonly name: string
  readonly size: number
  readonly kind: 'hot' | 'miss'
  /** Runs `n` operations; the nanoseconds they took. */
  readonly run: (n: number) => number
  readonly check: () => string | undefined
}

const full = (size: number): R.Registry => {
  const r = R.unsafeMake({ maxSize: size })
  r.get(hotName)
  for (let i = 1; i < size; i++) r.get(`host-${i}`)
  return r
}

const hotCase = (size: number): Case => {
  const r = full(size)
  return {
    name: `hot get, ${size}`,
    size,
    kind: 'hot',
    run: (n) => {
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < n; i++) r.get(hotName)
      return Number(process.hrtime.bigint() - t0)
    },
    check: () =>
      r.size() !== size || r.peek(hotName) === undefined
        ? `hot get, ${size}: expected ${size} breakers with ${hotName} kept, got ${r.size()}`
        : undefined
  }
}

const missCase = (size: number): Case => {
  const r = full(size)
  let next = 0
  let evictions = r.health().evictions
  let asked = 0
  return {
    name: `miss, ${size}`,
    size,
    kind: 'miss',
    run: (n) => {
      const names = Array.from({ length: n }, () => `new-${next++}`)
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < n; i++) r.get(names[i]!)
      const ns = Number(process.hrtime.bigint() - t0)
      asked += n
      return ns
    },
    check: () => {
      const now = r.health().evictions
      const ok = r.size() === size && now - evictions === asked
      evictions = now
      asked = 0
      return ok ? undefined : `miss, ${size}: expected ${size} breakers and one eviction per miss`
    }
  }
}

// `health()` serialized, and dropped: its length
const jsonLength = (r: R.Registry): number => JSON.stringify(r.health()).length

const child = async (reps: number): Promise<void> => {
  const violations: Array<string> = []
  const cases = [...registrySizes.map(hotCase), ...registrySizes.map(missCase)]
  // batches of a few milliseconds each, so that one preemption on a shared machine moves one sample
  const batch = (c: Case): number => (c.kind === 'hot' ? 200_000 : Math.min(c.size, 2_000))
  for (const c of cases) c.run(batch(c))
  const samples = new Map<string, Array<number>>(cases.map((c) => [c.name, []]))
  const rand = random(7)
  for (let rep = 0; rep < reps; rep++) {
    for (const c of shuffle(cases, rand)) {
      samples.get(c.name)!.push(c.run(batch(c)) / batch(c))
      const v = c.check()
      if (v !== undefined) violations.push(v)
    }
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  const figure = (kind: Case['kind']) =>
    cases
      .filter((c) => c.kind === kind)
      .map((c) => ({ size: c.size, ns: median(samples.get(c.name)!), values: samples.get(c.name)! }))
  const hot = figure('hot')
  const miss = figure('miss')
  cases.length = 0

  // health() over the largest registry, each breaker having run one timed call (so each has its
  // counters and a latency histogram to read)
  const size = 100_000
  const r = full(size)
  for (const b of r.breakers()) {
    const d = b.admit()
    if (d._tag !== 'Rejection') b.record(d, 'success', 12)
  }
  r.health()
  const ms: Array<number> = []
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now()
    r.health()
    ms.push(performance.now() - t0)
  }
  // measured in a function of its own: an async function's frame (on the heap) would keep the result
  collect('registry')
  const heap0 = process.memoryUsage().heapUsed
  const jsonBytes = jsonLength(r)
  collect('registry')
  const heap1 = process.memoryUsage().heapUsed
  if (r.size() !== size) violations.push(`health: expected ${size} breakers, got ${r.size()}`)
  const report: RegistryFigures = {
    hot,
    miss,
    health: { size, ms, retainedBytesPerBreaker: (heap1 - heap0) / size, jsonBytes },
    violations
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
}

// -------------------------------------------------------------------------------------
// parent
// -------------------------------------------------------------------------------------

/** Runs the child and returns its report. */
export const measureRegistry = (reps: number): Promise<RegistryFigures> =>
  childReport(__filename, ['--expose-gc', '--max-old-space-size=4096'], [String(reps)], 'registry child')

if (require.main === module) {
  void child(Number(process.argv[2] ?? 7))
}
