import { assert, describe, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import * as Markdown from "../src/Markdown.js"
import * as Presets from "../src/Presets.js"
import * as Stats from "../src/Stats.js"

describe("Stats", () => {
  it("median of odd and even counts, ignoring non-finite values", () => {
    assert.strictEqual(Stats.median([3, 1, 2]), 2)
    assert.strictEqual(Stats.median([4, 1, 3, 2]), 2.5)
    assert.strictEqual(Stats.median([Number.NaN, 5, Number.POSITIVE_INFINITY, 7]), 6)
    assert.isNaN(Stats.median([]))
  })

  it("nearest-rank percentiles", () => {
    const samples = Float64Array.from({ length: 100 }, (_, i) => 100 - i) // 100 … 1
    assert.strictEqual(Stats.percentile(samples, 0.5), 50)
    assert.strictEqual(Stats.percentile(samples, 0.99), 99)
    assert.strictEqual(Stats.percentile(samples, 1), 100)
    assert.deepStrictEqual(Stats.latencySummary(samples), { p50: 50, p99: 99 })
    assert.isNaN(Stats.percentile([], 0.5))
  })

  it.prop("a percentile is one of the samples and percentiles are ordered", [fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 })], ([values]) => {
    const samples = Float64Array.from(values)
    const p50 = Stats.percentile(samples, 0.5)
    const p99 = Stats.percentile(samples, 0.99)
    assert.isTrue(values.includes(p50) && values.includes(p99))
    assert.isTrue(p50 <= p99)
    assert.isTrue(Stats.median(values) >= Math.min(...values) && Stats.median(values) <= Math.max(...values))
  })

  it("ratios refuse what cannot be divided", () => {
    assert.strictEqual(Stats.ratio(3, 2), 1.5)
    assert.isNaN(Stats.ratio(1, 0))
    assert.isNaN(Stats.ratio(Number.NaN, 1))
  })
})

describe("Markdown", () => {
  it("renders a table, right-aligning numeric columns", () => {
    assert.strictEqual(
      Markdown.table(["name", "msg/s"], [["raw", Markdown.number(1234.5)], ["a|b", Markdown.ratio(0.5)]]),
      ["| name | msg/s |", "|---|---:|", "| raw | 1,235 |", "| a\\|b | 0.50× |"].join("\n")
    )
  })

  it("formats what cannot be measured as n/a", () => {
    assert.strictEqual(Markdown.number(Number.NaN), "n/a")
    assert.strictEqual(Markdown.millis(1.234), "1.23")
    assert.strictEqual(Markdown.millis(123.4), "123")
    assert.strictEqual(Markdown.duration(90_000), "1 min 30 s")
    assert.strictEqual(Markdown.duration(839_600), "14 min 0 s")
    assert.strictEqual(Markdown.ratio(0.0049), "0.0049×")
    assert.strictEqual(Markdown.ratio(1.234), "1.23×")
  })
})

describe("Presets", () => {
  it("the full preset sends the issue's 10,000 messages a run, whatever the warm-up speed", () => {
    const send = Presets.full.send
    for (const speed of [100, 1_000, 1_000_000, Number.NaN]) assert.strictEqual(Presets.sendCount(send, speed), 10_000)
  })

  it("sizes send runs to the time target within a preset's bounds", () => {
    const send = { ...Presets.full.send, minCount: 500 }
    assert.strictEqual(Presets.sendCount(send, 100), 500) // at least minCount
    assert.strictEqual(Presets.sendCount(send, 1_000), 3_000) // 3 s at 1,000 msg/s
    assert.strictEqual(Presets.sendCount(send, 1_000_000), 10_000) // at most maxCount
    assert.strictEqual(Presets.sendCount(send, Number.NaN), 10_000)
  })

  it("sizes KPN runs so every run of every contender fits, within the preset's bounds", () => {
    const kpn = { ...Presets.full.kpn, minCount: 1_000 }
    assert.strictEqual(Presets.kpnCount(kpn, 3, 1_000), 10_000)
    assert.strictEqual(Presets.kpnCount(kpn, 3, 300), 4_800) // 300 × 240 s / 15 runs
    assert.strictEqual(Presets.kpnCount(kpn, 3, 10), 1_000)
    assert.strictEqual(Presets.kpnCount(Presets.full.kpn, 3, 10), 10_000) // the full preset always sends the 10,000
  })
})
