// The README's examples, run as written, with the results its comments promise.
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { Capabilities, Channel, ChannelError, Content, Message, Phone, Receipt, Recipient, Sms, Status, Webhook } from "../src/index.js"

describe("README", () => {
  it.effect("messages, recipients and content", () =>
    Effect.gen(function*() {
      const recipient = yield* Recipient.fromPhone("06 12345678", "NL")
      const message = yield* Message.make({
        recipient,
        sender: "Acme",
        content: Content.text("Your code is 123456"),
        ttl: "10 minutes"
      })
      assert.strictEqual(message.recipient.phone, "+31612345678")
      assert.isTrue(Schema.is(Message.MessageId)(message.id))
    }))

  it("SMS encoding and segments (README and the Sms module's examples)", () => {
    assert.deepStrictEqual(Sms.analyze("Your code is 123456"), {
      encoding: "GSM-7",
      segments: 1,
      length: 19,
      charactersPerSegment: 160,
      remaining: 141,
      unicodeCharacters: []
    })
    assert.strictEqual(Sms.analyze("Total: 10€ {incl. VAT}").length, 25)
    assert.strictEqual(Sms.analyze("Price: 10€").length, 11)
    assert.deepStrictEqual(Sms.analyze("See you at 10 😀"), {
      encoding: "UCS-2",
      segments: 1,
      length: 16,
      charactersPerSegment: 70,
      remaining: 54,
      unicodeCharacters: ["😀"]
    })
    assert.deepStrictEqual(Sms.segments("a".repeat(152) + "€" + "b".repeat(10)), ["a".repeat(152), "€bbbbbbbbbb"])
    assert.deepStrictEqual(Sms.segments("a".repeat(161)), ["a".repeat(153), "a".repeat(8)])
    assert.isTrue(Sms.isGsm7("Grüße aus Köln"))
    assert.isTrue(Sms.isGsm7("Grüße"))
    const cafe = Sms.analyze("Café ☕")
    assert.deepStrictEqual([cafe.encoding, cafe.segments, cafe.unicodeCharacters], ["UCS-2", 1, ["☕"]])
  })

  it.effect("phone numbers", () =>
    Effect.gen(function*() {
      const nl = yield* Phone.parse("06 12345678", "NL")
      const de = yield* Phone.parse("+49 151 23456789")
      const gb = yield* Phone.parse("+44 7911 123456")
      assert.strictEqual(nl, "+31612345678")
      assert.strictEqual(de, "+4915123456789")
      assert.strictEqual(gb, "+447911123456")
      assert.isTrue(Phone.isDutchMobile(nl))
      assert.isFalse(Phone.isDutchMobile(de))
      const refused = Phone.parseEither("0612345678")
      assert.isTrue(Either.isLeft(refused))
      if (Either.isLeft(refused)) assert.include(refused.left.message, "\"0612345678\" has no country code")
    }))

  it("statuses", () => {
    const at = DateTime.unsafeMake("2026-01-01T10:00:00Z")
    const read = Status.make("read", DateTime.add(at, { minutes: 2 }))
    const lateSubmitted = Status.make("submitted", at, { code: "0" })
    const merged = Status.merge(read, lateSubmitted)
    assert.strictEqual(merged.state, "read")
    assert.isDefined(merged.deliveredAt)
    assert.isTrue(Status.reaches(merged.state, "delivered"))
  })

  it.effect("writing a channel adapter", () =>
    Effect.gen(function*() {
      const capabilities = Capabilities.make({
        channel: "sms.acme",
        outbound: ["Text"],
        inbound: [],
        address: "phone",
        receipts: ["delivered"],
        maxTextLength: 918
      })

      const makeAcmeSms = Channel.make(
        {
          capabilities,
          send: (message, to) =>
            Effect.gen(function*() {
              if (to.startsWith("+1900")) {
                return yield* new ChannelError.Rejected({
                  channel: "sms.acme",
                  message: "Acme refuses premium-rate numbers",
                  rejection: "InvalidRecipient"
                })
              }
              return new Receipt.Receipt({
                channel: "sms.acme",
                messageId: message.id,
                providerMessageIds: [`acme-${message.id}`],
                parts: 1,
                acceptedAt: yield* DateTime.now
              })
            })
        },
        { retry: { attempts: 3, initialDelay: "500 millis", maxDelay: "10 seconds" } }
      )

      const sms = yield* makeAcmeSms
      const message = yield* Message.make({
        recipient: yield* Recipient.fromPhone("+31612345678"),
        content: Content.text("hi")
      })
      const receipt = yield* sms.send(message)
      assert.deepStrictEqual(receipt.providerMessageIds, [`acme-${message.id}`])
      const premium = yield* Message.make({
        recipient: Recipient.make({ phone: Schema.decodeSync(Phone.E164)("+19005550100") }),
        content: Content.text("hi")
      })
      const error = yield* Effect.flip(sms.send(premium))
      assert.strictEqual(error._tag, "Rejected")
    }))

  it("webhooks", () => {
    const request: Webhook.Request = {
      method: "POST",
      url: "https://example.com/webhooks/inbound?api-key=abc",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "msisdn=31612345678&to=3197010000000&text=Hi+there"
    }
    assert.strictEqual(Webhook.header(request, "content-type"), "application/x-www-form-urlencoded")
    assert.deepStrictEqual(Webhook.params(request), {
      "api-key": "abc",
      msisdn: "31612345678",
      to: "3197010000000",
      text: "Hi there"
    })
  })
})
