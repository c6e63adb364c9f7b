/**
 * The worker thread of a sweep (see `Sweep.run`): replays its share of the configs and answers with
 * their figures, or with the error that stopped it.
 *
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads'
import { type Job, runJob } from './Sweep'

try {
  parentPort?.postMessage({ figures: runJob(workerData as Job) })
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) })
}
