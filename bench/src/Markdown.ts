/**
 * Markdown tables and number formatting for BENCHMARKS.md.
 *
 * @example
 * ```ts
 * import * as Markdown from "./Markdown.js"
 *
 * Markdown.table(["name", "msg/s"], [["raw", Markdown.number(1234.5)]])
 * // | name | msg/s |
 * // |---|---:|
 * // | raw | 1,235 |
 * ```
 *
 * @since 0.1.0
 */

/**
 * A table; columns whose header starts with a letter are left-aligned unless `align` says otherwise, and
 * columns of numbers are right-aligned.
 *
 * @since 0.1.0
 * @category rendering
 */
export const table = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  align?: ReadonlyArray<"left" | "right">
): string => {
  const alignment = headers.map((_, i) => {
    if (align?.[i] !== undefined) return align[i]
    const numeric = rows.length > 0 && rows.every((row) => /^[-+]?[\d,.]+(?:\s?[×%a-zA-Zµ/]*)?$|^n\/a$|^–$/.test(row[i] ?? ""))
    return numeric ? "right" : "left"
  })
  const escape = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\n/g, " ")
  return [
    `| ${headers.map(escape).join(" | ")} |`,
    `|${alignment.map((a) => (a === "right" ? "---:" : "---")).join("|")}|`,
    ...rows.map((row) => `| ${row.map(escape).join(" | ")} |`)
  ].join("\n")
}

/**
 * A number with thousands separators and `digits` decimals; `n/a` for `NaN` and infinities.
 *
 * @since 0.1.0
 * @category formatting
 */
export const number = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a"

/**
 * Milliseconds with precision that suits their size.
 *
 * @since 0.1.0
 * @category formatting
 */
export const millis = (value: number): string =>
  !Number.isFinite(value) ? "n/a" : value < 10 ? number(value, 2) : value < 100 ? number(value, 1) : number(value, 0)

/**
 * A ratio as `1.23×`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const ratio = (value: number): string =>
  !Number.isFinite(value)
    ? "n/a"
    : value !== 0 && Math.abs(value) < 0.095
    ? `${Number(value.toPrecision(2))}×`
    : `${number(value, 2)}×`

/**
 * Bytes as MiB.
 *
 * @since 0.1.0
 * @category formatting
 */
export const mib = (bytes: number): string => (Number.isFinite(bytes) ? number(bytes / 2 ** 20, 0) : "n/a")

/**
 * A duration in seconds or minutes.
 *
 * @since 0.1.0
 * @category formatting
 */
export const duration = (ms: number): string => {
  if (ms < 60_000) return `${number(ms / 1000, 1)} s`
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}
