import { assert, describe, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import * as Sms from "../src/Sms.js"

// The GSM 7-bit default alphabet, written out independently from 3GPP TS 23.038 §6.2.1: septet → Unicode
// code point, for every position that is not the same as ASCII. 0x1B is the escape to the extension table.
const basicExceptions: Record<number, number> = {
  0x00: 0x0040, // @
  0x01: 0x00a3, // £
  0x02: 0x0024, // $
  0x03: 0x00a5, // ¥
  0x04: 0x00e8, // è
  0x05: 0x00e9, // é
  0x06: 0x00f9, // ù
  0x07: 0x00ec, // ì
  0x08: 0x00f2, // ò
  0x09: 0x00c7, // Ç
  0x0a: 0x000a, // line feed
  0x0b: 0x00d8, // Ø
  0x0c: 0x00f8, // ø
  0x0d: 0x000d, // carriage return
  0x0e: 0x00c5, // Å
  0x0f: 0x00e5, // å
  0x10: 0x0394, // Δ GREEK CAPITAL LETTER DELTA
  0x11: 0x005f, // _
  0x12: 0x03a6, // Φ
  0x13: 0x0393, // Γ
  0x14: 0x039b, // Λ
  0x15: 0x03a9, // Ω GREEK CAPITAL LETTER OMEGA (not the ohm sign)
  0x16: 0x03a0, // Π
  0x17: 0x03a8, // Ψ
  0x18: 0x03a3, // Σ
  0x19: 0x0398, // Θ
  0x1a: 0x039e, // Ξ
  0x1c: 0x00c6, // Æ
  0x1d: 0x00e6, // æ
  0x1e: 0x00df, // ß
  0x1f: 0x00c9, // É
  0x24: 0x00a4, // ¤ (not $)
  0x40: 0x00a1, // ¡ (not @)
  0x5b: 0x00c4, // Ä
  0x5c: 0x00d6, // Ö
  0x5d: 0x00d1, // Ñ
  0x5e: 0x00dc, // Ü
  0x5f: 0x00a7, // §
  0x60: 0x00bf, // ¿
  0x7b: 0x00e4, // ä
  0x7c: 0x00f6, // ö
  0x7d: 0x00f1, // ñ
  0x7e: 0x00fc, // ü
  0x7f: 0x00e0 // à
}

const basicTable: ReadonlyArray<string> = Array.from({ length: 128 }, (_, septet) => septet)
  .filter((septet) => septet !== 0x1b)
  .map((septet) => String.fromCodePoint(basicExceptions[septet] ?? septet))

// Extension table (after the escape septet 0x1B): septet → code point.
const extensionTable: ReadonlyArray<string> = [
  [0x0a, 0x000c], // form feed
  [0x14, 0x005e], // ^
  [0x28, 0x007b], // {
  [0x29, 0x007d], // }
  [0x2f, 0x005c], // \
  [0x3c, 0x005b], // [
  [0x3d, 0x007e], // ~
  [0x3e, 0x005d], // ]
  [0x40, 0x007c], // |
  [0x65, 0x20ac] // €
].map(([, codePoint]) => String.fromCodePoint(codePoint!))

const septetsOf = (text: string): number => {
  let n = 0
  for (const char of text) n += extensionTable.includes(char) ? 2 : 1
  return n
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff

describe("Sms", () => {
  describe("alphabet", () => {
    it("has exactly the 127 characters of the GSM 03.38 basic table", () => {
      assert.deepStrictEqual(Array.from(Sms.basicCharacters), basicTable)
    })

    it("has exactly the 10 characters of the GSM 03.38 extension table", () => {
      assert.deepStrictEqual([...Array.from(Sms.extensionCharacters)].sort(), [...extensionTable].sort())
    })

    it("is GSM-7 for every character of both tables", () => {
      assert.isTrue(Sms.isGsm7(basicTable.join("") + extensionTable.join("")))
      for (const char of basicTable) assert.strictEqual(Sms.septets(char), 1, JSON.stringify(char))
    })

    it("counts each extension character as two septets", () => {
      for (const char of extensionTable) {
        assert.strictEqual(Sms.septets(char), 2, JSON.stringify(char))
        const alone = Sms.analyze(char)
        assert.strictEqual(alone.encoding, "GSM-7", JSON.stringify(char))
        assert.strictEqual(alone.length, 2, JSON.stringify(char))
        assert.deepStrictEqual(alone.unicodeCharacters, [])
        assert.strictEqual(Sms.analyze(`a${char}b`).length, 4, JSON.stringify(char))
      }
      assert.strictEqual(Sms.analyze("{[€]}").length, 10)
    })

    it("refuses look-alikes and characters outside the tables", () => {
      // ç is not in the table (only Ç is), nor are the ohm sign, the increment sign, the escape itself,
      // the backtick, curly quotes, the non-breaking space and a tab
      for (const char of ["ç", "\u2126", "\u2206", "\u001b", "`", "\u2019", "\u00a0", "\t", "ñ\u0303"]) {
        const analysis = Sms.analyze(char)
        assert.strictEqual(analysis.encoding, "UCS-2", JSON.stringify(char))
      }
      assert.strictEqual(Sms.septets("😀"), 0)
      assert.strictEqual(Sms.septets("ab"), 0)
      assert.isFalse(Sms.isGsm7("Hello `world`"))
      assert.isTrue(Sms.isGsm7("Grüße aus Köln, ¿qué tal? 10€ [ok] {x} ~^| \\ \f"))
    })
  })

  describe("GSM-7 segments", () => {
    const a = (n: number) => "a".repeat(n)

    it("fits 160 septets in one part and 161 in two", () => {
      assert.deepStrictEqual(Sms.analyze(a(160)), {
        encoding: "GSM-7",
        segments: 1,
        length: 160,
        charactersPerSegment: 160,
        remaining: 0,
        unicodeCharacters: []
      })
      assert.deepStrictEqual(Sms.analyze(a(161)), {
        encoding: "GSM-7",
        segments: 2,
        length: 161,
        charactersPerSegment: 153,
        remaining: 145,
        unicodeCharacters: []
      })
      assert.deepStrictEqual(Sms.segments(a(161)), [a(153), a(8)])
    })

    it("fits 306 septets in two parts and 307 in three", () => {
      assert.strictEqual(Sms.analyze(a(306)).segments, 2)
      assert.strictEqual(Sms.analyze(a(306)).remaining, 0)
      assert.strictEqual(Sms.analyze(a(307)).segments, 3)
      assert.deepStrictEqual(Sms.segments(a(307)), [a(153), a(153), a(1)])
      assert.strictEqual(Sms.countSegments(a(459)), 3)
      assert.strictEqual(Sms.countSegments(a(460)), 4)
    })

    it("counts extension characters twice at the single-part boundary", () => {
      assert.strictEqual(Sms.analyze(a(158) + "€").segments, 1)
      assert.strictEqual(Sms.analyze(a(158) + "€").length, 160)
      assert.strictEqual(Sms.analyze(a(159) + "€").segments, 2)
      assert.strictEqual(Sms.analyze(a(159) + "€").length, 161)
      assert.strictEqual(Sms.analyze("€".repeat(80)).segments, 1)
      assert.strictEqual(Sms.analyze("€".repeat(81)).segments, 2)
    })

    it("never splits an extension character's escape pair: a part may hold 152 septets", () => {
      const text = a(152) + "€" + a(10)
      assert.deepStrictEqual(Sms.segments(text), [a(152), "€" + a(10)])
      assert.strictEqual(Sms.analyze(text).segments, 2)
      assert.strictEqual(Sms.analyze(text).length, 164)
      assert.strictEqual(Sms.analyze(text).remaining, 153 - 12)

      // the pair fits exactly in the first part's last two septets
      assert.deepStrictEqual(Sms.segments(a(151) + "€" + a(10)), [a(151) + "€", a(10)])
    })

    it("needs an extra part when escape pairs push the text over 306 septets", () => {
      // 153 pairs: two parts of 76 pairs (152 septets) leave one pair for a third part, though 306 septets
      // would fit two parts if pairs could be split
      const text = "€".repeat(153)
      const analysis = Sms.analyze(text)
      assert.strictEqual(analysis.length, 306)
      assert.strictEqual(analysis.segments, 3)
      assert.deepStrictEqual(Sms.segments(text), ["€".repeat(76), "€".repeat(76), "€"])
    })

    it("treats an empty text as one empty part of 160 septets, as providers bill it", () => {
      assert.deepStrictEqual(Sms.analyze(""), {
        encoding: "GSM-7",
        segments: 1,
        length: 0,
        charactersPerSegment: 160,
        remaining: 160,
        unicodeCharacters: []
      })
      assert.deepStrictEqual(Sms.segments(""), [""])
      assert.strictEqual(Sms.countSegments(""), 1)
      assert.isTrue(Sms.isGsm7(""))
    })
  })

  describe("UCS-2 segments", () => {
    const zh = (n: number) => "ж".repeat(n)

    it("fits 70 code units in one part and 71 in two", () => {
      assert.deepStrictEqual(Sms.analyze(zh(70)), {
        encoding: "UCS-2",
        segments: 1,
        length: 70,
        charactersPerSegment: 70,
        remaining: 0,
        unicodeCharacters: ["ж"]
      })
      const over = Sms.analyze(zh(71))
      assert.strictEqual(over.segments, 2)
      assert.strictEqual(over.charactersPerSegment, 67)
      assert.strictEqual(over.remaining, 63)
      assert.deepStrictEqual(Sms.segments(zh(71)), [zh(67), zh(4)])
    })

    it("fits 134 code units in two parts and 135 in three", () => {
      assert.strictEqual(Sms.analyze(zh(134)).segments, 2)
      assert.strictEqual(Sms.analyze(zh(135)).segments, 3)
      assert.deepStrictEqual(Sms.segments(zh(135)), [zh(67), zh(67), zh(1)])
    })

    it("counts a GSM character in a UCS-2 text as one code unit, extension characters included", () => {
      const text = "€" + zh(69)
      assert.strictEqual(Sms.analyze(text).length, 70)
      assert.strictEqual(Sms.analyze(text).segments, 1)
    })

    it("counts an emoji as a surrogate pair of two code units", () => {
      assert.deepStrictEqual(Sms.analyze("😀"), {
        encoding: "UCS-2",
        segments: 1,
        length: 2,
        charactersPerSegment: 70,
        remaining: 68,
        unicodeCharacters: ["😀"]
      })
      assert.strictEqual(Sms.analyze(zh(68) + "😀").segments, 1)
      assert.strictEqual(Sms.analyze(zh(69) + "😀").segments, 2)
      assert.deepStrictEqual(Sms.segments(zh(69) + "😀"), [zh(67), zh(2) + "😀"])
    })

    it("never splits a surrogate pair: a part may hold 66 code units", () => {
      const text = zh(66) + "😀" + zh(3)
      assert.strictEqual(Sms.analyze(text).length, 71)
      assert.deepStrictEqual(Sms.segments(text), [zh(66), "😀" + zh(3)])
      // the pair fits exactly in the first part's last two code units
      assert.deepStrictEqual(Sms.segments(zh(65) + "😀" + zh(4)), [zh(65) + "😀", zh(4)])
      // 36 emoji are 72 code units; 33 fit a part (66 code units)
      assert.deepStrictEqual(Sms.segments("😀".repeat(36)), ["😀".repeat(33), "😀".repeat(3)])
    })

    it("lists the distinct characters that forced UCS-2 in order of first appearance", () => {
      const analysis = Sms.analyze("ab€ж é😀жx🎉 ç😀")
      assert.strictEqual(analysis.encoding, "UCS-2")
      assert.deepStrictEqual(analysis.unicodeCharacters, ["ж", "😀", "🎉", "ç"])
    })

    it("counts a lone surrogate as one code unit of its own", () => {
      const analysis = Sms.analyze("a\ud83d")
      assert.strictEqual(analysis.encoding, "UCS-2")
      assert.strictEqual(analysis.length, 2)
      assert.deepStrictEqual(analysis.unicodeCharacters, ["\ud83d"])
    })
  })

  describe("properties", () => {
    const gsmChar = fc.constantFrom(...basicTable, ...extensionTable)
    const anyChar = fc.oneof(
      gsmChar,
      fc.constantFrom("😀", "🎉", "ж", "ç", "\ud800", "\udfff", "\u001b"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 })
    )
    // mostly-GSM texts with the odd unicode character, long enough to cross several part boundaries
    const text = fc.oneof(
      fc.string({ unit: gsmChar, maxLength: 500 }),
      fc.string({ unit: fc.oneof({ weight: 10, arbitrary: gsmChar }, { weight: 1, arbitrary: anyChar }), maxLength: 500 }),
      fc.string({ unit: anyChar, maxLength: 300 })
    )

    it.prop("segments join back to the text", [text], ([text]) => {
      assert.strictEqual(Sms.segments(text).join(""), text)
    })

    it.prop("segments count equals analyze().segments and countSegments", [text], ([text]) => {
      const count = Sms.segments(text).length
      assert.strictEqual(count, Sms.analyze(text).segments)
      assert.strictEqual(count, Sms.countSegments(text))
    })

    it.prop("every part is within its limit and filled as far as it can be", [text], ([text]) => {
      const analysis = Sms.analyze(text)
      const parts = Sms.segments(text)
      const unitsOf = analysis.encoding === "GSM-7" ? septetsOf : (s: string) => s.length
      const limit = parts.length === 1
        ? (analysis.encoding === "GSM-7" ? 160 : 70)
        : (analysis.encoding === "GSM-7" ? 153 : 67)
      assert.strictEqual(analysis.charactersPerSegment, limit)
      parts.forEach((part, i) => {
        assert.isAtMost(unitsOf(part), limit)
        if (parts.length > 1) assert.isAbove(part.length, 0)
        const next = parts[i + 1]
        if (next !== undefined) {
          // no surrogate pair is cut
          assert.isFalse(isHighSurrogate(part.charCodeAt(part.length - 1)) && isLowSurrogate(next.charCodeAt(0)))
          // greedy: the next character would not have fitted
          const nextChar = String.fromCodePoint(next.codePointAt(0)!)
          assert.isAbove(unitsOf(part) + unitsOf(nextChar), limit)
        }
      })
      assert.strictEqual(analysis.remaining, limit - unitsOf(parts[parts.length - 1]!))
    })

    it.prop("length is septets for GSM-7 and UTF-16 code units for UCS-2", [text], ([text]) => {
      const analysis = Sms.analyze(text)
      assert.strictEqual(analysis.length, analysis.encoding === "GSM-7" ? septetsOf(text) : text.length)
      assert.strictEqual(analysis.unicodeCharacters.length === 0, analysis.encoding === "GSM-7")
      assert.strictEqual(new Set(analysis.unicodeCharacters).size, analysis.unicodeCharacters.length)
      for (const char of analysis.unicodeCharacters) assert.isFalse(Sms.isGsm7(char))
    })

    it.prop("text from the GSM alphabet is GSM-7", [fc.string({ unit: gsmChar, maxLength: 400 })], ([text]) => {
      assert.isTrue(Sms.isGsm7(text))
      const analysis = Sms.analyze(text)
      assert.strictEqual(analysis.encoding, "GSM-7")
      assert.deepStrictEqual(analysis.unicodeCharacters, [])
      assert.strictEqual(analysis.length, septetsOf(text))
    })

    it.prop("one character outside the alphabet makes any text UCS-2", [
      fc.string({ unit: gsmChar, maxLength: 200 }),
      fc.constantFrom("😀", "ж", "ç", "\u2019", "\u001b"),
      fc.nat(200)
    ], ([text, foreign, at]) => {
      const position = Math.min(at, text.length)
      const mixed = text.slice(0, position) + foreign + text.slice(position)
      const analysis = Sms.analyze(mixed)
      assert.strictEqual(analysis.encoding, "UCS-2")
      assert.strictEqual(analysis.length, mixed.length)
      assert.deepStrictEqual(analysis.unicodeCharacters, [foreign])
    })
  })
})
