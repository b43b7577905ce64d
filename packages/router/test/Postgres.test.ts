import * as Status from "@switchboard/core/Status"
import * as Simulator from "@switchboard/simulator/Simulator"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as net from "node:net"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import * as MessageLog from "../src/MessageLog.js"
import * as ReceiptIndex from "../src/ReceiptIndex.js"
import * as Route from "../src/Route.js"
import * as Postgres from "./fixtures/postgres.js"
import * as Processes from "./fixtures/processes.js"
import * as SimulatorSms from "./fixtures/simulatorSms.js"
import { checks } from "./fixtures/storeChecks.js"
import { providerIdAt, sendsAt, sentBy, until } from "./fixtures/waiting.js"

// Everything that needs PostgreSQL (a private server on loopback, or SWITCHBOARD_TEST_PG_URL; skipped, with
// the reason, when neither is available):
// - the message log and receipt index checks every store passes;
// - scale-out: two runner processes on one database; messages are submitted to one runner and their
//   receipts delivered to the other; then one runner is killed with SIGKILL while its messages wait, and
//   the other takes its shards over and finishes them.

const encodeUpdate = Schema.encodeSync(Status.StatusUpdate)

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

let postgres: Postgres.Started = { _tag: "Unavailable", reason: "not started" }

beforeAll(async () => {
  postgres = await Postgres.start()
  if (postgres._tag === "Unavailable") console.warn(`PostgreSQL tests skipped: ${postgres.reason}`)
}, 120_000)

afterAll(async () => {
  if (postgres._tag === "Started") await postgres.postgres.stop()
}, 60_000)

const route = Route.encode(Route.make([{ channel: SimulatorSms.channelId, successOn: "delivered", within: "10 minutes" }]))

const submitAll = (runner: Processes.RouterProcess, ids: ReadonlyArray<string>, offset: number) =>
  Effect.forEach(ids, (id, i) =>
    runner.request("submit", { messageId: id, phone: `+316${String(20_000_000 + offset + i)}`, route }), {
    discard: true
  })

const waitForReceipts = (runner: Processes.RouterProcess, ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id) =>
    until(
      `${id} has its receipt`,
      Effect.map(runner.request("tags", { messageId: id }), (tags: Array<string>) => tags.includes("Receipt")),
      "60 seconds"
    ), { discard: true })

const deliverAll = (simulator: Simulator.Service, runner: Processes.RouterProcess, ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id) =>
    Effect.flatMap(providerIdAt(simulator, id), (providerMessageId) =>
      runner.request("event", { update: encodeUpdate(SimulatorSms.delivered(providerMessageId)) })), {
    discard: true
  })

const awaitAll = (simulator: Simulator.Service, runner: Processes.RouterProcess, ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id) =>
    Effect.gen(function*() {
      const outcome = yield* runner.request("await", { messageId: id }, "300 seconds")
      assert.strictEqual(outcome.status, "delivered", id)
      assert.strictEqual(yield* sendsAt(simulator, id), 1, `${id} was sent once`)
    }), { concurrency: "unbounded", discard: true })

const stores = (url: string, prefix: string) =>
  Layer.merge(MessageLog.layerSql({ prefix }), ReceiptIndex.layerSql({ prefix })).pipe(
    Layer.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 4 }))
  )

describe("stores in PostgreSQL", () => {
  checks.forEach((check, i) =>
    it(check.name, async (ctx) => {
      if (postgres._tag === "Unavailable") return ctx.skip(postgres.reason)
      await Effect.runPromise(Effect.provide(check.run, stores(postgres.postgres.url, `check_${i}`)))
    }, 60_000)
  )
})

describe("scale-out (PostgreSQL, two runner processes)", () => {
  it("runners share the work, and one finishes what a killed one left", async (ctx) => {
    if (postgres._tag === "Unavailable") return ctx.skip(postgres.reason)
    const url = postgres.postgres.url
    const [portA, portB] = [await freePort(), await freePort()]
    await Effect.runPromise(
      Effect.gen(function*() {
        const simulator = yield* Simulator.Simulator
        yield* simulator.loadScenario({ rules: [{ outcome: { type: "no-receipt" } }] })
        const config = (port: number) => ({ engine: "postgres", url, port, simulator: simulator.baseUrl })
        const a = yield* Processes.start("runner-a", config(portA))
        const b = yield* Processes.start("runner-b", config(portB))
        // shards a runner has acquired (the gauge is not lowered when a runner hands shards over)
        const shards = (runner: Processes.RouterProcess) => runner.request("shards") as Effect.Effect<number>
        yield* until(
          "the runners share the shards",
          Effect.map(Effect.all([shards(a), shards(b)]), ([x, y]) => x > 0 && y > 0),
          "60 seconds"
        )

        // submitted to A, receipts delivered to B: every message completes, each sent once, and both
        // runners did part of the work
        const shared = Array.from({ length: 16 }, (_, i) => `shared-${i}`)
        yield* submitAll(a, shared, 0)
        yield* waitForReceipts(b, shared)
        yield* deliverAll(simulator, b, shared)
        yield* awaitAll(simulator, b, shared)
        yield* awaitAll(simulator, a, shared)
        const senders = yield* sentBy(simulator, shared)
        assert.deepStrictEqual([...senders.keys()].sort(), ["runner-a", "runner-b"], "both runners sent messages")

        // A is killed while its messages wait for receipts; B takes over and finishes them
        const orphaned = Array.from({ length: 16 }, (_, i) => `orphaned-${i}`)
        yield* submitAll(a, orphaned, 100)
        yield* waitForReceipts(a, orphaned)
        yield* a.kill9
        yield* deliverAll(simulator, b, orphaned)
        yield* awaitAll(simulator, b, orphaned)
        assert.strictEqual((yield* simulator.counters).messagesAccepted, shared.length + orphaned.length)
      }).pipe(Effect.scoped, Effect.provide(Simulator.layer()))
    )
  }, 600_000)
})
