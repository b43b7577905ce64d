// The README's examples, run as written, with the results it promises.
import { assert, describe, it } from "@effect/vitest"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import { Capabilities, Channel, Content, Message, Receipt, Recipient, WebhookHttp } from "@switchboard/core"
import { InMemoryChannel, InMemoryWebhook } from "@switchboard/testing"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Engine, MessageLog, Route, Router } from "../src/index.js"
import * as TestChannels from "./fixtures/channels.js"
import { eventually, memoryRouter } from "./fixtures/harness.js"

const readme = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../README.md"), "utf8")
const jsonBlocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]!)

const capabilities = (channel: string, receipts: ReadonlyArray<"delivered" | "read">, address: "phone" | "messenger" = "phone") =>
  Capabilities.make({ channel, outbound: ["Text", "Image"], inbound: [], address, receipts })

describe("README", () => {
  it.effect("quick start", () =>
    Effect.gen(function*() {
      const sms = Channel.make({
        capabilities: Capabilities.make({
          channel: "sms",
          outbound: ["Text"],
          inbound: [],
          address: "phone",
          receipts: ["delivered"]
        }),
        send: (message) =>
          Effect.map(DateTime.now, (acceptedAt) =>
            new Receipt.Receipt({
              channel: "sms",
              messageId: message.id,
              providerMessageIds: [`sms-${message.id}`],
              parts: 1,
              acceptedAt
            }))
      })
      const program = Effect.gen(function*() {
        const router = yield* Router.Router
        const route = yield* Route.decodeJson(`{ "steps": [{ "channel": "sms", "attempts": 3 }] }`)
        const message = yield* Message.make({
          recipient: yield* Recipient.fromPhone("+31612345678"),
          content: Content.text("Your code is 123456")
        })
        const outcome = yield* router.send(message, route)
        return outcome.status
      })
      const RouterLive = Layer.unwrapEffect(
        Effect.map(sms, (channel) => Router.layer({ channels: [channel] }))
      ).pipe(Layer.provideMerge(Engine.layerMemory))
      assert.strictEqual(yield* program.pipe(Effect.provide(RouterLive)), "accepted")
    }))

  it.effect("the route examples decode and fit their channels", () =>
    Effect.gen(function*() {
      assert.strictEqual(jsonBlocks.length, 2)
      const channels = [
        capabilities("whatsapp", ["delivered", "read"]),
        capabilities("sms.vonage", ["delivered"]),
        capabilities("sms.kpn", ["delivered"]),
        capabilities("messenger", ["delivered", "read"], "messenger")
      ]
      const [otp, parcel] = yield* Effect.forEach(jsonBlocks, (json) =>
        Effect.flatMap(Route.decodeJson(json), (route) => Route.validate(route, channels)))
      assert.deepStrictEqual(otp!.steps.map((s) => [s.channel, s.successOn, s.attempts]), [
        ["whatsapp", "read", 1],
        ["sms.vonage", "delivered", 3],
        ["sms.kpn", "delivered", 1]
      ])
      assert.strictEqual(parcel!.name, "parcel-photo")
    }))

  it.effect("the validation errors are the ones listed", () =>
    Effect.gen(function*() {
      const channels = [capabilities("whatsapp", ["delivered", "read"]), capabilities("sms.vonage", ["delivered"])]
      const errors = yield* Effect.forEach([
        [Route.make([{ channel: "whatsapp" }, { channel: "sms.vonage", successOn: "read", within: "1 minute" }]), channels],
        [Route.make([{ channel: "fax", successOn: "delivered", within: "1 minute" }]), [capabilities("fax", [])]],
        [Route.make([{ channel: "whatsapp", successOn: "read" }]), channels],
        [Route.make([{ channel: "whatsapp" }, { channel: "sms.vonage" }, { channel: "pigeon" }]), channels]
      ] as const, ([route, known]) => Effect.flip(Route.validate(route, known)))
      const listed = readme.split("```\nstep 2 (sms.vonage)")[1]!.split("```")[0]!
      assert.deepStrictEqual(errors.map((e) => e.message), `step 2 (sms.vonage)${listed}`.trim().split("\n"))
    }))

  it.scoped("receipts: a webhook parser mounted with WebhookHttp feeds router.onEvents", () =>
    Effect.gen(function*() {
      const { channel, provider } = yield* InMemoryChannel.fixture({ webhookUrl: "http://localhost/webhooks/sms/dlr" })
      const context = yield* Layer.build(Router.layer({ channels: [channel] }).pipe(Layer.provideMerge(Engine.layerMemory)))
      const router = Context.get(context, Router.Router)
      const deliveryReceipts = InMemoryWebhook.parser({ secret: provider.webhookSecret })
      const webhooks = HttpRouter.empty.pipe(
        WebhookHttp.mount("/webhooks/sms/dlr", deliveryReceipts, router.onEvents)
      )
      const handler = HttpApp.toWebHandler(webhooks)
      const message = yield* TestChannels.message("readme-receipt")
      const route = Route.make([{ channel: channel.id, successOn: "delivered", within: "10 minutes" }])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* eventually("the provider has the message", Effect.map(provider.sent, (sent) => sent.length === 1))
      for (const request of yield* provider.callbacks(message.id, "delivered")) {
        const response = yield* Effect.promise(() =>
          handler(new Request(request.url, {
            method: request.method,
            headers: request.headers as Record<string, string>,
            body: request.body
          }))
        )
        assert.strictEqual(response.status, 200)
      }
      assert.strictEqual((yield* Fiber.join(outcome)).status, "delivered")
    }))

  it.scoped("the timeline example", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", receipts: ["delivered", "read"] })
      const sms = yield* TestChannels.make({ id: "sms.vonage" })
      const kpn = yield* TestChannels.make({ id: "sms.kpn" })
      const { log, router, suspended } = yield* memoryRouter([whatsapp, sms, kpn])
      const route = yield* Route.decodeJson(jsonBlocks[0]!)
      const message = yield* TestChannels.message("readme-1")

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* suspended(message, route)
      yield* TestClock.adjust("2 minutes")
      yield* eventually(
        "the SMS is accepted",
        Effect.map(log.timeline(message.id), (entries) => entries.filter((e) => e.event._tag === "Receipt").length === 2)
      )
      yield* suspended(message, route)
      yield* router.onEvents([sms.update(message.id, "delivered")])
      yield* Fiber.join(outcome)
      yield* router.onEvent(whatsapp.update(message.id, "read"))

      const lines = (yield* log.timeline(message.id)).map((entry) =>
        MessageLog.describe(entry.event).replace(/as \S+$/, "as …").replace(/for \S+$/, "for …")
      )
      const documented = readme.split("```\naccepted (Text)")[1]!.split("```")[0]!
      const expected = `accepted (Text)${documented}`.trim().split("\n").map((line) =>
        line.replace(/as \S+$/, "as …").replace(/for \S+$/, "for …")
      )
      assert.deepStrictEqual(lines, expected)
    }))
})
