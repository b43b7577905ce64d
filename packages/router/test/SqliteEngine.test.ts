import { assert, describe, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Engine from "../src/Engine.js"
import * as MessageLog from "../src/MessageLog.js"
import * as Route from "../src/Route.js"
import * as Router from "../src/Router.js"
import * as TestChannels from "./fixtures/channels.js"
import { eventually } from "./fixtures/harness.js"

// The single-node durable engine in this process, on a real clock: the cluster's storage polling, durable
// clocks and deferreds as they run in production.

const tempDatabase = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-router-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
).pipe(Effect.map((dir) => path.join(dir, "router.db")))

const sqliteRouter = (channels: ReadonlyArray<TestChannels.TestChannel>) =>
  Effect.gen(function*() {
    const filename = yield* tempDatabase
    const context = yield* Layer.build(
      Router.layer({ channels: channels.map((c) => c.channel) }).pipe(
        Layer.provideMerge(Engine.layerSqlite({ filename }))
      )
    )
    return { router: Context.get(context, Router.Router), log: Context.get(context, MessageLog.MessageLog) }
  })

describe("SQLite engine (in process, real clock)", () => {
  it.scopedLive("reads its options from Config, and keeps messages across restarts of the layer", () =>
    Effect.gen(function*() {
      const filename = yield* tempDatabase
      const sms = yield* TestChannels.make({ id: "sms" })
      const engine = Engine.layerSqliteConfig({ filename: Config.string("SWITCHBOARD_DB") })
      const routerLayer = Router.layer({ channels: [sms.channel] }).pipe(
        Layer.provideMerge(engine),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["SWITCHBOARD_DB", filename]]))))
      )
      const message = yield* TestChannels.message("config-1")
      const first = yield* Effect.scoped(Effect.flatMap(Layer.build(routerLayer), (context) =>
        Context.get(context, Router.Router).send(message, Route.make([{ channel: "sms" }]))))
      assert.strictEqual(first.status, "accepted")
      // a new router on the same file knows the message, and does not send it again
      const again = yield* Effect.scoped(Effect.flatMap(Layer.build(routerLayer), (context) =>
        Context.get(context, Router.Router).send(message, Route.make([{ channel: "sms" }]))))
      assert.deepStrictEqual(again, first)
      assert.strictEqual((yield* Ref.get(sms.sends)).length, 1)
      assert.isTrue(fs.existsSync(filename))
    }), { timeout: 60_000 })

  it.scopedLive("a 1 second deadline falls back, a retry waits its backoff, a receipt completes a step", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", receipts: ["delivered", "read"] })
      const sms = yield* TestChannels.make({ id: "sms", script: [TestChannels.unavailable("sms"), "ok"] })
      const { log, router } = yield* sqliteRouter([whatsapp, sms])
      const message = yield* TestChannels.message("sqlite-1")
      const route = Route.make([
        { channel: "whatsapp", successOn: "read", within: "1 second" },
        { channel: "sms", attempts: 2, backoff: { initial: "200 millis" }, successOn: "delivered", within: "1 minute" }
      ])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* eventually(
        "the SMS is accepted",
        Effect.map(log.timeline(message.id), (entries) => entries.filter((e) => e.event._tag === "Receipt").length === 2),
        100_000
      )
      yield* router.onEvent(sms.update(message.id, "delivered"))
      const result = yield* Fiber.join(outcome)

      assert.strictEqual(result.status, "delivered")
      assert.strictEqual(result.channel, "sms")
      assert.deepStrictEqual(result.steps.map((s) => s.result), ["failed", "succeeded"])
      assert.deepStrictEqual((yield* log.timeline(message.id)).map((e) => e.event._tag), [
        "Accepted",
        "Attempt",
        "Receipt",
        "DeadlineExpired",
        "Fallback",
        "Attempt",
        "AttemptFailed",
        "Attempt",
        "Receipt",
        "Status",
        "Outcome"
      ])
      assert.deepStrictEqual(yield* Ref.get(whatsapp.sends), [message.id])
      assert.deepStrictEqual(yield* Ref.get(sms.sends), [message.id])

      // idempotent intake, durably
      const again = yield* router.send(message, route)
      assert.deepStrictEqual(again, result)
      assert.strictEqual((yield* Ref.get(sms.sends)).length, 1)
    }), { timeout: 60_000 })
})
