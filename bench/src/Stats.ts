/**
 * Small statistics for benchmark figures: medians of runs, percentiles of latencies, ratios.
 *
 * @example
 * ```ts
 * import * as Stats from "./Stats.js"
 *
 * Stats.median([3, 1, 2]) // 2
 * Stats.percentile(Float64Array.from([1, 2, 3, 4]), 0.5) // 2
 * ```
 *
 * @since 0.1.0
 */

/**
 * The median of a list of numbers (the mean of the two middle values for an even count); `NaN` when empty.
 *
 * @since 0.1.0
 * @category statistics
 */
export const median = (values: ReadonlyArray<number>): number => {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b)
  if (finite.length === 0) return Number.NaN
  const middle = Math.floor(finite.length / 2)
  return finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2
}

/**
 * The nearest-rank percentile (`q` in 0..1) of samples; sorts a copy. `NaN` when empty.
 *
 * @since 0.1.0
 * @category statistics
 */
export const percentile = (samples: Float64Array | ReadonlyArray<number>, q: number): number => {
  if (samples.length === 0) return Number.NaN
  const sorted = Float64Array.from(samples).sort()
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1]!
}

/**
 * p50 and p99 of latency samples, in the samples' unit.
 *
 * @since 0.1.0
 * @category statistics
 */
export const latencySummary = (samples: Float64Array): { readonly p50: number; readonly p99: number } => {
  const sorted = Float64Array.from(samples).sort()
  const at = (q: number) => sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!
  return { p50: at(0.5), p99: at(0.99) }
}

/**
 * `a / b`, or `NaN` when either is not a positive finite number.
 *
 * @since 0.1.0
 * @category statistics
 */
export const ratio = (a: number, b: number): number =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN
