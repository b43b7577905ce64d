import { assert, describe, it } from "@effect/vitest"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import * as Recipient from "@switchboard/core/Recipient"
import * as Simulator from "@switchboard/simulator/Simulator"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as fs from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import * as Engine from "../src/Engine.js"
import * as MessageLog from "../src/MessageLog.js"
import * as Route from "../src/Route.js"
import * as Router from "../src/Router.js"
import * as TestChannels from "./fixtures/channels.js"
import * as SimulatorSms from "./fixtures/simulatorSms.js"

// 1,000 messages against the simulator, whose scenario fails 20% of the sends (HTTP 503) and delivers the
// rest, with delivery receipts sent to a webhook the router listens on — all at once, on a real clock. Every
// message must end with exactly one outcome in the log: delivered through the simulator, or accepted by the
// fallback channel after a failed send; nothing is sent twice and nothing is left pending.
//
// It runs on the in-memory engine and on the SQLite engine (a fresh file); the durable engines' behaviour
// across crashes is what the durability and scale-out tests check.

const total = 1000
const failing = (i: number) => i % 5 === 0

const phone = (i: number) => `${failing(i) ? "+31611" : "+31622"}${String(i).padStart(6, "0")}`

/** A webhook receiver that turns the simulator's delivery receipts into `router.onEvent` calls. */
const receiptWebhook = (onEvent: Router.Service["onEvent"]) =>
  Effect.gen(function*() {
    const runtime = yield* Effect.runtime<never>()
    const server = yield* Effect.acquireRelease(
      Effect.async<http.Server>((resume) => {
        const server = http.createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const url = new URL(request.url ?? "/", "http://localhost")
            const body = Buffer.concat(chunks).toString("utf8")
            const params = body.trim().startsWith("{")
              ? new URLSearchParams(JSON.parse(body) as Record<string, string>)
              : new URLSearchParams(body.length > 0 ? body : url.search)
            Option.match(SimulatorSms.parseReceipt(params), {
              onNone: () => response.writeHead(400).end(),
              onSome: (update) =>
                Runtime.runPromise(runtime)(onEvent(update)).then(
                  () => response.writeHead(204).end(),
                  () => response.writeHead(500).end()
                )
            })
          })
        })
        server.listen(0, "127.0.0.1", () => {
          resume(Effect.succeed(server))
        })
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
        })
    )
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/dlr`
  })

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-nothing-lost-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const engines = [
  { name: "in memory", layer: Engine.layerMemory },
  { name: "SQLite", layer: Engine.layerSqlite({ filename: path.join(dir, "router.db") }) }
] as const

describe("nothing lost", () => {
  for (const engine of engines) {
  it.scopedLive(`1,000 messages, 20% of sends failing: every one ends with an outcome in the log (${engine.name})`, () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      const primary = yield* SimulatorSms.make(simulator.baseUrl).pipe(Effect.provide(FetchHttpClient.layer))
      const backup = yield* TestChannels.make({ id: "sms.backup" })
      const context = yield* Layer.build(
        Router.layer({ channels: [primary, backup.channel] }).pipe(
          Layer.provideMerge(engine.layer)
        )
      )
      const router = Context.get(context, Router.Router)
      const log = Context.get(context, MessageLog.MessageLog)
      yield* simulator.loadScenario({
        rules: [
          { to: "+31611*", outcome: { type: "server-error", status: 503 } },
          { outcome: { type: "deliver" } }
        ],
        webhooks: { vonageSms: { deliveryReceiptUrl: yield* receiptWebhook(router.onEvent), method: "POST" } }
      })
      const route = Route.make([
        { channel: SimulatorSms.channelId, successOn: "delivered", within: "30 seconds" },
        { channel: "sms.backup" }
      ], { name: "nothing-lost" })

      // 50 messages in flight at a time, as an application with backpressure would send them
      const ids = Array.from({ length: total }, (_, i) => `bulk-${i}`)
      const outcomes = yield* Effect.forEach(ids, (id, i) =>
        Effect.gen(function*() {
          const recipient = yield* Recipient.fromPhone(phone(i))
          const message = yield* Message.make({
            id: id as Message.MessageId,
            recipient,
            content: Content.text(`Your code for ${id}`)
          })
          return yield* router.send(message, route)
        }), { concurrency: 50 })

      // Every message to a failing number fell back. Every other message was delivered through the
      // simulator, unless the network lost its send or its delivery receipt (the simulator records that),
      // in which case it fell back too. Nothing was sent twice.
      const requests = (yield* simulator.requests).filter((r) => r.path === "/sms/json")
      const sendsPerMessage = new Map<string, number>()
      for (const r of requests) {
        const id = new URLSearchParams(r.body).get("client-ref") ?? ""
        sendsPerMessage.set(id, (sendsPerMessage.get(id) ?? 0) + 1)
      }
      assert.isTrue([...sendsPerMessage.values()].every((n) => n === 1), "no message was sent twice")
      const accepted = yield* simulator.messages
      const callbacks = yield* simulator.callbacks
      let delivered = 0
      let receiptsLost = 0
      for (const [i, outcome] of outcomes.entries()) {
        const id = ids[i]!
        if (outcome.status === "delivered") {
          delivered++
          assert.isFalse(failing(i), id)
          assert.strictEqual(outcome.channel, SimulatorSms.channelId, id)
          continue
        }
        assert.strictEqual(outcome.status, "accepted", id)
        assert.strictEqual(outcome.channel, "sms.backup", id)
        const first = outcome.steps[0]!
        if (failing(i)) {
          assert.strictEqual(first.error, "ProviderUnavailable", id)
        } else if (first.error === "ProviderUnavailable") {
          assert.match(first.reason, /Transport error/, id)
        } else {
          // the deadline passed: the simulator must have failed to deliver the receipt
          const sent = accepted.find((m) => m.text === `Your code for ${id}`)
          const receipt = callbacks.filter((c) => c.messageId === sent?.id)
          assert.isTrue(receipt.length > 0 && receipt.every((c) => c.error !== undefined || (c.status ?? 0) >= 300), id)
          receiptsLost++
        }
      }
      assert.strictEqual(delivered + receiptsLost, accepted.length)
      assert.isAtLeast(delivered, total * 0.7)
      assert.strictEqual(outcomes.filter((o, i) => failing(i) && o.status === "accepted").length, total / 5)

      // the log agrees: every message has exactly one Outcome event, and none is pending
      let pending = 0
      let cursor: string | undefined
      let listed = 0
      do {
        const page = yield* log.list(undefined, { limit: 500, cursor })
        listed += page.items.length
        pending += page.items.filter((summary) => summary.status === "pending").length
        cursor = page.next
      } while (cursor !== undefined)
      assert.strictEqual(listed, total)
      assert.strictEqual(pending, 0)
      for (const id of ids) {
        const timeline = yield* log.timeline(id)
        assert.strictEqual(timeline.filter((entry) => entry.event._tag === "Outcome").length, 1, id)
      }
    }).pipe(Effect.provide(Simulator.layer())), { timeout: 300_000 })
  }
})
