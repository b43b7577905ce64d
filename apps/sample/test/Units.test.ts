import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as path from "node:path"
import * as AppConfig from "../src/AppConfig.js"
import * as Metrics from "../src/Metrics.js"
import * as Routes from "../src/Routes.js"

describe("Metrics.prometheus", () => {
  it.effect("renders counters with escaped labels and histograms with cumulative buckets", () =>
    Effect.gen(function*() {
      const counter = Metric.counter("test_sends_total", { description: "Sends", incremental: true })
      yield* Metrics.increment(counter, { channel: "sms \"x\"\n" })
      yield* Metrics.increment(counter, { channel: "sms \"x\"\n" })
      yield* Metrics.increment(counter, { channel: "viber" })
      const histogram = Metric.histogram("test_latency_ms", MetricBoundaries.fromIterable([10, 100]), "Latency")
      yield* Metrics.observe(histogram, { outcome: "read" }, 5)
      yield* Metrics.observe(histogram, { outcome: "read" }, 50)
      yield* Metrics.observe(histogram, { outcome: "read" }, 500)
      const text = Metrics.prometheus(yield* Metrics.snapshot)
      assert.include(text, "# HELP test_sends_total Sends\n# TYPE test_sends_total counter\n")
      assert.include(text, "test_sends_total{channel=\"sms \\\"x\\\"\\n\"} 2\n")
      assert.include(text, "test_sends_total{channel=\"viber\"} 1\n")
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

describe("AppConfig paths", () => {
  it("resolves relative paths against the folder the command was run from (INIT_CWD), else the working directory", () => {
    const root = path.resolve("/srv/switchboard")
    assert.strictEqual(AppConfig.invocationDir({ INIT_CWD: root }), root)
    assert.strictEqual(AppConfig.resolvePath(".switchboard", { INIT_CWD: root }), path.join(root, ".switchboard"))
    assert.strictEqual(AppConfig.resolvePath("/var/lib/sb", { INIT_CWD: root }), path.resolve("/var/lib/sb"))
    assert.strictEqual(AppConfig.invocationDir({}), process.cwd())
    assert.strictEqual(AppConfig.invocationDir({ INIT_CWD: "" }), process.cwd())
    assert.strictEqual(AppConfig.invocationDir({ INIT_CWD: "relative/dir" }), process.cwd())
  })

  it.effect("makes SWITCHBOARD_DATA_DIR, the default included, absolute", () =>
    Effect.gen(function*() {
      const byDefault = yield* AppConfig.dataDir.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
      assert.strictEqual(byDefault, path.join(AppConfig.invocationDir(), ".switchboard"))
      const given = yield* AppConfig.dataDir.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["SWITCHBOARD_DATA_DIR", "state/db"]])))
      )
      assert.strictEqual(given, path.join(AppConfig.invocationDir(), "state", "db"))
    }))
})
