/**
 * Timelines as plain-text tables for terminals (`pnpm switchboard status`, `pnpm demo`): one row per event
 * with the time since the message was accepted, the step, the channel, the event and what it means.
 *
 * @example
 * ```ts
 * import { Table } from "@switchboard/sample/Table"
 *
 * console.log(Table.render(["a", "b"], [["1", "2"]]))
 * ```
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import type * as Api from "./Api.js"

/**
 * Renders rows under a header, columns padded to their widest cell; the last column is never padded.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()
  return [line(header), line(widths.map((w, i) => "─".repeat(i === widths.length - 1 ? Math.max(header[i]!.length, 7) : w))), ...rows.map(line)]
    .join("\n")
}

/**
 * A message's timeline as a table, under a line that says how it ended.
 *
 * @since 0.1.0
 * @category rendering
 */
export const timeline = (view: Api.MessageView): string => {
  const start = DateTime.toEpochMillis(view.acceptedAt)
  const rows = view.timeline.map((entry) => [
    `+${((DateTime.toEpochMillis(entry.at) - start) / 1000).toFixed(3)}s`,
    entry.step === undefined ? "" : String(entry.step),
    entry.channel ?? "",
    entry.kind,
    entry.description
  ])
  const outcome = view.outcome
  const headline = `${view.id}  route ${view.route ?? "inline"}  →  ${view.status}${
    outcome?.channel === undefined ? "" : ` by ${outcome.channel}`
  }${view.lateDelivery ? " (late delivery recorded)" : ""}`
  return `${headline}\n${render(["time", "step", "channel", "event", "details"], rows)}`
}
