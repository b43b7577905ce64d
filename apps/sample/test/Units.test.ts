import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as Metrics from "../src/Metrics.js"
import * as Routes from "../src/Routes.js"

describe("Metrics.prometheus", () => {
  it.effect("renders counters with escaped labels and histograms with cumulative buckets", () =>
    Effect.gen(function*() {
      const counter = Metric.counter("test_sends_total", { description: "Sends", incremental: true })
      yield* Metrics.increment(counter, { channel: "sms \"x\"\n" })
      yield* Metrics.increment(counter, { channel: "sms \"x\"\n" })
      const histogram = Metric.histogram("test_latency_ms", MetricBoundaries.fromIterable([10, 100]), "Latency")
      yield* Metrics.observe(histogram, { outcome: "read" }, 5)
      yield* Metrics.observe(histogram, { outcome: "read" }, 50)
      yield* Metrics.observe(histogram, { outcome: "read" }, 500)
      const text = Metrics.prometheus(yield* Metrics.snapshot)
      assert.include(text, "# HELP test_sends_total Sends\n# TYPE test_sends_total counter\n")
      assert.include(text, "test_sends_total{channel=\"sms \\\"x\\\"\\n\"} 2\n")
      assert.include(text, "# TYPE test_latency_ms histogram\n")
      assert.include(text, "test_latency_ms_bucket{outcome=\"read\",le=\"10\"} 1\n")
      assert.include(text, "test_latency_ms_bucket{outcome=\"read\",le=\"100\"} 2\n")
      assert.include(text, "test_latency_ms_bucket{outcome=\"read\",le=\"+Inf\"} 3\n")
      assert.include(text, "test_latency_ms_sum{outcome=\"read\"} 555\n")
      assert.include(text, "test_latency_ms_count{outcome=\"read\"} 3\n")
    }))
})

describe("Routes", () => {
  it.effect("decodes named routes with the router's defaults", () =>
    Effect.gen(function*() {
      const routes = yield* Routes.decode({ routes: [{ name: "otp", steps: [{ channel: "whatsapp", successOn: "read", within: "1 minute" }] }] })
      const otp = routes.get("otp")!
      assert.strictEqual(otp.steps[0].attempts, 1)
      assert.strictEqual(otp.steps[0].successOn, "read")
    }))

  it.effect("says which route is wrong and why", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [unknown, RegExp]> = [
        ["nope", /"routes"/],
        [{ routes: [{ steps: [{ channel: "sms" }] }] }, /route 1: every route needs a "name"/],
        [{ routes: [{ name: "a", steps: [{ channel: "sms" }] }, { name: "a", steps: [{ channel: "sms" }] }] }, /two routes are named "a"/],
        [{ routes: [{ name: "a", steps: [] }] }, /route 1: invalid route/],
        [{ routes: [{ name: "a", steps: [{ channel: "sms", within: "soon" }] }] }, /duration/]
      ]
      for (const [input, message] of cases) {
        const error = yield* Effect.flip(Routes.decode(input, "routes.json"))
        assert.match(error.message, message)
      }
      const missing = yield* Effect.flip(Routes.load("/nonexistent/routes.json"))
      assert.match(missing.message, /cannot read routes from \/nonexistent\/routes.json/)
    }))
})
