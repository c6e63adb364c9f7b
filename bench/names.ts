/**
 * The constants the scenarios share, apart from the libraries (so jest can load them: cockatiel is
 * ESM-only).
 */

/** Names, in the order of the table. */
export const names = {
  raw: 'raw async call',
  te: 'raw TaskEither (TE.tryCatch)',
  withBreaker: 'tripswitch withBreaker(TE)',
  wrap: 'tripswitch wrap(fn)',
  opossum: 'opossum, timeout off',
  opossumTimeout: 'opossum, default timeout',
  cockatiel: 'cockatiel consecutive',
  cockatielSampling: 'cockatiel sampling'
} as const

/** The rate-strategy contenders (a failure rate of 50 % through `wrap`), by window. */
export const rateNames = {
  count: 'tripswitch wrap, rate over 100 calls',
  time: 'tripswitch wrap, rate over 10 s'
} as const

/** The failure threshold every consecutive-failure contender uses. */
export const threshold = 5
/** Open long enough that no open circuit moves to half-open during a run. */
export const longOpen = 3_600_000

/** How many calls arrive at once when a circuit's open period has elapsed. */
export const burst = 64

/** The bulkhead scenarios' names, in the order of the table. */
export const bulkheadNames = {
  raw: 'raw async call',
  te: 'raw TaskEither (TE.tryCatch)',
  withBulkhead: 'tripswitch withBulkhead(TE)',
  bulkheaded: 'tripswitch bulkheaded(fn)',
  cockatiel: 'cockatiel bulkhead'
} as const
