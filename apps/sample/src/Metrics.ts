/**
 * The gateway's metrics, and every Effect metric of the process (the channels' own
 * `switchboard_channel_*` metrics from `Channel.make` included) rendered in the Prometheus text format for
 * `GET /metrics`. Labels carry channel ids, states, routes and endpoints — never an address, a message text or
 * a secret.
 *
 * @example
 * ```ts
 * import { Metrics } from "@switchboard/sample/Metrics"
 * import { Effect } from "effect"
 *
 * const text = Effect.flatMap(Metrics.snapshot, (pairs) => Effect.succeed(Metrics.prometheus(pairs)))
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"
import type * as MetricPair from "effect/MetricPair"
import * as MetricState from "effect/MetricState"
import * as Option from "effect/Option"

const latencyBoundaries = MetricBoundaries.fromIterable([
  5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000
])

/**
 * Messages taken by `POST /messages`, by route.
 *
 * @since 0.1.0
 * @category metrics
 */
export const messagesSubmitted = Metric.counter("switchboard_messages_submitted_total", {
  description: "Messages accepted for routing",
  incremental: true
})

/**
 * Messages whose routing ended, by the channel that succeeded (`none` when all failed) and outcome.
 *
 * @since 0.1.0
 * @category metrics
 */
export const messagesCompleted = Metric.counter("switchboard_messages_total", {
  description: "Messages whose routing ended, by channel and outcome",
  incremental: true
})

/**
 * From acceptance to outcome, in milliseconds.
 *
 * @since 0.1.0
 * @category metrics
 */
export const messageLatency = Metric.histogram(
  "switchboard_message_duration_ms",
  latencyBoundaries,
  "Time from acceptance to the routing outcome, in milliseconds"
)

/**
 * Send attempts, by channel.
 *
 * @since 0.1.0
 * @category metrics
 */
export const attempts = Metric.counter("switchboard_attempts_total", {
  description: "Send attempts made by the router, by channel",
  incremental: true
})

/**
 * Failed send attempts, by channel and error.
 *
 * @since 0.1.0
 * @category metrics
 */
export const attemptFailures = Metric.counter("switchboard_attempt_failures_total", {
  description: "Send attempts that failed, by channel and error",
  incremental: true
})

/**
 * Steps skipped, by channel.
 *
 * @since 0.1.0
 * @category metrics
 */
export const skips = Metric.counter("switchboard_steps_skipped_total", {
  description: "Route steps skipped (the channel cannot address the recipient or carry the content)",
  incremental: true
})

/**
 * Fallbacks, by the channel left and the channel tried next.
 *
 * @since 0.1.0
 * @category metrics
 */
export const fallbacks = Metric.counter("switchboard_fallbacks_total", {
  description: "Fallbacks from one route step to the next",
  incremental: true
})

/**
 * Receipts a step waited for, by channel and what it waited for.
 *
 * @since 0.1.0
 * @category metrics
 */
export const receiptsAwaited = Metric.counter("switchboard_receipts_awaited_total", {
  description: "Receipts (delivered or read) the router waited for",
  incremental: true
})

/**
 * How long a step waited for its receipt, until it came or the deadline passed.
 *
 * @since 0.1.0
 * @category metrics
 */
export const receiptWait = Metric.histogram(
  "switchboard_receipt_wait_ms",
  latencyBoundaries,
  "Time a step waited for a delivered or read receipt, in milliseconds"
)

/**
 * Deadlines that expired, by channel.
 *
 * @since 0.1.0
 * @category metrics
 */
export const deadlinesExpired = Metric.counter("switchboard_receipt_deadlines_expired_total", {
  description: "Steps whose receipt did not arrive in time",
  incremental: true
})

/**
 * Status reports received, by channel and state.
 *
 * @since 0.1.0
 * @category metrics
 */
export const statusReports = Metric.counter("switchboard_status_reports_total", {
  description: "Status reports logged, by channel and state",
  incremental: true
})

/**
 * Late deliveries (a success after routing moved on), by channel.
 *
 * @since 0.1.0
 * @category metrics
 */
export const lateDeliveries = Metric.counter("switchboard_late_deliveries_total", {
  description: "Successes reported after routing had moved on",
  incremental: true
})

/**
 * Webhook requests, by endpoint and HTTP status answered.
 *
 * @since 0.1.0
 * @category metrics
 */
export const webhooks = Metric.counter("switchboard_webhooks_total", {
  description: "Provider webhook requests, by endpoint and status answered",
  incremental: true
})

/**
 * Events read from webhooks, by endpoint and kind.
 *
 * @since 0.1.0
 * @category metrics
 */
export const webhookEvents = Metric.counter("switchboard_webhook_events_total", {
  description: "Events read from provider webhooks, by endpoint and kind",
  incremental: true
})

// One array of labels per metric and set of values, made once. A metric finds the state it updates by the
// array of labels it is given, and remembers that lookup per array: `Metric.tagged` makes a fresh array at
// every update, which costs a registry lookup (hashing the key and its labels) each time — three of them in
// every webhook request. Label values are channel ids, states, endpoints and error tags, so the sets are few;
// past `maxLabelSets` per metric, sets are still counted right, just not kept.
const labelSets = new WeakMap<object, Map<string, ReadonlyArray<MetricLabel.MetricLabel>>>()
const maxLabelSets = 1_000

const labelsOf = (metric: object, labels: Readonly<Record<string, string>>): ReadonlyArray<MetricLabel.MetricLabel> => {
  let sets = labelSets.get(metric)
  if (sets === undefined) {
    sets = new Map()
    labelSets.set(metric, sets)
  }
  const entries = Object.entries(labels)
  const key = entries.map(([name, value]) => `${name}\u0000${value}`).join("\u0001")
  let set = sets.get(key)
  if (set === undefined) {
    set = entries.map(([name, value]) => MetricLabel.make(name, value))
    if (sets.size < maxLabelSets) sets.set(key, set)
  }
  return set
}

/**
 * Increments a counter with labels (the fiber's own metric labels, `Effect.labelMetrics`, are not added: the
 * gateway sets none).
 *
 * @since 0.1.0
 * @category helpers
 */
export const increment = (
  counter: Metric.Metric.Counter<number>,
  labels: Readonly<Record<string, string>>
): Effect.Effect<void> => Effect.sync(() => counter.unsafeUpdate(1, labelsOf(counter, labels)))

/**
 * Records a value in a histogram with labels.
 *
 * @since 0.1.0
 * @category helpers
 */
export const observe = (
  histogram: Metric.Metric.Histogram<number>,
  labels: Readonly<Record<string, string>>,
  value: number
): Effect.Effect<void> => Effect.sync(() => histogram.unsafeUpdate(value, labelsOf(histogram, labels)))

/**
 * Every metric of the process.
 *
 * @since 0.1.0
 * @category rendering
 */
export const snapshot: Effect.Effect<Array<MetricPair.MetricPair.Untyped>> = Metric.snapshot

const metricName = (name: string): string => {
  const cleaned = name.replace(/[^a-zA-Z0-9_:]/g, "_")
  return /^[a-zA-Z_:]/.test(cleaned) ? cleaned : `_${cleaned}`
}

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, "\\\"")

const escapeHelp = (value: string): string => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")

const labelText = (labels: ReadonlyArray<readonly [string, string]>): string =>
  labels.length === 0
    ? ""
    : `{${labels.map(([key, value]) => `${metricName(key)}="${escapeLabel(value)}"`).join(",")}}`

const numberText = (value: number | bigint): string =>
  typeof value === "bigint"
    ? value.toString()
    : Number.isNaN(value)
    ? "NaN"
    : value === Infinity
    ? "+Inf"
    : value === -Infinity
    ? "-Inf"
    : String(value)

/**
 * Renders metrics in the Prometheus text exposition format (version 0.0.4): counters, gauges, histograms
 * (cumulative buckets with `+Inf`, `_sum`, `_count`), summaries (quantiles, `_sum`, `_count`) and frequencies
 * (a counter per value, labelled `key`).
 *
 * @since 0.1.0
 * @category rendering
 */
export const prometheus = (pairs: ReadonlyArray<MetricPair.MetricPair.Untyped>): string => {
  interface Family {
    type: string
    help: string
    lines: Array<string>
  }
  const families = new Map<string, Family>()
  const family = (name: string, type: string, help: string | undefined): Family => {
    let found = families.get(name)
    if (found === undefined) {
      found = { type, help: help ?? name, lines: [] }
      families.set(name, found)
    }
    return found
  }
  for (const pair of pairs) {
    const key = pair.metricKey
    const name = metricName(key.name)
    const labels = key.tags.map((tag) => [tag.key, tag.value] as const)
    const help = Option.getOrUndefined(key.description)
    const state = pair.metricState
    if (MetricState.isCounterState(state)) {
      family(name, "counter", help).lines.push(`${name}${labelText(labels)} ${numberText(state.count)}`)
    } else if (MetricState.isGaugeState(state)) {
      family(name, "gauge", help).lines.push(`${name}${labelText(labels)} ${numberText(state.value)}`)
    } else if (MetricState.isHistogramState(state)) {
      const f = family(name, "histogram", help)
      let sawInfinity = false
      for (const [boundary, count] of state.buckets) {
        if (boundary === Infinity) sawInfinity = true
        f.lines.push(`${name}_bucket${labelText([...labels, ["le", numberText(boundary)]])} ${count}`)
      }
      if (!sawInfinity) f.lines.push(`${name}_bucket${labelText([...labels, ["le", "+Inf"]])} ${state.count}`)
      f.lines.push(`${name}_sum${labelText(labels)} ${numberText(state.sum)}`)
      f.lines.push(`${name}_count${labelText(labels)} ${state.count}`)
    } else if (MetricState.isSummaryState(state)) {
      const f = family(name, "summary", help)
      for (const [quantile, value] of state.quantiles) {
        f.lines.push(
          `${name}${labelText([...labels, ["quantile", String(quantile)]])} ${numberText(Option.getOrElse(value, () => NaN))}`
        )
      }
      f.lines.push(`${name}_sum${labelText(labels)} ${numberText(state.sum)}`)
      f.lines.push(`${name}_count${labelText(labels)} ${state.count}`)
    } else if (MetricState.isFrequencyState(state)) {
      const f = family(name, "counter", help)
      for (const [value, count] of state.occurrences) {
        f.lines.push(`${name}${labelText([...labels, ["key", value]])} ${count}`)
      }
    }
  }
  const out: Array<string> = []
  for (const name of [...families.keys()].sort()) {
    const f = families.get(name)!
    out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`, ...f.lines)
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`
}
