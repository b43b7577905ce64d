import { assert, describe, it } from "@effect/vitest"
import * as Content from "@switchboard/core/Content"
import type { InboundMessage } from "@switchboard/core/InboundMessage"
import * as Message from "@switchboard/core/Message"
import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import * as Contract from "@switchboard/messages-testkit/MessagesContract"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ViberChannel from "../src/ViberChannel.js"

const serviceId = "654321"
const to = (phone: string) => Recipient.make({ phone: phone as Phone.E164 })

const environment = (shape: Contract.Shape) =>
  ViberChannel.layer({ sender: serviceId, category: "transaction" }).pipe(
    Layer.provideMerge(
      Contract.layer(shape, () => Effect.void, {
        rules: [
          { to: "+447700900002", outcome: { type: "read" } },
          { to: "+447700900003", outcome: { type: "reject", stage: "submit", code: 1260 } },
          { to: "+447700900005", outcome: { type: "reject", stage: "receipt", code: 1250 } }
        ]
      })
    )
  )

for (const shape of ["v1", "v0.1"] as const) {
  describe(`ViberChannel against the simulator (${shape === "v1" ? "v1, Vonage direct" : "v0.1 through KPN"})`, () => {
    it.live("sends, and the status and inbound webhooks come back parsed (signed in v1)", () =>
      Effect.gen(function*() {
        const { refused, simulator } = yield* Contract.Contract
        const viber = yield* ViberChannel.ViberChannel
        const message = yield* Message.make({
          recipient: to("+447700900002"),
          content: Content.text("Your table is booked for 19:30"),
          ttl: Duration.minutes(30)
        })
        const receipt = yield* viber.send(message)
        const replies = yield* simulator.inbound({
          api: shape === "v1" ? "messages" : "kpn-messages",
          channel: "viber_service",
          from: "+447700900002",
          to: serviceId,
          text: "Thanks!"
        })
        assert.deepStrictEqual(replies.map((callback) => callback.status), [200])
        const events = yield* Contract.settledEvents
        const updates = Contract.statuses(events, receipt.providerMessageIds[0])
        assert.deepStrictEqual(updates.map((update) => update.state), ["submitted", "delivered", "read"])
        assert.isTrue(updates.every((update) => update.channel === "viber" && update.messageId === message.id))
        const inbound = events.find((event): event is InboundMessage => event._tag === "InboundMessage")
        assert.strictEqual(inbound?.channel, "viber")
        assert.strictEqual(inbound?.from, "447700900002")
        assert.deepStrictEqual(inbound?.content, Content.text("Thanks!"))
        assert.strictEqual(yield* refused, 0)
      }).pipe(Effect.provide(environment(shape))))

    it.live("refusals: at submission (1260) and in the status webhook (1250)", () =>
      Effect.gen(function*() {
        const viber = yield* ViberChannel.ViberChannel
        const refused = yield* Effect.flip(
          viber.send(yield* Message.make({ recipient: to("+447700900003"), content: Content.text("Hi") }))
        )
        assert.strictEqual(refused._tag, "Rejected")
        assert.strictEqual(refused.providerCode, "1260")
        const later = yield* viber.send(yield* Message.make({ recipient: to("+447700900005"), content: Content.text("Hi") }))
        const last = Contract.statuses(yield* Contract.settledEvents, later.providerMessageIds[0]).at(-1)
        assert.strictEqual(last?.state, "rejected")
        assert.strictEqual(last?.providerCode, "1250")
      }).pipe(Effect.provide(environment(shape))))

    it.live(`every request sent validates against the ${shape} definition`, () =>
      Effect.gen(function*() {
        const viber = yield* ViberChannel.ViberChannel
        const contents: ReadonlyArray<Content.Outbound> = shape === "v1"
          ? [Content.text("Text"), Content.image("https://example.com/a.jpg", { caption: "A promotion" })]
          : [Content.text("Text"), Content.image("https://example.com/a.jpg"), Content.template("verify", ["Daisy", "12345"])]
        for (const content of contents) {
          yield* viber.send(yield* Message.make({ recipient: to("+447700900000"), content, ttl: Duration.minutes(10) }))
        }
        const definition = yield* Contract.definition(new URL("./fixtures/specs/", import.meta.url))
        const requests = yield* Contract.messageRequests
        assert.strictEqual(requests.length, contents.length)
        for (const request of requests) {
          assert.deepStrictEqual(definition.requestErrors(request), [])
        }
        const broken = structuredClone(requests[0]!.json) as any
        if (shape === "v1") broken.viber_service.ttl = 5
        else broken.message.viber_service_msg.ttl = 5
        assert.isNotEmpty(definition.requestErrors({ ...requests[0]!, json: broken }))
      }).pipe(Effect.provide(environment(shape))))
  })
}
