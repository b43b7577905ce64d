import { assert, describe, it } from "@effect/vitest"
import type { ChannelError } from "@switchboard/core/ChannelError"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import { accepted, type Mode, mockedClient, sends } from "@switchboard/messages-testkit/MockMessagesApi"
import { MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as MessengerChannel from "../src/MessengerChannel.js"

const psid = "5234567890123456"
const page = "107083064136738"
const recipient = Recipient.make({ messengerId: psid })

const channel = (mode: Mode, options: MessengerChannel.Options = {}, handler = MockHttpClient.always(accepted)) =>
  MessengerChannel.layer({ sender: page, ...options }).pipe(Layer.provideMerge(mockedClient(mode, handler)))

const send = (content: Content.Outbound, fields: Partial<Parameters<typeof Message.make>[0]> = {}) =>
  Effect.gen(function*() {
    const messenger = yield* MessengerChannel.MessengerChannel
    const receipt = yield* messenger.send(yield* Message.make({ recipient, content, ...fields }))
    const [request] = sends(yield* MockHttpClient.requests).slice(-1)
    return { receipt, body: MockHttpClient.bodyJson(request!) as any }
  })

const refuse = (content: Content.Outbound, fields: Partial<Parameters<typeof Message.make>[0]> = {}) =>
  Effect.gen(function*() {
    const messenger = yield* MessengerChannel.MessengerChannel
    const before = sends(yield* MockHttpClient.requests).length
    const error: ChannelError = yield* Effect.flip(
      messenger.send(yield* Message.make({ recipient, content, ...fields }))
    )
    assert.strictEqual(sends(yield* MockHttpClient.requests).length, before, "no request may be sent")
    return error
  })

describe("MessengerChannel", () => {
  it.effect("addresses people by PSID: a phone number alone is Unaddressable, before any I/O", () =>
    Effect.gen(function*() {
      const messenger = yield* MessengerChannel.MessengerChannel
      const byPhone = yield* Message.make({
        recipient: Recipient.make({ phone: "+447700900000" as Phone.E164 }),
        content: Content.text("Hello")
      })
      const error = yield* Effect.flip(messenger.send(byPhone))
      assert.strictEqual(error._tag, "Unaddressable")
      assert.strictEqual(error._tag === "Unaddressable" ? error.address : undefined, "messenger")
      assert.strictEqual(sends(yield* MockHttpClient.requests).length, 0)
    }).pipe(Effect.provide(channel("vonage-basic"))))

  it.effect("v1: text to the PSID from the page", () =>
    Effect.gen(function*() {
      const { body, receipt } = yield* send(Content.text("Thanks for your message!"))
      assert.deepStrictEqual(body, {
        message_type: "text",
        channel: "messenger",
        to: psid,
        from: page,
        client_ref: receipt.messageId,
        text: "Thanks for your message!"
      })
    }).pipe(Effect.provide(channel("vonage-basic"))))

  it.effect("v0.1: ids on both sides, media without captions, category and tag", () =>
    Effect.gen(function*() {
      const { body } = yield* send(Content.video("https://example.com/a.mp4"), {
        metadata: { "messenger.tag": "CONFIRMED_EVENT_UPDATE" }
      })
      assert.deepStrictEqual(body.from, { type: "messenger", id: page })
      assert.deepStrictEqual(body.to, { type: "messenger", id: psid })
      assert.deepStrictEqual(body.message, {
        content: { type: "video", video: { url: "https://example.com/a.mp4" } },
        messenger: { category: "message_tag", tag: "CONFIRMED_EVENT_UPDATE" }
      })
    }).pipe(Effect.provide(channel("kpn"))))

  it.effect("categories: the channel's default, overridden per message; message_tag needs a tag", () =>
    Effect.gen(function*() {
      const update = yield* send(Content.text("a"))
      assert.deepStrictEqual(update.body.messenger, { category: "update" })
      const response = yield* send(Content.text("b"), { metadata: { "messenger.category": "response" } })
      assert.deepStrictEqual(response.body.messenger, { category: "response" })
      const noTag = yield* refuse(Content.text("c"), { metadata: { "messenger.category": "message_tag" } })
      assert.strictEqual(noTag._tag === "InvalidMessage" ? noTag.field : undefined, "metadata.messenger.tag")
      const bogus = yield* refuse(Content.text("d"), { metadata: { "messenger.category": "broadcast" } })
      assert.strictEqual(bogus._tag, "InvalidMessage")
    }).pipe(Effect.provide(channel("vonage-basic", { category: "update" }))))

  it.effect("refuses before any I/O what Messenger cannot carry", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* refuse(Content.image("https://example.com/a.jpg", { caption: "x" })))._tag, "InvalidMessage")
      assert.strictEqual((yield* refuse(Content.file("https://example.com/a.pdf", { name: "a.pdf" })))._tag, "InvalidMessage")
      assert.strictEqual((yield* refuse(Content.template("t", [])))._tag, "UnsupportedContent")
      assert.strictEqual((yield* refuse(Content.text("x".repeat(641))))._tag, "InvalidMessage")
      yield* send(Content.text("x".repeat(640)))
    }).pipe(Effect.provide(channel("vonage-basic"))))

  for (const mode of ["vonage-basic", "kpn"] as const) {
    it.effect(`a business cannot start a conversation: Facebook's refusal (1340) is Rejected/NotPermitted (${mode})`, () =>
      Effect.gen(function*() {
        const messenger = yield* MessengerChannel.MessengerChannel
        const error = yield* Effect.flip(messenger.send(yield* Message.make({ recipient, content: Content.text("Hi!") })))
        assert.strictEqual(error._tag, "Rejected")
        assert.strictEqual(error._tag === "Rejected" ? error.rejection : undefined, "NotPermitted")
        assert.strictEqual(error.providerCode, "1340")
        assert.include(error.message, "only answer people who wrote to it first")
        assert.strictEqual(error.channel, "messenger")
      }).pipe(
        Effect.provide(
          channel(
            mode,
            {},
            MockHttpClient.always(
              mode === "vonage-basic"
                ? MockHttpClient.json({
                  type: "https://developer.vonage.com/api-errors/messages#1340",
                  title: "Outside of the allowed window",
                  detail: "This message is sent outside of allowed response window.",
                  instance: "bf0ca0bf927b3b52e3cb03217e1a1ddf"
                }, { status: 422 })
                : MockHttpClient.json({ code: 1340, reason: "Outside of the allowed window" }, { status: 400 })
            )
          )
        )
      ))
  }

  it("declares the feature matrix (without the outbound template no definition carries)", () => {
    const capabilities = MessengerChannel.capabilities
    assert.deepStrictEqual(capabilities.outbound, ["Text", "Image", "Audio", "Video", "File"])
    assert.deepStrictEqual(capabilities.inbound, ["Text", "Image", "Audio", "Video", "File", "Template", "Unsupported"])
    assert.strictEqual(capabilities.maxTextLength, 640)
    assert.strictEqual(capabilities.maxMediaBytes, 64 * 1024 * 1024)
    assert.strictEqual(capabilities.address, "messenger")
  })
})
