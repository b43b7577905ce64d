import { assert, describe, it } from "@effect/vitest"
import * as CpuProfile from "../src/CpuProfile.js"
import * as Explain from "../src/Explain.js"

// a hand-made profile: root → a → b, samples every 1 ms (deltas in µs)
const profile: CpuProfile.Profile = {
  nodes: [
    { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1, columnNumber: -1 }, children: [2, 4] },
    { id: 2, callFrame: { functionName: "a", url: "file:///x/node_modules/effect/dist/esm/Schema.js", lineNumber: 9, columnNumber: 0 }, children: [3] },
    { id: 3, callFrame: { functionName: "b", url: "node:internal/http", lineNumber: 0, columnNumber: 0 } },
    { id: 4, callFrame: { functionName: "(idle)", url: "", lineNumber: -1, columnNumber: -1 } }
  ],
  samples: [2, 3, 3, 4, 3, 2],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
  startTime: 1_000_000,
  endTime: 1_006_000
}

describe("CpuProfile", () => {
  it("ranks functions by self time, leaving idle out", () => {
    const rows = CpuProfile.selfTime(profile)
    assert.deepStrictEqual(rows.map((r) => [r.functionName, r.selfMs]), [["b", 3], ["a", 1]])
    assert.strictEqual(rows[0]!.share, 0.75)
    assert.strictEqual(rows[1]!.module, "effect/Schema.js")
    assert.strictEqual(CpuProfile.busyMs(profile), 4)
  })

  it("counts only the samples in a window", () => {
    // samples are at 1,000,000 + 0, 1000, 2000, 3000, 4000, 5000 µs
    const rows = CpuProfile.selfTime(profile, { window: { from: 1_000_500, to: 1_002_500 } })
    assert.deepStrictEqual(rows.map((r) => [r.functionName, r.selfMs]), [["b", 2]])
  })

  it("shortens module paths", () => {
    assert.strictEqual(
      CpuProfile.shortModule("/repo/node_modules/.pnpm/effect@3.22.4/node_modules/effect/src/internal/fiberRuntime.ts"),
      "effect/src/internal/fiberRuntime.ts"
    )
    assert.strictEqual(
      CpuProfile.shortModule("/repo/packages/vonage-sms/src/VonageSmsClient.ts"),
      "@switchboard/vonage-sms/src/VonageSmsClient.ts"
    )
  })

  it("has a sentence for every row", () => {
    for (const row of CpuProfile.selfTime(profile)) assert.isAbove(Explain.row(row).length, 10)
    assert.include(
      Explain.row({ functionName: "addSpanStackTrace", module: "effect/src/internal/tracer.ts", line: 120, selfMs: 1, share: 0.1 }),
      "stack trace"
    )
  })
})

describe("Explain", () => {
  it("names the interpreter's success handler before the generic interpreter sentence", () => {
    const row = { functionName: "FiberRuntime", module: "effect/src/internal/fiberRuntime.ts", line: 1176, selfMs: 1, share: 0.01 }
    assert.include(Explain.row(row), "after a successful step")
    assert.include(Explain.row({ ...row, functionName: "runLoop", line: 1361 }), "interpreter")
  })
})
