/** The problems a constructor reports, as a list, for tests that compare them. */
import { Config } from 'tripswitch'

/** The problems `Config.resolve` throws for `input`, or none. */
export const resolveProblems = (input: unknown): ReadonlyArray<string> => {
  try {
    Config.resolve(input as Config.ConfigInput)
    return []
  } catch (e) {
    if (e instanceof Config.ConfigError) return e.problems
    throw e
  }
}

/** The problems of the `ConfigError` that `f` throws, or none. */
export const thrownProblems = (f: () => unknown): ReadonlyArray<string> => {
  try {
    f()
  } catch (e) {
    if (e instanceof Config.ConfigError) return e.problems
    throw e
  }
  return []
}
