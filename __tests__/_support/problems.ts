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
