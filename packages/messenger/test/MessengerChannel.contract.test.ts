import { assert, describe, it } from "@effect/vitest"
import * as Content from "@switchboard/core/Content"
import type { InboundMessage } from "@switchboard/core/InboundMessage"
import * as Message from "@switchboard/core/Message"
import * as Recipient from "@switchboard/core/Recipient"
import * as Contract from "@switchboard/messages-testkit/MessagesContract"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as MessengerChannel from "../src/MessengerChannel.js"

const page = "107083064136738"
const person = "5234567890123456"
const stranger = "5234567890999999"

const environment = (shape: Contract.Shape) =>
  MessengerChannel.layer({ sender: page }).pipe(
    Layer.provideMerge(
      Contract.layer(shape, () => Effect.void, {
        rules: [
          { to: person, outcome: { type: "read" } },
          // Facebook refuses a page that writes first
          { to: stranger, outcome: { type: "reject", stage: "submit", code: 1340 } }
        ]
      })
    )
  )

for (const shape of ["v1", "v0.1"] as const) {
  describe(`MessengerChannel against the simulator (${shape === "v1" ? "v1, Vonage direct" : "v0.1 through KPN"})`, () => {
    it.live("the person writes first; the page answers the PSID from the inbound message", () =>
      Effect.gen(function*() {
        const { refused, simulator } = yield* Contract.Contract
        const messenger = yield* MessengerChannel.MessengerChannel
        yield* simulator.inbound({
          api: shape === "v1" ? "messages" : "kpn-messages",
          channel: "messenger",
          from: person,
          to: page,
          text: "Where is my order?"
        })
        const inbound = (yield* Contract.settledEvents).find((event): event is InboundMessage =>
          event._tag === "InboundMessage"
        )
        assert.strictEqual(inbound?.channel, "messenger")
        assert.strictEqual(inbound?.from, person)
        assert.strictEqual(inbound?.to, page)

        const reply = yield* Message.make({
          recipient: Recipient.make({ messengerId: inbound!.from }),
          content: Content.text("It ships tomorrow.")
        })
        const receipt = yield* messenger.send(reply)
        const updates = Contract.statuses(yield* Contract.settledEvents, receipt.providerMessageIds[0])
        assert.deepStrictEqual(updates.map((update) => update.state), ["submitted", "delivered", "read"])
        assert.isTrue(updates.every((update) => update.channel === "messenger" && update.messageId === reply.id))
        assert.strictEqual(updates[0]?.recipient, person)
        assert.strictEqual(yield* refused, 0)
      }).pipe(Effect.provide(environment(shape))))

    it.live("writing first to someone is refused: Rejected/NotPermitted (1340)", () =>
      Effect.gen(function*() {
        const messenger = yield* MessengerChannel.MessengerChannel
        const error = yield* Effect.flip(
          messenger.send(
            yield* Message.make({ recipient: Recipient.make({ messengerId: stranger }), content: Content.text("Hi!") })
          )
        )
        assert.strictEqual(error._tag, "Rejected")
        assert.strictEqual(error._tag === "Rejected" ? error.rejection : undefined, "NotPermitted")
        assert.strictEqual(error.providerCode, "1340")
      }).pipe(Effect.provide(environment(shape))))

    it.live(`every request sent validates against the ${shape} definition`, () =>
      Effect.gen(function*() {
        const messenger = yield* MessengerChannel.MessengerChannel
        const contents: ReadonlyArray<readonly [Content.Outbound, Record<string, string>]> = [
          [Content.text("Text"), {}],
          [Content.image("https://example.com/a.jpg"), { "messenger.category": "update" }],
          [Content.audio("https://example.com/a.mp3"), {}],
          [Content.video("https://example.com/a.mp4"), {}],
          [Content.file("https://example.com/a.pdf"), { "messenger.tag": "ACCOUNT_UPDATE" }]
        ]
        for (const [content, metadata] of contents) {
          yield* messenger.send(
            yield* Message.make({ recipient: Recipient.make({ messengerId: person }), content, metadata })
          )
        }
        const definition = yield* Contract.definition(new URL("./fixtures/specs/", import.meta.url))
        const requests = yield* Contract.messageRequests
        assert.strictEqual(requests.length, contents.length)
        for (const request of requests) {
          assert.deepStrictEqual(definition.requestErrors(request), [])
        }
        // the validator does check: a category Facebook does not know is refused
        const broken = structuredClone(requests[1]!.json) as any
        if (shape === "v1") broken.messenger.category = "broadcast"
        else broken.message.messenger.category = "broadcast"
        assert.isNotEmpty(definition.requestErrors({ ...requests[1]!, json: broken }))
      }).pipe(Effect.provide(environment(shape))))
  })
}
