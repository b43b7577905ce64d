import { assert, describe, it } from "@effect/vitest"
import * as Status from "@switchboard/core/Status"
import * as Simulator from "@switchboard/simulator/Simulator"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Route from "../src/Route.js"
import * as Processes from "./fixtures/processes.js"
import * as SimulatorSms from "./fixtures/simulatorSms.js"
import { providerIdAt, sendsAt, until } from "./fixtures/waiting.js"

// Real processes on one SQLite file: a router process is killed with SIGKILL while its messages wait for
// their delivery receipts; a new process on the same file finishes them when the receipts arrive. Sends
// are counted at the simulator, outside both processes.

const encodeUpdate = Schema.encodeSync(Status.StatusUpdate)

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-durability-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

describe("durability (SQLite, real processes)", () => {
  it.live("kill -9 while waiting for receipts; a restarted process completes them without sending again", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      yield* simulator.loadScenario({ rules: [{ outcome: { type: "no-receipt" } }] })
      const dir = yield* tempDir
      const config = { engine: "sqlite", filename: path.join(dir, "router.db"), simulator: simulator.baseUrl }
      const route = Route.encode(Route.make([{ channel: SimulatorSms.channelId, successOn: "delivered", within: "10 minutes" }]))
      const ids = ["durable-1", "durable-2", "durable-3"]

      // first process: submit, wait until every message waits for its receipt, kill it
      yield* Effect.scoped(Effect.gen(function*() {
        const first = yield* Processes.start("router-1", config)
        for (const [i, id] of ids.entries()) {
          yield* first.request("submit", { messageId: id, phone: `+3161234567${i}`, route })
        }
        for (const id of ids) {
          yield* until(
            `${id} has its receipt`,
            Effect.map(first.request("tags", { messageId: id }), (tags: Array<string>) => tags.includes("Receipt"))
          )
        }
        yield* first.kill9
      }))
      for (const id of ids) assert.strictEqual(yield* sendsAt(simulator, id), 1, `${id} was sent once`)

      // second process on the same database: the receipts arrive, the messages complete
      const second = yield* Processes.start("router-2", config)
      for (const id of ids) {
        const providerMessageId = yield* providerIdAt(simulator, id)
        yield* second.request("event", { update: encodeUpdate(SimulatorSms.delivered(providerMessageId)) })
      }
      for (const id of ids) {
        const outcome = yield* second.request("await", { messageId: id }, "240 seconds")
        assert.strictEqual(outcome.status, "delivered", id)
        assert.strictEqual(outcome.channel, SimulatorSms.channelId)
        const tags: Array<string> = yield* second.request("tags", { messageId: id })
        assert.deepStrictEqual(tags, ["Accepted", "Attempt", "Receipt", "Status", "Outcome"], id)
        assert.strictEqual(yield* sendsAt(simulator, id), 1, `${id} was not sent again`)
      }
      assert.strictEqual((yield* simulator.counters).messagesAccepted, ids.length)
    }).pipe(Effect.scoped, Effect.provide(Simulator.layer())), { timeout: 480_000 })
})
