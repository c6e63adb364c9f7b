/**
 * Which mutant a test has already killed in this test runner process, shared by the mutation runs'
 * environment (which records a failing test) and runner (which then runs no further test file). The
 * mutant under test is the one in `__STRYKER_ACTIVE_MUTANT__`, set by Stryker's jest runner for each
 * mutant run and absent from its initial run, which always runs every test. `MUTATE_NO_BAIL=1` turns it
 * off (with `--disableBail`, for reports that list every test that kills each mutant).
 */
let killed

/** The id of the mutant under test, `undefined` outside a mutant run. */
const activeMutant = () => process.env.__STRYKER_ACTIVE_MUTANT__

/** Records that a test failed under the active mutant (nothing outside a mutant run). */
const recordFailure = () => {
  const mutant = activeMutant()
  if (mutant !== undefined) killed = mutant
}

/** Whether a test has already failed under the active mutant: the rest of its run cannot change its status. */
const isKilled = () => {
  const mutant = activeMutant()
  return mutant !== undefined && killed === mutant && process.env.MUTATE_NO_BAIL !== '1'
}

module.exports = { activeMutant, recordFailure, isKilled }
