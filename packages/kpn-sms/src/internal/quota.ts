/**
 * Reading the quota headers KPN's gateway puts on every response (`quota-interval`, `quota-limit`,
 * `quota-reset-UTC`, `quota-time-unit`, `quota-used`) plus `api-version` and `sunset`.
 */

/** @internal */
export interface QuotaFields {
  readonly limit?: number
  readonly used?: number
  readonly interval?: number
  readonly timeUnit?: string
  /** Epoch milliseconds. */
  readonly resetAt?: number
}

const count = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined
}

/**
 * Parses `quota-reset-UTC`. KPN does not document its format, so every form a gateway uses is accepted:
 * epoch seconds or milliseconds, ISO 8601 with or without a zone (no zone means UTC, as the header's name
 * says), `yyyy-MM-dd HH:mm:ss[.SSS]` (UTC) and HTTP dates.
 *
 * @internal
 */
export const parseResetAt = (value: string): number | undefined => {
  const trimmed = value.trim()
  if (trimmed.length === 0) return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed)
    return n >= 1e11 ? Math.round(n) : Math.round(n * 1000)
  }
  const isoNoZone = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?$/.exec(trimmed)
  if (isoNoZone !== null) {
    const millis = isoNoZone[3] === undefined ? "" : isoNoZone[3].slice(0, 4)
    const at = Date.parse(`${isoNoZone[1]}T${isoNoZone[2]}${millis}Z`)
    return Number.isNaN(at) ? undefined : at
  }
  const withUtc = trimmed.replace(/\s+UTC$/i, "Z")
  const at = Date.parse(withUtc)
  return Number.isNaN(at) ? undefined : at
}

/**
 * The quota fields present in a response's headers; `undefined` when it carries none.
 *
 * @internal
 */
export const fromHeaders = (header: (name: string) => string | undefined): QuotaFields | undefined => {
  const limit = count(header("quota-limit"))
  const used = count(header("quota-used"))
  const interval = count(header("quota-interval"))
  const timeUnitRaw = header("quota-time-unit")?.trim()
  const timeUnit = timeUnitRaw === undefined || timeUnitRaw.length === 0 ? undefined : timeUnitRaw
  const resetRaw = header("quota-reset-utc")
  const resetAt = resetRaw === undefined ? undefined : parseResetAt(resetRaw)
  if (
    limit === undefined && used === undefined && interval === undefined && timeUnit === undefined &&
    resetAt === undefined
  ) {
    return undefined
  }
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(used === undefined ? {} : { used }),
    ...(interval === undefined ? {} : { interval }),
    ...(timeUnit === undefined ? {} : { timeUnit }),
    ...(resetAt === undefined ? {} : { resetAt })
  }
}
