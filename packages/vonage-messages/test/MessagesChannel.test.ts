import { assert, describe, it } from "@effect/vitest"
import * as Capabilities from "@switchboard/core/Capabilities"
import { type ChannelError, Rejected } from "@switchboard/core/ChannelError"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import { MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as MessagesChannel from "../src/MessagesChannel.js"
import * as VonageMessagesClient from "../src/VonageMessagesClient.js"
import { clientLayer, type Mode } from "./helpers.js"

const accepted = MockHttpClient.json({ message_uuid: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" }, { status: 202 })

const definition = (overrides: Partial<MessagesChannel.Definition> = {}): MessagesChannel.Definition => ({
  channel: "sms",
  capabilities: () =>
    Capabilities.make({
      channel: VonageMessagesClient.channelId("sms"),
      outbound: ["Text", "Image", "File"],
      inbound: ["Text"],
      address: "phone",
      receipts: ["delivered"],
      maxTextLength: 1000
    }),
  sender: "+447700900001",
  payload: (content, context) =>
    content._tag === "Text"
      ? Effect.succeed({ type: "text", text: content.text } as const)
      : content._tag === "Image" || content._tag === "File"
      ? MessagesChannel.media(context, content, { caption: content._tag === "Image", name: false })
      : Effect.fail(MessagesChannel.unsupported(context, content)),
  ...overrides
})

const recipient = Recipient.make({ phone: "+31612345678" as Phone.E164 })

const sends = Effect.map(MockHttpClient.requests, (requests) =>
  requests.filter((request) => request.path.endsWith("/messages")).map((request) => MockHttpClient.bodyJson(request) as any))

const run = (mode: Mode, overrides: Partial<MessagesChannel.Definition> = {}) =>
<A, E>(body: (channel: Effect.Effect.Success<ReturnType<typeof MessagesChannel.make>>) => Effect.Effect<A, E, MockHttpClient.MockHttpClient>) =>
  Effect.flatMap(MessagesChannel.make(definition(overrides)), body).pipe(
    Effect.provide(clientLayer(mode, MockHttpClient.always(accepted)))
  )

describe("MessagesChannel", () => {
  it.effect("sends from the default sender without '+', with the message id as client_ref, and returns a receipt", () =>
    run("vonage-basic")((channel) =>
      Effect.gen(function*() {
        const message = yield* Message.make({ recipient, content: Content.text("Hi") })
        const receipt = yield* channel.send(message)
        assert.strictEqual(receipt.channel, "sms.vonage-messages")
        assert.strictEqual(receipt.messageId, message.id)
        assert.deepStrictEqual(receipt.providerMessageIds, ["aaaaaaaa-bbbb-cccc-dddd-0123456789ab"])
        assert.strictEqual(receipt.parts, 1)
        const [body] = yield* sends
        assert.strictEqual(body.from, "447700900001")
        assert.strictEqual(body.to, "31612345678")
        assert.strictEqual(body.client_ref, message.id)
      })
    ))

  it.effect("the message's sender and clientReference win", () =>
    run("kpn")((channel) =>
      Effect.gen(function*() {
        yield* channel.send(
          yield* Message.make({ recipient, content: Content.text("Hi"), sender: "Acme", clientReference: "order-77" })
        )
        const [body] = yield* sends
        assert.deepStrictEqual(body.from, { type: "sms", number: "Acme" })
        assert.strictEqual(body.client_ref, "order-77")
      })
    ))

  it.effect("v0.1 takes 40 characters of client reference: a longer reference is refused, a longer id left out", () =>
    run("kpn")((channel) =>
      Effect.gen(function*() {
        const long = yield* Effect.flip(
          channel.send(yield* Message.make({ recipient, content: Content.text("Hi"), clientReference: "r".repeat(41) }))
        )
        assert.strictEqual(long._tag === "InvalidMessage" ? long.field : undefined, "clientReference")
        assert.strictEqual((yield* sends).length, 0)
        yield* channel.send(
          yield* Message.make({ id: "i".repeat(50) as Message.MessageId, recipient, content: Content.text("Hi") })
        )
        const [body] = yield* sends
        assert.isUndefined(body.client_ref)
      })
    ))

  it.effect("no sender at all is InvalidMessage before any I/O", () =>
    run("vonage-basic", { sender: undefined })((channel) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(channel.validate(yield* Message.make({ recipient, content: Content.text("Hi") })))
        assert.strictEqual(error._tag === "InvalidMessage" ? error.field : undefined, "sender")
        assert.strictEqual((yield* sends).length, 0)
      })
    ))

  it.effect("media: a caption or name the channel cannot carry is refused, never dropped", () =>
    run("vonage-basic")((channel) =>
      Effect.gen(function*() {
        yield* channel.send(
          yield* Message.make({ recipient, content: Content.image("https://example.com/a.jpg", { caption: "A" }) })
        )
        const named = yield* Effect.flip(
          channel.send(yield* Message.make({ recipient, content: Content.file("https://example.com/a.pdf", { name: "a.pdf" }) }))
        )
        assert.strictEqual(named._tag === "InvalidMessage" ? named.field : undefined, "content.name")
        const [body] = yield* sends
        assert.deepStrictEqual(body.image, { url: "https://example.com/a.jpg", caption: "A" })
        assert.strictEqual((yield* sends).length, 1)
      })
    ))

  it.effect("refineError rewrites provider errors; validate runs the channel's own rules", () =>
    Effect.gen(function*() {
      const calls: Array<string> = []
      const refined = definition({
        validate: (message, to) => Effect.sync(() => void calls.push(`${message.content._tag} to ${to}`)),
        refineError: (error: ChannelError) =>
          new Rejected({ channel: error.channel, rejection: "NotPermitted", message: "refined", providerCode: error.providerCode })
      })
      const channel = yield* MessagesChannel.make(refined)
      const error = yield* Effect.flip(channel.send(yield* Message.make({ recipient, content: Content.text("Hi") })))
      assert.strictEqual(error.message, "refined")
      assert.strictEqual(error.providerCode, "1240")
      assert.deepStrictEqual(calls, ["Text to +31612345678"])
    }).pipe(
      Effect.provide(
        clientLayer(
          "vonage-basic",
          MockHttpClient.always(
            MockHttpClient.json({ type: "https://developer.vonage.com/api-errors/messages#1240", title: "Illegal Number", detail: "x", instance: "y" }, { status: 422 })
          )
        )
      )
    ))

  it.effect("metadata options are trimmed and empty ones ignored", () =>
    Effect.gen(function*() {
      const message = yield* Message.make({
        recipient,
        content: Content.text("Hi"),
        metadata: { "viber.category": " promotion ", "messenger.tag": "  " }
      })
      assert.strictEqual(MessagesChannel.metadata(message, "viber.category"), "promotion")
      assert.isUndefined(MessagesChannel.metadata(message, "messenger.tag"))
      assert.isUndefined(MessagesChannel.metadata(message, "absent"))
      assert.strictEqual(MessagesChannel.address(" +447700900000"), "447700900000")
    }))
})
