import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Content from "../src/Content.js"
import * as Message from "../src/Message.js"
import * as Recipient from "../src/Recipient.js"

describe("Message", () => {
  it.effect("make generates a fresh, valid id when none is given", () =>
    Effect.gen(function*() {
      const recipient = yield* Recipient.fromPhone("06 12345678", "NL")
      const a = yield* Message.make({ recipient, content: Content.text("one") })
      const b = yield* Message.make({ recipient, content: Content.text("two") })
      assert.isTrue(Schema.is(Message.MessageId)(a.id))
      assert.match(a.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      assert.notStrictEqual(a.id, b.id)
    }))

  it.effect("make keeps the given id and optional fields", () =>
    Effect.gen(function*() {
      const id = Schema.decodeSync(Message.MessageId)("order-1234:otp")
      const message = yield* Message.make({
        id,
        recipient: yield* Recipient.fromPhone("+447911123456"),
        sender: "Switchboard",
        content: Content.text("Your code is 123456"),
        ttl: "10 minutes",
        clientReference: "ref-1",
        metadata: { tenant: "acme" }
      })
      assert.strictEqual(message.id, "order-1234:otp")
      assert.strictEqual(message.sender, "Switchboard")
      assert.isTrue(Duration.equals(message.ttl!, Duration.minutes(10)))
      assert.deepStrictEqual(message.metadata, { tenant: "acme" })
    }))

  it("MessageId refuses ids that do not fit providers' reference fields", () => {
    const decode = Schema.decodeUnknownEither(Message.MessageId)
    for (const bad of ["", "has space", "x".repeat(65), "emoji😀", "slash/path", "ü", 42]) {
      const result = decode(bad)
      assert.isTrue(Either.isLeft(result), String(bad))
    }
    const refused = decode("has space")
    if (Either.isLeft(refused)) assert.include(refused.left.message, "1 to 64 characters")
    for (const good of ["a", "x".repeat(64), "A-Z.a_z:0-9"]) assert.isTrue(Either.isRight(decode(good)), good)
  })

  it.effect("round-trips through its schema and JSON", () =>
    Effect.gen(function*() {
      const message = yield* Message.make({
        recipient: Recipient.make({ messengerId: "5234567890123456" }),
        content: Content.image("https://example.com/a.png", { caption: "hi" }),
        ttl: Duration.seconds(90)
      })
      const encoded = Schema.encodeSync(Message.Message)(message)
      assert.strictEqual(encoded.ttl, 90_000)
      const decoded = Schema.decodeUnknownSync(Message.Message)(JSON.parse(JSON.stringify(encoded)))
      assert.deepStrictEqual(Schema.encodeSync(Message.Message)(decoded), encoded)
    }))

  it("refuses a blank sender and a client reference over 100 characters", () => {
    const recipient = Recipient.make({ viberId: "v1" })
    const id = Schema.decodeSync(Message.MessageId)("m1")
    assert.throws(() => new Message.Message({ id, recipient, content: Content.text("x"), sender: "  " }))
    assert.throws(() =>
      new Message.Message({ id, recipient, content: Content.text("x"), clientReference: "r".repeat(101) })
    )
  })
})

describe("Message.make validation", () => {
  it.effect("refuses what the constructor refuses, whatever fields skip their second check", () =>
    Effect.gen(function*() {
      const recipient = Recipient.make({ viberId: "v1" })
      const content = Content.text("x")
      const defects = [
        { recipient, content, sender: "  " },
        { recipient, content, sender: " padded" },
        { recipient, content, clientReference: "r".repeat(101) },
        { recipient, content, id: "not an id!" as Message.MessageId },
        { recipient, content, metadata: { key: 1 as unknown as string } },
        { recipient: { viberId: "" } as unknown as Recipient.Recipient, content },
        { recipient, content: { _tag: "Text", text: "" } as unknown as Content.Text }
      ]
      for (const fields of defects) {
        const exit = yield* Effect.exit(Message.make(fields))
        assert.isTrue(exit._tag === "Failure", JSON.stringify(fields))
      }
      const ok = yield* Message.make({ recipient, content, sender: "Acme", clientReference: "r".repeat(100), metadata: { a: "b" } })
      assert.strictEqual(ok.sender, "Acme")
      assert.isTrue(Schema.is(Message.Message)(ok))
    }))

  it("Content.text refuses empty text", () => {
    assert.throws(() => Content.text(""))
  })
})

describe("Recipient", () => {
  it.effect("fromPhone parses into E.164 and fails with InvalidMessage", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* Recipient.fromPhone("0151 23456789", "DE")).phone, "+4915123456789")
      const error = yield* Effect.flip(Recipient.fromPhone("12"))
      assert.strictEqual(error._tag, "InvalidMessage")
    }))

  it.effect("address resolves each kind, or None", () =>
    Effect.gen(function*() {
      const { phone } = yield* Recipient.fromPhone("+31612345678")
      const both = Recipient.make({ phone, messengerId: "psid-1" })
      assert.deepStrictEqual(Recipient.address(both, "phone"), Option.some("+31612345678"))
      assert.deepStrictEqual(Recipient.address(both, "messenger"), Option.some("psid-1"))
      assert.isTrue(Option.isNone(Recipient.address(both, "viber")))
      assert.deepStrictEqual(Recipient.addressKinds(both), ["phone", "messenger"])
      assert.deepStrictEqual(Recipient.addressKinds(Recipient.make({})), [])
    }))
})
