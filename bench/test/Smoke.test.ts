// Every benchmark, end to end, at tiny sizes: the simulator, client, router and sample-app processes start,
// every contender sends, the report renders. Nothing here asserts a time or a speed: these are correctness
// checks of the benchmark programs, so `pnpm bench` cannot rot.
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Main from "../src/main.js"

describe("pnpm bench --smoke", () => {
  it("runs every benchmark at tiny sizes and writes the report", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-smoke-"))
    try {
      const out = path.join(dir, "BENCHMARKS.md")
      const lines: Array<string> = []
      const { results } = await Main.main({ preset: "smoke", out, log: (line) => lines.push(line) })
      assert.deepStrictEqual(results.failures, [], lines.join("\n"))

      for (const suite of [results.sms, results.whatsapp]) {
        assert.isDefined(suite)
        for (const cell of suite!.cells) {
          assert.strictEqual(cell.errors, 0, `${cell.contender}: ${cell.firstError}`)
          assert.isAbove(cell.throughput, 0)
          assert.isTrue(cell.runs.every((run) => run.accepted === run.count), `${cell.contender}: the simulator accepted every message`)
        }
      }

      // single flight: one token request per run, whatever the concurrency; without it, one per send
      const kpn = results.kpn!
      const ours = kpn.cells.find((c) => c.contender === "kpn/switchboard")!
      const naive = kpn.cells.find((c) => c.contender === "kpn/raw-no-single-flight")!
      assert.deepStrictEqual(ours.tokenRequests, ours.runs.map(() => 1))
      assert.deepStrictEqual(naive.tokenRequests, naive.runs.map(() => kpn.count))
      assert.isTrue(kpn.cells.every((c) => c.errors === 0))

      const webhooks = results.webhooks!
      assert.strictEqual(webhooks.cells.length, 2)
      for (const cell of webhooks.cells) {
        assert.strictEqual(cell.non2xx, 0, `${cell.label} answered every signed receipt with 2xx`)
        assert.isAbove(cell.runs[0]!.requests, 0)
      }

      const routing = results.routing!
      assert.isAbove(routing.endToEnd.length, 0)
      for (const row of routing.endToEnd) {
        assert.strictEqual(row.failures, 0)
        assert.isTrue(row.runs.every((run) => run.outcomes === run.count && run.receipts === run.count))
      }
      assert.isAbove(routing.waiting.length, 0)
      assert.isAbove(routing.waiting[0]!.rssBytes, 0)

      const profile = results.profile!
      assert.isAtLeast(profile.rows.length, 10)

      const report = fs.readFileSync(out, "utf8")
      for (const heading of [
        "## Machine",
        "## How it was run",
        "## 1. SMS send",
        "## 2. WhatsApp text",
        "## 3. KPN token single flight",
        "## 4. Webhook ingestion",
        "## 5. Routing",
        "## 6. CPU profile"
      ]) {
        assert.include(report, heading)
      }
      assert.include(report, results.machine.cpuModel)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
