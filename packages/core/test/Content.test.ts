import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Content from "../src/Content.js"

describe("Content", () => {
  it("constructors build each kind", () => {
    assert.strictEqual(Content.kind(Content.text("hi")), "Text")
    const image = Content.image("https://example.com/a.png", { caption: "A" })
    assert.strictEqual(Content.kind(image), "Image")
    assert.strictEqual(image.caption, "A")
    assert.strictEqual(Content.kind(Content.audio("https://example.com/a.mp3")), "Audio")
    assert.strictEqual(Content.kind(Content.video("https://example.com/a.mp4")), "Video")
    const file = Content.file("https://example.com/a.pdf", { name: "invoice.pdf" })
    assert.strictEqual(file.name, "invoice.pdf")
    const template = Content.template("reminder", ["Alice", "10:30"], { locale: "en_GB", policy: "deterministic" })
    assert.deepStrictEqual(template.parameters, ["Alice", "10:30"])
    assert.deepStrictEqual(Content.template("hello").parameters, [])
    assert.deepStrictEqual(Content.custom({ type: "interactive" }).payload, { type: "interactive" })
    assert.strictEqual(Content.binary("0102", { udh: "050003CC0201", protocolId: 64 }).protocolId, 64)
  })

  it("refuses invalid content at construction", () => {
    assert.throws(() => Content.text(""))
    assert.throws(() => Content.image("ftp://example.com/a.png"))
    assert.throws(() => Content.image("example.com/a.png"))
    assert.throws(() => Content.binary("abc"))
    assert.throws(() => Content.binary("zz"))
    assert.throws(() => Content.binary("00", { protocolId: 256 }))
    assert.throws(() => Content.template(" "))
  })

  it("round-trips outbound content through JSON", () => {
    const all: ReadonlyArray<Content.Outbound> = [
      Content.text("Your code is 123456 €"),
      Content.image("https://example.com/a.png", { caption: "A" }),
      Content.audio("https://example.com/a.mp3"),
      Content.video("https://example.com/a.mp4"),
      Content.file("https://example.com/a.pdf", { caption: "Invoice", name: "a.pdf" }),
      Content.template("otp", ["123456"], { locale: "nl" }),
      Content.custom({ type: "interactive", buttons: [1, 2] }),
      Content.binary("0102", { udh: "0500030A0201" })
    ]
    const encode = Schema.encodeSync(Content.Outbound)
    const decode = Schema.decodeUnknownSync(Content.Outbound)
    for (const content of all) {
      const json = JSON.parse(JSON.stringify(encode(content)))
      const decoded = decode(json)
      assert.strictEqual(decoded._tag, content._tag)
      assert.deepStrictEqual(encode(decoded), encode(content))
    }
  })

  it("keeps inbound-only kinds out of outbound content", () => {
    const location = { _tag: "Location", latitude: 52.37, longitude: 4.89, name: "Amsterdam" }
    assert.isTrue(Either.isRight(Schema.decodeUnknownEither(Content.Inbound)(location)))
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Content.Outbound)(location)))
    assert.isTrue(Either.isRight(Schema.decodeUnknownEither(Content.Inbound)({ _tag: "Unsupported" })))
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Content.Inbound)({ ...location, latitude: 91 })))
  })

  it("ContentKind lists every tag of both unions", () => {
    const tags = new Set([
      ...Content.Outbound.members.map((m) => m.identifier.split("/").pop()),
      ...Content.Inbound.members.map((m) => m.identifier.split("/").pop())
    ])
    assert.deepStrictEqual([...tags].sort(), [...Content.ContentKind.literals].sort())
  })
})
