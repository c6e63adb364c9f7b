/**
 * Every fast-check property runs from a fixed seed, so that what a property catches never depends on
 * luck and a failure in CI replays exactly on any machine. fast-check prints the seed and the path of
 * a failing run; `FC_SEED=<seed>` replays it, and `FC_SEED=random` explores with a fresh seed (printed
 * at the start). Loaded by jest before every test file (`setupFiles` in jest.config.ts).
 */
import * as fc from 'fast-check'

/** The seed of every run unless `FC_SEED` says otherwise. */
export const fixedSeed = 20_261_201

export const seedFrom = (requested: string | undefined): number => {
  if (requested === undefined || requested === '') return fixedSeed
  if (requested === 'random') return (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0
  const seed = Number(requested)
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`FC_SEED: expected an integer seed or "random", got ${JSON.stringify(requested)}`)
  }
  return seed
}

const seed = seedFrom(process.env['FC_SEED'])
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed })
if (process.env['FC_SEED'] === 'random') console.log(`fast-check: seed ${seed} (FC_SEED=${seed} replays it)`)
