import { assert, describe, it } from "@effect/vitest"
import type { ChannelError } from "@switchboard/core/ChannelError"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import { accepted, type Mode, mockedClient, sends } from "@switchboard/messages-testkit/MockMessagesApi"
import { MockHttpClient } from "@switchboard/testing"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ViberChannel from "../src/ViberChannel.js"

const recipient = Recipient.make({ phone: "+447700900000" as Phone.E164 })

const channel = (mode: Mode, options: ViberChannel.Options = {}) =>
  ViberChannel.layer({ sender: "654321", ...options }).pipe(
    Layer.provideMerge(mockedClient(mode, MockHttpClient.always(accepted)))
  )

const send = (content: Content.Outbound, fields: Partial<Parameters<typeof Message.make>[0]> = {}) =>
  Effect.gen(function*() {
    const viber = yield* ViberChannel.ViberChannel
    const receipt = yield* viber.send(yield* Message.make({ recipient, content, ...fields }))
    const [request] = sends(yield* MockHttpClient.requests).slice(-1)
    return { receipt, body: MockHttpClient.bodyJson(request!) as any }
  })

const refuse = (content: Content.Outbound, fields: Partial<Parameters<typeof Message.make>[0]> = {}) =>
  Effect.gen(function*() {
    const viber = yield* ViberChannel.ViberChannel
    const before = sends(yield* MockHttpClient.requests).length
    const error: ChannelError = yield* Effect.flip(viber.send(yield* Message.make({ recipient, content, ...fields })))
    assert.strictEqual(sends(yield* MockHttpClient.requests).length, before, "no request may be sent")
    return error
  })

describe("ViberChannel", () => {
  it.effect("v1: text with ttl and category as viber_service options", () =>
    Effect.gen(function*() {
      const { body, receipt } = yield* send(Content.text("Your parcel arrives today"))
      assert.strictEqual(receipt.channel, "viber")
      assert.deepStrictEqual(body, {
        message_type: "text",
        channel: "viber_service",
        to: "447700900000",
        from: "654321",
        client_ref: receipt.messageId,
        text: "Your parcel arrives today",
        viber_service: { category: "transaction", ttl: 600 }
      })
    }).pipe(Effect.provide(channel("vonage-basic", { category: "transaction", ttl: "10 minutes" }))))

  it.effect("v0.1: text, image and template in the nested shape", () =>
    Effect.gen(function*() {
      const text = yield* send(Content.text("Hello"), { ttl: Duration.hours(1), metadata: { "viber.category": "promotion" } })
      assert.deepStrictEqual(text.body, {
        from: { type: "viber_service_msg", id: "654321" },
        to: { type: "viber_service_msg", number: "447700900000" },
        message: {
          content: { type: "text", text: "Hello" },
          viber_service_msg: { category: "promotion", ttl: 3600 }
        },
        client_ref: text.receipt.messageId
      })
      const image = yield* send(Content.image("https://example.com/a.jpg"))
      assert.deepStrictEqual(image.body.message.content, { type: "image", image: { url: "https://example.com/a.jpg" } })
      assert.isUndefined(image.body.message.viber_service_msg)
      const template = yield* send(Content.template("verify", ["Daisy", "12345"]))
      assert.deepStrictEqual(template.body.message.content, {
        type: "template",
        template: { name: "verify", parameters: ["Daisy", "12345"] }
      })
      assert.deepStrictEqual(template.body.message.viber_service_msg, { type: "template" })
    }).pipe(Effect.provide(channel("kpn"))))

  it.effect("the message's ttl wins; above 3 days it is capped, below 30 s refused", () =>
    Effect.gen(function*() {
      const capped = yield* send(Content.text("a"), { ttl: Duration.days(7) })
      assert.strictEqual(capped.body.viber_service.ttl, 259_200)
      const own = yield* send(Content.text("b"), { ttl: Duration.seconds(45) })
      assert.strictEqual(own.body.viber_service.ttl, 45)
      const tooShort = yield* refuse(Content.text("c"), { ttl: Duration.seconds(29) })
      assert.strictEqual(tooShort._tag, "InvalidMessage")
      assert.strictEqual(tooShort._tag === "InvalidMessage" ? tooShort.field : undefined, "ttl")
    }).pipe(Effect.provide(channel("vonage-basic", { ttl: "1 hour" }))))

  it.effect("refuses an unknown category before any I/O", () =>
    Effect.gen(function*() {
      const error = yield* refuse(Content.text("a"), { metadata: { "viber.category": "marketing" } })
      assert.strictEqual(error._tag, "InvalidMessage")
    }).pipe(Effect.provide(channel("kpn"))))

  it.effect("v1 has no Viber template: refused as UnsupportedContent before any I/O; image captions go out", () =>
    Effect.gen(function*() {
      const viber = yield* ViberChannel.ViberChannel
      assert.deepStrictEqual(viber.capabilities.outbound, ["Text", "Image"])
      const error = yield* refuse(Content.template("verify", []))
      assert.strictEqual(error._tag, "UnsupportedContent")
      const image = yield* send(Content.image("https://example.com/a.jpg", { caption: "New promotion" }))
      assert.deepStrictEqual(image.body.image, { url: "https://example.com/a.jpg", caption: "New promotion" })
    }).pipe(Effect.provide(channel("vonage-basic"))))

  it.effect("v0.1 images carry no caption: refused before any I/O", () =>
    Effect.gen(function*() {
      const viber = yield* ViberChannel.ViberChannel
      assert.deepStrictEqual(viber.capabilities.outbound, ["Text", "Image", "Template"])
      const error = yield* refuse(Content.image("https://example.com/a.jpg", { caption: "x" }))
      assert.strictEqual(error._tag, "InvalidMessage")
      assert.strictEqual((yield* refuse(Content.audio("https://example.com/a.mp3")))._tag, "UnsupportedContent")
      assert.strictEqual((yield* refuse(Content.text("x".repeat(1001))))._tag, "InvalidMessage")
    }).pipe(Effect.provide(channel("kpn"))))

  it("declares the feature matrix: text, image, template out (template in v0.1 only); text and template in", () => {
    for (const api of ["v1", "v0.1"] as const) {
      const capabilities = ViberChannel.capabilities(api)
      assert.deepStrictEqual(capabilities.inbound, ["Text", "Template", "Unsupported"])
      assert.strictEqual(capabilities.maxTextLength, 1000)
      assert.strictEqual(capabilities.maxMediaBytes, 64 * 1024 * 1024)
      assert.strictEqual(capabilities.address, "phone")
      assert.deepStrictEqual(capabilities.receipts, ["delivered", "read"])
    }
  })
})
