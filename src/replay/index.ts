/**
 * `tripswitch/replay`: record what a breaker saw, replay it through any config, and pick thresholds
 * with evidence (see docs/tuning.md).
 *
 * @since 0.1.0
 */
export * as Cli from './Cli'
export * as Generate from './Generate'
export * as Recorder from './Recorder'
export * as Replay from './Replay'
export * as Sweep from './Sweep'
export * as Svg from './Svg'
export * as Trace from './Trace'
export * as Truth from './Truth'
