import { assert, describe, it } from "@effect/vitest"
import { Content, Message, type Phone, Recipient, Sms } from "@switchboard/core"
import { MockHttpClient } from "@switchboard/testing"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { KpnSmsChannel } from "../src/index.js"
import { accepted, channelLayer, setSmsHandler, smsRequests } from "./support/kpn.js"

const to = (phone: string) => Recipient.make({ phone: phone as Phone.E164 })

const message = (fields: Partial<Parameters<typeof Message.make>[0]> = {}) =>
  Message.make({ recipient: to("+31612345678"), content: Content.text("Your code is 123456"), ...fields })

describe("KpnSmsChannel", () => {
  it("declares Text in and out, phone addresses, 1000 characters, delivered only with a webhook URL", () => {
    const without = KpnSmsChannel.capabilities()
    assert.strictEqual(without.channel, "sms.kpn")
    assert.deepStrictEqual(without.outbound, ["Text"])
    assert.deepStrictEqual(without.inbound, ["Text"])
    assert.strictEqual(without.address, "phone")
    assert.strictEqual(without.maxTextLength, 1000)
    assert.deepStrictEqual(without.receipts, [])
    assert.deepStrictEqual(KpnSmsChannel.capabilities({ webhookUrl: "https://example.com/dlr" }).receipts, ["delivered"])
  })

  it.effect("sends a text and returns KPN's document id as the receipt", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("b4e905d4-774c-4c83-8360-01427e17a33a"))
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      assert.deepStrictEqual(channel.capabilities.receipts, ["delivered"])
      const text = "€".repeat(81) // 162 septets: two GSM-7 segments
      const msg = yield* message({ content: Content.text(text), ttl: Duration.minutes(5), sender: "Pharmacy" })
      const receipt = yield* channel.send(msg)
      assert.strictEqual(receipt.channel, "sms.kpn")
      assert.strictEqual(receipt.messageId, msg.id)
      assert.deepStrictEqual(receipt.providerMessageIds, ["b4e905d4-774c-4c83-8360-01427e17a33a"])
      assert.strictEqual(receipt.parts, Sms.countSegments(text))
      assert.strictEqual(receipt.parts, 2)
      const [request] = yield* smsRequests
      assert.deepStrictEqual(MockHttpClient.bodyJson(request!), {
        sender: "Pharmacy",
        messages: [{ mobile_number: "+31612345678", content: text }],
        webhook_url: "https://example.com/kpn/dlr",
        expirein: "300"
      })
    }).pipe(Effect.provide(channelLayer({ webhookUrl: "https://example.com/kpn/dlr", sender: "Default" }))))

  it.effect("uses the default sender, or none, when the message has none", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("doc"))
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      yield* channel.send(yield* message())
      const [request] = yield* smsRequests
      assert.strictEqual((MockHttpClient.bodyJson(request!) as any).sender, "Default")
      assert.strictEqual((MockHttpClient.bodyJson(request!) as any).webhook_url, undefined)
    }).pipe(Effect.provide(channelLayer({ sender: "Default" }))))

  it.effect("accepts the 097 range", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("doc"))
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      yield* channel.send(yield* message({ recipient: to("+3197012345678") }))
      assert.strictEqual((MockHttpClient.bodyJson((yield* smsRequests)[0]!) as any).messages[0].mobile_number, "+3197012345678")
    }).pipe(Effect.provide(channelLayer())))

  it.effect("refuses before any I/O what KPN cannot send", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("never"))
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      const cases: Array<[Message.Message, string, string | undefined]> = [
        [yield* message({ recipient: to("+447911123456") }), "Unaddressable", undefined],
        [yield* message({ recipient: to("+31201234567") }), "Unaddressable", undefined],
        [yield* message({ recipient: to("+31601234567") }), "Unaddressable", undefined],
        [yield* message({ recipient: to("+31671234567") }), "Unaddressable", undefined],
        [yield* message({ recipient: to("+31691234567") }), "Unaddressable", undefined],
        [yield* message({ recipient: Recipient.make({ messengerId: "5234567890123456" }) }), "Unaddressable", undefined],
        [yield* message({ sender: "TwelveLetter" }), "InvalidMessage", "sender"],
        [yield* message({ content: Content.text("x".repeat(1001)) }), "InvalidMessage", "content.text"],
        [yield* message({ content: Content.image("https://example.com/a.png") }), "UnsupportedContent", undefined],
        [yield* message({ content: Content.binary("0a0b") }), "UnsupportedContent", undefined],
        [yield* message({ content: Content.template("otp", ["1"]) }), "UnsupportedContent", undefined]
      ]
      for (const [msg, tag, field] of cases) {
        const sent = yield* Effect.flip(channel.send(msg))
        assert.strictEqual(sent._tag, tag)
        const validated = yield* Effect.flip(channel.validate(msg))
        assert.strictEqual(validated._tag, tag)
        if (field !== undefined) assert.strictEqual(sent._tag === "InvalidMessage" ? sent.field : undefined, field)
      }
      assert.strictEqual((yield* MockHttpClient.requests).length, 0)
      assert.strictEqual(yield* channel.validate(yield* message({ content: Content.text("x".repeat(1000)) })), "+31612345678")
    }).pipe(Effect.provide(channelLayer({ sender: "Default" }))))

  it.effect("refuses a too-long default sender before any I/O", () =>
    Effect.gen(function*() {
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      const error = yield* Effect.flip(channel.send(yield* message()))
      assert.strictEqual(error._tag === "InvalidMessage" ? error.field : undefined, "sender")
      assert.strictEqual((yield* MockHttpClient.requests).length, 0)
    }).pipe(Effect.provide(channelLayer({ sender: "MuchTooLongSender" }))))

  it.effect("retries a rate limit after KPN's Retry-After, not before", () =>
    Effect.gen(function*() {
      let n = 0
      yield* setSmsHandler(() =>
        ++n === 1 ? MockHttpClient.json({}, { status: 429, headers: { "retry-after": "5" } }) : accepted("doc-2")
      )
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      const fiber = yield* Effect.fork(channel.send(yield* message()))
      yield* TestClock.adjust("4 seconds")
      assert.strictEqual((yield* smsRequests).length, 1)
      yield* TestClock.adjust("1 second")
      const receipt = yield* Fiber.join(fiber)
      assert.deepStrictEqual(receipt.providerMessageIds, ["doc-2"])
      assert.strictEqual((yield* smsRequests).length, 2)
    }).pipe(Effect.provide(channelLayer())))

  it.effect("retries an outage with backoff and gives up after the attempts", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => MockHttpClient.json({ errorResponse: { code: "503", message: "down" } }, { status: 503 }))
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      const fiber = yield* Effect.fork(Effect.flip(channel.send(yield* message())))
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ProviderUnavailable")
      assert.strictEqual((yield* smsRequests).length, 3)
    }).pipe(Effect.provide(channelLayer())))

  it.effect("does not retry what is not retryable", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => MockHttpClient.json({ errorResponse: { code: "403", message: "Forbidden" } }, { status: 403 }))
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      const error = yield* Effect.flip(channel.send(yield* message()))
      assert.strictEqual(error._tag, "Rejected")
      assert.strictEqual((yield* smsRequests).length, 1)
    }).pipe(Effect.provide(channelLayer())))

  it.effect("retry: false hands a rate limit straight back", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => MockHttpClient.json({}, { status: 429, headers: { "retry-after": "30" } }))
      const channel = yield* KpnSmsChannel.KpnSmsChannel
      const error = yield* Effect.flip(channel.send(yield* message()))
      assert.strictEqual(error._tag === "RateLimited" ? error.retryAfterMillis : undefined, 30_000)
      assert.strictEqual((yield* smsRequests).length, 1)
    }).pipe(Effect.provide(channelLayer({ retry: false }))))

  describe("configuration", () => {
    const load = (env: Record<string, string>) =>
      Effect.withConfigProvider(KpnSmsChannel.config, ConfigProvider.fromMap(new Map(Object.entries(env))))

    it.effect("reads the sender, webhook URL and retries from the environment", () =>
      Effect.gen(function*() {
        const none = yield* load({})
        assert.strictEqual(none.sender, undefined)
        assert.strictEqual(none.webhookUrl, undefined)
        assert.deepStrictEqual(none.retry, { ...KpnSmsChannel.defaultRetry, initialDelay: Duration.seconds(1) })
        const all = yield* load({
          KPN_SMS_SENDER: "Switchboard",
          KPN_SMS_WEBHOOK_URL: "https://example.com/kpn/dlr",
          KPN_SMS_RETRY_ATTEMPTS: "5",
          KPN_SMS_RETRY_DELAY: "2 seconds"
        })
        assert.strictEqual(all.sender, "Switchboard")
        assert.strictEqual(all.webhookUrl, "https://example.com/kpn/dlr")
        assert.strictEqual(all.retry === false ? 0 : all.retry?.attempts, 5)
        assert.strictEqual((yield* load({ KPN_SMS_RETRY_ATTEMPTS: "1" })).retry, false)
        assert.include(String(yield* Effect.flip(load({ KPN_SMS_SENDER: "MuchTooLongSender" }))), "KPN_SMS_SENDER")
        assert.include(String(yield* Effect.flip(load({ KPN_SMS_WEBHOOK_URL: "nope" }))), "KPN_SMS_WEBHOOK_URL")
      }))
  })
})
