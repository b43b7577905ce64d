import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as Capabilities from "../src/Capabilities.js"
import * as Content from "../src/Content.js"

const sms = Capabilities.make({
  channel: "sms.test",
  outbound: ["Text", "Binary"],
  inbound: ["Text", "Binary"],
  address: "phone",
  receipts: ["delivered"],
  maxTextLength: 20
})

const whatsapp = Capabilities.make({
  channel: "whatsapp.test",
  outbound: ["Text", "Image", "Template"],
  inbound: ["Text", "Image", "Location"],
  address: "phone",
  receipts: ["delivered", "read"],
  maxTextLength: 10,
  maxMediaBytes: 5_000_000,
  templateRequiredOutside: "24 hours"
})

describe("Capabilities", () => {
  it.effect("check accepts content the channel carries, up to the text limit", () =>
    Effect.gen(function*() {
      yield* Capabilities.check(sms, Content.text("x".repeat(20)))
      yield* Capabilities.check(sms, Content.binary("0102", { udh: "050003CC0201" }))
      yield* Capabilities.check(whatsapp, Content.image("https://example.com/a.png", { caption: "0123456789" }))
      yield* Capabilities.check(whatsapp, Content.template("reminder", ["Alice"]))
    }))

  it.effect("check refuses content kinds the channel does not send with UnsupportedContent", () =>
    Effect.gen(function*() {
      const refused: ReadonlyArray<Content.Outbound> = [
        Content.image("https://example.com/a.png"),
        Content.audio("https://example.com/a.mp3"),
        Content.video("https://example.com/a.mp4"),
        Content.file("https://example.com/a.pdf", { name: "a.pdf" }),
        Content.template("otp", ["123456"]),
        Content.custom({ type: "interactive" })
      ]
      for (const content of refused) {
        const error = yield* Effect.flip(Capabilities.check(sms, content))
        assert.strictEqual(error._tag, "UnsupportedContent")
        if (error._tag === "UnsupportedContent") {
          assert.strictEqual(error.content, content._tag)
          assert.strictEqual(error.channel, "sms.test")
          assert.include(error.message, `cannot send ${content._tag}`)
          assert.isFalse(error.retryable)
        }
      }
    }))

  it.effect("check refuses text and captions over the limit with InvalidMessage naming the field", () =>
    Effect.gen(function*() {
      const long = yield* Effect.flip(Capabilities.check(sms, Content.text("x".repeat(21))))
      assert.strictEqual(long._tag, "InvalidMessage")
      if (long._tag === "InvalidMessage") {
        assert.strictEqual(long.field, "content.text")
        assert.include(long.message, "at most 20 characters")
        assert.include(long.message, "has 21")
      }
      const caption = yield* Effect.flip(
        Capabilities.check(whatsapp, Content.image("https://example.com/a.png", { caption: "01234567890" }))
      )
      assert.strictEqual(caption._tag, "InvalidMessage")
      if (caption._tag === "InvalidMessage") assert.strictEqual(caption.field, "content.caption")
    }))

  it("check performs no I/O: its answer is ready synchronously", () => {
    const exit = Effect.runSyncExit(Capabilities.check(sms, Content.image("https://example.com/a.png")))
    assert.isTrue(Exit.isFailure(exit))
  })

  it("sends and reports answer from the declared data", () => {
    assert.isTrue(Capabilities.sends(sms, "Text"))
    assert.isFalse(Capabilities.sends(sms, "Image"))
    assert.isTrue(Capabilities.reports(whatsapp, "read"))
    assert.isFalse(Capabilities.reports(sms, "read"))
  })

  it("make decodes the care window into a Duration and leaves unset limits out", () => {
    assert.isTrue(Duration.equals(whatsapp.templateRequiredOutside!, Duration.hours(24)))
    assert.isUndefined(sms.templateRequiredOutside)
    assert.isUndefined(sms.maxMediaBytes)
  })

  it("round-trips through its schema", () => {
    const encoded = Schema.encodeSync(Capabilities.Capabilities)(whatsapp)
    assert.strictEqual(encoded.templateRequiredOutside, 24 * 60 * 60 * 1000)
    const decoded = Schema.decodeUnknownSync(Capabilities.Capabilities)(JSON.parse(JSON.stringify(encoded)))
    assert.deepStrictEqual(Schema.encodeSync(Capabilities.Capabilities)(decoded), encoded)
  })
})
