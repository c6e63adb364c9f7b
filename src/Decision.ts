/**
 * Admission decisions: may this call pass, and with which permit?
 *
 * A `Permit` is the ticket an admitted call carries until its outcome is recorded. It names the
 * generation it was admitted in, so an outcome that arrives after the circuit has moved on (a late
 * outcome) is recognised and never drives a transition. A half-open probe also names its lease ticket.
 *
 * A `Rejection` carries `retryAfter`: the milliseconds until a call may be admitted again, `Infinity`
 * when only a manual reset can admit one.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * @category model
 * @since 0.1.0
 */
export interface Permit {
  readonly _tag: 'Permit'
  readonly generation: number
  /** Whether this call is a half-open probe. */
  readonly probe: boolean
  /** The probe's lease ticket; `-1` for a call that is not a probe. */
  readonly ticket: number
}

/**
 * @category model
 * @since 0.1.0
 */
export interface Rejection {
  readonly _tag: 'Rejection'
  readonly retryAfter: number
}

/**
 * @category model
 * @since 0.1.0
 */
export type Decision = Permit | Rejection

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A permit for an ordinary (not probing) call.
 *
 * @category constructors
 * @since 0.1.0
 */
export const permit = (generation: number): Permit => ({
  _tag: 'Permit',
  generation,
  probe: false,
  ticket: -1
})

/**
 * A permit for a half-open probe holding lease `ticket`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const probe = (generation: number, ticket: number): Permit => ({
  _tag: 'Permit',
  generation,
  probe: true,
  ticket
})

/**
 * @category constructors
 * @since 0.1.0
 */
export const rejection = (retryAfter: number): Rejection => ({ _tag: 'Rejection', retryAfter })

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/** @category guards @since 0.1.0 */
export const isPermit = (d: Decision): d is Permit => d._tag === 'Permit'

/** @category guards @since 0.1.0 */
export const isRejection = (d: Decision): d is Rejection => d._tag === 'Rejection'
