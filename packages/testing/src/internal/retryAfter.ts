/**
 * Parses an HTTP `Retry-After` value: delay-seconds (`"120"`) or an HTTP date, relative to `nowMillis`.
 * Returns milliseconds (never negative), or `undefined` when the value is absent or unreadable.
 *
 * @internal
 */
export const retryAfterMillis = (value: string | undefined, nowMillis: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  if (/^\d+\.\d+$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMillis)
}
